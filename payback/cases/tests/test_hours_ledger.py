"""The hours ledger against SPEC §3 on worked cases: the credit that completes an order counts the
earned reduction it earns itself, the travel cap holds for a whole day, ETE's cap holds across
entries and corrections, half minutes are rounded the documented way, and a request repeated
with the same idempotency key records once."""

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from payback.cases import rules
from payback.cases.models import LedgerEntry, LedgerKind, LedgerRequest, Requirement
from payback.cases.selectors import requirement_balance
from payback.cases.services import (
    ledger_correct,
    ledger_correct_entry,
    ledger_credit_work,
    ledger_credit_work_noted,
    ledger_record_adjustment,
    ledger_record_court_variation,
    ledger_record_ete,
    ledger_record_travel,
)
from payback.core.idempotency import KeyReused
from payback.core.policy import SERVICE_START, PolicyBook
from payback.core.selectors import policy_book
from payback.staff.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-25")]

SENTENCED = date(2026, 3, 2)
SCHEME = {"threshold_percent": 25, "minutes_per_hour": 30, "cap_percent": 25}
MakeCase = Callable[..., Requirement]


def scheme_book(start: date = SENTENCED) -> PolicyBook:
    book = policy_book()
    book.versions["earned_reduction"] = [(SERVICE_START, None), (start, dict(SCHEME))]
    return book


def errors_of(caught: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return caught.value.message_dict


def kinds(requirement: Requirement) -> dict[str, int]:
    balance = requirement_balance(requirement)
    return {
        "work": balance.work_minutes,
        "travel": balance.travel_minutes,
        "ete": balance.ete_minutes,
        "earned": balance.earned_reduction_minutes,
        "remaining": balance.remaining_minutes,
    }


# ---------------------------------------------------------------------------------------------
# The credit that completes an order


def test_ten_eight_hour_sessions_on_a_100_hour_order_work_75_hours_and_earn_25(
    make_case: MakeCase, practitioner: User
) -> None:
    book = scheme_book()
    requirement = make_case(hours=100, book=book)
    notes = []
    for week in range(10):
        on = SENTENCED + timedelta(days=7 * (week + 1))
        written = ledger_credit_work_noted(
            actor=practitioner, requirement=requirement, minutes=480, occurred_on=on, source="session", book=book
        )
        notes.append((written.entry.minutes, written.note))
        if kinds(requirement)["remaining"] == 0:
            break
    assert kinds(requirement) == {"work": 75 * 60, "travel": 0, "ete": 0, "earned": 25 * 60, "remaining": 0}
    # Nine full sessions (72 hours, 23 h 30 earned), then 3 hours that earn the last 1 h 30.
    assert [minutes for minutes, _ in notes] == [480] * 9 + [180]
    assert notes[-1][1] == (
        "capped at 3 hours of the 8 hours: with the 1 hour 30 minutes of earned reduction it earns, "
        "that completes the order"
    )
    assert all(note == "" for _, note in notes[:-1])
    last = LedgerEntry.objects.filter(requirement=requirement, kind=LedgerKind.WORK).latest("pk")
    assert last.reason.endswith("that completes the order)")
    requirement.refresh_from_db()
    assert requirement.status == "completed"


def test_one_credit_of_more_than_needed_is_capped_including_its_own_reduction(
    make_case: MakeCase, practitioner: User
) -> None:
    book = scheme_book()
    requirement = make_case(hours=100, book=book)
    written = ledger_credit_work_noted(
        actor=practitioner,
        requirement=requirement,
        minutes=100 * 60,
        occurred_on=date(2026, 6, 1),
        source="session",
        book=book,
    )
    # 25 hours reach the threshold, 50 more earn 25: 75 hours of the 100 complete the order.
    assert (written.entry.minutes, written.requested_minutes) == (75 * 60, 100 * 60)
    assert "capped at 75 hours of the 100 hours" in written.note
    assert kinds(requirement)["earned"] == 25 * 60 and kinds(requirement)["remaining"] == 0


def test_without_the_scheme_the_last_credit_is_capped_at_what_is_owed(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case(hours=40)
    ledger_credit_work(
        actor=practitioner, requirement=requirement, minutes=2300, occurred_on=date(2026, 6, 1), source="s"
    )
    written = ledger_credit_work_noted(
        actor=practitioner, requirement=requirement, minutes=480, occurred_on=date(2026, 6, 8), source="s"
    )
    assert written.entry.minutes == 100
    assert written.note == "capped at the 1 hour 40 minutes owed, of the 8 hours: that completes the order"


def test_travel_and_ete_that_complete_an_order_are_capped_with_a_note(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case(hours=40)
    ledger_credit_work(
        actor=practitioner, requirement=requirement, minutes=2330, occurred_on=date(2026, 6, 1), source="s"
    )
    written = ledger_record_adjustment(
        actor=practitioner,
        requirement=requirement,
        kind="ete",
        minutes=60,
        occurred_on=date(2026, 6, 2),
        reason="College",
    )
    assert (written.entry.minutes, written.note) == (60, "")
    assert kinds(requirement)["remaining"] == 10
    written = ledger_record_adjustment(
        actor=practitioner,
        requirement=requirement,
        kind="travel",
        minutes=45,
        occurred_on=date(2026, 6, 2),
        reason="Train",
    )
    assert written.entry.minutes == 10
    assert written.note == "capped at the 10 minutes owed, of the 45 minutes: that completes the order"
    assert kinds(requirement)["remaining"] == 0


def test_credit_needed_when_the_last_half_minute_would_overshoot() -> None:
    """Two minutes owed, an even number of eligible minutes so far: one minute leaves one owed (its
    half minute is not yet a whole one); two minutes complete the order, and the reduction posted is
    only what completes it."""
    terms = rules.EarningTerms(scheme=dict(SCHEME), scheme_start=SENTENCED, earning_stopped_on=None)
    total = 6000
    work = [(date(2026, 6, 1), 1500 + 2000)]  # 2000 beyond the threshold: 1000 earned
    balance = rules.Balance(
        ordered_minutes=total,
        variation_minutes=0,
        work_minutes=3500,
        travel_minutes=1498,
        ete_minutes=0,
        earned_reduction_minutes=1000,
    )
    assert balance.remaining_minutes == 2
    decision = rules.credit_needed(
        kind="work", minutes=60, occurred_on=date(2026, 6, 2), balance=balance, work=work, terms=terms
    )
    assert (decision.credited, decision.reduction, decision.remaining_after) == (2, 0, 0)
    # With an odd number of eligible minutes so far, one minute completes the half minute owed.
    odd = rules.Balance(**{**balance.__dict__, "work_minutes": 3501, "travel_minutes": 1497})
    decision = rules.credit_needed(
        kind="work",
        minutes=60,
        occurred_on=date(2026, 6, 2),
        balance=odd,
        work=[(date(2026, 6, 1), 3501)],
        terms=terms,
    )
    assert (decision.credited, decision.reduction, decision.remaining_after) == (1, 1, 0)


def test_half_minutes_are_earned_on_the_running_total_not_per_credit(make_case: MakeCase, practitioner: User) -> None:
    book = scheme_book()
    requirement = make_case(hours=40, book=book)  # threshold 600, cap 600
    common = {"actor": practitioner, "requirement": requirement, "source": "s", "book": book}
    ledger_credit_work(minutes=661, occurred_on=date(2026, 6, 1), **common)  # 61 beyond: 30 earned
    assert kinds(requirement)["earned"] == 30
    ledger_credit_work(minutes=61, occurred_on=date(2026, 6, 2), **common)  # 122 beyond: 61 earned
    assert kinds(requirement)["earned"] == 61


def test_earning_starts_only_once_the_threshold_is_worked(make_case: MakeCase, practitioner: User) -> None:
    book = scheme_book()
    requirement = make_case(hours=120, book=book)  # threshold 30 hours
    common = {"actor": practitioner, "requirement": requirement, "source": "s", "book": book}
    ledger_credit_work(minutes=1799, occurred_on=date(2026, 6, 1), **common)
    ledger_record_travel(
        actor=practitioner, requirement=requirement, minutes=180, occurred_on=date(2026, 6, 1), reason="Bus", book=book
    )
    assert kinds(requirement)["earned"] == 0  # travel is not work
    ledger_credit_work(minutes=3, occurred_on=date(2026, 6, 2), **common)  # 2 minutes beyond
    assert kinds(requirement)["earned"] == 1


def test_a_correction_on_the_same_day_as_other_work_does_not_earn_twice(
    make_case: MakeCase, practitioner: User
) -> None:
    book = scheme_book()
    requirement = make_case(hours=100, book=book)
    common = {"actor": practitioner, "requirement": requirement, "source": "s", "book": book}
    ledger_credit_work(minutes=1800, occurred_on=date(2026, 6, 1), **common)  # 300 beyond: 150
    wrong = ledger_credit_work(minutes=200, occurred_on=date(2026, 6, 8), **common)
    ledger_credit_work(minutes=100, occurred_on=date(2026, 6, 8), **common)
    assert wrong is not None
    ledger_correct(actor=practitioner, entry=wrong, reason="Not there", book=book)
    # Net work 1900: 400 beyond the threshold earn 200, however the day's entries are ordered.
    assert kinds(requirement)["work"] == 1900
    assert kinds(requirement)["earned"] == 200


# ---------------------------------------------------------------------------------------------
# Caps


def test_the_travel_cap_holds_for_all_of_a_days_adjustments(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case(hours=100)
    day = date(2026, 6, 1)

    def travel(minutes: int, on: date = day) -> LedgerEntry:
        return ledger_record_travel(
            actor=practitioner, requirement=requirement, minutes=minutes, occurred_on=on, reason="Bus"
        )

    first = travel(60)
    with pytest.raises(ValidationError) as caught:
        travel(180)
    assert set(errors_of(caught)) == {"minutes"}
    assert errors_of(caught)["minutes"] == [
        "Travel adjustments can be at most 3 hours a day: 1 hour is already recorded for 1 June 2026, "
        "so you can add up to 2 hours more for that day"
    ]
    travel(120)
    with pytest.raises(ValidationError) as caught:
        travel(1)
    assert "you can add no more for that day" in errors_of(caught)["minutes"][0]
    travel(180, on=date(2026, 6, 2))  # another day has its own cap
    # A correction gives the day's room back.
    ledger_correct(actor=practitioner, entry=first, reason="Entered twice")
    travel(60)
    assert kinds(requirement)["travel"] == 180 + 180


def test_the_ete_cap_holds_across_entries_and_corrections(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case(hours=41)  # 2460 minutes: 30% is 738, rounded down from 738.0

    def ete(minutes: int) -> LedgerEntry:
        return ledger_record_ete(
            actor=practitioner, requirement=requirement, minutes=minutes, occurred_on=date(2026, 6, 1), reason="Course"
        )

    first = ete(400)
    ete(338)
    with pytest.raises(ValidationError) as caught:
        ete(1)
    assert "you can credit up to 0 minutes more" in errors_of(caught)["minutes"][0]
    ledger_correct(actor=practitioner, entry=first, reason="Wrong course")
    with pytest.raises(ValidationError):
        ete(401)
    ete(400)
    assert kinds(requirement)["ete"] == 738
    # A court variation of 7 minutes: 30% of 2467 is 740.1, rounded down to 740.
    ledger_record_court_variation(
        actor=practitioner, requirement=requirement, minutes=7, occurred_on=date(2026, 7, 1), reason="Varied"
    )
    with pytest.raises(ValidationError):
        ete(3)
    ete(2)
    assert kinds(requirement)["ete"] == 740


# ---------------------------------------------------------------------------------------------
# Idempotency keys


def test_a_repeated_adjustment_with_the_same_key_records_once(make_case: MakeCase, practitioner: User) -> None:
    requirement = make_case(hours=100)
    request = {
        "actor": practitioner,
        "requirement": requirement,
        "kind": "travel",
        "minutes": 90,
        "occurred_on": date(2026, 6, 1),
        "reason": "Bus",
        "idempotency_key": "key-1",
    }
    first = ledger_record_adjustment(**request)
    again = ledger_record_adjustment(**request)
    assert (again.entry.pk, again.replayed, first.replayed) == (first.entry.pk, True, False)
    assert LedgerEntry.objects.filter(requirement=requirement).count() == 1
    with pytest.raises(KeyReused) as caught:
        ledger_record_adjustment(**{**request, "minutes": 60})
    assert set(errors_of(caught)) == {"idempotency_key"}
    assert LedgerEntry.objects.filter(requirement=requirement).count() == 1
    assert LedgerRequest.objects.filter(key="key-1", scope="ledger.adjustment").count() == 1


def test_a_repeated_correction_with_the_same_key_gets_the_same_reversal(
    make_case: MakeCase, practitioner: User
) -> None:
    requirement = make_case(hours=100)
    entry = ledger_record_travel(
        actor=practitioner, requirement=requirement, minutes=90, occurred_on=date(2026, 6, 1), reason="Bus"
    )
    first = ledger_correct_entry(actor=practitioner, entry=entry, reason="Twice", idempotency_key="c-1")
    again = ledger_correct_entry(actor=practitioner, entry=entry, reason="Twice", idempotency_key="c-1")
    assert (again.entry.pk, again.replayed) == (first.entry.pk, True)
    with pytest.raises(ValidationError) as caught:
        ledger_correct_entry(actor=practitioner, entry=entry, reason="Twice", idempotency_key="")
    assert set(errors_of(caught)) == {"idempotency_key"}
