"""The enforcement rules on their own: evidence dates over bank holidays, the 12-month window's
edges, the step for every history, departures, and the projection at a review."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payback.enforcement import rules
from payback.enforcement.rules import BREACH, NONE, WARNING, History, Progress


@pytest.mark.parametrize(
    ("asked_on", "due"),
    [
        (date(2026, 6, 1), date(2026, 6, 8)),  # Monday: five working days is the next Monday
        (date(2026, 12, 24), date(2027, 1, 5)),  # Christmas, Boxing Day (moved to 28th), New Year
        (date(2026, 4, 1), date(2026, 4, 10)),  # Good Friday 3 April and Easter Monday 6 April
        (date(2026, 8, 27), date(2026, 9, 4)),  # the summer bank holiday, 31 August
    ],
)
def test_evidence_is_due_five_working_days_after_the_person_is_asked(asked_on: date, due: date) -> None:
    assert rules.evidence_due(asked_on, 5) == due


def test_a_first_unacceptable_failure_gets_a_warning() -> None:
    step = rules.step_for(failure_on=date(2026, 6, 1), history=History(), window_months=12)
    assert (step.step, step.code) == (WARNING, "first_failure")
    assert "warning letter" in step.text


@pytest.mark.parametrize(
    ("warned", "failure", "expected"),
    [
        (date(2026, 1, 15), date(2027, 1, 15), BREACH),  # the last day of the 12 months
        (date(2026, 1, 15), date(2027, 1, 16), WARNING),  # the day after: a fresh warning
        (date(2028, 2, 29), date(2029, 2, 28), BREACH),  # 12 months from 29 February ends on 28 February
        (date(2028, 2, 29), date(2029, 3, 1), WARNING),
        (date(2026, 6, 10), date(2026, 6, 3), BREACH),  # failed again before the warning was even sent
    ],
)
def test_a_further_failure_within_twelve_months_of_a_warning_means_breach(
    warned: date, failure: date, expected: str
) -> None:
    step = rules.step_for(failure_on=failure, history=History(warnings=(warned,)), window_months=12)
    assert step.step == expected
    if expected == BREACH:
        assert step.code == "second_failure_within_window"
        assert "Sentencing Act 2020 Sch 10 para 6" in step.text


def test_the_window_is_policy() -> None:
    history = History(warnings=(date(2026, 1, 15),))
    assert rules.step_for(failure_on=date(2026, 8, 1), history=history, window_months=6).step == WARNING
    assert rules.step_for(failure_on=date(2026, 7, 15), history=history, window_months=6).step == BREACH


def test_a_failure_while_breach_is_open_goes_to_court_with_it() -> None:
    step = rules.step_for(failure_on=date(2026, 6, 1), history=History(breach_open=True), window_months=12)
    assert (step.step, step.code) == (BREACH, "breach_open")


dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))


@given(failure_on=dates, warnings=st.lists(dates, max_size=4), breach_open=st.booleans())
def test_the_step_follows_from_the_dates_alone(failure_on: date, warnings: list[date], breach_open: bool) -> None:
    history = History(warnings=tuple(sorted(warnings)), breach_open=breach_open)
    first = rules.step_for(failure_on=failure_on, history=history, window_months=12)
    # The same facts in any order, asked again, give the same step and the same rule.
    shuffled = History(warnings=tuple(reversed(warnings)), breach_open=breach_open)
    assert rules.step_for(failure_on=failure_on, history=shuffled, window_months=12) == first
    # And the step is exactly what the rule says.
    recent = any(rules.within_window(w, failure_on, 12) for w in warnings)
    assert first.step == (BREACH if breach_open or recent else WARNING)


@pytest.mark.parametrize(
    ("rule_step", "step", "reason", "senior", "problem"),
    [
        (WARNING, WARNING, "", False, None),
        (WARNING, NONE, "", False, "Enter why you are not taking the step the rules give"),
        (WARNING, NONE, "Now in hospital: agreed to re-engage", False, None),
        (WARNING, BREACH, "Threatened the supervisor", False, None),
        (BREACH, NONE, "Sectioned under the Mental Health Act", False, "only a senior probation officer"),
        (BREACH, NONE, "Sectioned under the Mental Health Act", True, None),
        (BREACH, WARNING, "  ", True, "Enter why you are not taking the step the rules give"),
    ],
)
def test_departing_from_the_rules_step_needs_a_reason_and_for_breach_a_senior(
    rule_step: str, step: str, reason: str, senior: bool, problem: str | None
) -> None:
    found = rules.departure_problem(rule_step=rule_step, step=step, reason=reason, agreed_by_senior=senior)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


def progress(remaining: int, recent: int, weeks: int = 8) -> Progress:
    return Progress(
        worked_minutes=6000 - remaining,
        ordered_minutes=6000,
        remaining_minutes=remaining,
        recent_minutes=recent,
        recent_weeks=weeks,
    )


def test_on_track_at_the_persons_own_rate() -> None:
    # 40 hours left at 6 hours a week: 47 days, well before the completion date.
    result = rules.projection(
        progress=progress(2400, 8 * 360),
        on=date(2026, 9, 2),
        completion=date(2027, 3, 2),
        weekly_offer=360,
        extension_by=date(2026, 12, 2),
    )
    assert (result.weekly_minutes, result.finish_on, result.on_track, result.action) == (
        360,
        date(2026, 10, 19),
        True,
        rules.CARRY_ON,
    )


def test_behind_but_the_weekly_offer_would_finish_in_time() -> None:
    # 60 hours left at 2 hours a week; at the 6 hours a week offered it would finish in 10 weeks.
    result = rules.projection(
        progress=progress(3600, 8 * 120),
        on=date(2026, 9, 2),
        completion=date(2027, 3, 2),
        weekly_offer=360,
        extension_by=date(2026, 12, 2),
    )
    assert (result.on_track, result.action) == (False, rules.INCREASE_HOURS)


def test_too_far_behind_to_finish_even_at_the_offer_means_an_extension_before_nine_months() -> None:
    result = rules.projection(
        progress=progress(5400, 8 * 120),
        on=date(2026, 12, 2),
        completion=date(2027, 3, 2),
        weekly_offer=360,
        extension_by=date(2026, 12, 2),
    )
    assert (result.on_track, result.action) == (False, rules.APPLY_TO_EXTEND)
    late = rules.projection(
        progress=progress(5400, 8 * 120),
        on=date(2026, 12, 3),
        completion=date(2027, 3, 2),
        weekly_offer=360,
        extension_by=date(2026, 12, 2),
    )
    assert late.action == rules.CONSIDER_BREACH


def test_not_working_at_all_suggests_breach() -> None:
    result = rules.projection(
        progress=progress(5400, 0), on=date(2026, 9, 2), completion=None, weekly_offer=360, extension_by=None
    )
    assert (result.finish_on, result.on_track, result.action) == (None, False, rules.CONSIDER_BREACH)


def test_the_extension_deadline_is_the_nine_month_point_or_the_completion_date_if_sooner() -> None:
    assert rules.extension_deadline(date(2026, 3, 2), date(2027, 3, 2), 9) == date(2026, 12, 2)
    assert rules.extension_deadline(date(2026, 3, 2), date(2026, 10, 1), 9) == date(2026, 10, 1)
    assert rules.extension_deadline(date(2026, 3, 2), None, 9) == date(2026, 12, 2)
