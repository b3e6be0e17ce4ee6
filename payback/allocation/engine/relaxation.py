"""The linear relaxation of a whole week, solved with GLOP: a bound on every plan of the week, and
where the relaxation places each person (nearly always whole placements), which decides the part
of a large week each person is planned in (`parts`).

The relaxation is the solver's model (`problem.Problem.build`) with placements allowed to be
fractions, without pins, the rule about women in groups and the cost of half-empty sessions (which
made it slower to solve than it made it tighter), and with a stronger statement of who must be
apart: someone flagged not to be with women keeps every woman out of a session, and a woman no
other woman who fits a group can be with keeps everyone out of it. Every plan of the week is a
solution of it worth at least its score, so no plan scores more than its optimum, the bound."""

import math
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

from ortools.linear_solver import pywraplp

from payback import placement

from .model import Instance, Person, Session
from .objective import Pair, female_supervisor_weight, minimum_weight, placement_value
from .parts import clusters

BATCH_PAIRS = 10_000  # candidate placements: smaller clusters are solved together


@dataclass
class Relaxation:
    bound: float | None  # None if GLOP found no optimum (then nothing is proved)
    values: dict[Pair, float]  # each placement's value in the relaxation, where above 0


def relax(instance: Instance, fits: dict[int, list[Session]], pool: Executor | None = None) -> Relaxation:
    """Solve the week's linear relaxation (`fits`: the sessions each person fits): a cluster of
    people and sessions nobody outside it can reach at a time, small ones together, side by side in
    the `pool` if there is one (its workers hold the week: `held`). The bound is the sum of theirs."""
    batches = _batches(fits)
    if pool is None or len(batches) == 1:
        found = [_relax(instance, batch) for batch in batches]
    else:
        found = list(pool.map(_relax_held, [sorted(batch) for batch in batches]))
    bound, values = 0.0, {}
    for part in found:
        if part.bound is None:
            return part
        bound += part.bound
        values.update(part.values)
    return Relaxation(bound=bound, values=values)


def _relax_held(people: list[int]) -> Relaxation:
    """In a worker holding the week (`held`): the relaxation of these people's cluster(s)."""
    from .held import held

    week = held()
    return _relax(week.instance, {pid: week.fits[pid] for pid in people})


def _batches(fits: dict[int, list[Session]]) -> list[dict[int, list[Session]]]:
    """The people who fit a session, by cluster (`parts.clusters`), small clusters together."""
    cluster_of = {sid: index for index, cluster in enumerate(clusters(fits)) for sid in cluster}
    by_cluster: dict[int, dict[int, list[Session]]] = defaultdict(dict)
    for pid, options in fits.items():
        if options:
            by_cluster[cluster_of[options[0].id]][pid] = options
    batches: list[dict[int, list[Session]]] = []
    batch: dict[int, list[Session]] = {}
    size = 0
    for index in sorted(by_cluster):
        batch.update(by_cluster[index])
        size += sum(len(options) for options in by_cluster[index].values())
        if size >= BATCH_PAIRS:
            batches.append(batch)
            batch, size = {}, 0
    if batch or not batches:
        batches.append(batch)
    return batches


def _relax(instance: Instance, fits: dict[int, list[Session]]) -> Relaxation:
    lp = pywraplp.Solver.CreateSolver("GLOP")
    x = _people(lp, instance, fits)
    _sessions(lp, instance, x)
    lp.Objective().SetMaximization()
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return Relaxation(bound=None, values={})
    # The coefficients are whole numbers, so is any plan's score: the bound rounds down (after
    # allowing for GLOP's tolerances).
    value = lp.Objective().Value()
    bound = float(math.floor(value + 1e-7 * max(1.0, abs(value))))
    values = {pair: var.solution_value() for pair, var in x.items() if var.solution_value() > 1e-6}
    return Relaxation(bound=bound, values=values)


def _people(lp: pywraplp.Solver, instance: Instance, fits: dict[int, list[Session]]) -> dict[Pair, Any]:
    """The placements, each with its value, and each person's rules and weekly minimum: one
    session a day, never more than owed."""
    people = {p.id: p for p in instance.people}
    published = set(instance.published)
    weights = instance.weights
    objective = lp.Objective()
    x: dict[Pair, Any] = {}
    for pid, options in fits.items():
        if not options:
            continue
        person = people[pid]
        by_day: dict[str, list[Any]] = defaultdict(list)
        for s in options:
            x[pid, s.id] = var = lp.NumVar(0.0, 1.0, "")
            objective.SetCoefficient(var, placement_value(person, s, instance, published))
            by_day[s.day].append(var)
        for day_vars in by_day.values():
            if len(day_vars) > 1:
                _at_most(lp, day_vars, 1)
        target = min(weights.weekly_minimum_minutes, person.remaining_minutes)
        if target > 0:
            covered = lp.NumVar(0.0, float(target), "")
            objective.SetCoefficient(covered, minimum_weight(person, weights))
            _at_most(lp, [covered], 0, [(x[pid, s.id], -min(s.minutes, target)) for s in options])
        if sum(s.minutes for s in options) > person.remaining_minutes:
            _at_most(lp, [], person.remaining_minutes, [(x[pid, s.id], s.minutes) for s in options])
    return x


def _sessions(lp: pywraplp.Solver, instance: Instance, x: dict[Pair, Any]) -> None:
    """Each session's capacity; who must be apart (non-associations, and someone flagged not to be
    with women and a woman); and a group's cost of a woman in it with no female supervisor."""
    people = {p.id: p for p in instance.people}
    female_supervisor = female_supervisor_weight(instance.weights)
    members: dict[int, list[int]] = defaultdict(list)
    for pid, sid in x:
        members[sid].append(pid)
    for s in instance.sessions:
        pids = members.get(s.id, [])
        if not pids:
            continue
        if len(pids) > s.capacity:
            _at_most(lp, [x[p, s.id] for p in pids], s.capacity)
        inside = set(pids)
        apart = {(min(p, o), max(p, o)) for p in pids for o in people[p].non_associations & inside if o != p}
        for a, b in sorted(apart | placement.flagged_apart(people[p] for p in pids)):
            _at_most(lp, [x[a, s.id], x[b, s.id]], 1)
        for f in (p for p in pids if placement.NOT_WITH_WOMEN in people[p].flags):
            # Someone flagged not to be with women keeps every woman out: women ≤ M × (1 − x(them)).
            _keeps_out(lp, s, x[f, s.id], [x[p, s.id] for p in pids if people[p].female and p != f])
        if not s.individual and s.capacity > 1:
            for w in _alone(people, pids, apart):
                # A woman no other woman here can be with keeps everyone out: with a man she would
                # be the only woman in the group.
                _keeps_out(lp, s, x[w, s.id], [x[p, s.id] for p in pids if p != w])
        women = [x[p, s.id] for p in pids if people[p].female]
        if women and not s.individual and not s.supervisor_female and female_supervisor:
            objective = lp.Objective()
            objective.SetCoefficient(_any(lp, women), -female_supervisor)


def _alone(people: dict[int, Person], pids: list[int], apart: set[tuple[int, int]]) -> list[int]:
    """The women who fit a group session with no other woman who fits it and may be with them."""
    women = [p for p in pids if people[p].female]
    barred = apart | {(b, a) for a, b in apart}
    flagged = {p for p in women if placement.NOT_WITH_WOMEN in people[p].flags}
    return [
        w for w in women if w in flagged or not any(o != w and o not in flagged and (w, o) not in barred for o in women)
    ]


def _keeps_out(lp: pywraplp.Solver, s: Session, one: Any, others: list[Any]) -> None:
    """Σ others ≤ M × (1 − one), M the most of them the session can hold: with `one` in the
    session, none of the others."""
    most = min(s.capacity, len(others))
    if most >= 1:
        _at_most(lp, others, most, [(one, float(most))])


def _any(lp: pywraplp.Solver, variables: list[Any]) -> Any:
    """A helper at least each of the variables (a relaxed "any of them")."""
    result = lp.NumVar(0.0, 1.0, "")
    for var in variables:
        _at_most(lp, [var], 0, [(result, -1.0)])
    return result


def _at_most(
    lp: pywraplp.Solver,
    ones: list[pywraplp.Variable],
    limit: float,
    terms: Sequence[tuple[pywraplp.Variable, float]] = (),
) -> None:
    """Σ ones + Σ coefficient × variable ≤ limit."""
    row = lp.Constraint(-lp.infinity(), float(limit))
    for var in ones:
        row.SetCoefficient(var, 1.0)
    for var, coefficient in terms:
        row.SetCoefficient(var, float(coefficient))
