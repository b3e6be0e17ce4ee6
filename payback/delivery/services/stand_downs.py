"""The service standing a session down: everyone booked is stood down and credited the allowance."""

from django.db import transaction
from django.utils import timezone

from payback.core.policy import PolicyBook
from payback.core.selectors import policy_book
from payback.core.services import audit_record
from payback.core.signals import appointments_called_off
from payback.staff.models import User

from .. import timing
from ..models import Appointment, Outcome, Session, SessionStatus, StandDownReason
from ..stand_down_credits import stand_down_credit_post
from .common import refuse_any


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
    refuse_any(errors)
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
    appointments_called_off.send(sender=Session, appointment_ids=[a.pk for a in stood_down], why="stood_down")
    why = StandDownReason(reason).label.lower() + (f" ({detail.strip()})" if detail.strip() else "")
    audit_record(actor=actor, action="session.stood_down", obj=session, summary=f"Session stood down: {why}")
    return session
