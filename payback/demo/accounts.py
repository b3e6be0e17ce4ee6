"""The demo sign-ins: fixed, memorable usernames that `seed_demo` creates, one per role, and
the password they share."""

from dataclasses import dataclass

from payback.staff import roles
from payback.staff.models import Gender, Scope

# Demo data only: every demo account shares this password. Never used outside demo data.
DEMO_PASSWORD = "payback-demo-2026"  # noqa: S105
SIGN_IN_URL = "http://127.0.0.1:8000/sign-in/"
DEMO_PDU = "NE03"  # Newcastle upon Tyne, North East
DEMO_REGION = "NE"
DEMO_LONDON_PDU = "LON01"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    last_name: str
    role: str
    scope: str
    pdu_code: str | None  # for PDU scope
    region_code: str | None  # for region scope (PDU scope takes the PDU's region)
    gender: str
    job_title: str
    shows: str


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "practitioner",
        "Sarah",
        "Robson",
        roles.PROBATION_PRACTITIONER,
        Scope.PDU,
        DEMO_PDU,
        None,
        Gender.FEMALE,
        "Probation Officer",
        "Owns a caseload of about 60 cases in Newcastle upon Tyne",
    ),
    DemoAccount(
        "spo",
        "David",
        "Armstrong",
        roles.SENIOR_PROBATION_OFFICER,
        Scope.PDU,
        DEMO_PDU,
        None,
        Gender.MALE,
        "Senior Probation Officer",
        "Oversees the practitioners of Newcastle upon Tyne",
    ),
    DemoAccount(
        "coordinator",
        "Gemma",
        "Charlton",
        roles.PLACEMENT_COORDINATOR,
        Scope.PDU,
        DEMO_PDU,
        None,
        Gender.FEMALE,
        "Placement Coordinator",
        "Projects and placements in Newcastle upon Tyne",
    ),
    DemoAccount(
        "supervisor",
        "Lee",
        "Milburn",
        roles.SUPERVISOR,
        Scope.PDU,
        DEMO_PDU,
        None,
        Gender.MALE,
        "Community Payback Supervisor",
        "Runs sessions in Newcastle upon Tyne",
    ),
    DemoAccount(
        "opsmanager",
        "Joanne",
        "Hall",
        roles.OPERATIONS_MANAGER,
        Scope.REGION,
        None,
        DEMO_REGION,
        Gender.FEMALE,
        "Operations Manager",
        "Everything Community Payback in the North East",
    ),
    DemoAccount(
        "head",
        "Michael",
        "Okafor",
        roles.HEAD_OF_UNPAID_WORK,
        Scope.NATIONAL,
        None,
        None,
        Gender.MALE,
        "Head of Unpaid Work",
        "Performance and policy for England and Wales",
    ),
    DemoAccount(
        "admin-officer",
        "Karen",
        "Dodds",
        roles.CASE_ADMINISTRATOR,
        Scope.PDU,
        DEMO_PDU,
        None,
        Gender.FEMALE,
        "Case Administrator",
        "Data entry for the Newcastle upon Tyne team",
    ),
    DemoAccount(
        "practitioner-london",
        "Amara",
        "Mensah",
        roles.PROBATION_PRACTITIONER,
        Scope.PDU,
        DEMO_LONDON_PDU,
        None,
        Gender.FEMALE,
        "Probation Officer",
        "A London caseload: sees none of the North East's cases",
    ),
)
