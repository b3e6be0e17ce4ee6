"""The goals in their order (docs/allocation.md): hours first (the weekly minimum for everyone,
most urgent first, then more for the most urgent), then a female supervisor for every group with
women wherever possible, then continuity, travel and the rest."""

from collections import defaultdict
from dataclasses import replace

from payback.allocation.engine.model import Instance, Plan
from payback.allocation.engine.objective import female_supervisor_weight, score
from payback.allocation.engine.solver import solve
from payback.allocation.engine.verifier import violations

from .small_weeks import MON, TUE, WED, east, person, placed, session, week, woman


def solved(instance: Instance) -> Plan:
    plan = solve(instance, time_limit=5, workers=1)
    assert violations(instance, plan.assignments) == []
    return plan


def minutes_by_person(instance: Instance, plan: Plan) -> dict[int, int]:
    sessions = {s.id: s for s in instance.sessions}
    found: dict[int, int] = defaultdict(int)
    for pid, sid in plan.assignments:
        found[pid] += sessions[sid].minutes
    return dict(found)


def groups_with_women(instance: Instance, plan: Plan) -> dict[int, bool]:
    """Each group session with a woman in it: whether a woman supervises it."""
    people = {p.id: p for p in instance.people}
    sessions = {s.id: s for s in instance.sessions}
    return {
        sid: sessions[sid].supervisor_female
        for pid, sid in plan.assignments
        if people[pid].female and not sessions[sid].individual
    }


def three_days_near_and_far() -> Instance:
    """Each day a session near everyone with a male supervisor, and one 20 minutes further with a
    female supervisor, each with room for all. Two women and four men, all free every day; the
    women worked on the near project last week. Sending the women to the far session costs
    travel, continuity and a half-empty session, and nobody any hours."""
    sessions = []
    for day in (MON, TUE, WED):
        sessions.append(session(10 + day, weekday=day, capacity=8, project_id=1, location=east(1)))
        sessions.append(
            session(20 + day, weekday=day, capacity=8, project_id=2, location=east(9), supervisor_female=True)
        )
    people = [woman(1, last_project=1), woman(2, last_project=1), *(person(pid) for pid in range(3, 7))]
    return week(people, sessions)


def test_every_group_with_women_has_a_female_supervisor_when_it_costs_nobody_hours() -> None:
    instance = three_days_near_and_far()
    plan = solved(instance)
    groups = groups_with_women(instance, plan)
    assert len(groups) == 3 and all(groups.values()), groups
    # Nobody's hours were spent on it: the same minutes as when the goal is off.
    without = solved(replace(instance, weights=replace(instance.weights, female_supervisor=0)))
    assert minutes_by_person(instance, plan) == minutes_by_person(instance, without)
    assert not all(groups_with_women(instance, without).values())  # it was not free on the other goals


def test_the_policy_weight_is_the_least_a_group_without_one_costs() -> None:
    weights = three_days_near_and_far().weights
    assert female_supervisor_weight(weights) == weights.placed - 1
    assert female_supervisor_weight(replace(weights, female_supervisor=5000)) == 5000
    assert female_supervisor_weight(replace(weights, female_supervisor=0)) == 0


def test_a_female_supervisor_never_costs_anyone_their_place() -> None:
    """The only session a woman supervises has room for two; a man who can only reach it needs one
    of those places. Two women in it would leave him out: he keeps his place, and the women join
    the group a man supervises (together, so neither is the only woman)."""
    near_men = [person(pid, home=east(30)) for pid in (3, 4, 5)]
    far_man = person(6, home=east(-12), max_travel_minutes=45)
    instance = week(
        [woman(1, home=east(9)), woman(2, home=east(9)), *near_men, far_man],
        [
            session(1, capacity=5, location=east(25)),
            session(2, capacity=2, location=east(-10), supervisor_female=True),
        ],
    )
    plan = solved(instance)
    assert set(placed(plan)) == {1, 2, 3, 4, 5, 6}
    assert placed(plan)[6] == [2]
    assert placed(plan)[1] == placed(plan)[2] == [1]
    assert plan.objective == score(instance, plan.assignments)


def test_everyone_gets_the_weekly_minimum_before_anyone_gets_more() -> None:
    """The urgent case is free on both days and the other only on Monday, with one place a day:
    Monday goes to the one who has no other day."""
    instance = week(
        [person(1, urgency=3.0, at_risk=True), person(2, days=[MON], urgency=1.0)],
        [session(1, weekday=MON, capacity=1), session(2, weekday=TUE, capacity=1)],
    )
    assert placed(solved(instance)) == {1: [2], 2: [1]}


def test_the_most_urgent_are_offered_more_than_the_weekly_minimum() -> None:
    """Everyone has their six hours on Monday; Tuesday's one place goes to the case that cannot
    finish in time at six hours a week, not to the one on track."""
    instance = week(
        [person(1, urgency=1.0), person(2, urgency=3.0, at_risk=True)],
        [session(1, weekday=MON, capacity=2), session(2, weekday=TUE, capacity=1)],
    )
    assert placed(solved(instance)) == {1: [1], 2: [1, 2]}
