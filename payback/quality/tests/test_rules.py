"""The due rules of quality assurance, worked out by hand."""

from datetime import date

import pytest

from payback.quality import rules


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 15), 6, date(2026, 7, 15)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),  # February has no 31st
        (date(2027, 8, 31), 6, date(2028, 2, 29)),  # a leap year keeps the 29th
        (date(2026, 10, 1), 6, date(2027, 4, 1)),  # across the year end
        (date(2026, 12, 31), 1, date(2027, 1, 31)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 10), -6, date(2025, 7, 10)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert rules.add_months(day, months) == expected


def test_observation_twice_a_year_is_due_six_months_after_the_last() -> None:
    due = rules.observation_due(started=date(2020, 5, 1), last_observed=date(2026, 9, 30), per_year=2)
    assert due == date(2027, 3, 30)


def test_observation_of_a_supervisor_never_observed_is_due_from_their_start() -> None:
    assert rules.observation_due(started=date(2026, 8, 31), last_observed=None, per_year=2) == date(2027, 2, 28)


def test_observation_across_a_leap_day() -> None:
    assert rules.observation_due(started=date(2020, 1, 1), last_observed=date(2027, 8, 29), per_year=2) == date(
        2028, 2, 29
    )


@pytest.mark.parametrize(("per_year", "months"), [(1, 12), (2, 6), (3, 4), (4, 3), (5, 2), (12, 1), (0, 12), (52, 1)])
def test_observation_interval(per_year: int, months: int) -> None:
    assert rules.observation_interval_months(per_year) == months


def test_new_staff_are_new_until_the_day_before_the_same_day_months_later() -> None:
    assert rules.new_staff_until(date(2026, 1, 5), 6) == date(2026, 7, 4)
    assert rules.new_staff_until(date(2027, 8, 31), 6) == date(2028, 2, 28)  # 29 Feb 2028 less a day


def test_reflective_supervision_is_due_every_six_weeks_from_joining() -> None:
    joined = date(2026, 1, 5)
    first = rules.reflective_supervision_due(joined=joined, last_held=None, weeks=6, months=6, today=joined)
    assert first == date(2026, 2, 16)
    second = rules.reflective_supervision_due(
        joined=joined, last_held=date(2026, 2, 20), weeks=6, months=6, today=date(2026, 2, 20)
    )
    assert second == date(2026, 4, 3)


def test_reflective_supervision_across_the_year_end() -> None:
    due = rules.reflective_supervision_due(
        joined=date(2026, 11, 30), last_held=None, weeks=6, months=6, today=date(2026, 12, 1)
    )
    assert due == date(2027, 1, 11)


def test_reflective_supervision_through_a_leap_february() -> None:
    # 1 February 2028 and 6 weeks: 29 February counts, so 14 March.
    due = rules.reflective_supervision_due(
        joined=date(2027, 12, 1), last_held=date(2028, 2, 1), weeks=6, months=6, today=date(2028, 2, 1)
    )
    assert due == date(2028, 3, 14)


def test_no_reflective_supervision_due_after_the_first_months() -> None:
    joined = date(2026, 1, 5)  # new until 4 July 2026
    # The next would be 3 August, after the period: none is due.
    assert (
        rules.reflective_supervision_due(
            joined=joined, last_held=date(2026, 6, 22), weeks=6, months=6, today=date(2026, 6, 22)
        )
        is None
    )
    # Due on the last day of the period still counts.
    assert rules.reflective_supervision_due(
        joined=joined, last_held=date(2026, 5, 23), weeks=6, months=6, today=date(2026, 6, 1)
    ) == date(2026, 7, 4)
    # Once the period is over nothing more is due, even if one was missed.
    assert (
        rules.reflective_supervision_due(
            joined=joined, last_held=date(2026, 3, 1), weeks=6, months=6, today=date(2026, 7, 5)
        )
        is None
    )


def test_overdue_and_due_soon() -> None:
    today = date(2026, 11, 18)
    assert rules.is_overdue(date(2026, 11, 17), today)
    assert not rules.is_overdue(today, today)
    assert not rules.is_overdue(None, today)
    assert rules.is_due_soon(today, today)
    assert rules.is_due_soon(date(2026, 12, 16), today)  # 28 days on
    assert not rules.is_due_soon(date(2026, 12, 17), today)
    assert not rules.is_due_soon(date(2026, 11, 17), today)


def test_due_soon_across_the_year_end_in_a_leap_year() -> None:
    assert rules.is_due_soon(date(2029, 1, 1), date(2028, 12, 20))
    assert rules.is_due_soon(date(2028, 3, 1), date(2028, 2, 2))  # 28 days with 29 February
    assert not rules.is_due_soon(date(2027, 3, 3), date(2027, 2, 2))


def test_audit_action_overdue_only_when_past_due_and_not_done() -> None:
    today = date(2026, 11, 18)
    assert rules.audit_action_overdue(action_due=date(2026, 11, 17), done_on=None, today=today)
    assert not rules.audit_action_overdue(action_due=date(2026, 11, 17), done_on=date(2026, 11, 18), today=today)
    assert not rules.audit_action_overdue(action_due=today, done_on=None, today=today)
    assert not rules.audit_action_overdue(action_due=None, done_on=None, today=today)


def test_due_item_keeps_only_what_is_overdue_or_due_soon() -> None:
    today = date(2026, 11, 18)
    overdue = rules.due_item("observation", 1, "Sam Tester", date(2026, 11, 1), today)
    assert overdue == rules.Due("observation", 1, "Sam Tester", date(2026, 11, 1), overdue=True)
    soon = rules.due_item("observation", 1, "Sam Tester", date(2026, 12, 1), today)
    assert soon is not None and not soon.overdue
    assert rules.due_item("observation", 1, "Sam Tester", date(2027, 1, 1), today) is None
    assert rules.due_item("observation", 1, "Sam Tester", None, today) is None


def test_failed_items_are_the_answers_no() -> None:
    answers = {name: True for name, _ in rules.SPOT_CHECK_ITEMS} | {"ppe_worn": False, "tools_counted": False}
    assert rules.failed_items(answers) == ["ppe_worn", "tools_counted"]
