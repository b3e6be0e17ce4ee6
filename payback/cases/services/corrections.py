"""Changing what the ledger says: the court's variations of an order and corrections of an entry
(a new entry of opposite minutes; the original is never edited)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from payback.core.policy import PolicyBook
from payback.core.selectors import policy_book
from payback.core.services import audit_record
from payback.staff.models import User

from .. import rules
from ..models import CLOSED_STATUSES, CaseStatus, LedgerEntry, LedgerKind, Requirement
from ..selectors import requirement_balance, requirement_is_backlog
from .common import requirement_locked, today
from .ledger import (
    LedgerWrite,
    Posting,
    ledger_after_credit,
    ledger_once,
    ledger_once_for,
    ledger_post,
    requirement_due_dates,
)
from .status import status_set

S = CaseStatus


def _check_variation(
    requirement: Requirement,
    *,
    minutes: int,
    occurred_on: date,
    reason: str,
    extended_until: date | None,
    book: PolicyBook,
) -> None:
    errors: dict[str, str] = {}
    balance = requirement_balance(requirement)
    if not isinstance(minutes, int):
        errors["minutes"] = "Enter the change in minutes as a whole number (0 for an extension only)"
    elif minutes == 0 and extended_until is None:
        errors["minutes"] = "Enter a change in hours, or a new completion date, or both"
    elif balance.remaining_minutes + minutes < 0:
        errors["minutes"] = (
            f"The order cannot be reduced by more than the {rules.format_minutes(balance.remaining_minutes)} owed"
        )
    elif minutes and (balance.total_ordered_minutes + minutes) > rules.MAX_HOURS * 60:
        errors["minutes"] = f"An order cannot be for more than {rules.MAX_HOURS} hours"
    elif minutes < 0 and balance.ete_minutes > rules.ete_cap_minutes(
        balance.total_ordered_minutes + minutes, book.value("ete_cap_percent", occurred_on)
    ):
        errors["minutes"] = (
            f"The {rules.format_minutes(balance.ete_minutes)} of ETE credited would be more than the reduced order "
            "allows: correct the ETE credit first"
        )
    op_end = requirement.order.operational_period_end
    if extended_until is not None:
        if extended_until <= requirement.order.sentence_date:
            errors["extended_until"] = "The new completion date must be after the date of sentence"
        elif op_end is not None and extended_until > op_end:
            errors["extended_until"] = (
                f"A suspended sentence cannot be extended past the end of its operational period, {op_end:%d %B %Y}"
            )
    if not reason.strip():
        errors["reason"] = "Enter the court's decision"
    if requirement.status in CLOSED_STATUSES and isinstance(minutes, int) and minutes > 0:
        errors["requirement"] = f"The case is {S(requirement.status).label.lower()}"
    if errors:
        raise ValidationError(errors)


def _extend(*, actor: User | None, requirement: Requirement, extended_until: date) -> None:
    before = requirement.extended_until
    requirement.extended_until = extended_until
    requirement.due_date, requirement.due_date_without_window = requirement_due_dates(requirement)
    requirement.save(update_fields=["extended_until", "due_date", "due_date_without_window"])
    audit_record(
        actor=actor,
        action="requirement.extended",
        obj=requirement,
        summary=f"Court extended the time to complete to {extended_until:%d %B %Y}",
        before={"extended_until": before.isoformat() if before else None},
        after={"extended_until": extended_until.isoformat()},
    )


def _check_correction(requirement: Requirement, *, entry: LedgerEntry, reason: str, book: PolicyBook) -> None:
    errors: dict[str, str] = {}
    if entry.reverses_id is not None:
        errors["entry"] = "This entry is itself a correction: record a new entry instead of correcting it"
    elif LedgerEntry.objects.filter(reverses=entry).exists():
        errors["entry"] = "This entry has already been corrected"
    elif entry.kind == LedgerKind.EARNED_REDUCTION:
        errors["entry"] = "Earned reduction is worked out from the hours worked: correct the hours instead"
    if not reason.strip():
        errors["reason"] = "Enter why the entry is being corrected"
    balance = requirement_balance(requirement)
    if not errors:
        effect_on_remaining = entry.minutes if entry.kind != LedgerKind.COURT_VARIATION else -entry.minutes
        total_after = balance.total_ordered_minutes - (entry.minutes if entry.kind == LedgerKind.COURT_VARIATION else 0)
        if balance.remaining_minutes + effect_on_remaining < 0:
            errors["entry"] = (
                "Reversing this court variation would leave more hours credited than ordered: correct the credits first"
            )
        elif total_after > rules.MAX_HOURS * 60:
            errors["entry"] = f"Reversing this court variation would make the order more than {rules.MAX_HOURS} hours"
        elif balance.ete_minutes > rules.ete_cap_minutes(total_after, book.value("ete_cap_percent", entry.occurred_on)):
            errors["entry"] = (
                f"Reversing this court variation would leave the {rules.format_minutes(balance.ete_minutes)} of ETE "
                "credited more than the order allows: correct the ETE credit first"
            )
    if errors:
        raise ValidationError(errors)


def _after_variation(*, actor: User | None, requirement: Requirement, book: PolicyBook, on: date) -> None:
    """A case in backlog whose new completion date is still ahead goes back to awaiting placement;
    then earned reduction and completion are kept in step."""
    if requirement.status == S.BACKLOG and not requirement_is_backlog(
        requirement, book=book, on=today(), remaining=requirement_balance(requirement).remaining_minutes
    ):
        status_set(
            actor=actor, requirement=requirement, to_status=S.AWAITING_PLACEMENT, reason="Court varied the order"
        )
    ledger_after_credit(actor=actor, requirement=requirement, book=book, on=on)


@transaction.atomic
def ledger_record_court_variation(
    *,
    actor: User | None,
    requirement: Requirement,
    minutes: int,
    occurred_on: date,
    reason: str,
    extended_until: date | None = None,
    book: PolicyBook | None = None,
    idempotency_key: str | None = None,
) -> LedgerEntry:
    """The court varies the order: hours added (positive) or taken away (negative), and/or the
    time to complete extended. A Suspended Sentence Order cannot run past its operational period.
    With an idempotency key, a repeat gets the first answer."""
    book = book or policy_book()
    request = {"minutes": minutes, "occurred_on": occurred_on, "reason": reason, "extended_until": extended_until}

    def vary(requirement: Requirement) -> LedgerWrite:
        _check_variation(
            requirement,
            minutes=minutes,
            occurred_on=occurred_on,
            reason=reason,
            extended_until=extended_until,
            book=book,
        )
        if extended_until is not None:
            _extend(actor=actor, requirement=requirement, extended_until=extended_until)
        variation = Posting(LedgerKind.COURT_VARIATION, minutes, occurred_on, reason.strip(), "court")
        entry = ledger_post(actor=actor, requirement=requirement, posting=variation)
        _after_variation(actor=actor, requirement=requirement, book=book, on=occurred_on)
        return LedgerWrite(entry=entry, requested_minutes=minutes)

    return ledger_once_for(
        requirement, actor=actor, key=idempotency_key, scope="ledger.court_variation", request=request, write=vary
    ).entry


def ledger_correct(
    *, actor: User | None, entry: LedgerEntry, reason: str, book: PolicyBook | None = None
) -> LedgerEntry:
    """Reverse an entry with a new one of opposite minutes (see `ledger_correct_entry`)."""
    return ledger_correct_entry(actor=actor, entry=entry, reason=reason, book=book).entry


@transaction.atomic
def ledger_correct_entry(
    *,
    actor: User | None,
    entry: LedgerEntry,
    reason: str,
    book: PolicyBook | None = None,
    idempotency_key: str | None = None,
) -> LedgerWrite:
    """Reverse an entry with a new one of opposite minutes. The original is never edited. With an
    idempotency key, a repeat gets the first answer (the same reversal)."""
    book = book or policy_book()
    payload = {"entry": entry.pk, "reason": reason}
    requirement = requirement_locked(entry.requirement)

    def reverse() -> LedgerWrite:
        original = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
        _check_correction(requirement, entry=original, reason=reason, book=book)
        opposite = Posting(
            original.kind, -original.minutes, original.occurred_on, reason.strip(), "correction", str(original.pk)
        )
        reversal = ledger_post(actor=actor, requirement=requirement, posting=opposite, reverses=original)
        if requirement.status == S.COMPLETED and requirement_balance(requirement).remaining_minutes > 0:
            status_set(actor=actor, requirement=requirement, to_status=S.WORKING, reason="Hours corrected")
        ledger_after_credit(actor=actor, requirement=requirement, book=book, on=original.occurred_on)
        return LedgerWrite(entry=reversal, requested_minutes=reversal.minutes)

    return ledger_once(actor=actor, key=idempotency_key, scope="ledger.correction", payload=payload, write=reverse)
