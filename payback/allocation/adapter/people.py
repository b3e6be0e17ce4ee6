"""The people a week's plan considers: one open requirement each, and each person as the engine
sees them (from their current UPW assessment), with why they cannot be placed where they cannot."""

from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Subquery

from payback.cases.assessment import rules as assessment_rules
from payback.cases.models import (
    Assessment,
    AssessmentStatus,
    CaseStatus,
    Induction,
    InductionOutcome,
    Requirement,
)
from payback.cases.placement_facts import availability_of, group_unsuitable, non_associations_among
from payback.cases.selectors import case_flags, with_balance
from payback.core.policy import PolicyBook
from payback.delivery import rules as delivery_rules
from payback.delivery.models import Appointment
from payback.places.services import Point
from payback.staff.models import Pdu

from ..engine.model import Person
from .places import home_unknown_note, homes_of, urgency_of
from .shapes import Bookings, Span, Week

# Cases the plan considers. Awaiting assessment is included so that the coordinator sees who is
# close to placeable and why not; awaiting induction, paused and closed cases are left out.
CONSIDERED = (
    CaseStatus.AWAITING_ASSESSMENT,
    CaseStatus.AWAITING_PLACEMENT,
    CaseStatus.WORKING,
    CaseStatus.BACKLOG,
    CaseStatus.BREACH_IN_PROGRESS,
)
# Sessions people are placed on: group work and individual placements (not inductions, nor
# placements the person found themselves, nor education and training).
DEFAULT_MAX_TRAVEL_MINUTES = 90


def _read_requirements(pdu: Pdu, *, book: PolicyBook, today: date) -> dict[int, tuple[Any, Any]]:
    """One open requirement for each person still owing hours, the most pressing if they have
    several (earliest completion date), with its flags; by person."""
    attended = Induction.objects.filter(requirement=OuterRef("pk"), outcome=InductionOutcome.ATTENDED)
    last_project = (
        Appointment.objects.filter(person=OuterRef("person"), outcome__in=sorted(delivery_rules.ATTENDED))
        .order_by("-date", "-pk")
        .values("session__project")[:1]
    )
    requirements = list(
        with_balance(
            Requirement.objects.filter(person__pdu=pdu, status__in=CONSIDERED).select_related("person", "order"),
            book=book,
            today=today,
        )
        .annotate(inducted=Exists(attended), last_project=Subquery(last_project))
        .order_by("person_id", "id")
    )
    chosen: dict[int, tuple[Any, Any]] = {}
    for requirement in requirements:
        flags = case_flags(requirement, book=book, today=today)
        if flags.remaining <= 0:
            continue
        current = chosen.get(requirement.person_id)
        key = (flags.completion or date.max, requirement.pk)
        if current is None or key < (current[1].completion or date.max, current[0].pk):
            chosen[requirement.person_id] = (requirement, flags)
    return chosen


def read_people(week: Week, pdu: Pdu, booked: Bookings, *, book: PolicyBook, span: Span) -> dict[int, tuple[Any, Any]]:
    """Each person owing hours in the PDU as the engine sees them (from their current UPW
    assessment), with what the pages show, and why they cannot be placed where they cannot. Returns
    the requirement and flags chosen for each, by person."""
    chosen = _read_requirements(pdu, book=book, today=span.today)
    person_ids = sorted(chosen)
    assessments = {
        a.person_id: a
        for a in Assessment.objects.filter(person_id__in=person_ids, status=AssessmentStatus.CURRENT).prefetch_related(
            "risk_flags"
        )
    }
    countersigning = set(
        Assessment.objects.filter(
            person_id__in=person_ids, status=AssessmentStatus.AWAITING_COUNTERSIGNATURE
        ).values_list("person_id", flat=True)
    )
    enemies = non_associations_among(person_ids)
    homes = homes_of({pid: chosen[pid][0].person.postcode for pid in person_ids})
    for person_id in person_ids:
        requirement, flags = chosen[person_id]
        _read_person(
            week,
            requirement,
            flags,
            assessments.get(person_id),
            awaiting=person_id in countersigning,
            enemies=frozenset(enemies.get(person_id, set())),
            booked=booked,
            span=span,
            home=homes[person_id],
        )
    return chosen


def _read_person(
    week: Week,
    requirement: Any,
    flags: Any,
    assessment: Assessment | None,
    *,
    awaiting: bool,
    enemies: frozenset[int],
    booked: Bookings,
    span: Span,
    home: Point | None,
) -> None:
    person_id, person = requirement.person_id, requirement.person
    backlog = flags.backlog or requirement.status == CaseStatus.BACKLOG
    placeability = assessment_rules.placeability(
        inducted=bool(requirement.inducted),
        has_current_assessment=assessment is not None,
        awaiting_countersignature=awaiting,
        paused=False,
        closed_status=None,
        backlog=backlog,
        remaining_minutes=flags.remaining,
    )
    free_minutes = max(0, flags.still_needed - booked.minutes.get(requirement.pk, 0))
    availability = availability_of(assessment)
    for day in booked.days.get(person_id, set()):
        if span.start <= day <= span.end:
            availability.pop(day.weekday(), None)
    urgency = urgency_of(
        remaining=flags.remaining,
        completion=flags.completion,
        week_start=span.start,
        weekly_minimum=week.instance.weights.weekly_minimum_minutes,
        at_risk=flags.at_risk,
    )
    engine_person = Person(
        id=person_id,
        name=person.full_name,
        female=person.sex == "female",
        remaining_minutes=free_minutes,
        availability=availability,
        home=home,
        max_travel_minutes=(assessment.max_travel_minutes if assessment else None) or DEFAULT_MAX_TRAVEL_MINUTES,
        flags=frozenset(f.code for f in assessment.risk_flags.all()) if assessment else frozenset(),
        preference=(assessment.placement_preference or "") if assessment else "",
        group_unsuitable=group_unsuitable(assessment),
        non_associations=enemies,
        assessed=not _blocked_otherwise(placeability),
        backlog=backlog,
        urgency=urgency,
        at_risk=flags.at_risk,
        last_project=requirement.last_project,
    )
    week.instance.people.append(engine_person)
    if not placeability.placeable:
        week.not_placeable[person_id] = "; ".join(placeability.reasons)
    elif free_minutes <= 0:
        week.not_placeable[person_id] = "Already booked for all the hours they still owe"
    week.people[person_id] = _person_shown(week, requirement, flags, engine_person, booked)
    if home is None and person_id not in week.not_placeable:
        week.notes.append(home_unknown_note(person.full_name, person.postcode))


def _person_shown(week: Week, requirement: Any, flags: Any, engine_person: Person, booked: Bookings) -> dict[str, Any]:
    """What the pages show about a person in the plan."""
    return {
        "name": requirement.person.full_name,
        "crn": requirement.person.crn,
        "requirement": requirement.pk,
        "owed_minutes": flags.remaining,
        "booked_minutes": booked.minutes.get(requirement.pk, 0),
        "urgency": engine_person.urgency,
        "at_risk": flags.at_risk,
        "backlog": engine_person.backlog,
        "completion": flags.completion.isoformat() if flags.completion else None,
        "female": engine_person.female,
        "placeable": engine_person.id not in week.not_placeable,
        "home_known": engine_person.home is not None,
    }


def _blocked_otherwise(placeability: assessment_rules.Placeability) -> bool:
    """Not placeable for a reason other than backlog or hours (which the engine models itself)."""
    return any(not reason.startswith(("In backlog", "No hours remaining")) for reason in placeability.reasons)
