"""Whatever sequence of ledger operations is tried on a requirement, and whether each one is
accepted or refused, the ledger stays consistent: the balance follows from its entries, nothing
is ever edited, corrections cancel their originals exactly and the caps hold."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from payback.cases import rules
from payback.cases.models import CREDIT_KINDS, CaseStatus, LedgerEntry, LedgerKind, Requirement
from payback.cases.selectors import requirement_balance
from payback.cases.services import (
    ledger_correct,
    ledger_credit_work,
    ledger_record_court_variation,
    ledger_record_ete,
    ledger_record_travel,
)
from payback.core.policy import SERVICE_START, PolicyBook
from payback.core.selectors import policy_book
from payback.staff.models import User

TODAY = date(2026, 11, 25)
SENTENCED = date(2026, 3, 2)
SCHEME_START = date(2026, 6, 1)
SCHEME = {"threshold_percent": 25, "minutes_per_hour": 30, "cap_percent": 25}
ETE_CAP_PERCENT = 30

days = st.integers(0, (TODAY - SENTENCED).days).map(lambda n: SENTENCED + timedelta(days=n))
operations = st.one_of(
    st.tuples(st.just("work"), st.integers(1, 1200), days),
    st.tuples(st.just("travel"), st.integers(1, 210), days),  # over 180 is refused
    st.tuples(st.just("ete"), st.integers(1, 900), days),
    st.tuples(st.just("vary"), st.integers(-1800, 1800), days),
    st.tuples(st.just("correct"), st.integers(0, 10_000), days),
)
cases = st.fixed_dictionaries(
    {
        "hours": st.sampled_from([40, 45, 101, 300]),
        # A six-month suspended sentence ends on 2 September 2026: later credits are refused.
        "suspended": st.booleans(),
        "earned_reduction": st.booleans(),
    }
)

Snapshot = dict[int, tuple[Any, ...]]


def snapshot(requirement: Requirement) -> Snapshot:
    return {
        row[0]: row[1:]
        for row in LedgerEntry.objects.filter(requirement=requirement).values_list(
            "pk",
            "kind",
            "minutes",
            "reverses_id",
            "occurred_on",
            "reason",
            "source",
            "source_ref",
            "created_at",
            "created_by_id",
        )
    }


def book_for(earned_reduction: bool) -> PolicyBook:
    book = policy_book()
    if earned_reduction:
        book.versions["earned_reduction"] = [(SERVICE_START, None), (SCHEME_START, dict(SCHEME))]
    return book


def apply(op: tuple[str, int, date], requirement: Requirement, actor: User, book: PolicyBook) -> None:
    kind, number, on = op
    common = {"actor": actor, "requirement": requirement, "book": book}
    if kind == "work":
        ledger_credit_work(minutes=number, occurred_on=on, source="session", **common)
    elif kind == "travel":
        ledger_record_travel(minutes=number, occurred_on=on, reason="Travel", **common)
    elif kind == "ete":
        ledger_record_ete(minutes=number, occurred_on=on, reason="Course", **common)
    elif kind == "vary":
        ledger_record_court_variation(minutes=number, occurred_on=on, reason="Court varied the order", **common)
    else:
        candidates = list(LedgerEntry.objects.filter(requirement=requirement, reverses__isnull=True).order_by("pk"))
        if candidates:
            entry = candidates[number % len(candidates)]
            ledger_correct(actor=actor, entry=entry, reason="Corrected", book=book)


def check(requirement: Requirement, *, earned_reduction: bool) -> None:
    rows = list(LedgerEntry.objects.filter(requirement=requirement).values("pk", "kind", "minutes", "reverses_id"))
    ordered = requirement.ordered_minutes
    variations = sum(r["minutes"] for r in rows if r["kind"] == LedgerKind.COURT_VARIATION)
    credits = sum(r["minutes"] for r in rows if r["kind"] in CREDIT_KINDS)
    total = ordered + variations
    remaining = total - credits

    balance = requirement_balance(requirement)
    assert balance.remaining_minutes == remaining
    # the running totals the caseload reads agree with the ledger
    sums = Requirement.objects.values_list("credited_minutes", "variation_minutes").get(pk=requirement.pk)
    assert sums == (credits, variations)
    assert remaining >= 0
    assert total <= rules.MAX_HOURS * 60

    ete = sum(r["minutes"] for r in rows if r["kind"] == LedgerKind.ETE)
    assert 0 <= ete <= rules.ete_cap_minutes(total, ETE_CAP_PERCENT)
    earned = sum(r["minutes"] for r in rows if r["kind"] == LedgerKind.EARNED_REDUCTION)
    assert 0 <= earned <= (total * SCHEME["cap_percent"] // 100 if earned_reduction else 0)
    for kind in (LedgerKind.WORK, LedgerKind.TRAVEL):
        assert sum(r["minutes"] for r in rows if r["kind"] == kind) >= 0

    by_pk = {r["pk"]: r for r in rows}
    for row in rows:
        if row["reverses_id"] is None:
            continue
        original = by_pk[row["reverses_id"]]
        assert original["reverses_id"] is None  # a correction is never corrected
        assert original["kind"] == row["kind"]
        assert original["minutes"] + row["minutes"] == 0

    status = Requirement.objects.values_list("status", flat=True).get(pk=requirement.pk)
    assert (status == CaseStatus.COMPLETED) == (remaining == 0)


@pytest.mark.django_db
@pytest.mark.today("2026-11-25")
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=cases, ops=st.lists(operations, min_size=1, max_size=25))
def test_the_ledger_stays_consistent(
    make_case: Callable[..., Requirement],
    practitioner: User,
    case: dict[str, Any],
    ops: list[tuple[str, int, date]],
) -> None:
    book = book_for(case["earned_reduction"])
    extra: dict[str, Any] = (
        {"order_type": "suspended_sentence_order", "operational_period_months": 6} if case["suspended"] else {}
    )
    # A fresh requirement (and CRN) for every example: the database is shared between them.
    requirement = make_case(actor=practitioner, hours=case["hours"], sentence_date=SENTENCED, book=book, **extra)
    seen = snapshot(requirement)
    note(f"{case=}")
    for op in ops:
        try:
            apply(op, requirement, practitioner, book)
            note(f"{op} accepted")
            event(f"{op[0]} accepted")
        except ValidationError as refused:
            note(f"{op} refused: {refused.message_dict}")
            event(f"{op[0]} refused")
        now = snapshot(requirement)
        # Entries are only ever added: every earlier one is still there, unchanged.
        assert {pk: now.get(pk) for pk in seen} == seen
        seen = now
        check(requirement, earned_reduction=case["earned_reduction"])
