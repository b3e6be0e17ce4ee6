"""The pure case rules: no database, plain values in and out."""

from datetime import date, timedelta

import pytest

from payback.cases import rules
from payback.core.policy import PolicyBook

SCHEME = {"threshold_percent": 25, "minutes_per_hour": 30, "cap_percent": 25}
HOUR = 60


# ---------------------------------------------------------------------------------------------
# Statutory limits and age


def test_statutory_limits() -> None:
    # Sentencing Act 2020 Sch 9: 40 to 300 hours, at most 300 hours that are not concurrent;
    # a suspended sentence's operational period is 6 months to 2 years.
    assert (rules.MIN_HOURS, rules.MAX_HOURS, rules.MAX_AGGREGATE_HOURS) == (40, 300, 300)
    assert (rules.SSO_MIN_OPERATIONAL_MONTHS, rules.SSO_MAX_OPERATIONAL_MONTHS) == (6, 24)


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(2008, 3, 2), date(2026, 3, 2), 18),  # 18th birthday
        (date(2008, 3, 3), date(2026, 3, 2), 17),  # the day before it
        (date(2008, 2, 29), date(2026, 3, 1), 18),  # born on 29 February
        (date(2008, 2, 29), date(2026, 2, 27), 17),
    ],
)
def test_age_on(born: date, on: date, age: int) -> None:
    assert rules.age_on(born, on) == age


# ---------------------------------------------------------------------------------------------
# Aggregate hours of several requirements


@pytest.mark.parametrize(
    ("requirements", "total"),
    [
        ([], 0),
        ([(1, None, 200)], 200),
        # Consecutive requirements add up: 200 + 150 is over the limit.
        ([(1, None, 200), (2, None, 150)], 350),
        # Concurrent: the group counts as its largest member.
        ([(1, None, 200), (2, 1, 150)], 200),
        ([(1, None, 100), (2, 1, 150)], 150),
        # A chain of concurrent requirements is one group; a consecutive one adds to it.
        ([(1, None, 100), (2, 1, 120), (3, 2, 80), (4, None, 50)], 170),
        # Concurrent with a requirement that is no longer live: counts on its own.
        ([(2, 99, 120), (3, None, 100)], 220),
    ],
)
def test_aggregate_hours(requirements: list[tuple[int, int | None, int]], total: int) -> None:
    assert rules.aggregate_hours(requirements) == total


def test_aggregate_limit_is_on_the_non_concurrent_total() -> None:
    consecutive = rules.aggregate_hours([(1, None, 200), (2, None, 100)])
    assert consecutive == 300 and consecutive <= rules.MAX_AGGREGATE_HOURS
    assert rules.aggregate_hours([(1, None, 200), (2, None, 101)]) > rules.MAX_AGGREGATE_HOURS
    assert rules.aggregate_hours([(1, None, 300), (2, 1, 300)]) <= rules.MAX_AGGREGATE_HOURS


# ---------------------------------------------------------------------------------------------
# The balance


def test_balance_of_a_ledger() -> None:
    balance = rules.balance_of(
        100 * HOUR,
        [
            ("work", 600),
            ("work", 120),
            ("work", -120),  # a correction carries its original's kind
            ("court_variation", 600),
            ("court_variation", -120),
            ("travel", 90),
            ("ete", 300),
            ("earned_reduction", 30),
        ],
    )
    assert balance.total_ordered_minutes == 6000 + 480
    assert (balance.work_minutes, balance.travel_minutes, balance.ete_minutes) == (600, 90, 300)
    assert balance.earned_reduction_minutes == 30
    assert balance.credited_minutes == 1020
    assert balance.remaining_minutes == 6480 - 1020
    assert balance.percent_complete == 15  # 1020 / 6480 = 15.7%, rounded down


def test_balance_of_an_empty_ledger() -> None:
    balance = rules.balance_of(2400, [])
    assert balance.remaining_minutes == 2400
    assert balance.percent_complete == 0
    assert rules.balance_of(0, []).percent_complete == 100


# ---------------------------------------------------------------------------------------------
# ETE cap


@pytest.mark.parametrize(
    ("ordered", "percent", "cap"),
    [
        (45 * HOUR, 30, 810),  # 13 hours 30 minutes
        (101 * HOUR, 30, 1818),  # 30 hours 18 minutes
        (100 * HOUR, 30, 1800),
        (2401, 30, 720),  # 720.3 rounded down
        (2459, 30, 737),  # 737.7 rounded down, not up
        (100 * HOUR, 0, 0),
    ],
)
def test_ete_cap_minutes(ordered: int, percent: int, cap: int) -> None:
    assert rules.ete_cap_minutes(ordered, percent) == cap


# ---------------------------------------------------------------------------------------------
# Earned reduction (Sentencing Act 2026 s.37)

START = date(2026, 6, 1)


def earned(work: list[tuple[date, int]], *, ordered: int = 100 * HOUR, stopped: date | None = None) -> int:
    return rules.earned_reduction_entitlement(
        total_ordered_minutes=ordered, work=work, scheme=SCHEME, scheme_start=START, earning_stopped_on=stopped
    )


def test_first_quarter_of_the_hours_earns_nothing() -> None:
    # 100 hours ordered: the threshold is 25 hours.
    assert earned([(date(2026, 7, 1), 25 * HOUR)]) == 0
    assert earned([(date(2026, 7, 1), 10 * HOUR), (date(2026, 7, 8), 15 * HOUR)]) == 0


def test_each_hour_beyond_the_threshold_earns_half_an_hour() -> None:
    # 25 hours to reach the threshold, then 10 more hours earn 5 hours.
    assert earned([(date(2026, 7, 1), 25 * HOUR), (date(2026, 7, 8), 10 * HOUR)]) == 5 * HOUR
    # One entry crossing the threshold: only the part beyond it earns (30 - 25 = 5 hours -> 2.5).
    assert earned([(date(2026, 7, 1), 30 * HOUR)]) == 150
    # Part hours: 61 minutes beyond the threshold earn 30 minutes (rounded down).
    assert earned([(date(2026, 7, 1), 25 * HOUR + 61)]) == 30


def test_earned_reduction_is_capped_at_a_quarter_of_the_hours() -> None:
    # The cap (25 hours) is reached after 50 hours beyond the threshold, i.e. 75 hours worked.
    assert earned([(date(2026, 7, 1), 74 * HOUR)]) == 24 * HOUR + 30
    assert earned([(date(2026, 7, 1), 75 * HOUR)]) == 25 * HOUR
    assert earned([(date(2026, 7, 1), 100 * HOUR)]) == 25 * HOUR


def test_work_before_the_scheme_counts_toward_the_threshold_but_earns_nothing() -> None:
    before = date(2026, 5, 20)
    after = date(2026, 6, 10)
    assert earned([(before, 35 * HOUR)]) == 0
    # 25 hours before the start reach the threshold; 10 hours after it earn 5 hours.
    assert earned([(before, 25 * HOUR), (after, 10 * HOUR)]) == 5 * HOUR
    # 30 hours before: the 5 hours beyond the threshold were before the start and earn nothing.
    assert earned([(before, 30 * HOUR), (after, 10 * HOUR)]) == 5 * HOUR
    # Work on the day the scheme starts earns.
    assert earned([(before, 25 * HOUR), (START, 2 * HOUR)]) == HOUR


def test_work_is_taken_in_date_order() -> None:
    # Listed out of order: the earlier (pre-scheme) work still reaches the threshold first.
    assert earned([(date(2026, 6, 10), 10 * HOUR), (date(2026, 5, 20), 25 * HOUR)]) == 5 * HOUR


def test_an_unacceptable_failure_stops_earning_but_keeps_what_was_earned() -> None:
    stopped = date(2026, 8, 1)
    work = [(date(2026, 7, 1), 25 * HOUR), (date(2026, 7, 15), 10 * HOUR), (date(2026, 8, 5), 20 * HOUR)]
    assert earned(work, stopped=stopped) == 5 * HOUR
    assert earned(work) == 15 * HOUR
    # Work on the day earning stopped does not earn either.
    assert earned([(date(2026, 7, 1), 25 * HOUR), (stopped, 10 * HOUR)], stopped=stopped) == 0


def test_no_scheme_earns_nothing() -> None:
    work = [(date(2026, 7, 1), 80 * HOUR)]
    assert (
        rules.earned_reduction_entitlement(
            total_ordered_minutes=6000, work=work, scheme=None, scheme_start=None, earning_stopped_on=None
        )
        == 0
    )
    assert (
        rules.earned_reduction_entitlement(
            total_ordered_minutes=6000, work=work, scheme=SCHEME, scheme_start=None, earning_stopped_on=None
        )
        == 0
    )


def test_earned_reduction_follows_the_total_after_a_court_variation() -> None:
    # 40 hours + 20 added by the court = 60 hours: threshold 15 hours, cap 15 hours.
    assert earned([(date(2026, 7, 1), 25 * HOUR)], ordered=60 * HOUR) == 5 * HOUR


# ---------------------------------------------------------------------------------------------
# Completion window and completion date

S36 = date(2027, 1, 1)  # an assumed commencement date for s.36, for these examples
S36_BOOK = PolicyBook(versions={"completion_window_months": [(date(2020, 1, 1), 12), (S36, None)]})


def test_window_end_is_twelve_months_from_sentence() -> None:
    assert rules.window_end(date(2026, 3, 2), PolicyBook()) == date(2027, 3, 2)
    assert rules.window_end(date(2024, 2, 29), PolicyBook()) == date(2025, 2, 28)


def test_no_window_for_orders_made_after_s36_commences() -> None:
    assert rules.window_end(date(2026, 12, 31), S36_BOOK) == date(2027, 12, 31)
    assert rules.window_end(S36, S36_BOOK) is None
    assert rules.window_in_force(S36_BOOK, date(2026, 12, 31))
    assert not rules.window_in_force(S36_BOOK, S36)


@pytest.mark.parametrize(
    ("window_end", "extended_until", "operational_end", "window_applies", "expected"),
    [
        # Community Order, window in force: 12 months from sentence.
        (date(2027, 3, 2), None, None, True, date(2027, 3, 2)),
        # The court's extension replaces the window.
        (date(2027, 3, 2), date(2027, 9, 2), None, True, date(2027, 9, 2)),
        # After s.36 commences: no window, so no completion date ...
        (date(2027, 3, 2), None, None, False, None),
        # ... unless the court set one.
        (date(2027, 3, 2), date(2027, 9, 2), None, False, date(2027, 9, 2)),
        # Suspended Sentence Order: never past the operational period.
        (date(2027, 3, 2), None, date(2026, 9, 2), True, date(2026, 9, 2)),
        (date(2027, 3, 2), date(2027, 9, 2), date(2027, 3, 2), True, date(2027, 3, 2)),
        (date(2027, 3, 2), None, date(2027, 9, 2), True, date(2027, 3, 2)),  # window ends first
        (date(2027, 3, 2), None, date(2027, 9, 2), False, date(2027, 9, 2)),  # no window: operational period
        (None, None, None, True, None),
    ],
)
def test_completion_date(
    window_end: date | None,
    extended_until: date | None,
    operational_end: date | None,
    window_applies: bool,
    expected: date | None,
) -> None:
    assert (
        rules.completion_date(
            window_end=window_end,
            extended_until=extended_until,
            operational_period_end=operational_end,
            window_applies=window_applies,
        )
        == expected
    )


def test_a_case_sentenced_under_the_window_has_no_backlog_once_s36_commences() -> None:
    sentenced = date(2025, 10, 1)
    end = rules.window_end(sentenced, S36_BOOK)
    assert end == date(2026, 10, 1)

    def backlog(on: date) -> bool:
        completion = rules.completion_date(
            window_end=end,
            extended_until=None,
            operational_period_end=None,
            window_applies=rules.window_in_force(S36_BOOK, on),
        )
        return rules.is_backlog(completion=completion, remaining_minutes=600, closed=False, on=on)

    assert backlog(date(2026, 12, 31))
    assert not backlog(S36)


# ---------------------------------------------------------------------------------------------
# Backlog and at risk

END = date(2027, 3, 2)


@pytest.mark.parametrize(
    ("on", "remaining", "closed", "completion", "expected"),
    [
        (date(2027, 3, 3), 60, False, END, True),
        (END, 60, False, END, False),  # the last day is still in time
        (date(2027, 3, 3), 0, False, END, False),  # nothing owed
        (date(2027, 3, 3), 60, True, END, False),  # closed
        (date(2027, 3, 3), 60, False, None, False),  # no completion date
    ],
)
def test_is_backlog(on: date, remaining: int, closed: bool, completion: date | None, expected: bool) -> None:
    assert rules.is_backlog(completion=completion, remaining_minutes=remaining, closed=closed, on=on) is expected


@pytest.mark.parametrize(
    ("remaining_hours", "expected"),
    [
        (100, True),  # 10 weeks at 6 hours a week is 60 hours: 100 cannot be done
        (61, True),
        (60, False),  # exactly achievable
        (50, False),
        (0, False),
    ],
)
def test_is_at_risk_with_ten_weeks_left(remaining_hours: int, expected: bool) -> None:
    on = date(2026, 11, 25)
    completion = on + timedelta(weeks=10)
    assert (
        rules.is_at_risk(
            completion=completion, remaining_minutes=remaining_hours * HOUR, weekly_minutes=360, closed=False, on=on
        )
        is expected
    )


def test_is_at_risk_is_false_when_closed_past_or_without_a_completion_date() -> None:
    on = date(2026, 11, 25)
    common = {"remaining_minutes": 100 * HOUR, "weekly_minutes": 360, "on": on}
    assert rules.is_at_risk(completion=on + timedelta(weeks=10), closed=False, **common)
    assert not rules.is_at_risk(completion=on + timedelta(weeks=10), closed=True, **common)
    assert not rules.is_at_risk(completion=None, closed=False, **common)
    assert not rules.is_at_risk(completion=on - timedelta(days=1), closed=False, **common)  # backlog instead
