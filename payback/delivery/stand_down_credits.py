"""Stand-down credits: the allowance a person is credited when the service stands their session down.

Nothing is recorded before it happens. A session stood down ahead is recorded at once (everyone
booked is stood down and listed to rebook), but the credit counts from the session's date: it is
posted, dated that day, by `post_due_stand_down_credits` (the `post_stand_down_credits` command,
run daily), or at once when the session is today or already past. Until then the person's
remaining hours do not include it.

Each person's credit is decided once. A marker keyed by the appointment, kept with the register's
idempotent answers, is written in the same transaction as the credit: a repeated or concurrent
run finds it (or waits on its key) and posts nothing more."""

import hashlib
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CharField, Exists, OuterRef, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from payback.cases.services import ledger_credit_stand_down
from payback.core.policy import PolicyBook
from payback.core.selectors import policy_book
from payback.staff.models import User

from . import timing
from .models import Appointment, IdempotentRequest, Outcome, Session, SessionStatus, StandDownReason

MARKER_SCOPE = "stand_down_credit"
MARKER_PREFIX = "stand-down-credit:"


def _marker_key(appointment_id: int) -> str:
    return f"{MARKER_PREFIX}{appointment_id}"


def stand_down_credit_post(*, actor: User | None, appointment: Appointment, session: Session, book: PolicyBook) -> int:
    """Post one person's stand-down credit, dated the session's date, once. Returns the minutes
    credited: 0 when nothing is owed, the case is closed or in backlog, or it was decided before."""
    if not timing.stand_down_credit_is_due(session_date=session.date, today=timezone.localdate()):
        raise ValidationError({"session": f"The stand-down credit counts from {timing.long_date(session.date)}"})
    key = _marker_key(appointment.pk)
    recorder = session.stood_down_by or actor
    if recorder is None:
        raise ValidationError({"session": "The session has not been stood down"})
    with transaction.atomic():
        try:
            with transaction.atomic():
                marker = IdempotentRequest.objects.create(
                    key=key,
                    user=recorder,
                    scope=MARKER_SCOPE,
                    request_hash=hashlib.sha256(key.encode()).hexdigest(),
                    response={"session_id": session.pk, "appointment_id": appointment.pk, "credited_minutes": 0},
                )
        except IntegrityError:
            return 0
        entry = ledger_credit_stand_down(
            actor=actor,
            requirement=appointment.requirement,
            minutes=book.value("stand_down_credit_minutes", session.date),
            occurred_on=session.date,
            source_ref=str(appointment.pk),
            reason=f"Stood down: {StandDownReason(session.stand_down_reason).label.lower()}",
            book=book,
        )
        if entry is None:
            return 0
        Appointment.objects.filter(pk=appointment.pk).update(credited_entry=entry)
        appointment.credited_entry = entry
        marker.response = {**marker.response, "credited_minutes": entry.minutes}
        marker.save(update_fields=["response"])
        return entry.minutes


def stand_down_credits_due(*, on: date) -> QuerySet[Appointment]:
    """People stood down by the service on sessions dated on or before `on` whose credit is not yet decided."""
    decided = IdempotentRequest.objects.filter(
        scope=MARKER_SCOPE, key=Concat(Value(MARKER_PREFIX), Cast(OuterRef("pk"), CharField()))
    )
    return (
        Appointment.objects.filter(
            outcome=Outcome.STOOD_DOWN,
            cancelled_at__isnull=True,
            credited_entry__isnull=True,
            session__status=SessionStatus.STOOD_DOWN,
            session__date__lte=on,
        )
        .exclude(Exists(decided))
        .select_related("session", "session__stood_down_by", "requirement")
        .order_by("session__date", "pk")
    )


@dataclass(frozen=True)
class PostedCredits:
    people: int
    minutes: int


def post_due_stand_down_credits(*, book: PolicyBook | None = None) -> PostedCredits:
    """Post every stand-down credit whose session date has come. Safe to run as often as wanted:
    each credit is decided once."""
    book = book or policy_book()
    people = minutes = 0
    for appointment in stand_down_credits_due(on=timezone.localdate()):
        session = appointment.session
        credited = stand_down_credit_post(
            actor=session.stood_down_by, appointment=appointment, session=session, book=book
        )
        people += 1 if credited else 0
        minutes += credited
    return PostedCredits(people=people, minutes=minutes)
