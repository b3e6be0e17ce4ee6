"""The arithmetic of management information, on numbers worked out by hand."""

from datetime import date

import pytest

from payback.insight import rules
from payback.insight.rules import Period


@pytest.mark.parametrize(
    ("count", "total", "low", "high"),
    [
        # p = 0.5, z² = 3.8415: centre (0.5 + 0.19208) / 1.38415 = 0.5; half 1.41602 × √0.034604 = 0.26341
        (5, 10, 0.23659, 0.76341),
        # p = 0: centre 0.09604 / 1.19208 = 0.08057; half 1.64419 × √0.002401 = 0.08057
        (0, 20, 0.0, 0.16113),
        # p = 1 mirrors p = 0
        (20, 20, 0.83887, 1.0),
        # p = 0.8, n = 100: centre (0.8 + 0.019208) / 1.038415 = 0.78890; half 1.88747 × √0.0016960 = 0.07773
        (80, 100, 0.71117, 0.86664),
    ],
)
def test_wilson_intervals_worked_by_hand(count: int, total: int, low: float, high: float) -> None:
    rate = rules.wilson(count, total)
    assert rate.low == pytest.approx(low, abs=5e-5)
    assert rate.high == pytest.approx(high, abs=5e-5)


def test_no_one_to_count_gives_no_rate() -> None:
    rate = rules.wilson(0, 0)
    assert (rate.value, rate.low, rate.high) == (None, 0.0, 1.0)
    with pytest.raises(ValueError):
        rules.wilson(11, 10)


def test_a_group_differs_only_where_the_intervals_do_not_overlap() -> None:
    # 5 of 10 completed (0.237 to 0.763) against 80 of 100 (0.711 to 0.867): they overlap.
    assert not rules.differs(rules.wilson(5, 10), rules.wilson(80, 100))
    # 10 of 40 (0.142 to 0.404) against 80 of 100: they do not.
    assert rules.differs(rules.wilson(10, 40), rules.wilson(80, 100))
    assert not rules.differs(rules.wilson(0, 0), rules.wilson(80, 100))


def test_small_numbers_are_hidden_and_cannot_be_worked_out_from_the_total() -> None:
    # One cell of 3: hidden, and the next smallest (12) too, or 3 = total − the rest.
    assert rules.suppress({"female": 3, "male": 40, "not_known": 12}) == {
        "female": None,
        "male": 40,
        "not_known": None,
    }
    # Two small cells hide each other; zeros reveal nobody and stay.
    assert rules.suppress({"a": 2, "b": 4, "c": 0, "d": 30}) == {"a": None, "b": None, "c": 0, "d": 30}
    # Nothing small: all shown.
    assert rules.suppress({"a": 5, "b": 9}) == {"a": 5, "b": 9}


@pytest.mark.parametrize(
    ("kind", "today", "start"),
    [
        ("week", date(2026, 12, 6), date(2026, 11, 30)),  # a Sunday: from Monday
        ("month", date(2026, 12, 6), date(2026, 12, 1)),
        ("quarter", date(2026, 12, 6), date(2026, 10, 1)),  # Q3 of the financial year
        ("quarter", date(2027, 2, 28), date(2027, 1, 1)),  # Q4
        ("quarter", date(2026, 4, 1), date(2026, 4, 1)),  # Q1 starts on 1 April
        ("year", date(2027, 3, 31), date(2026, 4, 1)),  # the financial year to date
        ("year", date(2026, 4, 1), date(2026, 4, 1)),
    ],
)
def test_periods_up_to_today(kind: str, today: date, start: date) -> None:
    assert rules.period_of(kind, today) == Period(start, today)


def test_the_same_period_last_year() -> None:
    assert Period(date(2028, 2, 1), date(2028, 2, 29)).last_year() == Period(date(2027, 2, 1), date(2027, 2, 28))
    assert Period(date(2026, 10, 1), date(2026, 12, 6)).last_year().days == 67
