"""Writes for induction, the UPW assessment, the risk picture and non-associations."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from payback.core.formatting import format_minutes
from payback.core.policy import PolicyBook
from payback.core.selectors import policy_book
from payback.core.services import Drafts, SignOff, audit_record, save_audited
from payback.core.signals import placement_facts_changed
from payback.staff.models import User

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
    PlacementType,
    Requirement,
    RiskFlag,
    RoshLevel,
    Sex,
    Transport,
)
from ..selectors import requirement_balance, requirement_is_backlog
from ..services import ledger_credit_work, status_set
from . import rules as arules

A = AssessmentStatus


# ---------------------------------------------------------------------------------------------
# Induction


@transaction.atomic
def induction_book(
    *, actor: User | None, requirement: Requirement, starts_at: datetime, location: str, late_reason: str = ""
) -> Induction:
    """Book the first appointment. A booking after the deadline needs a reason."""
    requirement = Requirement.objects.select_for_update().select_related("order").get(pk=requirement.pk)
    errors: dict[str, str] = {}
    if requirement.status in CLOSED_STATUSES:
        errors["requirement"] = f"The case is {CaseStatus(requirement.status).label.lower()}"
    if requirement.inductions.filter(outcome=InductionOutcome.ATTENDED).exists():
        errors["requirement"] = "The person has already attended their induction"
    if requirement.inductions.filter(outcome="").exists():
        errors["starts_at"] = "An induction is already booked: record its outcome before booking another"
    day = timezone.localtime(starts_at).date() if timezone.is_aware(starts_at) else starts_at.date()
    if day < requirement.order.sentence_date:
        errors["starts_at"] = "The induction must be on or after the date of sentence"
    elif day > requirement.induction_due and not late_reason.strip():
        errors["late_reason"] = (
            f"The induction is due by {requirement.induction_due:%-d %B %Y}: enter why it is booked later"
        )
    if not location.strip():
        errors["location"] = "Enter where the induction will happen"
    if errors:
        raise ValidationError(errors)
    induction = Induction(requirement=requirement, starts_at=starts_at, location=location.strip(), booked_by=actor)
    late = f" (after the deadline: {late_reason.strip()})" if day > requirement.induction_due else ""
    summary = f"Induction booked for {timezone.localtime(starts_at):%-d %B %Y at %H:%M} at {location.strip()}{late}"
    return save_audited(induction, actor=actor, action="induction.booked", summary=summary)


@transaction.atomic
def induction_record_outcome(
    *,
    actor: User | None,
    induction: Induction,
    outcome: str,
    reason: str = "",
    minutes_attended: int | None = None,
    book: PolicyBook | None = None,
) -> Induction:
    """Record what happened at the induction. Attended credits its minutes as work when policy
    says induction counts towards hours, and moves the case on."""
    book = book or policy_book()
    induction = Induction.objects.select_for_update().select_related("requirement").get(pk=induction.pk)
    started = timezone.localtime(induction.starts_at).date()
    _check_outcome(induction, outcome=outcome, reason=reason, minutes_attended=minutes_attended, started=started)
    induction.outcome = outcome
    induction.outcome_reason = reason.strip()
    induction.minutes_attended = minutes_attended if outcome == InductionOutcome.ATTENDED else None
    induction.outcome_recorded_by = actor
    induction.outcome_recorded_at = timezone.now()
    induction.save()
    audit_record(
        actor=actor,
        action="induction.outcome",
        obj=induction,
        summary=f"Induction outcome: {InductionOutcome(outcome).label.lower()}"
        + (f" ({format_minutes(minutes_attended)})" if minutes_attended and outcome == "attended" else "")
        + (f": {reason.strip()}" if reason.strip() else ""),
    )
    if outcome == InductionOutcome.ATTENDED:
        assert minutes_attended is not None
        _after_attended(actor=actor, induction=induction, minutes=minutes_attended, started=started, book=book)
    return induction


def _check_outcome(
    induction: Induction, *, outcome: str, reason: str, minutes_attended: int | None, started: date
) -> None:
    errors: dict[str, str] = {}
    if induction.outcome:
        errors["outcome"] = "The outcome of this induction is already recorded"
    if outcome not in InductionOutcome.values:
        errors["outcome"] = "Select what happened at the induction"
    elif outcome == InductionOutcome.ATTENDED:
        if not isinstance(minutes_attended, int) or not 1 <= minutes_attended <= arules.MAX_INDUCTION_MINUTES:
            errors["minutes_attended"] = "Enter the minutes the induction lasted, between 1 and 480"
    elif outcome == InductionOutcome.ACCEPTABLE_ABSENCE and not reason.strip():
        errors["reason"] = "Enter why the absence is acceptable"
    elif outcome == InductionOutcome.FAILED_TO_ATTEND and not reason.strip():
        errors["reason"] = "Enter what is known about the failure to attend"
    if started > timezone.localdate():
        errors["outcome"] = "The induction has not happened yet"
    if errors:
        raise ValidationError(errors)


def _after_attended(*, actor: User | None, induction: Induction, minutes: int, started: date, book: PolicyBook) -> None:
    """An attended induction counts as work when policy says so, and moves the case on."""
    requirement = induction.requirement
    remaining = requirement_balance(requirement).remaining_minutes
    creditable = remaining > 0 and not requirement_is_backlog(requirement, book=book, on=started, remaining=remaining)
    if creditable and book.value("induction_counts_towards_hours", started):
        ledger_credit_work(
            actor=actor,
            requirement=requirement,
            minutes=minutes,
            occurred_on=started,
            source="induction",
            source_ref=str(induction.pk),
            reason="Induction attended",
            book=book,
        )
        requirement.refresh_from_db()
    if requirement.status == CaseStatus.AWAITING_INDUCTION:
        assessed = Assessment.objects.filter(person_id=requirement.person_id, status=A.CURRENT).exists()
        status_set(
            actor=actor,
            requirement=requirement,
            to_status=CaseStatus.AWAITING_PLACEMENT if assessed else CaseStatus.AWAITING_ASSESSMENT,
            reason="Induction attended",
        )


# ---------------------------------------------------------------------------------------------
# The UPW assessment

EDITABLE_FIELDS = (
    "availability",
    "commitments",
    "health_limitations",
    "disability_adjustments",
    "neurodiversity_adjustments",
    "first_language",
    "interpreter_required",
    "interpreter_language",
    "prayer_times",
    "days_cannot_work",
    "religious_observance_notes",
    "placement_preference",
    "transport",
    "max_travel_minutes",
    "skills",
    "experience",
    "clothing_size",
    "boot_size",
    "group_work_unsuitable",
    "group_work_unsuitable_reason",
    "suitable_placement_types",
    "rosh_level",
    "risk_notes",
    "risk_assessed_on",
)

DRAFTS = Drafts(
    fields=EDITABLE_FIELDS,
    flags="risk_flags",
    open_statuses=(A.DRAFT, A.RETURNED),
    waiting_status=A.AWAITING_COUNTERSIGNATURE,
    waiting="A version is waiting for countersignature: it must be approved or returned first",
    not_an_answer="This is not part of the assessment",
)


def _field_errors(person: Person, values: dict[str, Any]) -> dict[str, str]:
    """Checks that apply whenever a field is saved, page by page."""
    errors: dict[str, str] = {}
    if "availability" in values:
        problems = arules.availability_errors(values["availability"])
        if problems:
            errors["availability"] = problems[0]
    if "commitments" in values:
        problems = arules.commitment_errors(values["commitments"])
        if problems:
            errors["commitments"] = problems[0]
    if "days_cannot_work" in values and any(d not in arules.DAYS for d in values["days_cannot_work"] or []):
        errors["days_cannot_work"] = "Choose days of the week"
    preference = values.get("placement_preference")
    if preference:
        if preference not in PlacementPreference.values:
            errors["placement_preference"] = "Select a placement preference"
        elif person.sex != Sex.FEMALE:
            errors["placement_preference"] = (
                "A placement preference is asked of women only, and this person is not recorded as a woman"
            )
    if values.get("transport") and values["transport"] not in Transport.values:
        errors["transport"] = "Select how the person will travel"
    travel = values.get("max_travel_minutes")
    if travel is not None and (not isinstance(travel, int) or isinstance(travel, bool) or not 0 < travel <= 180):
        errors["max_travel_minutes"] = "Enter the longest journey the person can make, between 1 and 180 minutes"
    types = values.get("suitable_placement_types")
    if types is not None and any(t not in PlacementType.values for t in types):
        errors["suitable_placement_types"] = "Choose placement types from the list"
    if values.get("rosh_level") and values["rosh_level"] not in RoshLevel.values:
        errors["rosh_level"] = "Select the risk of serious harm level"
    assessed_on = values.get("risk_assessed_on")
    if isinstance(assessed_on, date) and assessed_on > timezone.localdate():
        errors["risk_assessed_on"] = "The date the risk was assessed must be today or in the past"
    if values.get("interpreter_required") and not (values.get("interpreter_language") or "").strip():
        errors["interpreter_language"] = "Enter the language the interpreter must speak"
    return errors


def _completeness_errors(assessment: Assessment) -> dict[str, str]:
    """Everything a submitted assessment must have."""
    errors: dict[str, str] = {}
    problems = arules.availability_errors(assessment.availability)
    if problems:
        errors["availability"] = problems[0]
    if assessment.person.sex == Sex.FEMALE and not assessment.placement_preference:
        errors["placement_preference"] = "Select the woman's placement preference"
    if not assessment.transport:
        errors["transport"] = "Select how the person will travel"
    if not assessment.max_travel_minutes:
        errors["max_travel_minutes"] = "Enter the longest journey the person can make"
    if assessment.group_work_unsuitable and not assessment.group_work_unsuitable_reason.strip():
        errors["group_work_unsuitable_reason"] = "Enter why group work is unsuitable"
    if not assessment.suitable_placement_types:
        errors["suitable_placement_types"] = "Select at least one type of placement the person is suitable for"
    elif assessment.group_work_unsuitable and assessment.suitable_placement_types == [PlacementType.GROUP]:
        errors["suitable_placement_types"] = "Group work is unsuitable: select another type of placement"
    if not assessment.rosh_level:
        errors["rosh_level"] = "Select the risk of serious harm level"
    if not assessment.risk_assessed_on:
        errors["risk_assessed_on"] = "Enter the date the risk was assessed"
    return errors


@transaction.atomic
def assessment_start(*, actor: User, person: Person) -> Assessment:
    """Start a new version: a draft carrying over the answers of the latest version."""
    Person.objects.select_for_update().get(pk=person.pk)
    open_draft = DRAFTS.open_draft(person.assessments.all())
    if open_draft is not None:
        return open_draft
    latest = person.assessments.order_by("-version").first()
    draft = Assessment(person=person, version=(latest.version + 1) if latest else 1, author=actor, status=A.DRAFT)
    DRAFTS.carry_over(draft, latest)
    audit_record(
        actor=actor, action="assessment.started", obj=draft, summary=f"UPW assessment version {draft.version} started"
    )
    return draft


@transaction.atomic
def assessment_update(
    *, actor: User, assessment: Assessment, values: dict[str, Any], risk_flags: list[RiskFlag] | None = None
) -> Assessment:
    """Save answers to a draft (one page of the question flow). Nothing is saved if any is wrong."""
    assessment = Assessment.objects.select_for_update().select_related("person").get(pk=assessment.pk)
    DRAFTS.check_answers(assessment, values, not_open="A submitted assessment cannot be changed: start a new version")
    errors = _field_errors(assessment.person, values)
    if errors:
        raise ValidationError(errors)
    DRAFTS.save_answers(assessment, _tidied(assessment, values), flags=risk_flags, exclude=["author", "person"])
    return assessment


def _tidied(assessment: Assessment, values: dict[str, Any]) -> dict[str, Any]:
    """The answers, with the interpreter's language and the reason group work is unsuitable
    cleared once they no longer apply."""
    tidied = dict(values)
    if not values.get("interpreter_required", assessment.interpreter_required):
        tidied["interpreter_language"] = ""
    if not values.get("group_work_unsuitable", assessment.group_work_unsuitable):
        tidied["group_work_unsuitable_reason"] = ""
    return tidied


@transaction.atomic
def assessment_submit(*, actor: User, assessment: Assessment) -> Assessment:
    """Submit a draft. Low and medium risk become current at once; high and very high wait for a
    senior probation officer's countersignature."""
    assessment = Assessment.objects.select_for_update().select_related("person").get(pk=assessment.pk)
    DRAFTS.require_open(assessment, "This assessment has already been submitted")
    errors = _completeness_errors(assessment)
    if errors:
        raise ValidationError(errors)
    # Whoever submits answers for the version: they can never also countersign it.
    assessment.author = actor
    assessment.submitted_at = timezone.now()
    if arules.needs_countersignature(assessment.rosh_level):
        assessment.status = A.AWAITING_COUNTERSIGNATURE
        assessment.save()
        audit_record(
            actor=actor,
            action="assessment.submitted",
            obj=assessment,
            summary=f"UPW assessment version {assessment.version} submitted for countersignature "
            f"({RoshLevel(assessment.rosh_level).label.lower()} risk of serious harm)",
        )
        return assessment
    summary = f"UPW assessment version {assessment.version} completed"
    audit_record(actor=actor, action="assessment.submitted", obj=assessment, summary=summary)
    return _make_current(actor=actor, assessment=assessment)


def _make_current(*, actor: User, assessment: Assessment) -> Assessment:
    previous = Assessment.objects.filter(person_id=assessment.person_id, status=A.CURRENT).exclude(pk=assessment.pk)
    for old in previous:
        old.status = A.SUPERSEDED
        old.save(update_fields=["status"])
    assessment.status = A.CURRENT
    assessment.save()
    placement_facts_changed.send(sender=Assessment, person_ids=[assessment.person_id], project_ids=[])
    for requirement in Requirement.objects.filter(
        person_id=assessment.person_id, status=CaseStatus.AWAITING_ASSESSMENT
    ):
        status_set(
            actor=actor, requirement=requirement, to_status=CaseStatus.AWAITING_PLACEMENT, reason="Assessment completed"
        )
    return assessment


COUNTERSIGNATURE = SignOff(
    permission="cases.countersign_assessment",
    not_permitted="Only a senior probation officer can countersign an assessment",
    own_work="You wrote this assessment: another senior probation officer must countersign it",
    not_waiting="This assessment is not waiting for countersignature",
    comment_needed="Enter what needs to change before it can be countersigned",
)


@transaction.atomic
def assessment_countersign(*, actor: User, assessment: Assessment, approve: bool, comment: str = "") -> Assessment:
    """A senior probation officer approves a high-risk assessment, or returns it with a comment."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    COUNTERSIGNATURE.check(
        actor=actor,
        author_id=assessment.author_id,
        waiting=assessment.status == A.AWAITING_COUNTERSIGNATURE,
        approve=approve,
        comment=comment,
    )
    assessment.review_comment = comment.strip()
    if approve:
        assessment.countersigned_by = actor
        assessment.countersigned_at = timezone.now()
        assessment.save()
        summary = f"UPW assessment version {assessment.version} countersigned"
        audit_record(actor=actor, action="assessment.countersigned", obj=assessment, summary=summary)
        return _make_current(actor=actor, assessment=assessment)
    assessment.status = A.RETURNED
    assessment.save()
    summary = f"UPW assessment version {assessment.version} returned: {comment.strip()}"
    audit_record(actor=actor, action="assessment.returned", obj=assessment, summary=summary)
    return assessment


# ---------------------------------------------------------------------------------------------
# Non-associations


@transaction.atomic
def non_association_add(*, actor: User, person: Person, other: Person, reason: str) -> NonAssociation:
    """Two people who must never be placed together: recorded once, true both ways."""
    errors: dict[str, str] = {}
    if person.pk == other.pk:
        errors["other"] = "A person cannot be a non-association of themselves"
    elif NonAssociation.objects.filter(
        person_id=min(person.pk, other.pk), other_id=max(person.pk, other.pk), ended_at__isnull=True
    ).exists():
        errors["other"] = f"{other.full_name} is already recorded as a non-association"
    if not reason.strip():
        errors["reason"] = "Enter why they must not be placed together"
    if errors:
        raise ValidationError(errors)
    first, second = (person, other) if person.pk < other.pk else (other, person)
    record = NonAssociation.objects.create(person=first, other=second, reason=reason.strip(), recorded_by=actor)
    placement_facts_changed.send(sender=NonAssociation, person_ids=[first.pk, second.pk], project_ids=[])
    for who, whom in ((person, other), (other, person)):
        audit_record(
            actor=actor,
            action="non_association.added",
            obj=record,
            summary=f"Must not be placed with {whom.full_name} ({whom.crn})",
            subject=f"person:{who.pk}",
        )
    return record
