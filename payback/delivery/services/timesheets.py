"""Individual placements: hours from the beneficiary's timesheet, credited like a session.

Two ways in, one rule path. The coordinator types in a paper timesheet (the minutes worked and who
signed it). The beneficiary's named contact signs one online: the start, the end and the breaks
(the minutes are what is left), the tasks and a note. A signed timesheet is for a day the person
has a live booking on the placement, and its times may not overlap hours already recorded for the
person that day. Both are credited to the ledger by `ledger_credit_work`, as a session's hours are."""

from dataclasses import dataclass
from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from payback.cases.models import Requirement
from payback.cases.services import ledger_credit_work
from payback.core.formatting import format_minutes
from payback.core.policy import PolicyBook
from payback.core.selectors import policy_book
from payback.projects.models import Project, ProjectType
from payback.staff.models import User

from ..models import Appointment, IndividualPlacementTimesheet
from .common import create_unless_taken, refuse_any

ALREADY_RECORDED = "Hours for this day are already recorded"
MOST_MINUTES = 12 * 60
MOST_TEXT = 2000


@dataclass(frozen=True)
class SignedTimes:
    """A timesheet signed online: the times worked, what was done, and who signed it and when."""

    started_at: time | None
    ended_at: time | None
    break_minutes: int
    tasks: str
    note: str
    signed_by_email: str


# ---------------------------------------------------------------------------------------------
# Pure rules of a signed timesheet's times


def worked_minutes(started_at: time, ended_at: time, break_minutes: int) -> int:
    """The minutes worked from start to end (the same day), less the breaks."""
    span = (ended_at.hour * 60 + ended_at.minute) - (started_at.hour * 60 + started_at.minute)
    return span - break_minutes


def times_overlap(a: tuple[time, time], b: tuple[time, time]) -> bool:
    """Whether two spans of one day share any minute (touching ends do not)."""
    return a[0] < b[1] and b[0] < a[1]


def _clock(value: time) -> str:
    return f"{value:%H:%M}"


def times_errors(signed: SignedTimes) -> dict[str, str]:
    """What is wrong with a signed timesheet's times and words, by field."""
    errors: dict[str, str] = {}
    if signed.started_at is None:
        errors["started_at"] = "Enter the time they started"
    if signed.ended_at is None:
        errors["ended_at"] = "Enter the time they finished"
    if not isinstance(signed.break_minutes, int) or not 0 <= signed.break_minutes <= MOST_MINUTES:
        errors["break_minutes"] = "Enter the minutes of breaks, from 0 to 720"
    if errors or signed.started_at is None or signed.ended_at is None:
        return errors
    if signed.ended_at <= signed.started_at:
        errors["ended_at"] = "The time they finished must be after the time they started"
    elif worked_minutes(signed.started_at, signed.ended_at, signed.break_minutes) < 1:
        errors["break_minutes"] = "The breaks must be shorter than the time from start to finish"
    elif worked_minutes(signed.started_at, signed.ended_at, signed.break_minutes) > MOST_MINUTES:
        errors["ended_at"] = "A day's timesheet can be at most 12 hours, not counting breaks"
    if not signed.tasks.strip():
        errors["tasks"] = "Enter the tasks they did"
    elif len(signed.tasks) > MOST_TEXT:
        errors["tasks"] = "Keep the tasks to 2,000 characters or fewer"
    if len(signed.note) > MOST_TEXT:
        errors["note"] = "Keep the note to 2,000 characters or fewer"
    return errors


# ---------------------------------------------------------------------------------------------
# What the database says


def placement_booking(requirement: Requirement, project: Project, worked_on: date) -> Appointment | None:
    """The person's live booking on the placement that day, if any."""
    return (
        Appointment.objects.filter(
            requirement=requirement, session__project=project, date=worked_on, cancelled_at__isnull=True
        )
        .select_related("session")
        .first()
    )


def _signed_errors(requirement: Requirement, project: Project, worked_on: date, signed: SignedTimes) -> dict[str, str]:
    """A signed timesheet needs a booking that day, not already credited from a register, and times
    that overlap nothing recorded for the person that day."""
    errors = times_errors(signed)
    booking = placement_booking(requirement, project, worked_on)
    if booking is None:
        errors["worked_on"] = f"{requirement.person.first_name} has no placement here on {worked_on:%-d %B %Y}"
    elif booking.credited_entry_id is not None:
        errors["worked_on"] = "The hours for this day are already on the case from the session's register"
    if errors or signed.started_at is None or signed.ended_at is None:
        return errors
    lines = IndividualPlacementTimesheet.objects.filter(requirement__person=requirement.person, worked_on=worked_on)
    if lines.filter(project=project, started_at__isnull=True).exists():
        errors["worked_on"] = ALREADY_RECORDED
    new = (signed.started_at, signed.ended_at)
    timed = lines.filter(started_at__isnull=False, ended_at__isnull=False).values_list("started_at", "ended_at")
    for start, end in timed:
        if start is not None and end is not None and times_overlap(new, (start, end)):
            errors["started_at"] = (
                f"These times overlap hours already recorded for that day, from {_clock(start)} to {_clock(end)}"
            )
            break
    return errors


def _common_errors(project: Project, worked_on: date, minutes: int | None, supervisor: str) -> dict[str, str]:
    """What both ways in check (`minutes` is None where the times say what is wrong instead)."""
    errors: dict[str, str] = {}
    if project.project_type != ProjectType.INDIVIDUAL:
        errors["project"] = "Timesheets are for individual placements"
    if minutes is not None and (not isinstance(minutes, int) or not 1 <= minutes <= MOST_MINUTES):
        errors["minutes"] = "Enter the minutes worked that day, between 1 and 720"
    if worked_on > timezone.localdate():
        errors["worked_on"] = "The day worked must be today or in the past"
    if not supervisor.strip():
        errors["beneficiary_supervisor"] = "Enter the name of the beneficiary's supervisor who signed the timesheet"
    return errors


def _signed_minutes(signed: SignedTimes, errors: dict[str, str]) -> int | None:
    if (
        signed.started_at is None
        or signed.ended_at is None
        or set(errors) & {"started_at", "ended_at", "break_minutes"}
    ):
        return None
    return worked_minutes(signed.started_at, signed.ended_at, signed.break_minutes)


@transaction.atomic
def timesheet_record(
    *,
    actor: User | None,
    project: Project,
    requirement: Requirement,
    worked_on: date,
    minutes: int | None = None,
    beneficiary_supervisor: str,
    signed: SignedTimes | None = None,
    book: PolicyBook | None = None,
) -> IndividualPlacementTimesheet:
    """Hours on an individual placement, credited like a session: typed in by staff (`actor`, with
    `minutes`), or signed online by the beneficiary's contact (`signed`, the minutes from its times;
    `actor` is then empty). Refused, with nothing saved, naming each field at fault."""
    book = book or policy_book()
    if signed is not None:
        # Signed timesheets may share a day when their times do not overlap: one at a time for the person.
        requirement = Requirement.objects.select_for_update().select_related("person").get(pk=requirement.pk)
        errors = _signed_errors(requirement, project, worked_on, signed)
        minutes = _signed_minutes(signed, errors)
    else:
        day = {"requirement": requirement, "project": project, "worked_on": worked_on}
        errors = {"worked_on": ALREADY_RECORDED} if IndividualPlacementTimesheet.objects.filter(**day).exists() else {}
        minutes = minutes if minutes is not None else 0
    refuse_any({**errors, **_common_errors(project, worked_on, minutes, beneficiary_supervisor)})
    assert minutes is not None
    line = _line(actor, project, requirement, worked_on, minutes, beneficiary_supervisor.strip(), signed)
    how = "signed online by" if signed else "supervised by"
    line.credited_entry = ledger_credit_work(
        actor=actor,
        requirement=requirement,
        minutes=minutes,
        occurred_on=worked_on,
        source="individual_placement",
        source_ref=str(line.pk),
        reason=f"{project.name}, {how} {line.beneficiary_supervisor}",
        book=book,
    )
    line.save(update_fields=["credited_entry"])
    return line


def _line(
    actor: User | None,
    project: Project,
    requirement: Requirement,
    worked_on: date,
    minutes: int,
    supervisor: str,
    signed: SignedTimes | None,
) -> IndividualPlacementTimesheet:
    values = {
        "requirement": requirement,
        "project": project,
        "worked_on": worked_on,
        "minutes": minutes,
        "beneficiary_supervisor": supervisor,
        "entered_by": actor,
    }
    if signed is not None:
        values |= {
            "started_at": signed.started_at,
            "ended_at": signed.ended_at,
            "break_minutes": signed.break_minutes,
            "tasks": signed.tasks.strip(),
            "note": signed.note.strip(),
            "signed_by_email": signed.signed_by_email,
            "signed_at": timezone.now(),
        }
    line = create_unless_taken(IndividualPlacementTimesheet, **values)
    if line is None:
        raise ValidationError({"worked_on": ALREADY_RECORDED})
    return line


def timesheet_summary(line: IndividualPlacementTimesheet) -> str:
    """'09:00 to 13:30, 30 minutes of breaks: 4 hours' (or the minutes alone, for one typed in)."""
    if line.started_at is None or line.ended_at is None:
        return format_minutes(line.minutes)
    breaks = f", {format_minutes(line.break_minutes)} of breaks" if line.break_minutes else ""
    return f"{_clock(line.started_at)} to {_clock(line.ended_at)}{breaks}: {format_minutes(line.minutes)}"
