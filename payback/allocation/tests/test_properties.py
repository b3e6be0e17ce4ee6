"""Properties of every plan, on generated weeks of hypothesis-drawn sizes: the solver's and the
greedy baseline's plans keep every hard rule (by the independent verifier), never offer more
than is owed, never place anyone without an assessment or in backlog, and explain everyone
not placed or offered less than the weekly minimum; the solver's objective is the score of
its plan, no better than its bound and no worse than the greedy plan's."""

import random
from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payback.allocation.engine.generator import generate
from payback.allocation.engine.greedy import greedy
from payback.allocation.engine.model import Instance, Plan
from payback.allocation.engine.objective import score
from payback.allocation.engine.rules import candidates, needs_reason
from payback.allocation.engine.solver import solve
from payback.allocation.engine.verifier import violations

weeks = st.builds(
    generate,
    people=st.integers(min_value=5, max_value=100),
    sessions=st.integers(min_value=1, max_value=16),
    seed=st.integers(min_value=0, max_value=10_000),
)

SETTINGS = settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


def check_plan(instance: Instance, plan: Plan) -> None:
    assert violations(instance, plan.assignments) == []
    people = {p.id: p for p in instance.people}
    sessions = {s.id: s for s in instance.sessions}
    minutes: dict[int, int] = defaultdict(int)
    for pid, sid in plan.assignments:
        minutes[pid] += sessions[sid].minutes
    for pid, offered in minutes.items():
        assert offered <= people[pid].remaining_minutes
        assert people[pid].assessed
        assert not people[pid].backlog
    for person in instance.people:
        if needs_reason(person, minutes[person.id], instance.weights):
            assert plan.reasons.get(person.id), f"no reason for {person.name}"
        offered = minutes[person.id]
        if offered == 0 or offered < min(360, person.remaining_minutes):
            assert plan.reasons.get(person.id)


@SETTINGS
@given(weeks)
def test_every_plan_keeps_the_rules_and_explains_who_was_left_out(instance: Instance) -> None:
    solved = solve(instance, time_limit=2)
    baseline = greedy(instance)
    assert solved.status in ("OPTIMAL", "FEASIBLE")
    check_plan(instance, solved)
    check_plan(instance, baseline)


@SETTINGS
@given(weeks)
def test_the_solver_objective_is_its_score_within_the_bound_and_no_worse_than_greedy(instance: Instance) -> None:
    solved = solve(instance, time_limit=2)
    assert solved.objective == score(instance, solved.assignments)
    assert solved.bound is not None and solved.objective <= solved.bound  # weeks this small always get a bound
    assert solved.gap is not None and solved.gap >= 0
    assert solved.objective >= greedy(instance).objective
    assert greedy(instance).objective == score(instance, greedy(instance).assignments)


@SETTINGS
@given(weeks, st.randoms(use_true_random=False))
def test_pins_are_kept_and_hand_removals_avoided(instance: Instance, rng: random.Random) -> None:
    """Pins from a plan that keeps the rules (so they can be kept together), and hand removals
    among the other places people could have gone."""
    baseline = greedy(instance).assignments
    instance.pinned = rng.sample(baseline, len(baseline) // 3)
    others = [(pid, s.id) for pid, options in candidates(instance).items() for s in options]
    others = [pair for pair in others if pair not in instance.pinned]
    instance.forbidden = rng.sample(others, len(others) // 3)
    solved = solve(instance, time_limit=2)
    if instance.pinned and not solved.assignments:
        # No plan within the limit: it must say so, for everyone, rather than drop the pins.
        assert solved.status in {"INFEASIBLE", "UNKNOWN"}
        assert set(solved.reasons) == {p.id for p in instance.people}
    else:
        assert set(instance.pinned) <= set(solved.assignments)
        assert not set(instance.forbidden) & set(solved.assignments)
        check_plan(instance, solved)
    check_plan(instance, greedy(instance))
