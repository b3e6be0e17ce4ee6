"""The roles of the service (SPEC §2) as groups, and the permissions each one holds.

A role says what someone may do; their scope (PDU, region, national) says what they may see.
"""

from dataclasses import dataclass
from typing import Any

SUPERVISOR = "Supervisor"
PLACEMENT_COORDINATOR = "Placement coordinator"
OPERATIONS_MANAGER = "Operations manager"
PROBATION_PRACTITIONER = "Probation practitioner"
SENIOR_PROBATION_OFFICER = "Senior probation officer"
HEAD_OF_UNPAID_WORK = "Head of unpaid work"
CASE_ADMINISTRATOR = "Case administrator"

VIEW_CASES = "cases.view_requirement"
CREATE_CASES = "cases.add_person"
RECORD_ADJUSTMENTS = "cases.add_ledgerentry"
CORRECT_LEDGER = "cases.correct_ledgerentry"
CHANGE_CASE_STATUS = "cases.change_requirement"
ASSESS = "cases.add_assessment"
COUNTERSIGN = "cases.countersign_assessment"
VIEW_SESSION_NEEDS = "cases.view_session_needs"
VIEW_PROJECTS = "projects.view_project"
MANAGE_PROJECTS = "projects.change_project"
APPROVE_PROJECTS = "projects.approve_projectassessment"
MANAGE_NOMINATIONS = "projects.change_nomination"
PLAN_SESSIONS = "delivery.add_session"
RUN_SESSIONS = "delivery.run_session"
REPORT_INCIDENTS = "delivery.add_incident"
INVESTIGATE_INCIDENTS = "delivery.change_incident"
RAISE_CONCERNS = "delivery.add_riskconcern"
ACKNOWLEDGE_CONCERNS = "delivery.change_riskconcern"
MANAGE_VEHICLES = "delivery.change_vehicle"
ENTER_TIMESHEETS = "delivery.add_individualplacementtimesheet"
DECIDE_FAILURES = "enforcement.decide_failure"
AGREE_DEPARTURE = "enforcement.agree_departure"
OVERSEE_DECISIONS = "enforcement.oversee_decisions"
RECORD_COURT_OUTCOMES = "enforcement.add_courtoutcome"
VIEW_POLICY = "core.view_policyversion"
VIEW_FIGURES = "insight.view_figures"
MANAGE_POLICY = "core.manage_policy"
ASSURE_QUALITY = "quality.assure_quality"
OVERSEE_PRACTICE = "oversight.oversee_practice"
MANAGE_CASELOADS = "staff.manage_caseloads"
SET_DUTY_SENIOR = "notifications.set_duty_senior"

# What a practitioner, and the senior who oversees them, may do with a case.
CASE_WORK = (VIEW_CASES, CREATE_CASES, RECORD_ADJUSTMENTS, CORRECT_LEDGER, CHANGE_CASE_STATUS, ASSESS)


# What a member of staff without a permission is told when the API refuses them (403).
REFUSALS: dict[str, str] = {
    VIEW_CASES: "You do not have permission to view cases",
    CREATE_CASES: "You do not have permission to record people's details",
    RECORD_ADJUSTMENTS: "You do not have permission to record adjustments",
    CORRECT_LEDGER: "You do not have permission to correct the hours ledger",
    ASSESS: "You do not have permission to record inductions and assessments",
    COUNTERSIGN: "You do not have permission to countersign assessments",
    VIEW_PROJECTS: "You do not have permission to view projects",
    MANAGE_PROJECTS: "You do not have permission to change projects and beneficiaries",
    MANAGE_NOMINATIONS: "You do not have permission to handle nominations",
    RUN_SESSIONS: "You do not have permission to run sessions",
    PLAN_SESSIONS: "You do not have permission to plan sessions",
    REPORT_INCIDENTS: "You do not have permission to report incidents",
    RAISE_CONCERNS: "You do not have permission to raise risk concerns",
    ACKNOWLEDGE_CONCERNS: "You do not have permission to acknowledge risk concerns",
    DECIDE_FAILURES: "You do not have permission to decide failures",
    OVERSEE_DECISIONS: "You do not have permission to see everyone's overdue decisions",
    RECORD_COURT_OUTCOMES: "You do not have permission to record court outcomes",
    VIEW_FIGURES: "You do not have permission to see management information",
    MANAGE_CASELOADS: "You do not have permission to reallocate cases",
}


@dataclass(frozen=True)
class Role:
    name: str
    summary: str
    permissions: tuple[str, ...]


ROLES: tuple[Role, ...] = (
    Role(
        SUPERVISOR,
        "Runs sessions: register, risk assessment, tools, incidents",
        (VIEW_SESSION_NEEDS, VIEW_PROJECTS, RUN_SESSIONS, REPORT_INCIDENTS, RAISE_CONCERNS),
    ),
    Role(
        PLACEMENT_COORDINATOR,
        "Projects, nominations and placing people on work",
        (
            VIEW_CASES,
            VIEW_SESSION_NEEDS,
            VIEW_PROJECTS,
            MANAGE_PROJECTS,
            MANAGE_NOMINATIONS,
            PLAN_SESSIONS,
            REPORT_INCIDENTS,
            ENTER_TIMESHEETS,
            VIEW_POLICY,
        ),
    ),
    Role(
        OPERATIONS_MANAGER,
        "Plans and resources sessions; incidents; quality assurance",
        (
            VIEW_CASES,
            VIEW_SESSION_NEEDS,
            VIEW_PROJECTS,
            MANAGE_PROJECTS,
            APPROVE_PROJECTS,
            MANAGE_NOMINATIONS,
            PLAN_SESSIONS,
            RUN_SESSIONS,
            REPORT_INCIDENTS,
            INVESTIGATE_INCIDENTS,
            RAISE_CONCERNS,
            MANAGE_VEHICLES,
            ENTER_TIMESHEETS,
            VIEW_POLICY,
            VIEW_FIGURES,
            ASSURE_QUALITY,
            MANAGE_CASELOADS,
            SET_DUTY_SENIOR,
        ),
    ),
    Role(
        PROBATION_PRACTITIONER,
        "Owns the case: induction, assessment, absences, enforcement",
        (*CASE_WORK, ACKNOWLEDGE_CONCERNS, DECIDE_FAILURES, RECORD_COURT_OUTCOMES, VIEW_POLICY, VIEW_FIGURES),
    ),
    Role(
        SENIOR_PROBATION_OFFICER,
        "Oversees practitioners; countersigns",
        (
            *CASE_WORK,
            COUNTERSIGN,
            ACKNOWLEDGE_CONCERNS,
            DECIDE_FAILURES,
            AGREE_DEPARTURE,
            OVERSEE_DECISIONS,
            RECORD_COURT_OUTCOMES,
            VIEW_POLICY,
            VIEW_FIGURES,
            MANAGE_CASELOADS,
            OVERSEE_PRACTICE,
            SET_DUTY_SENIOR,
        ),
    ),
    Role(
        HEAD_OF_UNPAID_WORK,
        "Performance and policy for a region or the country",
        (VIEW_CASES, VIEW_PROJECTS, VIEW_POLICY, MANAGE_POLICY, VIEW_FIGURES),
    ),
    Role(
        CASE_ADMINISTRATOR,
        "Data entry support for practitioners",
        (VIEW_CASES, CREATE_CASES, RECORD_ADJUSTMENTS),
    ),
)


def sync_roles() -> None:
    """Create each role's group and give it exactly its permissions (safe to run again)."""
    from django.contrib.auth.models import Group, Permission

    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role.name)
        wanted = []
        for dotted in role.permissions:
            app_label, codename = dotted.split(".")
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is not None:
                wanted.append(permission)
        group.permissions.set(wanted)


def sync_roles_after_migrate(**kwargs: Any) -> None:
    sync_roles()
