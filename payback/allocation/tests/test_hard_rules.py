"""Each hard rule on a small hand-built week: the solver and the greedy baseline keep it, and the
independent verifier catches a plan that breaks it."""

from collections.abc import Callable

import pytest

from payback.allocation.engine.model import Instance, Plan
from payback.allocation.engine.verifier import violations

from .small_weeks import (
    METHODS,
    MON,
    SAT,
    THU,
    TUE,
    WED,
    east,
    members,
    person,
    placed,
    session,
    week,
    woman,
)

Method = Callable[[Instance], Plan]


@pytest.fixture(params=sorted(METHODS))
def plan_with(request: pytest.FixtureRequest) -> Method:
    """Each way of making a plan: every test runs for the solver and for the greedy baseline,
    and every plan must pass the verifier."""
    make = METHODS[request.param]

    def checked(instance: Instance) -> Plan:
        plan = make(instance)
        assert violations(instance, plan.assignments) == []
        return plan

    return checked


def test_capacity(plan_with: Method) -> None:
    instance = week([person(i) for i in range(1, 6)], [session(1, capacity=3)])
    plan = plan_with(instance)
    assert len(members(plan, 1)) == 3
    assert violations(instance, [(i, 1) for i in range(1, 5)]) == ["session 1 has 4 people for 3 places"]


def test_availability_by_day(plan_with: Method) -> None:
    instance = week([person(1, days=[TUE, THU])], [session(1, weekday=MON), session(2, weekday=TUE)])
    assert placed(plan_with(instance)) == {1: [2]}
    assert violations(instance, [(1, 1)])


def test_availability_by_part_of_day(plan_with: Method) -> None:
    mornings = person(1, days=[MON, TUE], parts=frozenset({"morning"}))
    instance = week(
        [mornings],
        [session(1, weekday=MON, start=9 * 60, end=15 * 60), session(2, weekday=TUE, start=8 * 60, end=12 * 60)],
    )
    assert placed(plan_with(instance)) == {1: [2]}
    assert any("not available afternoon" in v for v in violations(instance, [(1, 1)]))


def test_an_evening_session_needs_the_evening_free(plan_with: Method) -> None:
    instance = week([person(1, days=[WED])], [session(1, weekday=WED, start=17 * 60, end=21 * 60)])
    assert plan_with(instance).assignments == []


def test_one_session_per_person_per_day(plan_with: Method) -> None:
    instance = week([person(1)], [session(1, weekday=SAT, end=12 * 60), session(2, weekday=SAT, start=13 * 60)])
    assert len(placed(plan_with(instance))[1]) == 1
    assert any("2 sessions on" in v for v in violations(instance, [(1, 1), (1, 2)]))


def test_risk_flag_against_project_restriction(plan_with: Method) -> None:
    flagged = person(1, flags=frozenset({"not-near-children"}))
    school = session(1, excluded_flags=frozenset({"not-near-children"}))
    instance = week([flagged, person(2)], [school])
    assert members(plan_with(instance), 1) == {2}
    assert violations(instance, [(1, 1)]) == ["Person 1 has a risk flag the project at session 1 excludes"]


def test_a_flag_the_project_does_not_exclude_is_no_bar(plan_with: Method) -> None:
    instance = week([person(1, flags=frozenset({"arson"}))], [session(1, excluded_flags=frozenset({"violence"}))])
    assert placed(plan_with(instance)) == {1: [1]}


def test_non_associations_never_in_one_session(plan_with: Method) -> None:
    a = person(1, non_associations=frozenset({2}))
    b = person(2, non_associations=frozenset({1}))
    instance = week([a, b], [session(1)])
    assert len(members(plan_with(instance), 1)) == 1
    assert any("non-association" in v for v in violations(instance, [(1, 1), (2, 1)]))


def test_non_associations_can_work_the_same_day_in_different_sessions(plan_with: Method) -> None:
    a = person(1, non_associations=frozenset({2}))
    b = person(2, non_associations=frozenset({1}))
    instance = week([a, b], [session(1, capacity=2), session(2, capacity=2)])
    plan = plan_with(instance)
    assert sorted(pid for pid, _sid in plan.assignments) == [1, 2]
    assert members(plan, 1) != {1, 2} and members(plan, 2) != {1, 2}


@pytest.mark.parametrize("lister", [1, 2])
def test_non_association_named_on_one_side_only(plan_with: Method, lister: int) -> None:
    other = 3 - lister
    instance = week([person(lister, non_associations=frozenset({other})), person(other)], [session(1)])
    assert len(members(plan_with(instance), 1)) == 1


def test_a_woman_is_not_left_the_only_woman_with_men(plan_with: Method) -> None:
    instance = week([woman(1), person(2), person(3), person(4)], [session(1)])
    group = members(plan_with(instance), 1)
    assert not (1 in group and group - {1})
    assert violations(instance, [(1, 1), (2, 1)]) == ["session 1 has one woman in an otherwise all-male group"]


def test_two_women_together_with_men_are_fine(plan_with: Method) -> None:
    instance = week([woman(1), woman(2), person(3), person(4)], [session(1)])
    assert members(plan_with(instance), 1) == {1, 2, 3, 4}


def test_a_woman_on_her_own_in_a_group_session_is_fine() -> None:
    instance = week([woman(1)], [session(1)])
    assert placed(METHODS["solver"](instance)) == {1: [1]}
    assert violations(instance, [(1, 1)]) == []


def test_a_woman_with_men_on_an_individual_placement_day_is_fine(plan_with: Method) -> None:
    """Individual placements are not groups: the rule is about groups."""
    instance = week(
        [woman(1, preference="individual"), person(2)], [session(1, capacity=1, individual=True), session(2)]
    )
    assert placed(plan_with(instance)) == {1: [1], 2: [2]}


def test_women_only_preference_honoured(plan_with: Method) -> None:
    instance = week(
        [woman(1, preference="women_only")],
        [session(1, weekday=MON), session(2, weekday=TUE, women_only=True)],
    )
    assert placed(plan_with(instance)) == {1: [2]}
    assert any("women-only" in v for v in violations(instance, [(1, 1)]))


def test_women_only_preference_accepts_an_individual_placement(plan_with: Method) -> None:
    instance = week([woman(1, preference="women_only")], [session(1), session(2, weekday=TUE, individual=True)])
    assert placed(plan_with(instance)) == {1: [2]}


def test_women_only_session_takes_no_men(plan_with: Method) -> None:
    instance = week([person(1), woman(2)], [session(1, women_only=True)])
    assert members(plan_with(instance), 1) == {2}
    assert violations(instance, [(1, 1)]) == ["Person 1 is not a woman but session 1 is women-only"]


@pytest.mark.parametrize(
    "who",
    [woman(1, preference="individual"), person(1, group_unsuitable=True)],
    ids=["individual preference", "unsuitable for groups"],
)
def test_individual_placement_only(plan_with: Method, who: object) -> None:
    instance = week([who], [session(1), session(2, weekday=TUE, capacity=1, individual=True)])  # type: ignore[list-item]
    assert placed(plan_with(instance)) == {1: [2]}
    assert any("individual placement" in v for v in violations(instance, [(1, 1)]))


def test_no_completed_assessment(plan_with: Method) -> None:
    instance = week([person(1, assessed=False), person(2)], [session(1)])
    assert members(plan_with(instance), 1) == {2}
    assert violations(instance, [(1, 1)]) == ["Person 1 has no completed assessment"]


def test_backlog(plan_with: Method) -> None:
    instance = week([person(1, backlog=True), person(2)], [session(1)])
    assert members(plan_with(instance), 1) == {2}
    assert violations(instance, [(1, 1)]) == ["Person 1 is in backlog"]


def test_never_more_minutes_than_owed(plan_with: Method) -> None:
    instance = week([person(1, remaining_minutes=400)], [session(1, weekday=MON), session(2, weekday=TUE)])
    plan = plan_with(instance)
    assert len(plan.assignments) == 1
    assert violations(instance, [(1, 1), (1, 2)]) == ["Person 1 is offered 720 minutes but owes 400"]


def test_a_session_longer_than_what_is_owed_is_not_offered(plan_with: Method) -> None:
    instance = week([person(1, remaining_minutes=300)], [session(1)])
    assert plan_with(instance).assignments == []


def test_two_sessions_when_owed_enough(plan_with: Method) -> None:
    """The weekly minimum is six hours: the greedy baseline stops there, the solver offers more
    when places are free."""
    instance = week([person(1, remaining_minutes=720)], [session(1, weekday=MON), session(2, weekday=TUE)])
    assert len(METHODS["solver"](instance).assignments) == 2


@pytest.mark.parametrize(
    "closed",
    [{"supervisor_available": False}, {"vehicle_available": False}, {"capacity": 0}],
    ids=["no supervisor", "no vehicle", "no places"],
)
def test_session_without_supervisor_or_vehicle_gets_nobody(plan_with: Method, closed: dict[str, object]) -> None:
    instance = week([person(1), person(2)], [session(1, **closed), session(2, weekday=TUE)])
    assert 1 not in {sid for _pid, sid in plan_with(instance).assignments}
    assert any("no supervisor or vehicle" in v or "places" in v for v in violations(instance, [(1, 1)]))


def test_travel_limit(plan_with: Method) -> None:
    # 20 km at 25 km/h is 48 minutes, plus 10: 58 minutes.
    near, far = person(1, max_travel_minutes=60), person(2, max_travel_minutes=45)
    instance = week([near, far], [session(1, location=east(20))])
    assert members(plan_with(instance), 1) == {1}
    assert violations(instance, [(2, 1)]) == ["Person 2 would travel 58 minutes, over their 45"]


def test_pinned_pairs_kept(plan_with: Method) -> None:
    """Pinned to the far session although a nearer one fits better."""
    instance = week([person(1)], [session(1, location=east(1)), session(2, location=east(15))], pinned=[(1, 2)])
    assert placed(plan_with(instance)) == {1: [2]}
    assert violations(instance, []) == ["pinned choice (1, 2) was not kept"]


def test_forbidden_pairs_avoided(plan_with: Method) -> None:
    instance = week([person(1)], [session(1, location=east(1)), session(2, location=east(15))], forbidden=[(1, 1)])
    assert placed(plan_with(instance)) == {1: [2]}
    assert violations(instance, [(1, 1)]) == ["Person 1 was removed from session 1 by hand"]


def test_pins_that_break_a_rule_together_make_no_plan() -> None:
    instance = week([woman(1), person(2)], [session(1)], pinned=[(1, 1), (2, 1)])
    plan = METHODS["solver"](instance)
    assert plan.status == "INFEASIBLE"
    assert plan.assignments == []
    assert "pinned choices" in plan.reasons[1]


def test_the_solver_prefers_last_weeks_project_then_the_nearer_session() -> None:
    # 2 km is 15 minutes away and 8 km 29: continuity (120) outweighs 14 minutes more (112).
    instance = week(
        [person(1, last_project=2), person(2)],
        [session(1, location=east(2), capacity=1), session(2, location=east(8), capacity=1)],
    )
    plan = METHODS["solver"](instance)
    assert placed(plan) == {1: [2], 2: [1]}
    assert plan.status == "OPTIMAL"


def test_an_empty_week_gives_an_empty_plan() -> None:
    instance = week([person(1, days=[SAT])], [session(1, weekday=THU)])
    plan = METHODS["solver"](instance)
    assert plan.assignments == [] and plan.status == "OPTIMAL"
    assert plan.reasons == {1: "No session on the days available (Sat)"}


def test_someone_flagged_not_with_women_is_never_in_a_group_with_a_woman(plan_with: Method) -> None:
    instance = week([person(1, flags=frozenset({"not-with-women"})), woman(2), woman(3)], [session(1)])
    group = members(plan_with(instance), 1)
    assert not (1 in group and group & {2, 3})
    assert violations(instance, [(1, 1), (2, 1), (3, 1)]) == [
        "session 1 has a woman with someone flagged not to be placed with women"
    ]


def test_someone_flagged_not_with_women_is_not_on_a_session_a_woman_supervises(plan_with: Method) -> None:
    instance = week(
        [person(1, flags=frozenset({"not-with-women"}))],
        [session(1, supervisor_female=True), session(2, weekday=TUE)],
    )
    assert placed(plan_with(instance)) == {1: [2]}
    assert violations(instance, [(1, 1)]) == [
        "Person 1 is flagged not to be placed with women and a woman supervises session 1"
    ]
