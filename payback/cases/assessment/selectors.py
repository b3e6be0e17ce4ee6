"""Reads for induction, assessment, placeability and the countersign queue (always scoped)."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet

from payback.core.policy import PolicyBook
from payback.core.selectors import found_or_404
from payback.staff.models import User
from payback.staff.selectors import in_area

from ..models import (
    CLOSED_STATUSES,
    Assessment,
    AssessmentStatus,
    CaseStatus,
    Induction,
    InductionOutcome,
    NonAssociation,
    Person,
    PlacementPreference,
    Requirement,
)
from ..selectors import requirement_balance, requirement_is_backlog
from . import rules as arules

A = AssessmentStatus


def assessments_for(user: User) -> QuerySet[Assessment]:
    """Every version of every assessment of the people in the user's area."""
    return in_area(Assessment, user, "person__pdu")


def current_assessment(person: Person) -> Assessment | None:
    return person.assessments.filter(status=A.CURRENT).prefetch_related("risk_flags").first()


def open_assessment(person: Person) -> Assessment | None:
    """The version being written, returned or waiting for countersignature, if any."""
    return (
        person.assessments.filter(status__in=[A.DRAFT, A.RETURNED, A.AWAITING_COUNTERSIGNATURE])
        .prefetch_related("risk_flags")
        .first()
    )


def assessment_get(user: User, pk: int) -> Assessment:
    found = assessments_for(user).select_related("person", "author", "countersigned_by")
    return found_or_404(found.prefetch_related("risk_flags"), "assessment", pk=pk)


def assessment_versions(person: Person) -> QuerySet[Assessment]:
    return person.assessments.select_related("author", "countersigned_by").order_by("-version")


def inductions_for(requirement: Requirement) -> QuerySet[Induction]:
    return requirement.inductions.select_related("booked_by", "outcome_recorded_by").order_by("starts_at", "id")


def is_inducted(requirement: Requirement) -> bool:
    return requirement.inductions.filter(outcome=InductionOutcome.ATTENDED).exists()


def non_associations_of(person: Person) -> list[tuple[Person, NonAssociation]]:
    """Everyone the person must not be placed with, whichever side it was recorded from."""
    records = NonAssociation.objects.filter(ended_at__isnull=True).select_related("person", "other")
    found = []
    for record in records.filter(person=person):
        found.append((record.other, record))
    for record in records.filter(other=person):
        found.append((record.person, record))
    return sorted(found, key=lambda pair: pair[0].last_name)


def requirement_placeability(requirement: Requirement, *, book: PolicyBook, today: date) -> arules.Placeability:
    """Whether the person can be placed on work now, or why not."""
    remaining = requirement_balance(requirement).remaining_minutes
    person_assessments = set(requirement.person.assessments.values_list("status", flat=True))
    closed = CaseStatus(requirement.status).label.lower() if requirement.status in CLOSED_STATUSES else None
    return arules.placeability(
        inducted=is_inducted(requirement),
        has_current_assessment=A.CURRENT in person_assessments,
        awaiting_countersignature=A.AWAITING_COUNTERSIGNATURE in person_assessments,
        paused=requirement.status == CaseStatus.PAUSED,
        closed_status=closed,
        backlog=requirement_is_backlog(requirement, book=book, on=today, remaining=remaining),
        remaining_minutes=remaining,
    )


def countersign_queue(user: User) -> QuerySet[Assessment]:
    """Assessments in the user's area waiting for a countersignature they are allowed to give."""
    waiting = assessments_for(user).filter(status=A.AWAITING_COUNTERSIGNATURE).exclude(author=user)
    return waiting.select_related("person", "author").order_by("submitted_at")


@dataclass(frozen=True)
class SessionNeeds:
    """Only what a supervisor needs on site: never the full assessment."""

    name: str
    crn: str
    adjustments: list[str] = field(default_factory=list)
    placement_preference: str = ""
    prayer_times: str = ""
    days_cannot_work: list[str] = field(default_factory=list)
    interpreter: str = ""
    flags: list[str] = field(default_factory=list)
    assessed: bool = False


def session_needs(person: Person) -> SessionNeeds:
    assessment = current_assessment(person)
    if assessment is None:
        return SessionNeeds(name=person.full_name, crn=person.crn)
    adjustments = [
        text
        for text in (
            assessment.health_limitations,
            assessment.disability_adjustments,
            assessment.neurodiversity_adjustments,
        )
        if text.strip()
    ]
    return SessionNeeds(
        name=person.full_name,
        crn=person.crn,
        adjustments=adjustments,
        placement_preference=PlacementPreference(assessment.placement_preference).label
        if assessment.placement_preference
        else "",
        prayer_times=assessment.prayer_times,
        days_cannot_work=[arules.DAY_NAMES[d] for d in assessment.days_cannot_work],
        interpreter=f"Interpreter needed ({assessment.interpreter_language})"
        if assessment.interpreter_required
        else "",
        flags=[flag.label for flag in assessment.risk_flags.all() if flag.shown_to_supervisors],
        assessed=True,
    )
