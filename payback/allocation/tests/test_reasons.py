"""The reason given for each person not placed, or offered less than the weekly minimum: specific
enough for a coordinator to fix the cause."""

import pytest

from payback.allocation.engine.greedy import greedy
from payback.allocation.engine.model import Instance, Person
from payback.allocation.engine.rules import explain

from .small_weeks import MON, SAT, THU, TUE, east, person, session, week, woman
from .small_weeks import by_solver as solve


def reason(instance: Instance, pid: int) -> str:
    """The solver's reason for person `pid`; the greedy baseline gives the same one when the
    cause is the week rather than the plan."""
    return solve(instance).reasons[pid]


def test_no_session_on_the_days_available() -> None:
    instance = week([person(1, days=[TUE, THU])], [session(1, weekday=MON), session(2, weekday=SAT)])
    assert reason(instance, 1) == "No session on the days available (Tue, Thu)"
    assert greedy(instance).reasons[1] == "No session on the days available (Tue, Thu)"


def test_no_session_within_the_times_available() -> None:
    mornings = person(1, days=[TUE, THU], parts=frozenset({"morning"}))
    instance = week([mornings], [session(1, weekday=TUE)])
    assert reason(instance, 1) == "No session within the times available (Tue morning; Thu morning)"


def test_no_supervisor_or_vehicle_on_the_days_available() -> None:
    instance = week([person(1, days=[TUE])], [session(1, weekday=TUE, vehicle_available=False), session(2)])
    assert reason(instance, 1) == "Every session on the days available has no supervisor or vehicle (Tue)"


def test_no_session_can_run_at_all() -> None:
    instance = week([person(1)], [session(1, supervisor_available=False)])
    assert reason(instance, 1) == "No sessions can run this week (no supervisor or vehicle)"


def test_risk_flag_excludes_every_project() -> None:
    flagged = person(1, flags=frozenset({"not-near-children"}))
    instance = week([flagged], [session(1, excluded_flags=frozenset({"not-near-children"}))])
    assert reason(instance, 1) == (
        "Risk flag (not near children) excludes every project with a session on the days available (Project 1)"
    )


def test_only_women_only_sessions() -> None:
    instance = week([person(1)], [session(1, women_only=True)])
    assert reason(instance, 1) == "The only sessions on the days available are women-only"


def test_women_only_preference_and_no_women_only_session_on_her_days() -> None:
    her = woman(1, preference="women_only", days=[TUE, THU])
    instance = week([her], [session(1, weekday=TUE), session(2, weekday=SAT, women_only=True, location=east(6))])
    assert reason(instance, 1) == (
        "Women-only preference, and no women-only session or individual placement on the days available "
        "(Tue, Thu); the nearest is on Sat, about 24 minutes away"
    )


def test_women_only_preference_and_none_within_her_travel_limit() -> None:
    her = woman(1, preference="women_only", max_travel_minutes=45)
    instance = week([her], [session(1), session(2, women_only=True, location=east(20))])
    assert reason(instance, 1) == (
        "Women-only preference, and no women-only session or individual placement within her travel limit "
        "of 45 minutes (the nearest is about 58 minutes away)"
    )


def test_women_only_preference_and_none_this_week() -> None:
    instance = week([woman(1, preference="women_only")], [session(1)])
    assert reason(instance, 1) == "Women-only preference, and no women-only session or individual placement this week"


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (person(1, group_unsuitable=True, days=[MON]), "Assessed as unsuitable for group work"),
        (woman(1, preference="individual", days=[MON]), "Prefers an individual placement"),
    ],
)
def test_needs_an_individual_placement(who: Person, expected: str) -> None:
    instance = week([who], [session(1)])
    assert reason(instance, 1) == f"{expected}, and no individual placement on the days available (Mon)"


def test_travel_limit() -> None:
    instance = week([person(1, max_travel_minutes=45)], [session(1, location=east(20))])
    assert reason(instance, 1) == (
        "No session that fits within their travel limit of 45 minutes (the nearest is about 58 minutes away)"
    )


def test_owes_less_than_any_session() -> None:
    instance = week([person(1, remaining_minutes=300)], [session(1)])
    assert reason(instance, 1) == "Owes 5 hours: every session that fits is longer than that"


def test_no_completed_assessment() -> None:
    instance = week([person(1, assessed=False)], [session(1)])
    assert reason(instance, 1) == "No completed assessment and risk picture"


def test_backlog() -> None:
    instance = week([person(1, backlog=True)], [session(1)])
    assert reason(instance, 1) == (
        "Backlog: the completion window has passed with hours outstanding, "
        "so no hours can be worked until the court extends or revokes the order"
    )


def test_no_hours_remaining() -> None:
    instance = week([person(1, remaining_minutes=0)], [session(1)])
    assert reason(instance, 1) == "No hours remaining"


def test_non_association_with_a_person_in_every_fitting_session() -> None:
    a = person(1, non_associations=frozenset({2}))
    b = person(2, non_associations=frozenset({1}))
    instance = week([a, b], [session(1), session(2, weekday=TUE)], pinned=[(2, 1), (2, 2)])
    assert reason(instance, 1) == "Non-association with a person already in every session that fits"


def test_every_fitting_session_full() -> None:
    urgent = [person(i, urgency=3.0) for i in (1, 2)]
    instance = week([*urgent, person(3, urgency=0.5)], [session(1, capacity=2)])
    assert reason(instance, 3) == "Every session that fits is full (Mon)"


def test_she_would_be_the_only_woman_in_an_all_male_group() -> None:
    men = [person(i, urgency=3.0) for i in (2, 3, 4)]
    instance = week([woman(1), *men], [session(1, capacity=4)])
    assert reason(instance, 1) == "Every session that fits is an all-male group: she would be the only woman"


def test_he_would_leave_a_woman_the_only_woman() -> None:
    instance = week([woman(1), person(2)], [session(1)])
    assert explain(instance.people[1], instance, {1: [1]}, 0) == (
        "Every session that fits has one woman in it, who would be left the only woman"
    )


def test_several_causes_together() -> None:
    a = person(1, non_associations=frozenset({2}))
    instance = week([a, person(2), person(3)], [session(1, capacity=1), session(2, weekday=TUE, capacity=2)])
    assert explain(a, instance, {3: [1], 2: [2]}, 0) == (
        "Every session that fits is full, or taken by a non-association"
    )


def test_removed_by_hand_from_every_fitting_session() -> None:
    instance = week([person(1)], [session(1), session(2, location=east(50))], forbidden=[(1, 1)])
    assert reason(instance, 1) == "Removed by hand from every session that fits"


def test_a_place_left_is_named() -> None:
    instance = week([person(1)], [session(1)])
    assert explain(instance.people[0], instance, {}, 0) == (
        "A session that fits still has a place (Project 1, Mon): run the plan again or place them by hand"
    )


def test_offered_less_than_the_minimum_no_other_day() -> None:
    instance = week([person(1, days=[MON])], [session(1, end=13 * 60, capacity=1, individual=True)])
    assert reason(instance, 1) == "Offered 4 hours: no other session that fits on another day"


def test_offered_less_than_the_minimum_owes_too_little_for_another() -> None:
    instance = week(
        [person(1, remaining_minutes=420)],
        [session(1, weekday=MON, end=13 * 60), session(2, weekday=TUE, end=13 * 60)],
    )
    assert reason(instance, 1) == "Offered 4 hours: owes 3 hours more, less than any other session that fits"


def test_offered_less_than_the_minimum_other_sessions_full() -> None:
    instance = week(
        [person(1, urgency=0.5), person(2, urgency=3.0, days=[TUE])],
        [session(1, weekday=MON, end=13 * 60), session(2, weekday=TUE, end=13 * 60, capacity=1)],
    )
    assert reason(instance, 1) == "Offered 4 hours: every session that fits is full (Tue)"


def test_no_reason_for_whoever_got_the_minimum_or_all_they_owe() -> None:
    instance = week([person(1), person(2, remaining_minutes=240)], [session(1), session(2, end=13 * 60)])
    plan = solve(instance)
    assert len(plan.assignments) == 2
    assert plan.reasons == {}
