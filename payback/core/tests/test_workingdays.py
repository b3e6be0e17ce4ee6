"""The working-day calendar (England and Wales bank holidays) and the key dates built on it."""

from datetime import date

import pytest

from payback.cases.rules import key_dates
from payback.core.policy import PolicyBook
from payback.core.workingdays import add_working_days, is_bank_holiday, is_working_day, working_days_between


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 12, 24), True),  # Thursday
        (date(2026, 12, 25), False),  # Christmas Day, a Friday
        (date(2026, 12, 26), False),  # Boxing Day, a Saturday
        (date(2026, 12, 28), False),  # Monday: substitute day for Boxing Day
        (date(2026, 12, 29), True),
        (date(2027, 1, 1), False),  # New Year's Day, a Friday
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 5, 4), False),  # early May bank holiday
        (date(2026, 5, 5), True),
        (date(2026, 11, 28), False),  # an ordinary Saturday
        (date(2026, 11, 30), True),  # an ordinary Monday
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert is_working_day(day) is working


def test_weekends_are_not_bank_holidays_unless_named() -> None:
    assert not is_bank_holiday(date(2026, 11, 28))
    assert is_bank_holiday(date(2026, 12, 28))


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # 2026: Christmas Fri 25, Boxing Day Sat 26, substitute Mon 28. The next working day
        # after Thu 24 is Tue 29.
        (date(2026, 12, 24), 1, date(2026, 12, 29)),
        # 2021: Christmas Sat 25 and Boxing Day Sun 26, substitutes Mon 27 and Tue 28.
        (date(2021, 12, 24), 1, date(2021, 12, 29)),
        # 2022: Christmas is a Sunday, so Mon 26 (Boxing Day) and Tue 27 (substitute) are off.
        (date(2022, 12, 23), 1, date(2022, 12, 28)),
        # New Year 2022 fell on a Saturday: substitute Mon 3 January.
        (date(2021, 12, 31), 1, date(2022, 1, 4)),
        # New Year 2023 fell on a Sunday: substitute Mon 2 January.
        (date(2022, 12, 30), 1, date(2023, 1, 3)),
        # New Year 2027 is a Friday: no substitute; next working day Mon 4.
        (date(2026, 12, 31), 1, date(2027, 1, 4)),
        # Easter 2026: Good Friday 3 April, Easter Monday 6 April.
        (date(2026, 4, 2), 1, date(2026, 4, 7)),
        # Early May bank holiday 2026: Monday 4 May.
        (date(2026, 5, 1), 1, date(2026, 5, 5)),
        # From a weekend: the next working day is Monday.
        (date(2026, 11, 28), 1, date(2026, 11, 30)),
        # An ordinary week: Wed + 5 working days = the next Wed.
        (date(2026, 11, 25), 5, date(2026, 12, 2)),
        # Zero days is the start itself, even on a holiday.
        (date(2026, 12, 25), 0, date(2026, 12, 25)),
    ],
)
def test_add_working_days(start: date, days: int, expected: date) -> None:
    assert add_working_days(start, days) == expected


def test_add_working_days_refuses_negative() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2026, 1, 5), -1)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # Tue 22 Dec 2026 to Thu 31 Dec: 23, 24, 29, 30, 31 (25, 26, 27, 28 are off).
        (date(2026, 12, 22), date(2026, 12, 31), 5),
        (date(2026, 12, 24), date(2026, 12, 29), 1),
        (date(2026, 12, 24), date(2026, 12, 28), 0),
        # Wed 1 Apr 2026 to Fri 24 Apr: 2, 7-10, 13-17, 20-24 = 1 + 4 + 5 + 5.
        (date(2026, 4, 1), date(2026, 4, 24), 15),
        (date(2026, 6, 1), date(2026, 6, 1), 0),
        (date(2026, 6, 5), date(2026, 6, 1), 0),  # end before start
    ],
)
def test_working_days_between(start: date, end: date, expected: int) -> None:
    assert working_days_between(start, end) == expected


@pytest.mark.parametrize("start", [date(2026, 12, 18), date(2026, 12, 22), date(2026, 3, 30), date(2027, 12, 24)])
@pytest.mark.parametrize("days", [1, 5, 15])
def test_working_days_between_inverts_add_working_days(start: date, days: int) -> None:
    assert working_days_between(start, add_working_days(start, days)) == days


def test_key_dates_for_a_sentence_before_christmas() -> None:
    # Sentenced Tue 22 Dec 2026. Working days after it:
    #   Wed 23 (1), Thu 24 (2), [Fri 25 Christmas, Sat 26, Sun 27, Mon 28 Boxing Day substitute],
    #   Tue 29 (3), Wed 30 (4), Thu 31 (5)                          -> induction due Thu 31 Dec 2026
    #   [Fri 1 Jan New Year, Sat 2, Sun 3], Mon 4 (6) ... Fri 8 (10),
    #   Mon 11 (11) ... Fri 15 (15)                                 -> assessment due Fri 15 Jan 2027
    dates = key_dates(date(2026, 12, 22), PolicyBook())
    assert dates.induction_due == date(2026, 12, 31)
    assert dates.assessment_due == date(2027, 1, 15)
    # Reviews at 6 and 9 months.
    assert dates.reviews == (date(2027, 6, 22), date(2027, 9, 22))


def test_key_dates_for_a_sentence_before_easter() -> None:
    # Sentenced Wed 1 Apr 2026. Working days after it:
    #   Thu 2 (1), [Good Friday 3, Sat 4, Sun 5, Easter Monday 6], Tue 7 (2), Wed 8 (3), Thu 9 (4),
    #   Fri 10 (5)                                                  -> induction due Fri 10 Apr 2026
    #   Mon 13 (6) ... Fri 17 (10), Mon 20 (11) ... Fri 24 (15)     -> assessment due Fri 24 Apr 2026
    dates = key_dates(date(2026, 4, 1), PolicyBook())
    assert dates.induction_due == date(2026, 4, 10)
    assert dates.assessment_due == date(2026, 4, 24)
    assert dates.reviews == (date(2026, 10, 1), date(2027, 1, 1))


def test_key_dates_around_the_early_may_bank_holiday() -> None:
    # Sentenced Thu 30 Apr 2026: Fri 1 May (1), [Mon 4 May bank holiday], Tue 5 (2), Wed 6 (3),
    # Thu 7 (4), Fri 8 (5) -> induction due Fri 8 May.
    assert key_dates(date(2026, 4, 30), PolicyBook()).induction_due == date(2026, 5, 8)


def test_key_dates_follow_the_policy_in_force_on_the_day_of_sentence() -> None:
    book = PolicyBook(
        versions={
            "induction_deadline_working_days": [(date(2020, 1, 1), 5), (date(2026, 12, 1), 3)],
            "review_points_months": [(date(2020, 1, 1), [6, 9]), (date(2026, 12, 1), [4])],
        }
    )
    # Before the change: 5 working days from Wed 1 Apr 2026 is Fri 10 Apr (see above).
    assert key_dates(date(2026, 4, 1), book).induction_due == date(2026, 4, 10)
    # After: 3 working days from Tue 22 Dec 2026 are Wed 23, Thu 24, Tue 29.
    after = key_dates(date(2026, 12, 22), book)
    assert after.induction_due == date(2026, 12, 29)
    assert after.reviews == (date(2027, 4, 22),)


def test_review_dates_at_the_end_of_a_month_fall_on_its_last_day() -> None:
    # 31 August + 6 months has no 31st: the review falls on the last day of February.
    assert key_dates(date(2026, 8, 31), PolicyBook()).reviews == (date(2027, 2, 28), date(2027, 5, 31))
