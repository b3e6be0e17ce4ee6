"""Crediting hours: work, travel time, education, training and employment (ETE) and the
stand-down allowance, each capped at what the order still needs."""

from dataclasses import replace
from datetime import date
from typing import NotRequired, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from payback.core.policy import PolicyBook
from payback.core.selectors import policy_book
from payback.staff.models import User

from .. import rules
from ..models import CLOSED_STATUSES, CaseStatus, LedgerEntry, LedgerKind, Requirement
from ..selectors import requirement_balance, requirement_is_backlog
from .common import requirement_locked, today
from .ledger import LedgerWrite, Posting, earning_terms, ledger_after_credit, ledger_once_for, ledger_post, work_of
from .status import status_set

S = CaseStatus


def _check_can_credit(requirement: Requirement, *, occurred_on: date, book: PolicyBook, errors: dict[str, str]) -> None:
    """Add to `errors` why no hours can be credited to the case on that day, if any."""
    if requirement.status in CLOSED_STATUSES:
        errors["requirement"] = f"The case is {S(requirement.status).label.lower()}: no more hours can be credited"
        return
    if occurred_on < requirement.order.sentence_date:
        errors["occurred_on"] = "The date must be on or after the date of sentence"
    elif occurred_on > today():
        errors["occurred_on"] = "The date must be today or in the past"
    op_end = requirement.order.operational_period_end
    if op_end is not None and occurred_on > op_end:
        errors["occurred_on"] = (
            f"The suspended sentence's operational period ended on {op_end:%d %B %Y}: hours cannot be credited after it"
        )
    remaining = requirement_balance(requirement).remaining_minutes
    if requirement_is_backlog(requirement, book=book, on=occurred_on, remaining=remaining):
        errors["requirement"] = (
            "The case is in backlog: its completion date has passed with hours outstanding. "
            "No hours can be credited until the court varies the order"
        )
    if remaining <= 0:
        errors["minutes"] = "No hours are owed on this requirement"


def _with_note(reason: str, note: str) -> str:
    if not note:
        return reason
    suffix = f" ({note})"
    return reason[: 500 - len(suffix)] + suffix


def _post_credit(*, actor: User | None, requirement: Requirement, credit: Posting, book: PolicyBook) -> LedgerWrite:
    """Post the part of a credit that is needed (`rules.credit_needed`: what completes the order,
    counting the earned reduction the credit itself earns), then the reduction, then completion."""
    kind, minutes, occurred_on = credit.kind, credit.minutes, credit.occurred_on
    decision = rules.credit_needed(
        kind=kind,
        minutes=minutes,
        occurred_on=occurred_on,
        balance=requirement_balance(requirement),
        work=work_of(requirement),
        terms=earning_terms(requirement, book=book, on=occurred_on),
    )
    needed = replace(credit, minutes=decision.credited, reason=_with_note(credit.reason, decision.note))
    entry = ledger_post(actor=actor, requirement=requirement, posting=needed)
    if kind == LedgerKind.WORK and requirement.status == S.AWAITING_PLACEMENT:
        status_set(actor=None, requirement=requirement, to_status=S.WORKING, reason="Hours worked")
    ledger_after_credit(actor=actor, requirement=requirement, book=book, on=occurred_on)
    return LedgerWrite(entry=entry, requested_minutes=minutes, note=decision.note)


@transaction.atomic
def ledger_credit_work_noted(
    *,
    actor: User | None,
    requirement: Requirement,
    minutes: int,
    occurred_on: date,
    source: str,
    source_ref: str = "",
    reason: str = "Hours worked",
    book: PolicyBook | None = None,
) -> LedgerWrite:
    """Credit minutes worked: only the part still needed, counting the earned reduction this credit
    earns. The note says so when fewer minutes were credited than worked."""
    book = book or policy_book()
    requirement = requirement_locked(requirement)
    errors: dict[str, str] = {}
    if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes <= 0:
        raise ValidationError({"minutes": "Enter the minutes worked as a whole number greater than 0"})
    _check_can_credit(requirement, occurred_on=occurred_on, book=book, errors=errors)
    if errors:
        raise ValidationError(errors)
    credit = Posting(LedgerKind.WORK, minutes, occurred_on, reason, source, source_ref)
    return _post_credit(actor=actor, requirement=requirement, credit=credit, book=book)


class WorkCredit(TypedDict):
    """What crediting minutes worked is asked with (see `ledger_credit_work_noted`)."""

    actor: User | None
    requirement: Requirement
    minutes: int
    occurred_on: date
    source: str
    source_ref: NotRequired[str]
    reason: NotRequired[str]
    book: NotRequired[PolicyBook | None]


def ledger_credit_work(**credit: Unpack[WorkCredit]) -> LedgerEntry | None:
    """Credit minutes worked, capped at what is still needed (see `ledger_credit_work_noted`)."""
    return ledger_credit_work_noted(**credit).entry


@transaction.atomic
def ledger_credit_stand_down(
    *,
    actor: User | None,
    requirement: Requirement,
    minutes: int,
    occurred_on: date,
    source_ref: str,
    reason: str,
    book: PolicyBook | None = None,
) -> LedgerEntry | None:
    """Credit the stand-down allowance when the service cancels a session: capped at what is
    needed; nothing in backlog or when nothing is owed (returns None). It is not work, so it
    earns no reduction."""
    book = book or policy_book()
    requirement = requirement_locked(requirement)
    errors: dict[str, str] = {}
    _check_can_credit(requirement, occurred_on=occurred_on, book=book, errors=errors)
    if errors or minutes <= 0:
        return None
    credit = Posting(LedgerKind.STAND_DOWN, minutes, occurred_on, reason, "stand_down", source_ref)
    return _post_credit(actor=actor, requirement=requirement, credit=credit, book=book).entry


def _travel_errors(
    requirement: Requirement, *, minutes: int, occurred_on: date, book: PolicyBook, errors: dict[str, str]
) -> None:
    """The travel cap applies to all the adjustments for one day together, net of corrections."""
    cap = book.value("travel_adjustment_cap_minutes", occurred_on)
    recorded = (
        requirement.ledger.filter(kind=LedgerKind.TRAVEL, occurred_on=occurred_on).aggregate(
            total=Sum("minutes", default=0)
        )["total"]
        or 0
    )
    room = rules.travel_day_room(cap_minutes=cap, recorded_that_day=recorded)
    if minutes > room:
        day = f"{occurred_on.day} {occurred_on:%B %Y}"
        if recorded:
            more = f"up to {rules.format_minutes(room)} more" if room else "no more"
            left = f"{rules.format_minutes(recorded)} is already recorded for {day}, so you can add {more} for that day"
        else:
            left = f"you can add up to {rules.format_minutes(room)} for {day}"
        errors["minutes"] = f"Travel adjustments can be at most {rules.format_minutes(cap)} a day: {left}"


def _ete_errors(
    requirement: Requirement, *, minutes: int, occurred_on: date, book: PolicyBook, errors: dict[str, str]
) -> None:
    balance = requirement_balance(requirement)
    cap = rules.ete_cap_minutes(balance.total_ordered_minutes, book.value("ete_cap_percent", occurred_on))
    room = cap - balance.ete_minutes
    if minutes > room:
        errors["minutes"] = (
            f"ETE can count for at most {rules.format_minutes(cap)} of this order and "
            f"{rules.format_minutes(balance.ete_minutes)} is already credited: "
            f"you can credit up to {rules.format_minutes(max(0, room))} more"
        )


ADJUSTMENT_KINDS = {
    LedgerKind.TRAVEL: (
        "Enter the travel time in minutes, a whole number greater than 0",
        "Enter the reason for the travel adjustment",
    ),
    LedgerKind.ETE: (
        "Enter the ETE time in minutes, a whole number greater than 0",
        "Enter what the education, training or employment activity was",
    ),
}


def _check_adjustment(
    requirement: Requirement, *, kind: str, minutes: int, occurred_on: date, reason: str, book: PolicyBook
) -> None:
    minutes_message, reason_message = ADJUSTMENT_KINDS[LedgerKind(kind)]
    errors: dict[str, str] = {}
    if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes <= 0:
        errors["minutes"] = minutes_message
    else:
        check = _travel_errors if kind == LedgerKind.TRAVEL else _ete_errors
        check(requirement, minutes=minutes, occurred_on=occurred_on, book=book, errors=errors)
    if not reason.strip():
        errors["reason"] = reason_message
    _check_can_credit(requirement, occurred_on=occurred_on, book=book, errors=errors)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def ledger_record_adjustment(
    *,
    actor: User | None,
    requirement: Requirement,
    kind: str,
    minutes: int,
    occurred_on: date,
    reason: str,
    book: PolicyBook | None = None,
    idempotency_key: str | None = None,
) -> LedgerWrite:
    """A travel time adjustment (the policy's cap applies to each day's adjustments together) or
    ETE credit (capped at a share of the ordered hours). Only the part still needed is credited,
    with a note saying so. With an idempotency key, a repeat gets the first answer."""
    book = book or policy_book()
    if kind not in ADJUSTMENT_KINDS:
        raise ValidationError({"kind": "Select travel or ETE"})
    request = {"kind": kind, "minutes": minutes, "occurred_on": occurred_on, "reason": reason}

    def adjust(requirement: Requirement) -> LedgerWrite:
        _check_adjustment(requirement, kind=kind, minutes=minutes, occurred_on=occurred_on, reason=reason, book=book)
        source = "adjustment" if kind == LedgerKind.TRAVEL else "ete"
        credit = Posting(kind, minutes, occurred_on, reason.strip(), source)
        return _post_credit(actor=actor, requirement=requirement, credit=credit, book=book)

    return ledger_once_for(
        requirement, actor=actor, key=idempotency_key, scope="ledger.adjustment", request=request, write=adjust
    )


class Adjustment(TypedDict):
    """What a travel or ETE adjustment is asked with (see `ledger_record_adjustment`)."""

    actor: User | None
    requirement: Requirement
    minutes: int
    occurred_on: date
    reason: str
    book: NotRequired[PolicyBook | None]


def ledger_record_travel(**adjustment: Unpack[Adjustment]) -> LedgerEntry:
    """A travel time adjustment (see `ledger_record_adjustment`)."""
    return ledger_record_adjustment(kind=LedgerKind.TRAVEL, **adjustment).entry


def ledger_record_ete(**adjustment: Unpack[Adjustment]) -> LedgerEntry:
    """Education, training and employment credit (see `ledger_record_adjustment`)."""
    return ledger_record_adjustment(kind=LedgerKind.ETE, **adjustment).entry
