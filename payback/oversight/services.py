"""Writes for management oversight: each checked, saved in one transaction and audited. A record
once made is kept as it is."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from payback.cases.models import Requirement
from payback.core.services import save_audited
from payback.staff.models import User

from . import selectors
from .models import Absence, AbsenceKind, ReflectiveKind, ReflectivePractice, SupervisionMeeting, TouchPoint

TEXT_LIMIT = 4000
LONGEST_ABSENCE_DAYS = 366


def _check_day(day: date, field: str, errors: dict[str, str], *, not_before: date, what: str) -> None:
    if day > timezone.localdate():
        errors[field] = f"The date of the {what} must be today or in the past"
    elif day < not_before:
        errors[field] = f"The date of the {what} must be on or after {not_before:%-d %B %Y}"


def _check_texts(values: dict[str, str], errors: dict[str, str], *, required: dict[str, str]) -> None:
    for name, text in values.items():
        if name in required and not text:
            errors[name] = required[name]
        elif len(text) > TEXT_LIMIT:
            errors[name] = f"{name.replace('_', ' ').capitalize()} must be {TEXT_LIMIT:,} characters or fewer"


def _check_practitioner(actor: User, practitioner: User, errors: dict[str, str]) -> None:
    if practitioner.pk == actor.pk:
        errors["practitioner"] = "You cannot record oversight of yourself"


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def _joined(member: User) -> date:
    return timezone.localdate(member.date_joined)


@transaction.atomic
def supervision_record(
    *,
    actor: User,
    practitioner: User,
    held_on: date,
    wellbeing_notes: str,
    development_notes: str,
    actions: str = "",
) -> SupervisionMeeting:
    """Record a 1:1 supervision meeting with a practitioner: notes on their wellbeing and their
    development, and any actions agreed."""
    errors: dict[str, str] = {}
    _check_practitioner(actor, practitioner, errors)
    _check_day(held_on, "held_on", errors, not_before=_joined(practitioner), what="meeting")
    texts = {
        "wellbeing_notes": wellbeing_notes.strip(),
        "development_notes": development_notes.strip(),
        "actions": actions.strip(),
    }
    required = {
        "wellbeing_notes": "Enter notes on the practitioner's wellbeing",
        "development_notes": "Enter notes on the practitioner's development",
    }
    _check_texts(texts, errors, required=required)
    _raise(errors)
    meeting = SupervisionMeeting(practitioner=practitioner, senior=actor, held_on=held_on, **texts)
    summary = f"1:1 supervision with {practitioner.get_full_name()} on {held_on:%-d %B %Y}"
    return save_audited(meeting, actor=actor, action="oversight.supervision_recorded", summary=summary)


@transaction.atomic
def reflective_practice_record(
    *, actor: User, practitioner: User, held_on: date, kind: str, requirement: Requirement | None, notes: str
) -> ReflectivePractice:
    """Record a reflective practice supervision session: a live observation, or an in-depth review
    of one of the practitioner's cases (which names the case)."""
    errors: dict[str, str] = {}
    _check_practitioner(actor, practitioner, errors)
    _check_day(held_on, "held_on", errors, not_before=_joined(practitioner), what="session")
    if kind not in ReflectiveKind.values:
        errors["kind"] = "Select the kind of session"
    elif kind == ReflectiveKind.CASE_REVIEW and requirement is None:
        errors["requirement"] = "Select the case reviewed"
    if requirement is not None and requirement.person.practitioner_id != practitioner.pk:
        errors["requirement"] = "Select one of the practitioner's cases"
    notes = notes.strip()
    _check_texts({"notes": notes}, errors, required={"notes": "Enter notes of the session"})
    _raise(errors)
    session = ReflectivePractice(
        practitioner=practitioner, senior=actor, held_on=held_on, kind=kind, requirement=requirement, notes=notes
    )
    summary = f"{session.get_kind_display()} with {practitioner.get_full_name()} on {held_on:%-d %B %Y}"
    return save_audited(session, actor=actor, action="oversight.reflective_practice_recorded", summary=summary)


@transaction.atomic
def touch_point_record(*, actor: User, requirement: Requirement, held_on: date, note: str) -> TouchPoint:
    """Record a touch point: the senior probation officer's oversight discussion of a case."""
    errors: dict[str, str] = {}
    _check_day(held_on, "held_on", errors, not_before=requirement.order.sentence_date, what="touch point")
    note = note.strip()
    _check_texts({"note": note}, errors, required={"note": "Enter a note of the touch point"})
    _raise(errors)
    touch = TouchPoint(requirement=requirement, senior=actor, held_on=held_on, note=note)
    summary = f"Touch point on the case of {requirement.person.full_name} on {held_on:%-d %B %Y}"
    return save_audited(touch, actor=actor, action="oversight.touch_point_recorded", summary=summary)


def _check_absence(
    actor: User, staff: User | None, first_day: date, last_day: date, kind: str, errors: dict[str, str]
) -> None:
    if staff is None or not selectors.staff_absent_for(actor).filter(pk=staff.pk).exists():
        errors["staff"] = "Select yourself or a member of a team you lead"
    if kind not in AbsenceKind.values:
        errors["kind"] = "Select the kind of absence"
    if last_day < first_day:
        errors["last_day"] = "The last day must be the same as or after the first day"
    elif (last_day - first_day).days >= LONGEST_ABSENCE_DAYS:
        errors["last_day"] = f"An absence can be at most {LONGEST_ABSENCE_DAYS} days: record a longer one in parts"


@transaction.atomic
def absence_record(*, actor: User, staff: User | None, first_day: date, last_day: date, kind: str) -> Absence:
    """Record days a member of the actor's team (or the actor) is away. The same absence sent again
    is the one already recorded (nothing doubles); one that overlaps another is refused naming the
    first day."""
    errors: dict[str, str] = {}
    _check_absence(actor, staff, first_day, last_day, kind, errors)
    _raise(errors)
    assert staff is not None
    User.objects.select_for_update().filter(pk=staff.pk).first()  # one absence at a time for a person
    same = Absence.objects.filter(staff=staff, first_day=first_day, last_day=last_day, kind=kind).first()
    if same is not None:
        return same
    overlap = Absence.objects.filter(staff=staff, first_day__lte=last_day, last_day__gte=first_day).first()
    if overlap is not None:
        _raise({"first_day": f"{staff.get_full_name()} is already recorded as away: {_days(overlap)}"})
    absence = Absence(staff=staff, first_day=first_day, last_day=last_day, kind=kind, recorded_by=actor)
    summary = f"{absence.get_kind_display()} for {staff.get_full_name()}: {_days(absence)}"
    return save_audited(absence, actor=actor, action="oversight.absence_recorded", summary=summary)


def _days(absence: Absence) -> str:
    if absence.first_day == absence.last_day:
        return f"{absence.first_day:%-d %B %Y}"
    return f"{absence.first_day:%-d %B %Y} to {absence.last_day:%-d %B %Y}"
