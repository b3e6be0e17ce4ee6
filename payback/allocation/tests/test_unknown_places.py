"""A home or site whose postcode is unknown has no place (None): travel cannot be checked, so it
keeps nobody out; the goal counts the person's travel limit; the reason says so; and the week
still reads and writes as JSON (docs/places.md)."""

from payback.allocation.engine.instance import from_dict, to_dict
from payback.allocation.engine.model import Instance, travel_cost, travel_minutes
from payback.allocation.engine.objective import placement_value
from payback.allocation.engine.rules import HOME_UNKNOWN, candidates, pair_problem, plan_reasons
from payback.allocation.engine.solver import solve
from payback.allocation.engine.verifier import violations

from .small_weeks import MON, TUE, east, person, session

FAR = east(200)  # far beyond anyone's hour of travel


def test_an_unknown_home_is_not_kept_out_by_distance() -> None:
    nowhere = person(1, home=None)
    far = session(10, location=FAR)
    assert travel_minutes(nowhere, far, 25.0) is None
    assert pair_problem(nowhere, far, 25.0) is None
    assert pair_problem(person(2), far, 25.0) == "travel"
    instance = Instance(people=[nowhere, person(2)], sessions=[far])
    assert [s.id for s in candidates(instance)[1]] == [10]
    assert candidates(instance)[2] == []


def test_an_unknown_site_is_open_to_everyone_free_that_day() -> None:
    unplaced = session(10, location=None)
    instance = Instance(people=[person(1), person(2, home=FAR), person(3, days=[TUE])], sessions=[unplaced])
    fits = candidates(instance)
    assert [s.id for s in fits[1]] == [10] and [s.id for s in fits[2]] == [10]
    assert fits[3] == []


def test_the_goal_counts_an_unknown_journey_as_the_persons_limit() -> None:
    known_near, unknown = person(1, max_travel_minutes=60), person(2, home=None, max_travel_minutes=60)
    here = session(10)
    assert travel_cost(known_near, here, 25.0) == 10
    assert travel_cost(unknown, here, 25.0) == 60
    instance = Instance(people=[known_near, unknown], sessions=[here])
    assert placement_value(known_near, here, instance, set()) > placement_value(unknown, here, instance, set())


def test_the_plan_places_them_keeps_every_rule_and_says_travel_was_not_checked() -> None:
    nowhere = person(1, home=None, remaining_minutes=6 * 60)
    tuesday = person(2, home=None, days=[TUE])
    instance = Instance(people=[nowhere, tuesday], sessions=[session(10, weekday=MON, location=FAR)])
    plan = solve(instance, time_limit=5)
    assert plan.assignments == [(1, 10)]
    assert violations(instance, plan.assignments) == []
    reasons = plan_reasons(instance, plan.assignments)
    assert reasons == {2: f"No session on the days available (Tue) ({HOME_UNKNOWN})"}


def test_an_unknown_place_reads_and_writes_as_null() -> None:
    instance = Instance(people=[person(1, home=None)], sessions=[session(10, location=None), session(11)])
    raw = to_dict(instance)
    assert raw["people"][0]["home"] is None and raw["sessions"][0]["location"] is None
    again = from_dict(raw)
    assert again.people[0].home is None and again.sessions[0].location is None
    assert again.sessions[1].location == session(11).location
