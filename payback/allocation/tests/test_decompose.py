"""Large weeks planned in parts (engine/decompose.py): a week of one PDU is planned whole, exactly
as before; a week split into parts reaches the plan of the week planned whole; nobody and no
session is in two parts; a neighbourhood across a border is scored as the week; the relaxation
bounds every plan; and the final plan is always checked by the independent verifier."""

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payback.allocation.engine import decompose, parts, solver
from payback.allocation.engine.border import Week, borders, clock, coordinate, merge
from payback.allocation.engine.decompose import solve_by_parts
from payback.allocation.engine.generator import generate, generate_region
from payback.allocation.engine.greedy import greedy
from payback.allocation.engine.held import hold
from payback.allocation.engine.model import Instance
from payback.allocation.engine.objective import score
from payback.allocation.engine.parts import Part, pair_count, split
from payback.allocation.engine.relaxation import relax
from payback.allocation.engine.rules import candidates, needs_reason
from payback.allocation.engine.solver import solve, solve_whole
from payback.allocation.engine.verifier import violations

from .small_weeks import MON, TUE, east, person, session, week, woman


def in_parts(instance: Instance, count: int = 3) -> int:
    """A part size that splits this week into about `count` parts."""
    return max(1, pair_count(candidates(instance)) // count)


def test_a_week_of_one_pdu_is_one_part_planned_exactly_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    instance = generate(people=60, sessions=8, seed=3)
    whole = solve_whole(instance, time_limit=5, workers=1)
    by_parts = solve_by_parts(instance, time_limit=5, workers=1)
    assert (by_parts.assignments, by_parts.objective, by_parts.bound, by_parts.status) == (
        whole.assignments,
        whole.objective,
        whole.bound,
        whole.status,
    )
    assert by_parts.reasons == whole.reasons

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("a PDU's week is not planned in parts")

    monkeypatch.setattr(decompose, "solve_by_parts", never)
    assert solve(instance, time_limit=5, workers=1).assignments == whole.assignments


@pytest.mark.parametrize("seed", [1, 2, 6])
def test_a_week_that_is_really_one_pdu_planned_in_parts_scores_as_the_single_pdu_plan(seed: int) -> None:
    instance = generate_region(people=60, sessions=10, seed=seed, pdus=1)
    fits = candidates(instance)
    assert len(split(instance, fits, relax(instance, fits).values, in_parts(instance))) >= 3
    single = solve_whole(instance, time_limit=5, workers=1)
    by_parts = solve_by_parts(instance, time_limit=5, workers=1, part_pairs=in_parts(instance))
    assert single.status == by_parts.status == "OPTIMAL"
    assert by_parts.objective == single.objective == score(instance, by_parts.assignments)
    assert violations(instance, by_parts.assignments) == []


def two_towns() -> tuple[Instance, Instance]:
    """Two PDUs' weeks 60 km apart (nobody travels an hour to the other): ids apart."""
    here = week(
        [person(1), person(2), woman(3), woman(4), person(5, days=[MON])],
        [session(1, weekday=MON, capacity=3), session(2, weekday=TUE, capacity=2)],
    )
    there = week(
        [replace(p, id=p.id + 10, home=east(60)) for p in here.people],
        [replace(s, id=s.id + 10, project_id=s.id + 10, location=east(60)) for s in here.sessions],
    )
    return here, there


def test_two_pdus_nobody_travels_between_are_each_planned_as_alone() -> None:
    here, there = two_towns()
    both = week(here.people + there.people, here.sessions + there.sessions)
    found = split(both, candidates(both), {}, part_pairs=4)
    assert sorted(part.sessions for part in found) == [frozenset({1, 2}), frozenset({11, 12})]
    plan = solve_by_parts(both, time_limit=5, workers=1, part_pairs=4)
    apart = [solve_whole(w, time_limit=5, workers=1) for w in (here, there)]
    assert plan.objective == sum(p.objective for p in apart)
    assert plan.status == "OPTIMAL" and violations(both, plan.assignments) == []


def test_someone_near_a_border_is_moved_to_where_they_do_most_good() -> None:
    """Person 3 lives between two towns 20 km apart and fits sessions in both; the plan she
    starts from has her in the far one, an hour's travel, although the near one has room."""
    instance = week(
        [person(1), person(2, home=east(20)), person(3, home=east(8), max_travel_minutes=60)],
        [session(1, capacity=2), session(2, location=east(20), capacity=2)],
    )
    fits = candidates(instance)
    assert {s.id for s in fits[3]} == {1, 2}
    halves = [Part(frozenset({1}), frozenset({1})), Part(frozenset({2, 3}), frozenset({2}))]
    start = [(1, 1), (2, 2), (3, 2)]
    plan, proved = coordinate(Week(instance, fits), halves, start, lambda: 5.0)
    assert sorted(plan) == [(1, 1), (2, 2), (3, 1)]
    assert score(instance, plan) > score(instance, start)
    assert proved == score(instance, plan)  # so small a week is re-planned whole: proved best


def test_a_neighbourhood_is_scored_as_the_week_less_a_constant() -> None:
    """Its people are offered other days outside it; what it gains is what the week gains."""
    instance = generate_region(people=120, sessions=20, seed=4, pdus=2)
    fits = candidates(instance)
    everyday = Week(instance, fits)
    plan = greedy(instance).assignments
    saturday = next(s.day for s in instance.sessions if s.weekday == 5)
    free = {(pid, s.id) for pid, options in fits.items() for s in options if s.day == saturday}
    problem, start = everyday.sub_problem(plan, free)
    assert any(problem.offered.values())  # people offered other days, kept outside the problem
    model = problem.build()
    before = problem.run(model, 5, 1, start=start, free=set())
    after = problem.run(model, 5, 1, start=start, free=free)
    kept = [(p, s) for p, s in plan if p not in problem.people or s not in problem.sessions]
    replanned = sorted(kept + after.assignments)
    assert violations(instance, replanned) == []
    assert after.objective - before.objective == score(instance, replanned) - score(instance, plan)
    assert score(instance, replanned) >= score(instance, plan)


def test_borders_of_different_parts_are_improved_side_by_side() -> None:
    instance = generate_region(people=800, sessions=100, seed=3)
    fits = candidates(instance)
    found = split(instance, fits, relax(instance, fits).values, in_parts(instance, 5))
    zones = borders(Week(instance, fits), found)
    assert len(zones) > 2 and len({parts for parts, _pairs in zones}) == len(zones)
    start = greedy(instance).assignments
    with ThreadPoolExecutor(max_workers=2, initializer=hold, initargs=(instance, fits)) as pool:
        plan, proved = coordinate(Week(instance, fits), found, start, clock(time.perf_counter() + 6), pool, 2)
    assert proved is None  # a week this size is never re-planned whole
    assert violations(instance, plan) == []
    assert score(instance, plan) > score(instance, start)


def test_what_a_border_changed_is_kept_only_if_nobody_it_moves_was_moved_meanwhile() -> None:
    base = [(1, 10), (2, 10), (3, 20)]
    found = [(1, 11), (2, 10), (3, 20)]  # person 1 moved from session 10 to 11
    elsewhere = [(1, 10), (2, 10), (3, 21)]  # meanwhile another border moved person 3
    assert merge(elsewhere, base, found) == [(1, 11), (2, 10), (3, 21)]
    moved_too = [(1, 12), (2, 10), (3, 20)]  # or person 1 herself
    assert merge(moved_too, base, found) == moved_too


@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=5, max_value=80), st.integers(min_value=1, max_value=12), st.integers(0, 10_000))
def test_the_relaxation_bounds_every_plan(people: int, sessions: int, seed: int) -> None:
    instance = generate(people=people, sessions=sessions, seed=seed)
    bound = relax(instance, candidates(instance)).bound
    best = solve_whole(instance, time_limit=3, workers=1)
    assert bound is not None and bound >= best.objective >= greedy(instance).objective


def test_the_relaxation_sees_a_woman_no_other_woman_can_join_must_be_alone_in_a_group() -> None:
    """The only woman who fits this group, and a man flagged not to be with women: either she
    is there alone, or the men are; the relaxation's bound is the best plan's score."""
    instance = week(
        [person(1), person(2), person(3, flags=frozenset({"not-with-women"})), woman(4, urgency=3.0)],
        [session(1, capacity=4)],
    )
    best = solve_whole(instance, time_limit=5, workers=1)
    assert best.status == "OPTIMAL" and 4 not in {pid for pid, _sid in best.assignments}
    assert relax(instance, candidates(instance)).bound == best.objective


def test_every_person_and_session_is_in_one_part_and_regions_never_share_one() -> None:
    instance = generate_region(people=200, sessions=40, seed=5, regions=2)
    fits = candidates(instance)
    placed = relax(instance, fits).values
    found = split(instance, fits, placed, in_parts(instance, 6))
    assert len(found) >= 4
    people = [pid for part in found for pid in part.people]
    sessions = [sid for part in found for sid in part.sessions]
    assert sorted(people) == sorted(pid for pid, options in fits.items() if options)
    assert sorted(sessions) == sorted({s.id for options in fits.values() for s in options})
    for part in found:  # the first region's sessions are 1 to 40, the second's 41 to 80
        assert len({sid <= 40 for sid in part.sessions}) == 1
    # Someone pinned to a session in another part than their own joins that part.
    pid, sid = next(
        (pid, s.id) for part in found for pid in sorted(part.people) for s in fits[pid] if s.id not in part.sessions
    )
    instance.pinned = [(pid, sid)]
    pinned = split(instance, fits, placed, in_parts(instance, 6))
    assert any(pid in part.people and sid in part.sessions for part in pinned)


def small_region() -> Instance:
    return generate_region(people=150, sessions=25, seed=2, pdus=3)


def test_a_large_week_is_planned_in_parts_side_by_side(monkeypatch: pytest.MonkeyPatch) -> None:
    instance = small_region()
    monkeypatch.setattr(parts, "PART_PAIRS", in_parts(instance))
    used: list[int] = []
    real = decompose.ProcessPoolExecutor

    def pool(max_workers: int, **kwargs: object) -> object:
        used.append(max_workers)
        return real(max_workers=max_workers, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(decompose, "ProcessPoolExecutor", pool)
    plan = solve(instance, time_limit=8, workers=2)
    assert used == [2]
    assert violations(instance, plan.assignments) == []
    assert plan.status in ("OPTIMAL", "FEASIBLE") and plan.bound is not None
    assert greedy(instance).objective <= plan.objective == score(instance, plan.assignments) <= plan.bound
    sessions = {s.id: s for s in instance.sessions}
    for p in instance.people:
        offered = sum(sessions[sid].minutes for pid, sid in plan.assignments if pid == p.id)
        assert bool(plan.reasons.get(p.id)) == needs_reason(p, offered, instance.weights)


def test_the_final_plan_is_checked_by_the_verifier(monkeypatch: pytest.MonkeyPatch) -> None:
    instance = small_region()
    monkeypatch.setattr(parts, "PART_PAIRS", in_parts(instance))
    broken: list[list[tuple[int, int]]] = []

    def breaking(week: Week, found: list[Part], plan: list[tuple[int, int]], *rest: object) -> object:
        full = next(s for s in instance.sessions if s.open)
        bad = plan + [(p.id, full.id) for p in instance.people if (p.id, full.id) not in plan]
        broken.append(plan)
        return bad, None

    monkeypatch.setattr(decompose, "coordinate", breaking)
    plan = solve(instance, time_limit=5, workers=1)
    assert violations(instance, plan.assignments) == []
    assert plan.assignments == broken[0]


def test_pins_are_kept_and_hand_removals_avoided_in_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    instance = small_region()
    monkeypatch.setattr(parts, "PART_PAIRS", in_parts(instance))
    baseline = greedy(instance).assignments
    instance.pinned = baseline[::7]
    plan = solve(instance, time_limit=3, workers=1)
    instance.forbidden = [pair for pair in plan.assignments if pair not in instance.pinned][::3]
    replanned = solve(instance, time_limit=5, workers=1)
    assert set(instance.pinned) <= set(replanned.assignments)
    assert not set(instance.forbidden) & set(replanned.assignments)
    assert violations(instance, replanned.assignments) == []


def test_pins_that_cannot_be_kept_together_give_no_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    instance = small_region()
    monkeypatch.setattr(parts, "PART_PAIRS", in_parts(instance))
    fits = candidates(instance)
    alone = next(s for s in instance.sessions if s.individual and sum(s in o for o in fits.values()) >= 2)
    instance.pinned = [(pid, alone.id) for pid, options in fits.items() if alone in options][:2]
    plan = solve(instance, time_limit=5, workers=1)
    assert (plan.status, plan.assignments) == ("INFEASIBLE", [])
    assert set(plan.reasons) == {p.id for p in instance.people}


def test_solve_keeps_its_signature_and_checks_workers() -> None:
    with pytest.raises(ValueError, match="workers must be 1 or more"):
        solver.solve(small_region(), workers=0)
