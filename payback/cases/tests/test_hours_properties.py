"""SPEC §3 as properties of any sequence of credits (work, travel, ETE) and corrections on an order
of 40 to 300 hours, with the earned reduction scheme on and off. Each state of the ledger is
checked against an independent account of the rules (not the code's own functions):

- earned reduction = min(25% of the total ordered minutes rounded down, half of the minutes worked
  beyond 25% of them rounded down — on the running total, not per credit), except that the credit
  completing an order is cut to what completes it, so it never goes below zero owed;
- a credit posts exactly the fewest minutes that leave nothing owed (counting the reduction it
  earns), or all of it; it says why when it posts fewer;
- ETE never passes 30% of the total ordered minutes, rounded down; a day's travel never passes 180
  minutes; both net of corrections;
- an order is completed exactly when nothing is owed.
"""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from payback.cases.models import LedgerEntry, LedgerKind, Requirement
from payback.cases.services import ledger_correct, ledger_credit_work_noted, ledger_record_adjustment
from payback.core.policy import SERVICE_START, PolicyBook
from payback.core.selectors import policy_book
from payback.staff.models import User

SENTENCED = date(2026, 3, 2)
SCHEME = {"threshold_percent": 25, "minutes_per_hour": 30, "cap_percent": 25}
TRAVEL_CAP = 180
ETE_PERCENT = 30

# Few days, so that travel on the same day (and corrections of it) happen often.
days = st.integers(0, 9).map(lambda n: SENTENCED + timedelta(days=14 * n))
operations = st.one_of(
    st.tuples(st.just("work"), st.one_of(st.integers(1, 600), st.integers(1, 9000)), days),
    st.tuples(st.just("travel"), st.integers(1, 200), days),
    st.tuples(st.just("ete"), st.integers(1, 1500), days),
    st.tuples(st.just("correct"), st.integers(0, 10_000), days),
)


def book_for(scheme_on: bool) -> PolicyBook:
    book = policy_book()
    book.versions["earned_reduction"] = [(SERVICE_START, dict(SCHEME) if scheme_on else None)]
    return book


class Ledger:
    """The ledger's net minutes by kind, read straight from its entries."""

    def __init__(self, requirement: Requirement) -> None:
        rows = list(LedgerEntry.objects.filter(requirement=requirement).values_list("kind", "minutes", "occurred_on"))
        self.total = requirement.ordered_minutes
        self.by_kind = {kind: sum(m for k, m, _ in rows if k == kind) for kind in LedgerKind.values}
        self.travel_by_day: dict[date, int] = {}
        for kind, minutes, on in rows:
            if kind == LedgerKind.TRAVEL:
                self.travel_by_day[on] = self.travel_by_day.get(on, 0) + minutes

    @property
    def others(self) -> int:
        return self.by_kind["work"] + self.by_kind["travel"] + self.by_kind["ete"]

    @property
    def remaining(self) -> int:
        return self.total - self.others - self.by_kind["earned_reduction"]


def entitlement(total: int, worked: int, scheme_on: bool) -> int:
    if not scheme_on:
        return 0
    quarter = total * 25 // 100
    return min(quarter, max(0, worked - quarter) // 2)


def owed_after(ledger: Ledger, kind: str, minutes: int, scheme_on: bool) -> int:
    """Minutes owed once `minutes` of `kind` are credited and the reduction follows."""
    worked = ledger.by_kind["work"] + (minutes if kind == "work" else 0)
    others = ledger.others + minutes
    return max(0, ledger.total - others - entitlement(ledger.total, worked, scheme_on))


def expected_credit(ledger: Ledger, kind: str, minutes: int, scheme_on: bool) -> int:
    for credited in range(1, minutes + 1):
        if owed_after(ledger, kind, credited, scheme_on) == 0:
            return credited
    return minutes


def check_state(requirement: Requirement, scheme_on: bool) -> Ledger:
    ledger = Ledger(requirement)
    total, worked, earned = ledger.total, ledger.by_kind["work"], ledger.by_kind["earned_reduction"]
    assert ledger.remaining >= 0
    assert earned == min(entitlement(total, worked, scheme_on), total - ledger.others)
    assert 0 <= earned <= total * 25 // 100
    if worked <= total * 25 // 100:
        assert earned == 0  # earning starts only beyond a quarter of the hours worked
    assert 0 <= ledger.by_kind["ete"] <= total * ETE_PERCENT // 100
    assert all(0 <= minutes <= TRAVEL_CAP for minutes in ledger.travel_by_day.values())
    requirement.refresh_from_db()
    assert (requirement.status == "completed") == (ledger.remaining == 0)
    return ledger


def credit(op: tuple[str, int, date], requirement: Requirement, actor: User, book: PolicyBook) -> Any:
    kind, minutes, on = op
    if kind == "work":
        return ledger_credit_work_noted(
            actor=actor, requirement=requirement, minutes=minutes, occurred_on=on, source="session", book=book
        )
    return ledger_record_adjustment(
        actor=actor, requirement=requirement, kind=kind, minutes=minutes, occurred_on=on, reason="Adjusted", book=book
    )


def legitimately_refused(op: tuple[str, int, date], before: Ledger) -> bool:
    kind, minutes, on = op
    if before.remaining == 0:
        return True
    if kind == "travel":
        return before.travel_by_day.get(on, 0) + minutes > TRAVEL_CAP
    if kind == "ete":
        return before.by_kind["ete"] + minutes > before.total * ETE_PERCENT // 100
    return False


def correct(number: int, requirement: Requirement, actor: User, book: PolicyBook) -> None:
    candidates = list(
        LedgerEntry.objects.filter(requirement=requirement, reverses__isnull=True, reversed_by__isnull=True)
        .exclude(kind=LedgerKind.EARNED_REDUCTION)
        .order_by("pk")
    )
    if candidates:
        ledger_correct(actor=actor, entry=candidates[number % len(candidates)], reason="Corrected", book=book)


@pytest.mark.django_db
@pytest.mark.today("2026-11-25")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    hours=st.integers(40, 300),
    scheme_on=st.booleans(),
    ops=st.lists(operations, min_size=1, max_size=30),
)
def test_credits_follow_spec_section_3(
    make_case: Callable[..., Requirement],
    practitioner: User,
    hours: int,
    scheme_on: bool,
    ops: list[tuple[str, int, date]],
) -> None:
    book = book_for(scheme_on)
    requirement = make_case(actor=practitioner, hours=hours, sentence_date=SENTENCED, book=book)
    before = check_state(requirement, scheme_on)
    note(f"{hours=} {scheme_on=}")
    for op in ops:
        kind, number, _ = op
        if kind == "correct":
            correct(number, requirement, practitioner, book)
            before = check_state(requirement, scheme_on)
            continue
        try:
            written = credit(op, requirement, practitioner, book)
        except ValidationError as refused:
            note(f"{op} refused: {refused.message_dict}")
            event(f"{kind} refused")
            assert legitimately_refused(op, before), refused.message_dict
            assert Ledger(requirement).by_kind == before.by_kind
            continue
        note(f"{op} credited {written.entry.minutes}")
        assert not legitimately_refused(op, before)
        expected = expected_credit(before, kind, number, scheme_on)
        assert written.entry.minutes == expected
        assert bool(written.note) == (expected < number)
        after = check_state(requirement, scheme_on)
        if expected < number:
            event(f"{kind} capped")
            assert after.remaining == 0
        assert after.remaining == owed_after(before, kind, expected, scheme_on)
        before = after
