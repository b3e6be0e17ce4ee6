"""The work still needed on a 100-hour order, at every step: with the earned reduction scheme
(25% threshold, 30 minutes an hour, 25% cap) a person who keeps complying finishes after 75 hours
of work; after an unacceptable failure, every remaining hour must be worked."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from payback.cases import rules
from payback.cases.rules import Balance, EarningTerms
from payback.cases.selectors import CaseloadFilters, case_flags, case_flags_of, caseload
from payback.cases.services import ledger_credit_work
from payback.core.selectors import policy_book
from payback.delivery.models import Appointment
from payback.enforcement import services
from payback.enforcement.tests.conftest import source_of
from payback.staff.models import User
from payback.testing.builders import Clock, placeable_person

SCHEME = {"threshold_percent": 25, "minutes_per_hour": 30, "cap_percent": 25}
START = date(2026, 3, 9)
ORDERED = 100 * 60


def after_working(worked: int, *, stopped_on: date | None = None) -> tuple[Balance, list[tuple[date, int]]]:
    """The balance once `worked` minutes have been worked an hour a day, with the reduction earned."""
    work = [(START + timedelta(days=i), 60) for i in range(worked // 60)]
    earned = rules.earned_reduction_entitlement(
        total_ordered_minutes=ORDERED,
        work=work,
        scheme=SCHEME,
        scheme_start=date(2021, 1, 1),
        earning_stopped_on=stopped_on,
    )
    balance = Balance(
        ordered_minutes=ORDERED,
        variation_minutes=0,
        work_minutes=worked,
        travel_minutes=0,
        ete_minutes=0,
        earned_reduction_minutes=min(earned, ORDERED - worked),
        stand_down_minutes=0,
    )
    return balance, work


def terms(stopped_on: date | None = None) -> EarningTerms:
    return EarningTerms(scheme=SCHEME, scheme_start=date(2021, 1, 1), earning_stopped_on=stopped_on)


def test_while_complying_the_work_still_needed_is_75_hours_less_what_is_worked_at_every_step() -> None:
    for worked in range(0, ORDERED + 60, 60):
        balance, work = after_working(min(worked, 4500))
        on = START + timedelta(days=200)
        needed = rules.work_still_needed(balance=balance, work=work, terms=terms(), on=on)
        assert needed == max(0, 4500 - min(worked, 4500)), worked
        # The gross remaining is more until the reduction is all earned.
        assert balance.remaining_minutes >= needed


def test_after_an_unacceptable_failure_every_remaining_hour_is_needed() -> None:
    stopped = START + timedelta(days=40)
    balance, work = after_working(2400, stopped_on=stopped)
    assert (balance.earned_reduction_minutes, balance.remaining_minutes) == (450, 3150)
    on = START + timedelta(days=60)
    assert rules.work_still_needed(balance=balance, work=work, terms=terms(stopped), on=on) == 3150
    assert rules.most_still_earnable(balance=balance, terms=terms(stopped), on=on) == 0
    # Had earning not stopped, 2,100 minutes of work would finish it, earning the last 1,050.
    assert rules.work_still_needed(balance=balance, work=work, terms=terms(), on=on) == 2100
    assert rules.most_still_earnable(balance=balance, terms=terms(), on=on) == 1050


def test_with_no_scheme_in_force_what_is_needed_is_what_remains() -> None:
    balance, work = after_working(1200)
    none = EarningTerms(scheme=None, scheme_start=None, earning_stopped_on=None)
    assert rules.work_still_needed(balance=balance, work=work, terms=none, on=START) == balance.remaining_minutes


@pytest.mark.django_db
@pytest.mark.today("2026-11-18")
def test_the_case_goes_by_the_work_still_needed_until_earning_stops(
    clock: Clock, practitioner: User, earned_reduction: None, on_session: Callable[..., Appointment]
) -> None:
    person = placeable_person(practitioner, hours=100)
    ledger_credit_work(
        actor=practitioner, requirement=person, minutes=39 * 60, occurred_on=date(2026, 5, 1), source="earlier_work"
    )
    flags = case_flags(person, book=policy_book(), today=clock.today)
    assert (flags.remaining, flags.still_needed) == (3150, 2100)

    absence = on_session(person, date(2026, 6, 1), "unacceptable_absence")
    clock.today = date(2026, 6, 10)
    services.failure_decide(
        actor=practitioner, source=source_of(practitioner, absence), verdict="unacceptable", reason="No evidence"
    )
    person.refresh_from_db()
    flags = case_flags(person, book=policy_book(), today=clock.today)
    assert (flags.remaining, flags.still_needed) == (3150, 3150)


@pytest.mark.django_db
@pytest.mark.today("2026-11-18")
def test_the_caseloads_at_risk_list_goes_by_the_work_still_needed(
    clock: Clock, practitioner: User, earned_reduction: None
) -> None:
    person = placeable_person(practitioner, hours=100)
    ledger_credit_work(
        actor=practitioner, requirement=person, minutes=39 * 60, occurred_on=date(2026, 5, 1), source="earlier_work"
    )
    # 50 days before the completion date (2 March 2027): 52 h 30 remain, which cannot be worked at
    # 6 hours a week, but only 35 hours of work are still needed, which can.
    clock.today = date(2027, 1, 11)
    assert caseload(practitioner, CaseloadFilters(flag="at_risk")).count() == 0
    clock.today = date(2027, 2, 1)  # 29 days left: even 35 hours cannot be done at 6 a week
    assert list(caseload(practitioner, CaseloadFilters(flag="at_risk"))) == [person]


def several_cases(
    clock: Clock, practitioner: User, on_session: Callable[..., Appointment], worked: list[tuple[int, int]]
) -> None:
    """Cases of the given hours with the given hours worked in May; the second's earning stopped in June."""
    people = [placeable_person(practitioner, hours=hours) for hours, _ in worked]
    for person, (_, done) in zip(people, worked, strict=True):
        if done:
            ledger_credit_work(
                actor=practitioner, requirement=person, minutes=done * 60, occurred_on=date(2026, 5, 1), source="work"
            )
    absence = on_session(people[1], date(2026, 6, 1), "unacceptable_absence")
    clock.today = date(2026, 6, 10)
    services.failure_decide(
        actor=practitioner, source=source_of(practitioner, absence), verdict="unacceptable", reason="No evidence"
    )


@pytest.mark.django_db
@pytest.mark.today("2026-11-18")
def test_a_page_of_cases_has_the_flags_each_would_have_alone_read_in_a_fixed_number_of_queries(
    clock: Clock,
    practitioner: User,
    earned_reduction: None,
    on_session: Callable[..., Appointment],
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    several_cases(clock, practitioner, on_session, [(100, 39), (100, 10), (60, 0), (40, 40)])
    book = policy_book()
    listed = list(caseload(practitioner, CaseloadFilters(), today=clock.today, book=book))
    alone = [case_flags(r, book=book, today=clock.today) for r in listed]
    with django_assert_max_num_queries(2):
        together = case_flags_of(listed, book=book, today=clock.today)
    assert together == alone
    # The cases are not all alike: earning goes on for some and has stopped for one.
    assert (3150, 2100) in {(f.remaining, f.still_needed) for f in together}
    assert any(f.remaining == f.still_needed > 0 for f in together)
    assert len(together) == 3  # the finished order is not on the caseload


@pytest.mark.django_db
@pytest.mark.today("2026-11-18")
def test_the_at_risk_list_is_exactly_the_cases_flagged_at_risk_whichever_day_it_is(
    clock: Clock, practitioner: User, earned_reduction: None, on_session: Callable[..., Appointment]
) -> None:
    several_cases(clock, practitioner, on_session, [(100, 39), (100, 10), (60, 0), (200, 120), (40, 5)])
    seen = set()
    for day in [date(2026, 7, 1) + timedelta(days=14 * n) for n in range(22)]:
        clock.today = day
        book = policy_book()
        listed = caseload(practitioner, CaseloadFilters(), today=day, book=book)
        flagged = {
            r.pk for r, f in zip(listed, case_flags_of(list(listed), book=book, today=day), strict=True) if f.at_risk
        }
        at_risk = {r.pk for r in caseload(practitioner, CaseloadFilters(flag="at_risk"), today=day, book=book)}
        assert at_risk == flagged, day
        seen |= at_risk
    assert len(seen) >= 3  # the days cover cases falling at risk, with and without earning stopped
