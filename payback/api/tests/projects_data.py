"""Records and checks shared by the tests of the projects, beneficiaries and nominations API."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core import mail

from payback.cases.models import RiskFlag
from payback.core.models import AuditEvent
from payback.projects import services
from payback.projects.models import Beneficiary, Nomination, Project, ProjectAssessment
from payback.staff.models import Pdu, User

from .client import Response

BENEFICIARY: dict[str, Any] = {
    "name": "St Mary's Church",
    "kind": "charity",
    "address": "Church Lane, Durham",
    "postcode": "dh1 3aa",
    "contact_name": "Rev. Ann Smith",
    "contact_email": "ann@example.org",
    "contact_phone": "01632 960 001",
    "mou_signed_on": "2026-01-05",
}


def nominate(pdu: Pdu, **overrides: Any) -> Nomination:
    fields: dict[str, Any] = {
        "nominator_name": "Jo Bloggs",
        "nominator_email": "jo@example.org",
        "nominator_phone": "",
        "organisation": "",
        "on_behalf_of_group": False,
        "work_description": "Clear the churchyard paths",
        "location": "St Mary's churchyard",
        "postcode": "DH1 3AA",
        "who_benefits": "The parish",
        "heard_about": "word_of_mouth",
        "pdu": pdu,
    }
    fields.update(overrides)
    nomination, _ = services.nomination_submit(**fields)
    return nomination


def approve_assessment(project: Project, coordinator: User, manager: User) -> ProjectAssessment:
    assessment = services.project_assessment_start(actor=coordinator, project=project)
    services.project_assessment_update(
        actor=coordinator,
        assessment=assessment,
        values={
            "hazards": "Uneven ground",
            "controls": "Toolbox talk",
            "welfare_toilets": True,
            "welfare_drinking_water": True,
            "all_weather": True,
            "max_people": 4,
            "women_only": True,
            "replaces_paid_work": False,
            "makes_profit": False,
            "involves_personal_care": False,
            "supervises_children_or_vulnerable_adults": False,
        },
        excluded_flags=list(RiskFlag.objects.filter(code__in=["not-near-children", "arson"])),
    )
    services.project_assessment_recommend(actor=coordinator, assessment=assessment, recommendation="Good value")
    return services.project_assessment_decide(actor=manager, assessment=assessment, approve=True)


def counts() -> list[int]:
    # Making a client's token is audited too: only the projects' records count here.
    events = AuditEvent.objects.exclude(action__startswith="staff.")
    return [Beneficiary.objects.count(), Project.objects.count(), events.count(), len(mail.outbox)]


@contextmanager
def nothing_saved() -> Iterator[None]:
    before = counts()
    yield
    assert counts() == before


def fields(response: Response) -> list[str | None]:
    return [error["field"] for error in response.json()["errors"]]
