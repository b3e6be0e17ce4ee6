"""Every write about sessions and the supervisor's day. Each service runs in one transaction and
writes an audit event; credits go to the case ledger in the same transaction as the register."""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from payback.cases.assessment.selectors import non_associations_of, requirement_placeability
from payback.cases.models import CLOSED_STATUSES, CaseStatus, Person, Requirement
from payback.cases.selectors import requirement_balance, requirement_is_backlog
from payback.cases.services import ledger_correct, ledger_credit_work, ledger_credit_work_noted
from payback.core.policy import PolicyBook
from payback.core.selectors import policy_book
from payback.core.services import audit_record
from payback.core.workingdays import add_working_days
from payback.projects.models import Project, ProjectStatus, ProjectType
from payback.projects.selectors import project_placement_conflicts
from payback.projects.services import project_flag_review
from payback.staff.models import User

from . import rules, timing
from .models import (
    Appointment,
    ConcernCategory,
    DriverAuthorisation,
    IdempotentRequest,
    Incident,
    IncidentStatus,
    IndividualPlacementTimesheet,
    Outcome,
    Rating,
    RiskConcern,
    Session,
    SessionSeries,
    SessionStatus,
    StandDownReason,
    SupervisorAbsence,
    ToolCount,
    Vehicle,
    VehicleCheck,
)
from .stand_down_credits import stand_down_credit_post

INCIDENT_PAPERWORK_HOURS = 24


class RegisterConflict(Exception):
    """Someone else changed the register since this copy was read."""

    def __init__(self, current_version: int) -> None:
        super().__init__(f"The register has changed since you opened it (now version {current_version})")
        self.current_version = current_version


def _subject(session: Session) -> str:
    return f"session:{session.pk}"


def _person_subject(person_id: int) -> str:
    return f"person:{person_id}"


# ---------------------------------------------------------------------------------------------
# Planning sessions


def _check_supervisor_and_vehicle(
    *,
    session_date: date,
    supervisor: User | None,
    vehicle: Vehicle | None,
    capacity: int,
    errors: dict[str, str],
    exclude_session: int | None = None,
) -> None:
    if supervisor is not None:
        if SupervisorAbsence.objects.filter(
            supervisor=supervisor, starts_on__lte=session_date, ends_on__gte=session_date
        ).exists():
            errors["supervisor"] = f"{supervisor} is recorded as absent on {session_date:%-d %B %Y}"
        elif (
            Session.objects.filter(supervisor=supervisor, date=session_date)
            .exclude(status=SessionStatus.STOOD_DOWN)
            .exclude(pk=exclude_session or 0)
            .exists()
        ):
            errors["supervisor"] = f"{supervisor} already supervises a session on {session_date:%-d %B %Y}"
    if vehicle is not None:
        if vehicle.off_road:
            errors["vehicle"] = f"{vehicle.registration} is off the road: {vehicle.off_road_reason or 'a defect'}"
        elif vehicle.seats < capacity + 1:
            errors["vehicle"] = (
                f"{vehicle.registration} has {vehicle.seats} seats: not enough for the group and supervisor"
            )
        elif supervisor is not None and not driver_is_authorised(supervisor, on=session_date):
            errors["vehicle"] = f"{supervisor} is not an authorised driver with a checked licence"


def driver_is_authorised(user: User, *, on: date) -> bool:
    return DriverAuthorisation.objects.filter(driver=user, revoked_at__isnull=True, valid_until__gte=on).exists()


@transaction.atomic
def session_create(
    *,
    actor: User,
    project: Project,
    session_date: date,
    start_time: time,
    end_time: time,
    capacity: int,
    supervisor: User | None = None,
    vehicle: Vehicle | None = None,
    pick_up_point: str = "",
    pick_up_time: time | None = None,
    series: SessionSeries | None = None,
) -> Session:
    errors: dict[str, str] = {}
    if project.status != ProjectStatus.ACTIVE:
        errors["project"] = f"Sessions can be planned only on active projects: {project.name} is {project.status}"
    if end_time <= start_time:
        errors["end_time"] = "The finish time must be after the start time"
    if not isinstance(capacity, int) or capacity < 1:
        errors["capacity"] = "Enter how many people the session can take, 1 or more"
    elif capacity > project.capacity:
        errors["capacity"] = f"The project can take at most {project.capacity} people"
    if session_date < timezone.localdate():
        errors["session_date"] = "A session cannot be planned in the past"
    if pick_up_time is not None and pick_up_time > start_time:
        errors["pick_up_time"] = "The pick-up must be before the session starts"
    if "capacity" not in errors:
        _check_supervisor_and_vehicle(
            session_date=session_date, supervisor=supervisor, vehicle=vehicle, capacity=capacity, errors=errors
        )
    if errors:
        raise ValidationError(errors)
    session = Session(
        project=project,
        series=series,
        date=session_date,
        start_time=start_time,
        end_time=end_time,
        capacity=capacity,
        supervisor=supervisor,
        needs_cover=supervisor is None,
        vehicle=vehicle,
        pick_up_point=pick_up_point.strip(),
        pick_up_time=pick_up_time,
    )
    # No go / no-go decision yet: it is made on the day, with the dynamic risk assessment.
    session.full_clean()
    session.save()
    audit_record(
        actor=actor,
        action="session.created",
        obj=session,
        summary=f"Session planned: {project.name} on {session_date:%-d %B %Y}, {start_time:%H:%M}–{end_time:%H:%M}",
        subject=_subject(session),
    )
    return session


@transaction.atomic
def session_series_create(
    *,
    actor: User,
    project: Project,
    weekday: int,
    start_time: time,
    end_time: time,
    capacity: int,
    starts_on: date,
    weeks_ahead: int = 8,
    supervisor: User | None = None,
    vehicle: Vehicle | None = None,
    pick_up_point: str = "",
    pick_up_time: time | None = None,
) -> tuple[SessionSeries, list[Session], list[str]]:
    """A weekly session, generated some weeks ahead. Weeks that cannot be planned (the supervisor
    is away, say) are listed, not silently skipped."""
    if not 0 <= weekday <= 6:
        raise ValidationError({"weekday": "Choose a day of the week"})
    if not 1 <= weeks_ahead <= 26:
        raise ValidationError({"weeks_ahead": "Generate between 1 and 26 weeks ahead"})
    series = SessionSeries.objects.create(
        project=project,
        weekday=weekday,
        start_time=start_time,
        end_time=end_time,
        supervisor=supervisor,
        capacity=capacity,
        vehicle=vehicle,
        pick_up_point=pick_up_point,
        pick_up_time=pick_up_time,
        starts_on=starts_on,
        created_by=actor,
    )
    first = starts_on + timedelta(days=(weekday - starts_on.weekday()) % 7)
    created, skipped = [], []
    for week in range(weeks_ahead):
        day = first + timedelta(weeks=week)
        try:
            with transaction.atomic():
                created.append(
                    session_create(
                        actor=actor,
                        project=project,
                        session_date=day,
                        start_time=start_time,
                        end_time=end_time,
                        capacity=capacity,
                        supervisor=supervisor,
                        vehicle=vehicle,
                        pick_up_point=pick_up_point,
                        pick_up_time=pick_up_time,
                        series=series,
                    )
                )
        except ValidationError as error:
            skipped.append(f"{day:%-d %B %Y}: {' '.join(error.messages)}")
    if not created:
        raise ValidationError({"starts_on": "No session could be planned: " + "; ".join(skipped)})
    return series, created, skipped


@transaction.atomic
def supervisor_absence_record(
    *, actor: User, supervisor: User, starts_on: date, ends_on: date, reason: str
) -> tuple[SupervisorAbsence, list[Session]]:
    """Record a supervisor's absence. Their sessions in that time need cover: they are flagged to be
    reassigned, never cancelled."""
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The last day must be on or after the first day"})
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for the absence"})
    absence = SupervisorAbsence.objects.create(
        supervisor=supervisor, starts_on=starts_on, ends_on=ends_on, reason=reason.strip(), recorded_by=actor
    )
    affected = list(
        Session.objects.select_for_update().filter(
            supervisor=supervisor, date__range=(starts_on, ends_on), status=SessionStatus.PLANNED
        )
    )
    for session in affected:
        session.needs_cover = True
        session.save(update_fields=["needs_cover"])
        audit_record(
            actor=actor,
            action="session.needs_cover",
            obj=session,
            summary=f"Needs cover: {supervisor} is absent ({reason.strip()})",
            subject=_subject(session),
        )
    return absence, affected


@transaction.atomic
def session_assign_supervisor(*, actor: User, session: Session, supervisor: User) -> Session:
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.status != SessionStatus.PLANNED:
        raise ValidationError({"session": "Only a planned session can be given another supervisor"})
    errors: dict[str, str] = {}
    _check_supervisor_and_vehicle(
        session_date=session.date,
        supervisor=supervisor,
        vehicle=session.vehicle,
        capacity=session.capacity,
        errors=errors,
        exclude_session=session.pk,
    )
    if errors:
        raise ValidationError(errors)
    before = session.supervisor
    session.supervisor = supervisor
    session.needs_cover = False
    session.save(update_fields=["supervisor", "needs_cover"])
    audit_record(
        actor=actor,
        action="session.supervisor",
        obj=session,
        summary=f"Supervisor changed from {before or 'nobody'} to {supervisor}",
        subject=_subject(session),
    )
    return session


# ---------------------------------------------------------------------------------------------
# Booking


def _booked_minutes_ahead(requirement: Requirement, *, from_date: date) -> int:
    return sum(
        rules.session_minutes(start, end)
        for start, end in Appointment.objects.filter(
            requirement=requirement, cancelled_at__isnull=True, outcome="", date__gte=from_date
        ).values_list("session__start_time", "session__end_time")
    )


def appointment_check(session: Session, requirement: Requirement, *, book: PolicyBook) -> list[str]:
    """Every reason the person cannot be booked into the session (empty if they can)."""
    reasons: list[str] = []
    today = timezone.localdate()
    if session.status != SessionStatus.PLANNED:
        reasons.append(f"The session is {session.get_status_display().lower()}")
    if session.date < today:
        reasons.append("The session is in the past")
    placeability = requirement_placeability(requirement, book=book, today=today)
    reasons.extend(placeability.reasons)
    if Appointment.objects.filter(
        person_id=requirement.person_id, date=session.date, cancelled_at__isnull=True
    ).exists():
        reasons.append(f"Already booked on another session on {session.date:%-d %B %Y}: one session a day")
    booked = Appointment.objects.filter(session=session, cancelled_at__isnull=True)
    if booked.count() >= session.capacity:
        places = "place" if session.capacity == 1 else "places"
        reasons.append(f"The session is full ({session.capacity} {places})")
    remaining = requirement_balance(requirement).remaining_minutes
    if remaining > 0 and _booked_minutes_ahead(requirement, from_date=today) >= remaining:
        reasons.append("Already booked for all the hours the person still owes")
    person = requirement.person
    assessment = person.assessments.filter(status="current").prefetch_related("risk_flags").first()
    flags = [f.code for f in assessment.risk_flags.all()] if assessment else []
    reasons.extend(
        project_placement_conflicts(session.project, person_flag_codes=flags, person_is_woman=person.sex == "female")
    )
    enemies = {other.pk for other, _ in non_associations_of(person)}
    if enemies and booked.filter(person_id__in=enemies).exists():
        reasons.append("A person they must not be placed with is already booked on this session")
    return reasons


@transaction.atomic
def appointment_book(
    *, actor: User, session: Session, requirement: Requirement, book: PolicyBook | None = None
) -> Appointment:
    """Book a placeable person into a session: one a day, within capacity, never beyond what
    they owe, and never with someone they must not be placed with."""
    book = book or policy_book()
    session = Session.objects.select_for_update().select_related("project").get(pk=session.pk)
    requirement = Requirement.objects.select_for_update().select_related("person", "order").get(pk=requirement.pk)
    reasons = appointment_check(session, requirement, book=book)
    if reasons:
        raise ValidationError({"requirement": "; ".join(reasons)})
    appointment = Appointment.objects.create(
        session=session, requirement=requirement, person=requirement.person, date=session.date, booked_by=actor
    )
    Session.objects.filter(pk=session.pk).update(register_version=session.register_version + 1)
    audit_record(
        actor=actor,
        action="appointment.booked",
        obj=appointment,
        summary=f"Booked on {session.project.name} on {session.date:%-d %B %Y}",
        subject=_person_subject(requirement.person_id),
    )
    return appointment


@transaction.atomic
def appointment_cancel(*, actor: User, appointment: Appointment, reason: str) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.outcome:
        raise ValidationError({"appointment": "An outcome is recorded: correct the outcome instead"})
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the appointment is cancelled"})
    appointment.cancelled_at = timezone.now()
    appointment.note = reason.strip()
    appointment.save(update_fields=["cancelled_at", "note"])
    audit_record(
        actor=actor,
        action="appointment.cancelled",
        obj=appointment,
        summary=f"Appointment on {appointment.date:%-d %B %Y} cancelled: {reason.strip()}",
        subject=_person_subject(appointment.person_id),
    )
    return appointment


# ---------------------------------------------------------------------------------------------
# Before work


@transaction.atomic
def session_record_checks(
    *,
    actor: User,
    session: Session,
    toolbox_talk_given: bool,
    site_induction_given: bool,
    hazards_seen: str,
    controls: str,
    go: bool,
    tools_out: dict[str, int],
) -> Session:
    """The toolbox talk and site induction, the dynamic risk assessment, and tools counted out:
    on the session's day only (UK time)."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    errors: dict[str, str] = {}
    if session.status != SessionStatus.PLANNED:
        errors["session"] = f"The session is {session.get_status_display().lower()}"
    elif too_soon := timing.checks_refusal(session_date=session.date, today=timing.london_now().day):
        errors["session"] = too_soon
    if not toolbox_talk_given:
        errors["toolbox_talk_given"] = "Give the toolbox talk before work starts"
    if hazards_seen.strip() and not controls.strip():
        errors["controls"] = "Describe how the hazards seen are controlled"
    for tool, count in tools_out.items():
        if not tool.strip() or not isinstance(count, int) or count < 0 or count > 500:
            errors["tools_out"] = f"Enter a count between 0 and 500 for {tool or 'each tool'}"
    if errors:
        raise ValidationError(errors)
    session.toolbox_talk_given = toolbox_talk_given
    session.site_induction_given = site_induction_given
    session.hazards_seen = hazards_seen.strip()
    session.controls = controls.strip()
    session.go_decision = go
    session.checks_recorded_at = timezone.now()
    session.save()
    for tool, count in tools_out.items():
        ToolCount.objects.update_or_create(session=session, tool=tool.strip(), defaults={"counted_out": count})
    audit_record(
        actor=actor,
        action="session.checks",
        obj=session,
        summary=f"Toolbox talk given; dynamic risk assessment: {'go' if go else 'no go'}; "
        f"{sum(tools_out.values())} tools counted out",
        subject=_subject(session),
    )
    return session


# ---------------------------------------------------------------------------------------------
# The register


@dataclass
class RegisterLine:
    appointment_id: int
    outcome: str
    arrived_at: time | None = None
    left_at: time | None = None
    penalty_minutes: int = 0
    absence_reason: str = ""
    work_quality: str = ""
    behaviour: str = ""
    note: str = ""


@dataclass
class RegisterResult:
    session_id: int
    version: int
    closed: bool
    lines: list[dict[str, Any]] = field(default_factory=list)
    replayed: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"session_id": self.session_id, "version": self.version, "closed": self.closed, "lines": self.lines}


def _request_hash(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _line_errors(index: int, line: RegisterLine, session: Session, booked: dict[int, Appointment]) -> dict[str, str]:
    prefix = f"lines.{index}."
    errors: dict[str, str] = {}
    if line.appointment_id not in booked:
        errors[prefix + "appointment_id"] = "This person is not booked on this session"
        return errors
    if line.outcome not in Outcome.values:
        errors[prefix + "outcome"] = "Select an outcome"
        return errors
    for name, value in (("work_quality", line.work_quality), ("behaviour", line.behaviour)):
        if value and value not in Rating.values:
            errors[prefix + name] = "Choose a rating from excellent to poor"
    facts = rules.OutcomeFacts(
        outcome=line.outcome,
        session_start=session.start_time,
        session_end=session.end_time,
        arrived_at=line.arrived_at,
        left_at=line.left_at,
        penalty_minutes=line.penalty_minutes,
        absence_reason=line.absence_reason,
    )
    errors.update({prefix + k: v for k, v in rules.outcome_errors(facts).items()})
    if len(line.note) > 1000:
        errors[prefix + "note"] = "The note must be 1,000 characters or fewer"
    return errors


def _credit(*, actor: User, appointment: Appointment, session: Session, book: PolicyBook) -> tuple[int, str]:
    """Post the credit for one attended outcome. Returns (minutes credited, why not all)."""
    facts = rules.OutcomeFacts(
        outcome=appointment.outcome,
        session_start=session.start_time,
        session_end=session.end_time,
        arrived_at=appointment.arrived_at,
        left_at=appointment.left_at,
        penalty_minutes=appointment.penalty_minutes,
    )
    minutes = rules.credit_minutes(facts)
    if minutes <= 0:
        return 0, ""
    requirement = appointment.requirement
    if requirement.status in CLOSED_STATUSES:
        return 0, f"no credit: the case is {CaseStatus(requirement.status).label.lower()}"
    remaining = requirement_balance(requirement).remaining_minutes
    if requirement_is_backlog(requirement, book=book, on=session.date, remaining=remaining):
        return 0, "no credit: the case is in backlog"
    if remaining <= 0:
        return 0, "no credit: no hours are owed"
    # Only the part still needed is credited, counting the earned reduction it earns itself
    # (cases.rules.credit_needed); the note says so when that is less than was worked.
    written = ledger_credit_work_noted(
        actor=actor,
        requirement=requirement,
        minutes=minutes,
        occurred_on=session.date,
        source="session",
        source_ref=str(appointment.pk),
        reason=f"{session.project.name}: {Outcome(appointment.outcome).label}",
        book=book,
    )
    appointment.credited_entry = written.entry
    appointment.save(update_fields=["credited_entry"])
    return written.entry.minutes, written.note


def _replay(idempotency_key: str, *, actor: User, request_hash: str) -> RegisterResult | None:
    """The first answer to a submit already made with this key, or None."""
    previous = IdempotentRequest.objects.filter(key=idempotency_key).first()
    if previous is None:
        return None
    if previous.request_hash != request_hash or previous.user_id != actor.pk:
        raise ValidationError({"idempotency_key": "This key was used for a different submit: use a new key"})
    stored = previous.response
    return RegisterResult(
        session_id=stored["session_id"],
        version=stored["version"],
        closed=stored["closed"],
        lines=stored["lines"],
        replayed=True,
    )


@transaction.atomic
def register_submit(
    *,
    actor: User,
    session: Session,
    expected_version: int,
    idempotency_key: str,
    lines: list[RegisterLine],
    close: bool = False,
    book: PolicyBook | None = None,
) -> RegisterResult:
    """Record outcomes, and on closing post every credit, in one transaction. Outcomes can be
    recorded from the session's start time (UK time), never before.

    A repeat of the same submit (same idempotency key) returns the first answer and changes
    nothing. A submit made from an out-of-date copy raises RegisterConflict."""
    if not idempotency_key or len(idempotency_key) > 100:
        raise ValidationError({"idempotency_key": "Each submit needs an idempotency key of up to 100 characters"})
    payload = {"session": session.pk, "version": expected_version, "close": close, "lines": [vars(x) for x in lines]}
    request_hash = _request_hash(payload)
    replayed = _replay(idempotency_key, actor=actor, request_hash=request_hash)
    if replayed is not None:
        return replayed
    session = Session.objects.select_for_update().select_related("project").get(pk=session.pk)
    # The same submit may have been committed while this one waited for the lock (a double tap,
    # or a retry sent before the first answer arrived): it gets the first answer, not a conflict.
    replayed = _replay(idempotency_key, actor=actor, request_hash=request_hash)
    if replayed is not None:
        return replayed
    if session.register_version != expected_version:
        raise RegisterConflict(session.register_version)
    if session.status == SessionStatus.CLOSED:
        raise ValidationError({"session": "The register is already closed: correct an outcome instead"})
    if session.status == SessionStatus.STOOD_DOWN:
        raise ValidationError({"session": "The session was stood down"})
    if too_soon := timing.register_refusal(
        session_date=session.date, start_time=session.start_time, now=timing.london_now()
    ):
        raise ValidationError({"session": too_soon})
    booked = {
        a.pk: a
        for a in Appointment.objects.select_for_update()
        .filter(session=session, cancelled_at__isnull=True)
        .select_related("requirement", "requirement__order", "person")
    }
    errors: dict[str, str] = {}
    seen: set[int] = set()
    for index, line in enumerate(lines):
        if line.appointment_id in seen:
            errors[f"lines.{index}.appointment_id"] = "This person appears twice in the register"
        seen.add(line.appointment_id)
        errors.update(_line_errors(index, line, session, booked))
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    for line in lines:
        appointment = booked[line.appointment_id]
        appointment.outcome = line.outcome
        appointment.arrived_at = line.arrived_at
        appointment.left_at = line.left_at
        appointment.penalty_minutes = line.penalty_minutes
        appointment.absence_reason = line.absence_reason if line.outcome == Outcome.ACCEPTABLE_ABSENCE else ""
        appointment.work_quality = line.work_quality
        appointment.behaviour = line.behaviour
        appointment.note = line.note.strip()
        appointment.outcome_recorded_by = actor
        appointment.outcome_recorded_at = now
    Appointment.objects.bulk_update(
        [booked[line.appointment_id] for line in lines],
        [
            "outcome",
            "arrived_at",
            "left_at",
            "penalty_minutes",
            "absence_reason",
            "work_quality",
            "behaviour",
            "note",
            "outcome_recorded_by",
            "outcome_recorded_at",
        ],
    )
    if close:
        missing = [a for a in booked.values() if not a.outcome]
        if missing:
            names = ", ".join(a.person.full_name for a in missing)
            raise ValidationError({"close": f"Record an outcome for everyone before closing: {names}"})
    book_in_force = (book or policy_book()) if close else None
    result_lines = []
    for appointment in booked.values():
        credited, note = 0, ""
        if close:
            assert book_in_force is not None
            credited, note = _credit(actor=actor, appointment=appointment, session=session, book=book_in_force)
            if appointment.outcome in rules.FAILURES:
                days = book_in_force.value("failure_evidence_working_days", session.date)
                due = add_working_days(session.date, days)
                appointment.evidence_due = due
                appointment.save(update_fields=["evidence_due"])
        result_lines.append(
            {
                "appointment_id": appointment.pk,
                "person": appointment.person.full_name,
                "outcome": appointment.outcome,
                "credited_minutes": credited,
                "note": note,
            }
        )
    session.register_version += 1
    if close:
        session.status = SessionStatus.CLOSED
        session.closed_at = now
        session.closed_by = actor
    session.save()
    audit_record(
        actor=actor,
        action="register.closed" if close else "register.saved",
        obj=session,
        summary=("Register closed: " if close else "Register saved: ")
        + f"{len(lines)} outcome{'s' if len(lines) != 1 else ''} recorded",
        subject=_subject(session),
    )
    result = RegisterResult(
        session_id=session.pk,
        version=session.register_version,
        closed=close,
        lines=sorted(result_lines, key=lambda x: x["person"]),
    )
    try:
        with transaction.atomic():
            IdempotentRequest.objects.create(
                key=idempotency_key, user=actor, scope="register", request_hash=request_hash, response=result.as_dict()
            )
    except IntegrityError:
        # The same key was committed by another submit (for another register) while this one ran:
        # nothing of this one is kept.
        raise ValidationError({"idempotency_key": "This key was used for a different submit: use a new key"}) from None
    return result


@transaction.atomic
def appointment_correct_outcome(
    *, actor: User, appointment: Appointment, line: RegisterLine, reason: str, book: PolicyBook | None = None
) -> Appointment:
    """Correct an outcome after the register closed: the old credit is reversed in the ledger and
    a new one posted. Nothing in the ledger is edited."""
    book = book or policy_book()
    appointment = (
        Appointment.objects.select_for_update()
        .select_related("session", "session__project", "requirement")
        .get(pk=appointment.pk)
    )
    session = appointment.session
    if session.status != SessionStatus.CLOSED:
        raise ValidationError({"appointment": "The register is still open: change the outcome there"})
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the outcome is being corrected"})
    errors = _line_errors(0, line, session, {appointment.pk: appointment})
    if errors:
        raise ValidationError({k.removeprefix("lines.0."): v for k, v in errors.items()})
    before = appointment.outcome
    if appointment.credited_entry is not None:
        ledger_correct(actor=actor, entry=appointment.credited_entry, reason=f"Outcome corrected: {reason.strip()}")
        appointment.credited_entry = None
    appointment.outcome = line.outcome
    appointment.arrived_at = line.arrived_at
    appointment.left_at = line.left_at
    appointment.penalty_minutes = line.penalty_minutes
    appointment.absence_reason = line.absence_reason if line.outcome == Outcome.ACCEPTABLE_ABSENCE else ""
    appointment.work_quality = line.work_quality
    appointment.behaviour = line.behaviour
    appointment.evidence_due = (
        add_working_days(session.date, book.value("failure_evidence_working_days", session.date))
        if line.outcome in rules.FAILURES
        else None
    )
    appointment.save()
    _credit(actor=actor, appointment=appointment, session=session, book=book)
    audit_record(
        actor=actor,
        action="appointment.outcome_corrected",
        obj=appointment,
        summary=f"Outcome on {session.date:%-d %B %Y} corrected from {Outcome(before).label if before else 'none'} "
        f"to {Outcome(line.outcome).label}: {reason.strip()}",
        subject=_person_subject(appointment.person_id),
        before={"outcome": before},
        after={"outcome": line.outcome},
    )
    return appointment


# ---------------------------------------------------------------------------------------------
# Stand-downs


@transaction.atomic
def session_stand_down(
    *, actor: User, session: Session, reason: str, detail: str = "", book: PolicyBook | None = None
) -> Session:
    """The service cancels a session: everyone booked is stood down and put on the list to rebook.
    Each is credited the stand-down allowance in force on the session's date, dated that day: at once
    when the session is today or past, otherwise on that date (see `stand_down_credits`)."""
    book = book or policy_book()
    session = Session.objects.select_for_update().select_related("project").get(pk=session.pk)
    errors: dict[str, str] = {}
    if session.status != SessionStatus.PLANNED:
        errors["session"] = f"The session is already {session.get_status_display().lower()}"
    if reason not in StandDownReason.values:
        errors["reason"] = "Select why the session is stood down"
    elif reason == StandDownReason.OTHER and not detail.strip():
        errors["detail"] = "Explain why the session is stood down"
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    stood_down = list(
        Appointment.objects.select_for_update().filter(session=session, cancelled_at__isnull=True, outcome="")
    )
    for appointment in stood_down:
        appointment.outcome = Outcome.STOOD_DOWN
        appointment.outcome_recorded_by = actor
        appointment.outcome_recorded_at = now
        appointment.save()
    session.status = SessionStatus.STOOD_DOWN
    session.stand_down_reason = reason
    session.stand_down_detail = detail.strip()
    session.stood_down_at = now
    session.stood_down_by = actor
    session.register_version += 1
    session.save()
    if timing.stand_down_credit_is_due(session_date=session.date, today=timezone.localdate()):
        for appointment in stood_down:
            stand_down_credit_post(actor=actor, appointment=appointment, session=session, book=book)
    audit_record(
        actor=actor,
        action="session.stood_down",
        obj=session,
        summary=f"Session stood down: {StandDownReason(reason).label.lower()}"
        + (f" ({detail.strip()})" if detail.strip() else ""),
        subject=_subject(session),
    )
    return session


@transaction.atomic
def appointment_mark_rebooked(*, actor: User, appointment: Appointment) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.outcome != Outcome.STOOD_DOWN:
        raise ValidationError({"appointment": "Only people stood down by the service are on the list to rebook"})
    if appointment.rebooked:
        raise ValidationError({"appointment": "Already marked as rebooked"})
    appointment.rebooked = True
    appointment.save(update_fields=["rebooked"])
    audit_record(
        actor=actor,
        action="appointment.rebooked",
        obj=appointment,
        summary="Rebooked after a stand-down",
        subject=_person_subject(appointment.person_id),
    )
    return appointment


# ---------------------------------------------------------------------------------------------
# After work


@transaction.atomic
def session_count_tools_in(
    *, actor: User, session: Session, counts: dict[str, tuple[int, int, str]]
) -> list[ToolCount]:
    """Tools counted back in: (count in, damaged, note) for each tool counted out."""
    tools = {t.tool: t for t in ToolCount.objects.select_for_update().filter(session=session)}
    errors: dict[str, str] = {}
    for tool, (counted_in, damaged, note) in counts.items():
        record = tools.get(tool)
        if record is None:
            errors["tools_in"] = f"{tool} was not counted out"
        elif not 0 <= counted_in <= record.counted_out:
            errors["tools_in"] = f"Between 0 and {record.counted_out} of {tool} can come back"
        elif not 0 <= damaged <= counted_in:
            errors["tools_in"] = f"Damaged {tool} must be among those counted in"
        elif (counted_in < record.counted_out or damaged) and not note.strip():
            errors["tools_in"] = f"Say what happened to the missing or damaged {tool}"
    if errors:
        raise ValidationError(errors)
    problems = []
    for tool, (counted_in, damaged, note) in counts.items():
        record = tools[tool]
        record.counted_in, record.damaged, record.note = counted_in, damaged, note.strip()
        record.save()
        if record.missing or damaged:
            problems.append(f"{tool}: {record.missing} missing, {damaged} damaged ({note.strip()})")
    audit_record(
        actor=actor,
        action="session.tools_in",
        obj=session,
        summary="Tools counted in" + (f"; reported: {'; '.join(problems)}" if problems else ", all present"),
        subject=_subject(session),
    )
    return list(tools.values())


# ---------------------------------------------------------------------------------------------
# Incidents and risk concerns


def _operations_managers_emails(project: Project) -> list[str]:
    return list(
        User.objects.filter(
            Q(groups__name="Operations manager"),
            Q(region_id=project.pdu.region_id) | Q(pdu_id=project.pdu_id),
            is_active=True,
        )
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


@transaction.atomic
def incident_report(
    *,
    actor: User,
    project: Project,
    occurred_at: datetime,
    location: str,
    what_happened: str,
    session: Session | None = None,
    people_involved: str = "",
    witnesses: str = "",
    injuries: str = "",
    damage: str = "",
    emergency_services_called: bool = False,
    immediate_action: str = "",
    near_miss: bool = False,
) -> Incident:
    """Report an incident, accident or near miss. The operations manager is told at once, the
    paperwork is due within 24 hours, and the project's risk assessment is flagged for review."""
    errors: dict[str, str] = {}
    if occurred_at > timezone.now() + timedelta(minutes=5):
        errors["occurred_at"] = "The incident cannot be in the future"
    if not location.strip():
        errors["location"] = "Enter where it happened"
    if not what_happened.strip():
        errors["what_happened"] = "Describe what happened"
    if errors:
        raise ValidationError(errors)
    incident = Incident(
        session=session,
        project=project,
        occurred_at=occurred_at,
        location=location.strip(),
        what_happened=what_happened.strip(),
        people_involved=people_involved.strip(),
        witnesses=witnesses.strip(),
        injuries=injuries.strip(),
        damage=damage.strip(),
        emergency_services_called=emergency_services_called,
        immediate_action=immediate_action.strip(),
        near_miss=near_miss,
        reported_by=actor,
        paperwork_due_at=timezone.now() + timedelta(hours=INCIDENT_PAPERWORK_HOURS),
    )
    incident.full_clean()
    incident.save()
    kind = "Near miss" if near_miss else "Incident"
    project_flag_review(
        actor=actor, project=project, reason=f"{kind} on {occurred_at:%-d %B %Y}: {what_happened[:200]}"
    )
    recipients = _operations_managers_emails(project)
    if recipients:
        send_mail(
            subject=f"{kind} reported at {project.name}",
            message=(
                f"{kind} reported by {actor} at {location.strip()} on "
                f"{timezone.localtime(occurred_at):%-d %B %Y %H:%M}.\n\n{what_happened.strip()}\n\n"
                f"Emergency services called: {'yes' if emergency_services_called else 'no'}.\n"
                f"Paperwork due by {timezone.localtime(incident.paperwork_due_at):%-d %B %Y %H:%M}."
            ),
            from_email=None,
            recipient_list=recipients,
        )
    audit_record(
        actor=actor,
        action="incident.reported",
        obj=incident,
        summary=f"{kind} reported at {project.name}: {what_happened.strip()[:200]}",
        subject=f"project:{project.pk}",
    )
    return incident


@transaction.atomic
def incident_update(
    *,
    actor: User,
    incident: Incident,
    paperwork_complete: bool | None = None,
    investigation: str | None = None,
    outcome: str | None = None,
    learning: str | None = None,
    close: bool = False,
) -> Incident:
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.status == IncidentStatus.CLOSED:
        raise ValidationError({"incident": "The incident is closed"})
    if paperwork_complete and incident.paperwork_completed_at is None:
        incident.paperwork_completed_at = timezone.now()
        incident.status = IncidentStatus.PAPERWORK_COMPLETE
    if investigation is not None:
        incident.investigation = investigation.strip()
        if incident.investigation:
            incident.status = IncidentStatus.UNDER_INVESTIGATION
    if outcome is not None:
        incident.outcome = outcome.strip()
    if learning is not None:
        incident.learning = learning.strip()
    if close:
        errors = {}
        if incident.paperwork_completed_at is None:
            errors["paperwork_complete"] = "The paperwork must be complete before the incident is closed"
        if not incident.outcome:
            errors["outcome"] = "Record the outcome of the investigation"
        if not incident.learning:
            errors["learning"] = "Record what has been learned, to share"
        if errors:
            raise ValidationError(errors)
        incident.status = IncidentStatus.CLOSED
        incident.closed_by = actor
        incident.closed_at = timezone.now()
    incident.save()
    audit_record(
        actor=actor,
        action="incident.updated",
        obj=incident,
        summary=f"Incident {incident.get_status_display().lower()}",
        subject=f"project:{incident.project_id}",
    )
    return incident


@transaction.atomic
def risk_concern_raise(
    *, actor: User, person: Person, category: str, details: str, session: Session | None = None
) -> RiskConcern:
    errors = {}
    if category not in ConcernCategory.values:
        errors["category"] = "Select the kind of concern"
    if not details.strip():
        errors["details"] = "Describe what you saw or heard"
    elif len(details) > 4000:
        errors["details"] = "Keep the description to 4,000 characters or fewer"
    if errors:
        raise ValidationError(errors)
    concern = RiskConcern.objects.create(
        person=person, session=session, category=category, details=details.strip(), raised_by=actor
    )
    audit_record(
        actor=actor,
        action="risk_concern.raised",
        obj=concern,
        summary=f"Risk concern raised: {ConcernCategory(category).label.lower()}",
        subject=_person_subject(person.pk),
    )
    return concern


@transaction.atomic
def risk_concern_acknowledge(*, actor: User, concern: RiskConcern, action_taken: str) -> RiskConcern:
    concern = RiskConcern.objects.select_for_update().get(pk=concern.pk)
    if concern.acknowledged_at is not None:
        raise ValidationError({"concern": "This concern has already been acknowledged"})
    if not action_taken.strip():
        raise ValidationError({"action_taken": "Record what you have done about the concern"})
    concern.acknowledged_by = actor
    concern.acknowledged_at = timezone.now()
    concern.action_taken = action_taken.strip()
    concern.save()
    audit_record(
        actor=actor,
        action="risk_concern.acknowledged",
        obj=concern,
        summary=f"Risk concern acknowledged: {action_taken.strip()[:200]}",
        subject=_person_subject(concern.person_id),
    )
    return concern


# ---------------------------------------------------------------------------------------------
# Vehicles


@transaction.atomic
def driver_authorise(*, actor: User, driver: User, licence_checked_on: date, valid_until: date) -> DriverAuthorisation:
    errors = {}
    if licence_checked_on > timezone.localdate():
        errors["licence_checked_on"] = "The licence check must be today or in the past"
    if valid_until <= licence_checked_on:
        errors["valid_until"] = "The authorisation must end after the licence check"
    if errors:
        raise ValidationError(errors)
    authorisation, _ = DriverAuthorisation.objects.update_or_create(
        driver=driver,
        defaults={
            "licence_checked_on": licence_checked_on,
            "valid_until": valid_until,
            "authorised_by": actor,
            "revoked_at": None,
        },
    )
    audit_record(
        actor=actor,
        action="driver.authorised",
        obj=authorisation,
        summary=f"{driver} authorised to drive until {valid_until:%-d %B %Y} "
        f"(licence checked {licence_checked_on:%-d %B %Y})",
        subject=f"staff:{driver.pk}",
    )
    return authorisation


@transaction.atomic
def vehicle_check_out(
    *, actor: User, vehicle: Vehicle, roadworthy: bool, defects: str, mileage_out: int, session: Session | None = None
) -> VehicleCheck:
    """The pre-use check. A defect takes the vehicle off the road until it is cleared."""
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    errors = {}
    if vehicle.off_road:
        errors["vehicle"] = f"{vehicle.registration} is off the road: {vehicle.off_road_reason}"
    if not driver_is_authorised(actor, on=timezone.localdate()):
        errors["vehicle"] = "You are not an authorised driver with a checked licence"
    if mileage_out < vehicle.mileage:
        errors["mileage_out"] = f"The mileage cannot be less than the last recorded, {vehicle.mileage}"
    if not roadworthy and not defects.strip():
        errors["defects"] = "Describe the defect"
    if errors:
        raise ValidationError(errors)
    check = VehicleCheck.objects.create(
        vehicle=vehicle,
        session=session,
        checked_by=actor,
        roadworthy=roadworthy,
        defects=defects.strip(),
        mileage_out=mileage_out,
    )
    vehicle.mileage = mileage_out
    if not roadworthy:
        vehicle.off_road = True
        vehicle.off_road_reason = defects.strip()[:300]
    vehicle.save()
    audit_record(
        actor=actor,
        action="vehicle.checked",
        obj=check,
        summary=f"{vehicle.registration} checked: "
        + ("roadworthy" if roadworthy else f"off the road ({defects.strip()})"),
        subject=f"vehicle:{vehicle.pk}",
    )
    return check


@transaction.atomic
def vehicle_check_in(*, actor: User, check: VehicleCheck, mileage_in: int) -> VehicleCheck:
    check = VehicleCheck.objects.select_for_update().select_related("vehicle").get(pk=check.pk)
    if check.mileage_in is not None:
        raise ValidationError({"mileage_in": "The mileage in is already recorded"})
    if mileage_in < check.mileage_out:
        raise ValidationError(
            {"mileage_in": f"The mileage in cannot be less than the mileage out, {check.mileage_out}"}
        )
    check.mileage_in = mileage_in
    check.save(update_fields=["mileage_in"])
    Vehicle.objects.filter(pk=check.vehicle_id).update(mileage=mileage_in)
    audit_record(
        actor=actor,
        action="vehicle.returned",
        obj=check,
        summary=f"{check.vehicle.registration} returned: {mileage_in - check.mileage_out} miles",
        subject=f"vehicle:{check.vehicle_id}",
    )
    return check


@transaction.atomic
def vehicle_clear_defect(*, actor: User, vehicle: Vehicle, note: str) -> Vehicle:
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    if not vehicle.off_road:
        raise ValidationError({"vehicle": "The vehicle is not off the road"})
    if not note.strip():
        raise ValidationError({"note": "Say how the defect was put right"})
    reason = vehicle.off_road_reason
    vehicle.off_road = False
    vehicle.off_road_reason = ""
    vehicle.save()
    VehicleCheck.objects.filter(vehicle=vehicle, roadworthy=False, cleared_at__isnull=True).update(
        cleared_by=actor, cleared_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action="vehicle.cleared",
        obj=vehicle,
        summary=f"{vehicle.registration} back on the road: {reason} — {note.strip()}",
        subject=f"vehicle:{vehicle.pk}",
    )
    return vehicle


# ---------------------------------------------------------------------------------------------
# Individual placements


@transaction.atomic
def timesheet_record(
    *,
    actor: User,
    project: Project,
    requirement: Requirement,
    worked_on: date,
    minutes: int,
    beneficiary_supervisor: str,
    book: PolicyBook | None = None,
) -> IndividualPlacementTimesheet:
    """Hours on an individual placement, from the beneficiary's timesheet, credited like a session."""
    book = book or policy_book()
    errors = {}
    if project.project_type != ProjectType.INDIVIDUAL:
        errors["project"] = "Timesheets are for individual placements"
    if not isinstance(minutes, int) or not 1 <= minutes <= 12 * 60:
        errors["minutes"] = "Enter the minutes worked that day, between 1 and 720"
    if worked_on > timezone.localdate():
        errors["worked_on"] = "The day worked must be today or in the past"
    if not beneficiary_supervisor.strip():
        errors["beneficiary_supervisor"] = "Enter the name of the beneficiary's supervisor who signed the timesheet"
    if IndividualPlacementTimesheet.objects.filter(
        requirement=requirement, project=project, worked_on=worked_on
    ).exists():
        errors["worked_on"] = "Hours for this day are already recorded"
    if errors:
        raise ValidationError(errors)
    try:
        # The same timesheet sent twice at once: the second waits for the first, then finds its line.
        with transaction.atomic():
            line = IndividualPlacementTimesheet.objects.create(
                project=project,
                requirement=requirement,
                worked_on=worked_on,
                minutes=minutes,
                beneficiary_supervisor=beneficiary_supervisor.strip(),
                entered_by=actor,
            )
    except IntegrityError:
        raise ValidationError({"worked_on": "Hours for this day are already recorded"}) from None
    entry = ledger_credit_work(
        actor=actor,
        requirement=requirement,
        minutes=minutes,
        occurred_on=worked_on,
        source="individual_placement",
        source_ref=str(line.pk),
        reason=f"{project.name}, supervised by {beneficiary_supervisor.strip()}",
        book=book,
    )
    line.credited_entry = entry
    line.save(update_fields=["credited_entry"])
    return line
