from datetime import date, timedelta

import pytest

from payback.oversight import rules

WEEKS = {"very_high": 2, "high": 4, "medium": 8}


def test_the_next_one_to_one_is_due_six_weeks_after_the_last() -> None:
    due = rules.supervision_due(started=date(2025, 1, 6), last_held=date(2026, 10, 1), weeks=6)
    assert due == date(2026, 11, 12)


def test_without_a_one_to_one_the_first_is_due_six_weeks_after_starting() -> None:
    assert rules.supervision_due(started=date(2026, 9, 1), last_held=None, weeks=6) == date(2026, 10, 13)


def test_after_joining_a_new_team_the_first_one_to_one_is_due_six_weeks_after_the_move() -> None:
    assert rules.supervision_due(started=date(2026, 11, 2), last_held=date(2026, 10, 20), weeks=6) == date(2026, 12, 14)


def test_a_one_to_one_across_the_year_end_and_29_february() -> None:
    assert rules.supervision_due(started=date(2020, 1, 1), last_held=date(2026, 12, 1), weeks=6) == date(2027, 1, 12)
    assert rules.supervision_due(started=date(2020, 1, 1), last_held=date(2028, 2, 29), weeks=6) == date(2028, 4, 11)


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (date(2026, 11, 18), date(2026, 4, 1), date(2027, 3, 31)),
        (date(2027, 3, 31), date(2026, 4, 1), date(2027, 3, 31)),
        (date(2027, 4, 1), date(2027, 4, 1), date(2028, 3, 31)),
        (date(2028, 2, 29), date(2027, 4, 1), date(2028, 3, 31)),
        (date(2026, 12, 31), date(2026, 4, 1), date(2027, 3, 31)),
        (date(2027, 1, 1), date(2026, 4, 1), date(2027, 3, 31)),
    ],
)
def test_the_financial_year_runs_from_1_april_to_31_march(day: date, start: date, end: date) -> None:
    assert rules.financial_year_start(day) == start
    assert rules.financial_year_end(day) == end


def test_all_four_sessions_are_due_at_the_start_of_the_year_and_none_is_behind() -> None:
    due = rules.reflective_practice_due(
        observations_held=0, case_reviews_held=0, per_year=4, observations_per_year=1, today=date(2026, 4, 1)
    )
    assert (due.observations, due.case_reviews, due.total, due.by, due.behind) == (1, 3, 4, date(2027, 3, 31), False)


def test_reflective_practice_held_counts_off_each_kind() -> None:
    due = rules.reflective_practice_due(
        observations_held=1, case_reviews_held=1, per_year=4, observations_per_year=1, today=date(2026, 11, 18)
    )
    # 7 whole months gone (April to October): 4 * 7 // 12 = 2 expected by now, 2 held.
    assert (due.observations, due.case_reviews, due.behind) == (0, 2, False)


def test_a_second_observation_does_not_count_as_a_case_review() -> None:
    due = rules.reflective_practice_due(
        observations_held=2, case_reviews_held=0, per_year=4, observations_per_year=1, today=date(2026, 11, 18)
    )
    assert (due.observations, due.case_reviews, due.behind) == (0, 3, True)


def test_on_29_february_with_two_held_the_year_is_behind() -> None:
    # 10 whole months gone (April to January): 4 * 10 // 12 = 3 expected; due by 31 March 2028.
    due = rules.reflective_practice_due(
        observations_held=1, case_reviews_held=1, per_year=4, observations_per_year=1, today=date(2028, 2, 29)
    )
    assert (due.total, due.by, due.behind) == (2, date(2028, 3, 31), True)


def test_all_held_is_nothing_due() -> None:
    due = rules.reflective_practice_due(
        observations_held=1, case_reviews_held=3, per_year=4, observations_per_year=1, today=date(2027, 3, 31)
    )
    assert (due.total, due.behind) == (0, False)


def test_a_touch_point_is_due_by_risk_after_the_sentence() -> None:
    sentenced = date(2026, 11, 2)
    due = {
        risk: rules.touch_point_due(risk=risk, last_touch=None, sentenced=sentenced, weeks_by_risk=WEEKS)
        for risk in WEEKS
    }
    assert due == {"very_high": date(2026, 11, 16), "high": date(2026, 11, 30), "medium": date(2026, 12, 28)}


def test_a_touch_point_is_due_after_the_last_one_across_29_february() -> None:
    due = rules.touch_point_due(
        risk="high", last_touch=date(2028, 2, 15), sentenced=date(2027, 6, 1), weeks_by_risk=WEEKS
    )
    assert due == date(2028, 3, 14)


def test_no_touch_point_is_due_for_low_or_unknown_risk_or_a_level_set_to_none() -> None:
    for risk in ("low", "", "unknown"):
        assert (
            rules.touch_point_due(risk=risk, last_touch=None, sentenced=date(2026, 1, 5), weeks_by_risk=WEEKS) is None
        )
    off = {**WEEKS, "medium": 0}
    assert rules.touch_point_due(risk="medium", last_touch=None, sentenced=date(2026, 1, 5), weeks_by_risk=off) is None


def test_risk_rank_puts_very_high_first() -> None:
    assert sorted(["medium", "low", "very_high", "high"], key=rules.risk_rank) == ["very_high", "high", "medium", "low"]


def test_due_today_is_not_overdue() -> None:
    assert not rules.is_overdue(date(2026, 11, 18), date(2026, 11, 18))
    assert rules.is_overdue(date(2026, 11, 17), date(2026, 11, 18))
    assert not rules.is_overdue(None, date(2026, 11, 18))


# 1:1s across bank holidays and absences: moved back to the last day both can meet, never later.


def due(last: date, unavailable: frozenset[date] = frozenset()) -> date:
    return rules.supervision_due(started=date(2025, 1, 6), last_held=last, weeks=6, unavailable=unavailable)


def absent(first: date, last: date) -> frozenset[date]:
    return frozenset(rules.days_between(first, last))


def test_a_one_to_one_due_on_christmas_day_is_held_on_christmas_eve() -> None:
    assert date(2026, 11, 13) + timedelta(weeks=6) == date(2026, 12, 25)
    assert due(date(2026, 11, 13)) == date(2026, 12, 24)


def test_a_one_to_one_due_on_the_substitute_boxing_day_goes_back_past_christmas_and_the_weekend() -> None:
    # Due Monday 28 December 2026 (Boxing Day falls on a Saturday): 27, 26, 25 are not working days.
    assert due(date(2026, 11, 16)) == date(2026, 12, 24)


def test_a_one_to_one_due_on_new_years_day_is_held_on_new_years_eve() -> None:
    assert due(date(2026, 11, 20)) == date(2026, 12, 31)


def test_a_one_to_one_due_on_easter_monday_goes_back_past_good_friday() -> None:
    assert due(date(2027, 2, 15)) == date(2027, 3, 25)


def test_a_one_to_one_due_at_a_weekend_is_held_on_the_friday() -> None:
    assert due(date(2026, 10, 17)) == date(2026, 11, 27)  # due Saturday 28 November


def test_a_fortnights_leave_over_easter_brings_the_one_to_one_before_it() -> None:
    leave = absent(date(2027, 3, 22), date(2027, 4, 2))
    assert due(date(2027, 2, 15), leave) == date(2027, 3, 19)


def test_the_seniors_day_of_training_moves_the_one_to_one_to_the_day_before() -> None:
    assert due(date(2026, 10, 21)) == date(2026, 12, 2)
    assert due(date(2026, 10, 21), frozenset({date(2026, 12, 2)})) == date(2026, 12, 1)


def test_a_fortnights_leave_of_either_joined_together_goes_back_over_both() -> None:
    practitioner = absent(date(2026, 11, 23), date(2026, 11, 27))
    senior = absent(date(2026, 11, 30), date(2026, 12, 4))
    assert due(date(2026, 10, 21), practitioner | senior) == date(2026, 11, 20)


def test_an_absence_from_the_day_after_the_last_one_to_one_moves_it_to_the_first_day_both_are_back() -> None:
    # Off sick from the day after the last 1:1 until New Year's Eve: no day to go back to, so the
    # first working day after (1 January is a bank holiday, then a weekend).
    sickness = absent(date(2026, 11, 14), date(2026, 12, 31))
    assert due(date(2026, 11, 13), sickness) == date(2027, 1, 4)


def test_a_one_to_one_is_never_moved_back_onto_or_before_the_last_one() -> None:
    # Last held Thursday 24 December; due 4 February; away every day in between but the 24th itself.
    away = absent(date(2026, 12, 25), date(2027, 2, 5))
    assert due(date(2026, 12, 24), away) == date(2027, 2, 8)


def test_days_between_includes_both_ends() -> None:
    assert list(rules.days_between(date(2026, 12, 30), date(2027, 1, 1))) == [
        date(2026, 12, 30),
        date(2026, 12, 31),
        date(2027, 1, 1),
    ]
    assert list(rules.days_between(date(2027, 1, 1), date(2026, 12, 31))) == []
