"""The register: outcomes saved while the session runs, and closing it, which posts every
credit. Each submit is idempotent: a repeat of the same submit (same idempotency key) returns the
first answer and changes nothing. A submit made from an out-of-date copy raises RegisterConflict."""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from payback.cases.models import CLOSED_STATUSES, CaseStatus
from payback.cases.selectors import requirement_balance, requirement_is_backlog
from payback.cases.services import ledger_correct, ledger_credit_work_noted
from payback.core import metrics
from payback.core.policy import PolicyBook
from payback.core.selectors import policy_book
from payback.core.services import audit_record
from payback.core.workingdays import add_working_days
from payback.staff.models import User

from .. import rules, timing
from ..models import Appointment, IdempotentRequest, Outcome, Rating, Session, SessionStatus
from .common import refuse_any, refuse_if, update_rows

RECORDED_FIELDS = [
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
]
CLOSING_FIELDS = ["status", "closed_at", "closed_by"]  # what closing the register changes on the session
KEY_REUSED = "This key was used for a different submit: use a new key"


class RegisterConflict(Exception):
    """Someone else changed the register since this copy was read."""

    def __init__(self, current_version: int) -> None:
        super().__init__(f"The register has changed since you opened it (now version {current_version})")
        self.current_version = current_version


@dataclass(frozen=True, kw_only=True)
class RegisterLine(rules.Attendance):
    """One person's line of a submitted register: their attendance, and how they worked and behaved."""

    appointment_id: int
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


def _outcome_facts(session: Session, recorded: RegisterLine | Appointment) -> rules.OutcomeFacts:
    """The facts the register's rules read, from a line of the register or an outcome already recorded."""
    return rules.OutcomeFacts(
        outcome=recorded.outcome,
        session_start=session.start_time,
        session_end=session.end_time,
        arrived_at=recorded.arrived_at,
        left_at=recorded.left_at,
        penalty_minutes=recorded.penalty_minutes,
        absence_reason=recorded.absence_reason,
    )


def line_errors(index: int, line: RegisterLine, session: Session, booked: dict[int, Appointment]) -> dict[str, str]:
    """What is wrong with one line of the register, by field (`lines.<index>.<field>`)."""
    prefix = f"lines.{index}."
    errors: dict[str, str] = {}
    if line.appointment_id not in booked:
        errors[prefix + "appointment_id"] = "This person is not booked on this session"
        return errors
    if line.outcome not in Outcome.values:
        errors[prefix + "outcome"] = "Select an outcome"
        return errors
    conflict = booked[line.appointment_id].conflict
    if conflict and line.outcome in rules.ATTENDED and line.outcome != Outcome.SENT_HOME_SERVICE:
        errors[prefix + "outcome"] = (
            f"This booking breaks a placement rule ({conflict}): it cannot be worked until the "
            "coordinator moves or cancels it. Record them as sent home for service reasons"
        )
        return errors
    for name, value in (("work_quality", line.work_quality), ("behaviour", line.behaviour)):
        if value and value not in Rating.values:
            errors[prefix + name] = "Choose a rating from excellent to poor"
    errors.update({prefix + k: v for k, v in rules.outcome_errors(_outcome_facts(session, line)).items()})
    if len(line.note) > 1000:
        errors[prefix + "note"] = "The note must be 1,000 characters or fewer"
    return errors


def _credit(*, actor: User, appointment: Appointment, session: Session, book: PolicyBook) -> tuple[int, str]:
    """Post the credit for one outcome and keep its explanation on the appointment.
    Returns (minutes credited, why not all)."""
    credited, note = _post_credit(actor=actor, appointment=appointment, session=session, book=book)
    if note != appointment.credit_note:
        appointment.credit_note = note
        appointment.save(update_fields=["credit_note"])
    return credited, note


def _post_credit(*, actor: User, appointment: Appointment, session: Session, book: PolicyBook) -> tuple[int, str]:
    """Post the credit for one attended outcome. Returns (minutes credited, why not all)."""
    minutes = rules.credit_minutes(_outcome_facts(session, appointment))
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
    refuse_if(previous.request_hash != request_hash or previous.user_id != actor.pk, "idempotency_key", KEY_REUSED)
    stored = previous.response
    return RegisterResult(
        session_id=stored["session_id"],
        version=stored["version"],
        closed=stored["closed"],
        lines=stored["lines"],
        replayed=True,
    )


@dataclass(frozen=True)
class _Submit:
    """One submit of the register, as sent: outcomes to record, and whether to close it."""

    actor: User
    session: Session
    expected_version: int
    idempotency_key: str
    lines: list[RegisterLine]
    close: bool

    def request_hash(self) -> str:
        payload = {
            "session": self.session.pk,
            "version": self.expected_version,
            "close": self.close,
            "lines": [vars(x) for x in self.lines],
        }
        return _request_hash(payload)


def _begin(submit: _Submit) -> tuple[Session, str, RegisterResult | None]:
    """Lock the session for a submit: (the locked session, the request's hash, the first answer
    when this is a repeat). A submit made from an out-of-date copy raises RegisterConflict."""
    key, actor = submit.idempotency_key, submit.actor
    refuse_if(
        not key or len(key) > 100, "idempotency_key", "Each submit needs an idempotency key of up to 100 characters"
    )
    request_hash = submit.request_hash()
    locked = Session.objects.select_for_update()
    # Closing names the project on each credit: its row is read, and locked, with the session's.
    session = (locked.select_related("project") if submit.close else locked).get(pk=submit.session.pk)
    # Looked up once the session is locked: a repeat committed before this one began, or while it
    # waited for the lock (a double tap, or a retry sent before the first answer arrived), gets the
    # first answer, not a conflict.
    replayed = _replay(key, actor=actor, request_hash=request_hash)
    if replayed is not None:
        return session, request_hash, replayed
    if session.register_version != submit.expected_version:
        metrics.register_submitted("conflict")
        raise RegisterConflict(session.register_version)
    _refuse_closed(session)
    return session, request_hash, None


def _refuse_closed(session: Session) -> None:
    """Outcomes go on the register only while it is open, from the session's start time (UK time)."""
    closed = "The register is already closed: correct an outcome instead"
    refuse_if(session.status == SessionStatus.CLOSED, "session", closed)
    refuse_if(session.status == SessionStatus.STOOD_DOWN, "session", "The session was stood down")
    if too_soon := timing.register_refusal(
        session_date=session.date, start_time=session.start_time, now=timing.london_now()
    ):
        raise ValidationError({"session": too_soon})


def _copy_outcome(appointment: Appointment, line: RegisterLine) -> None:
    """Put the outcome recorded on a register line onto the appointment."""
    appointment.outcome = line.outcome
    appointment.arrived_at = line.arrived_at
    appointment.left_at = line.left_at
    appointment.penalty_minutes = line.penalty_minutes
    appointment.absence_reason = line.absence_reason if line.outcome == Outcome.ACCEPTABLE_ABSENCE else ""
    appointment.work_quality = line.work_quality
    appointment.behaviour = line.behaviour


def _evidence_due(session: Session, book: PolicyBook) -> date:
    """The day evidence for a failure to comply is due, in working days from the session."""
    return add_working_days(session.date, book.value("failure_evidence_working_days", session.date))


def _record_outcomes(
    *, actor: User, session: Session, lines: list[RegisterLine], now: datetime, close: bool
) -> dict[int, Appointment]:
    """Check every line, then record the outcomes; returns everyone booked, by appointment (with
    each person's case and order, locked with the appointments, when the register closes)."""
    related = ("requirement", "requirement__order", "person") if close else ("person",)
    booked = {
        a.pk: a
        for a in Appointment.objects.select_for_update()
        .filter(session=session, cancelled_at__isnull=True)
        .select_related(*related)
    }
    errors: dict[str, str] = {}
    seen: set[int] = set()
    for index, line in enumerate(lines):
        if line.appointment_id in seen:
            errors[f"lines.{index}.appointment_id"] = "This person appears twice in the register"
        seen.add(line.appointment_id)
        errors.update(line_errors(index, line, session, booked))
    refuse_any(errors)
    for line in lines:
        appointment = booked[line.appointment_id]
        _copy_outcome(appointment, line)
        appointment.note = line.note.strip()
        appointment.outcome_recorded_by = actor
        appointment.outcome_recorded_at = now
    update_rows(Appointment, [booked[line.appointment_id] for line in lines], RECORDED_FIELDS)
    return booked


def _result_line(appointment: Appointment, credited: int = 0, note: str = "") -> dict[str, Any]:
    return {
        "appointment_id": appointment.pk,
        "person": appointment.person.full_name,
        "outcome": appointment.outcome,
        "credited_minutes": credited,
        "note": note,
    }


def _close(
    *, actor: User, session: Session, booked: dict[int, Appointment], book: PolicyBook | None, now: datetime
) -> list[dict[str, Any]]:
    """Close the register once everyone has an outcome: post every credit and set when evidence of
    each failure is due. Returns the answer's lines."""
    missing = [a for a in booked.values() if not a.outcome]
    if missing:
        names = ", ".join(a.person.full_name for a in missing)
        raise ValidationError({"close": f"Record an outcome for everyone before closing: {names}"})
    book = book or policy_book()
    result_lines = []
    for appointment in booked.values():
        credited, note = _credit(actor=actor, appointment=appointment, session=session, book=book)
        if appointment.outcome in rules.FAILURES:
            appointment.evidence_due = _evidence_due(session, book)
            appointment.save(update_fields=["evidence_due"])
        result_lines.append(_result_line(appointment, credited, note))
    session.status = SessionStatus.CLOSED
    session.closed_at = now
    session.closed_by = actor
    return result_lines


def _finish(submit: _Submit, session: Session, result_lines: list[dict[str, Any]], request_hash: str) -> RegisterResult:
    """The new version, the audit event, and the answer kept for a repeat of the same submit."""
    actor, close = submit.actor, submit.close
    session.register_version += 1
    session.save(update_fields=["register_version", *(CLOSING_FIELDS if close else [])])
    count = f"{len(submit.lines)} outcome{'s' if len(submit.lines) != 1 else ''} recorded"
    summary = ("Register closed: " if close else "Register saved: ") + count
    action = "register.closed" if close else "register.saved"
    audit_record(actor=actor, action=action, obj=session, summary=summary)
    result = RegisterResult(
        session_id=session.pk,
        version=session.register_version,
        closed=close,
        lines=sorted(result_lines, key=lambda x: x["person"]),
    )
    # Unique: when another submit (for another register) committed the same key while this one ran,
    # this fails and nothing of this submit is kept (see `_submit_once`).
    IdempotentRequest.objects.create(
        key=submit.idempotency_key,
        user=actor,
        scope="register",
        request_hash=request_hash,
        response=result.as_dict(),
    )
    metrics.register_submitted("closed" if close else "saved")
    return result


def _submit(submit: _Submit, book: PolicyBook | None) -> RegisterResult:
    """Record the submit's outcomes, and close the register if asked, in the caller's transaction."""
    session, request_hash, replayed = _begin(submit)
    if replayed is not None:
        return replayed
    now = timezone.now()
    booked = _record_outcomes(actor=submit.actor, session=session, lines=submit.lines, now=now, close=submit.close)
    if submit.close:
        result_lines = _close(actor=submit.actor, session=session, booked=booked, book=book, now=now)
    else:
        result_lines = [_result_line(appointment) for appointment in booked.values()]
    return _finish(submit, session, result_lines, request_hash)


def _submit_once(submit: _Submit, book: PolicyBook | None) -> RegisterResult:
    """The submit in one transaction (a savepoint within the caller's): all of it or none of it. Its
    key is stored last, without a savepoint of its own: a key committed by another submit meanwhile
    undoes the whole transaction, and the submit is refused naming the key."""
    try:
        with transaction.atomic():
            return _submit(submit, book)
    except IntegrityError:
        if IdempotentRequest.objects.filter(key=submit.idempotency_key).exists():
            raise ValidationError({"idempotency_key": KEY_REUSED}) from None
        raise


def register_save(
    *, actor: User, session: Session, expected_version: int, idempotency_key: str, lines: list[RegisterLine]
) -> RegisterResult:
    """Record outcomes, leaving the register open. Outcomes can be recorded from the session's
    start time (UK time), never before."""
    return _submit_once(_Submit(actor, session, expected_version, idempotency_key, lines, close=False), book=None)


def register_close(
    *,
    actor: User,
    session: Session,
    expected_version: int,
    idempotency_key: str,
    lines: list[RegisterLine],
    book: PolicyBook | None = None,
) -> RegisterResult:
    """Record the last outcomes and close the register, posting every credit, in one transaction.
    Each credit's explanation (why less than was worked, if so) is kept on the appointment."""
    return _submit_once(_Submit(actor, session, expected_version, idempotency_key, lines, close=True), book=book)


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
    """`register_close` when `close`, otherwise `register_save`."""
    return _submit_once(_Submit(actor, session, expected_version, idempotency_key, lines, close=close), book=book)


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
    refuse_if(
        session.status != SessionStatus.CLOSED, "appointment", "The register is still open: change the outcome there"
    )
    refuse_if(not reason.strip(), "reason", "Enter why the outcome is being corrected")
    errors = line_errors(0, line, session, {appointment.pk: appointment})
    refuse_any({k.removeprefix("lines.0."): v for k, v in errors.items()})
    before = appointment.outcome
    if appointment.credited_entry is not None:
        ledger_correct(actor=actor, entry=appointment.credited_entry, reason=f"Outcome corrected: {reason.strip()}")
        appointment.credited_entry = None
    _copy_outcome(appointment, line)
    appointment.evidence_due = _evidence_due(session, book) if line.outcome in rules.FAILURES else None
    appointment.save()
    _credit(actor=actor, appointment=appointment, session=session, book=book)
    old, new = (Outcome(before).label if before else "none"), Outcome(line.outcome).label
    summary = f"Outcome on {session.date:%-d %B %Y} corrected from {old} to {new}: {reason.strip()}"
    was, now = {"outcome": before}, {"outcome": line.outcome}
    audit_record(
        actor=actor, action="appointment.outcome_corrected", obj=appointment, summary=summary, before=was, after=now
    )
    return appointment
