"""The append-only hours ledger: posting an entry and keeping the running totals, the stored
completion dates, the earned reduction and completion in step; and the idempotent answer to a
write repeated with the same key."""

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, OuterRef, Q, Subquery, Sum, When
from django.db.models.functions import Coalesce, Least
from django.db.models.lookups import IsNull

from payback.core import idempotency
from payback.core.policy import PolicyBook
from payback.core.services import audit_record
from payback.staff.models import User

from .. import rules
from ..models import (
    CLOSED_STATUSES,
    CaseStatus,
    LedgerEntry,
    LedgerKind,
    LedgerRequest,
    Order,
    Requirement,
)
from ..selectors import earning_terms_on, requirement_balance, work_of
from .common import requirement_locked, today
from .status import status_set

S = CaseStatus


@dataclass(frozen=True)
class Posting:
    """One line for the hours ledger: the kind of hours, the minutes (negative takes hours away),
    the day they count for, why, and where they came from (with that record's reference)."""

    kind: str
    minutes: int
    occurred_on: date
    reason: str
    source: str
    source_ref: str = ""


def ledger_post(
    *, actor: User | None, requirement: Requirement, posting: Posting, reverses: LedgerEntry | None = None
) -> LedgerEntry:
    if "\x00" in posting.reason or "\x00" in posting.source_ref:
        raise ValidationError({"reason": "The reason contains a character that cannot be stored"})
    entry = LedgerEntry(requirement=requirement, **asdict(posting), reverses=reverses, created_by=actor)
    entry.full_clean()
    entry.save()
    kind, minutes = posting.kind, posting.minutes
    _add_to_totals(requirement, kind=kind, minutes=minutes)
    verb = "Correction of" if reverses else "Recorded"
    audit_record(
        actor=actor,
        action="ledger.correction" if reverses else f"ledger.{kind}",
        obj=entry,
        summary=f"{verb} {LedgerKind(kind).label.lower()}: {rules.format_minutes(minutes)} ({posting.reason})",
        after={
            "kind": kind,
            "minutes": minutes,
            "occurred_on": posting.occurred_on.isoformat(),
            "source": posting.source,
        },
    )
    return entry


def _add_to_totals(requirement: Requirement, *, kind: str, minutes: int) -> None:
    """Add an entry's minutes to the requirement's running sum (credits, or court variations), in
    the database and on the object in hand."""
    field = "variation_minutes" if kind == LedgerKind.COURT_VARIATION else "credited_minutes"
    Requirement.objects.filter(pk=requirement.pk).update(**{field: F(field) + minutes})
    setattr(requirement, field, getattr(requirement, field) + minutes)


def ledger_totals_rebuild(*, requirement_ids: list[int] | None = None) -> int:
    """Set the running sums of every requirement (or of those given) from its ledger, in one
    statement: the database checks each against the ledger as it is written."""
    requirements = Requirement.objects.all()
    if requirement_ids is not None:
        requirements = requirements.filter(pk__in=requirement_ids)
    entries = LedgerEntry.objects.filter(requirement=OuterRef("pk")).order_by().values("requirement")
    credited = entries.exclude(kind=LedgerKind.COURT_VARIATION).annotate(s=Sum("minutes")).values("s")
    variation = entries.filter(kind=LedgerKind.COURT_VARIATION).annotate(s=Sum("minutes")).values("s")
    with transaction.atomic():
        return requirements.update(
            credited_minutes=Coalesce(Subquery(credited), 0), variation_minutes=Coalesce(Subquery(variation), 0)
        )


def requirement_due_dates(requirement: Requirement) -> tuple[date | None, date | None]:
    """The completion date with a window in force, and without one."""
    op_end = requirement.order.operational_period_end
    return (
        rules.completion_date(
            window_end=requirement.window_end,
            extended_until=requirement.extended_until,
            operational_period_end=op_end,
            window_applies=True,
        ),
        rules.completion_date(
            window_end=requirement.window_end,
            extended_until=requirement.extended_until,
            operational_period_end=op_end,
            window_applies=False,
        ),
    )


def requirement_due_dates_rebuild() -> int:
    """Set every requirement's stored completion dates from its window, extension and operational
    period, in the database (used after bulk loads)."""
    op_end = Subquery(Order.objects.filter(pk=OuterRef("order_id")).values("operational_period_end")[:1])
    with_window = Coalesce(F("extended_until"), F("window_end"))
    count = Requirement.objects.update(
        due_date=Case(
            When(IsNull(op_end, True), then=with_window),
            When(Q(extended_until__isnull=True, window_end__isnull=True), then=op_end),
            default=Least(with_window, op_end),
        ),
        due_date_without_window=Case(
            When(IsNull(op_end, True), then=F("extended_until")),
            When(Q(extended_until__isnull=True), then=op_end),
            default=Least(F("extended_until"), op_end),
        ),
    )
    return count


def ledger_after_credit(*, actor: User | None, requirement: Requirement, book: PolicyBook, on: date) -> None:
    """Earned reduction, then completion, kept in step with every credit or correction."""
    earned_reduction_apply(actor=actor, requirement=requirement, book=book, on=on)
    balance = requirement_balance(requirement)
    if balance.remaining_minutes == 0 and requirement.status not in CLOSED_STATUSES:
        status_set(actor=None, requirement=requirement, to_status=S.COMPLETED, reason="All hours credited")


def earning_terms(requirement: Requirement, *, book: PolicyBook, on: date) -> rules.EarningTerms:
    """The scheme's terms for a credit dated `on`: worked out afresh from every hour worked, on the
    terms as they stand now, so an entry dated before the scheme began does not take back what
    later hours earned."""
    return earning_terms_on(requirement, book=book, on=max(on, today()))


def earned_reduction_apply(*, actor: User | None, requirement: Requirement, book: PolicyBook, on: date) -> None:
    delta = rules.reduction_change(
        balance=requirement_balance(requirement),
        work=work_of(requirement),
        terms=earning_terms(requirement, book=book, on=on),
    )
    if delta:
        reason = (
            "Earned reduction for hours worked beyond the threshold"
            if delta > 0
            else "Earned reduction recalculated after a correction"
        )
        posting = Posting(LedgerKind.EARNED_REDUCTION, delta, on, reason, source="earned_reduction")
        ledger_post(actor=None, requirement=requirement, posting=posting)


@dataclass(frozen=True)
class LedgerWrite:
    """What a write to the ledger did: the entry, the minutes asked for and, when fewer were
    credited, why. `replayed` when the answer is the one first given for the same idempotency key."""

    entry: LedgerEntry
    requested_minutes: int
    note: str = ""
    replayed: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"entry": self.entry.pk, "requested_minutes": self.requested_minutes, "note": self.note}


def ledger_replay(*, actor: User | None, key: str | None, scope: str, payload: dict[str, Any]) -> LedgerWrite | None:
    if key is None:
        return None
    answer = idempotency.previous_answer(
        LedgerRequest, key=idempotency.key_check(key), user_id=actor.pk if actor else None, scope=scope, payload=payload
    )
    if answer is None:
        return None
    entry = LedgerEntry.objects.get(pk=answer["entry"])
    return LedgerWrite(entry=entry, requested_minutes=answer["requested_minutes"], note=answer["note"], replayed=True)


def ledger_remember(
    *, actor: User | None, key: str | None, scope: str, payload: dict[str, Any], write: LedgerWrite
) -> LedgerWrite:
    if key is not None:
        idempotency.remember(
            LedgerRequest,
            key=key,
            user_id=actor.pk if actor else None,
            scope=scope,
            payload=payload,
            response=write.as_dict(),
        )
    return write


def ledger_once(
    *, actor: User | None, key: str | None, scope: str, payload: dict[str, Any], write: Callable[[], LedgerWrite]
) -> LedgerWrite:
    """Make a write to the ledger once for an idempotency key: a repeat of the same request with the
    same key gets the first answer and writes nothing. Call with the requirement locked."""
    replayed = ledger_replay(actor=actor, key=key, scope=scope, payload=payload)
    if replayed is not None:
        return replayed
    return ledger_remember(actor=actor, key=key, scope=scope, payload=payload, write=write())


def ledger_once_for(
    requirement: Requirement,
    *,
    actor: User | None,
    key: str | None,
    scope: str,
    request: dict[str, Any],
    write: Callable[[Requirement], LedgerWrite],
) -> LedgerWrite:
    """Make a write to one requirement's ledger once for an idempotency key (see `ledger_once`): the
    requirement is named in what the key remembers, and locked before the write."""
    payload = {"requirement": requirement.pk, **request}
    locked = requirement_locked(requirement)
    return ledger_once(actor=actor, key=key, scope=scope, payload=payload, write=lambda: write(locked))
