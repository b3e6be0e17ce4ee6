"""The allocation model, solved with OR-Tools CP-SAT. Hard rules are constraints; goals are
weighted terms of one objective (weights are policy data).

Every helper variable is tied to the placements by an equality, so the objective of any
solution the solver reports (not only an optimal one) equals `score` of its placements.

How it is solved, within the time limit (a decomposition: the whole model at once is slow to
find good plans on two cores, because of the rule for women in groups and the session-level
goals, which make its relaxation far from integral):

1. The *core*: the model without the session-level goals (a female supervisor, half-empty
   sessions) and without the rule that a woman is never the only woman in a group with men.
   Its relaxation is nearly integral, so CP-SAT solves it to optimality in about a second for
   a PDU's week. Every plan of the full model is a plan of the core worth at least as much,
   so the core's bound is a bound for the full model too.
2. The core's plan made to keep every rule: each woman it leaves the only woman in a group with
   men is taken out, and then, a day at a time, those sessions are re-planned with the full
   model (who is in them, and where she and every woman who could join them go), everything else
   fixed. If the greedy baseline's plan, or a hint, scores better, that is the start instead.
3. Large neighbourhood search on the full model: all placements are fixed except those on one
   day, on linked sessions (sessions sharing the most candidates, any day) or on two or three
   days, and CP-SAT re-plans that part optimally; a better plan is kept. This stops within
   0.01 % of the bound, after 12 neighbourhoods without a real improvement, or when only 20 %
   of the time is left.
4. With time left and the gap still open, the whole full model started from the plan: a
   tighter bound (the lower of the two is reported), and perhaps a better plan.

Steps 1 and 4 (the whole week) run on every CP-SAT worker asked for, steps 2 and 3 (most
placements fixed) on one. Only steps 1 and 4 prove a bound on the week.
"""

import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from payback import placement

from . import cpsat
from .cpsat import GAP, SOLVED, default_workers
from .fallback import without_solver_plan
from .greedy import place
from .model import Instance, Plan, relative_gap
from .neighbourhoods import neighbourhoods, women_neighbourhood
from .objective import Pair, female_supervisor_weight, minimum_weight, placement_value, score
from .rules import candidates, plan_reasons

STALE = 12  # neighbourhoods tried without a real improvement before giving up
RESERVE = 0.2  # share of the time limit kept for the whole model at the end


@dataclass
class _Model:
    model: cp_model.CpModel
    x: dict[Pair, cp_model.IntVar]
    # Helper variables, to complete a hint: (variable, kind, session, people) with kind
    # "any" (one of the people is in the session) or "short" (places short of half full).
    aux: list[tuple[cp_model.IntVar, str, int, list[int]]] = field(default_factory=list)
    # (variable, person, target minutes, or None for a yes/no "reaches the minimum").
    coverage: list[tuple[cp_model.IntVar, int, int | None]] = field(default_factory=list)
    anys: dict[str, cp_model.IntVar] = field(default_factory=dict)


@dataclass
class _Result:
    status: int
    assignments: list[Pair]
    objective: float
    bound: float | None  # a bound on the model solved (not on the week when some placements were fixed)


class _Problem:
    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.people = {p.id: p for p in instance.people}
        self.sessions = {s.id: s for s in instance.sessions}
        self.fits = candidates(instance)
        self.published = set(instance.published)
        self.pinned = set(instance.pinned)

    def build(self, *, women_rule: bool = True, session_goals: bool = True) -> _Model:
        """The model; without `women_rule` (a woman is never the only woman in a group with
        men) and `session_goals` (female supervisor, half-empty sessions), the core."""
        w = self.instance.weights
        female_supervisor = female_supervisor_weight(w)
        people, sessions, fits = self.people, self.sessions, self.fits
        model = cp_model.CpModel()
        m = _Model(model=model, x={})
        x = m.x
        for pid, options in fits.items():
            for s in options:
                x[pid, s.id] = model.new_bool_var(f"x_{pid}_{s.id}")
        for pair in self.pinned:
            if pair in x:
                model.add(x[pair] == 1)

        by_session: dict[int, list[int]] = defaultdict(list)
        by_person_day: dict[tuple[int, str], list[int]] = defaultdict(list)
        for pid, sid in x:
            by_session[sid].append(pid)
            by_person_day[pid, sessions[sid].day].append(sid)

        # Capacity, and one session per person per day.
        for sid, pids in by_session.items():
            if len(pids) > sessions[sid].capacity:
                model.add(sum(x[p, sid] for p in pids) <= sessions[sid].capacity)
        for (pid, _day), sids in by_person_day.items():
            if len(sids) > 1:
                model.add_at_most_one(x[pid, s] for s in sids)
        # Never more minutes offered than the person still owes (nothing to limit without options).
        for pid, options in fits.items():
            if options and sum(s.minutes for s in options) > people[pid].remaining_minutes:
                model.add(sum(s.minutes * x[pid, s.id] for s in options) <= people[pid].remaining_minutes)
        # Non-associations never in the same session (named by either of the two).
        for sid, pids in by_session.items():
            members = set(pids)
            apart = {(min(p, o), max(p, o)) for p in pids for o in people[p].non_associations & members if o != p}
            apart |= placement.flagged_apart(people[p] for p in pids)
            for a, b in sorted(apart):
                model.add_at_most_one(x[a, sid], x[b, sid])

        session_terms = []
        for sid, pids in by_session.items():
            session = sessions[sid]
            if session.individual:
                continue
            women = [p for p in pids if people[p].female]
            men = [p for p in pids if not people[p].female]
            # No woman in an otherwise all-male group: with a woman and a man, a second woman.
            if women_rule and women and men and session.capacity > 1:
                any_man = self._any(m, [x[p, sid] for p in men], f"man_{sid}", sid, men)
                for p in women:
                    others = [x[q, sid] for q in women if q != p]
                    if others:
                        model.add_bool_or(others).only_enforce_if([x[p, sid], any_man])
                    else:
                        model.add_bool_or([x[p, sid].Not(), any_man.Not()])
            # A female supervisor for groups that include women.
            if session_goals and women and not session.supervisor_female and female_supervisor:
                any_woman = self._any(m, [x[p, sid] for p in women], f"woman_{sid}", sid, women)
                session_terms.append(-female_supervisor * any_woman)
            # Fill sessions rather than run half-empty ones: each empty place below half costs.
            half = (session.capacity + 1) // 2
            if session_goals and w.half_empty_session and half > 1:
                used = self._any(m, [x[p, sid] for p in pids], f"used_{sid}", sid, pids)
                short = model.new_int_var(0, half - 1, f"short_{sid}")
                model.add_max_equality(short, [0, half * used - sum(x[p, sid] for p in pids)])
                m.aux.append((short, "short", sid, pids))
                session_terms.append(-w.half_empty_session * short)

        objective = []
        for pid, options in fits.items():
            person = people[pid]
            if not options:
                continue
            for s in options:
                objective.append(placement_value(person, s, self.instance, self.published) * x[pid, s.id])
            # Minutes towards the weekly minimum (capped at what the person owes).
            target = min(w.weekly_minimum_minutes, person.remaining_minutes)
            weight = minimum_weight(person, w)
            if all(s.minutes >= target for s in options):
                # Any one session reaches the minimum: a yes/no, which keeps the relaxation tight.
                reached = model.new_bool_var(f"reached_{pid}")
                model.add_bool_or([x[pid, s.id] for s in options]).only_enforce_if(reached)
                for s in options:
                    model.add_implication(x[pid, s.id], reached)
                m.coverage.append((reached, pid, None))
                objective.append(weight * target * reached)
            else:
                covered = model.new_int_var(0, target, f"covered_{pid}")
                model.add_min_equality(covered, [target, sum(min(s.minutes, target) * x[pid, s.id] for s in options)])
                m.coverage.append((covered, pid, target))
                objective.append(weight * covered)
        model.maximize(sum(objective) + sum(session_terms))
        return m

    def _any(self, m: _Model, literals: list[cp_model.IntVar], name: str, sid: int, pids: list[int]) -> cp_model.IntVar:
        """A yes/no that is true exactly when one of the literals is (made once per name)."""
        if name in m.anys:
            return m.anys[name]
        result = m.anys[name] = m.model.new_bool_var(name)
        for literal in literals:
            m.model.add_implication(literal, result)
        m.model.add_bool_or(literals).only_enforce_if(result)
        m.aux.append((result, "any", sid, pids))
        return result

    def hint(self, m: _Model, model: cp_model.CpModel, assignments: list[Pair]) -> None:
        """A complete starting solution: the placements, and every helper variable's value that
        follows from them."""
        chosen = {pair for pair in assignments if pair in m.x}
        for pair, var in m.x.items():
            model.add_hint(var, pair in chosen)
        members: dict[int, set[int]] = defaultdict(set)
        minutes: dict[int, int] = defaultdict(int)
        for pid, sid in chosen:
            members[sid].add(pid)
            minutes[pid] += self.sessions[sid].minutes
        for var, kind, sid, pids in m.aux:
            count = len(members[sid] & set(pids))
            if kind == "any":
                model.add_hint(var, count > 0)
            else:
                half = (self.sessions[sid].capacity + 1) // 2
                model.add_hint(var, max(0, half - count) if count else 0)
        for var, pid, target in m.coverage:
            model.add_hint(var, minutes[pid] > 0 if target is None else min(target, minutes[pid]))

    def run(
        self,
        m: _Model,
        seconds: float,
        workers: int,
        *,
        start: list[Pair] | None = None,
        free: set[Pair] | None = None,
    ) -> _Result:
        """Solve the model; with `free`, only those placements may change from `start`."""
        model = m.model
        if start is not None:
            model = m.model.clone()
            self.hint(m, model, start)
            if free is not None:
                chosen = set(start)
                for pair, var in m.x.items():
                    if pair not in free:
                        domain = model.proto.variables[var.index].domain
                        domain.clear()
                        value = int(pair in chosen)
                        domain.extend([value, value])
        # A neighbourhood (some placements fixed) is small: one worker solves it fastest, and
        # more would only share the cores; the whole week gets every worker asked for.
        solver = cpsat.new_solver(seconds, workers if free is None else 1)
        return _result(solver, solver.solve(model), m)

    def lone_women(self, assignments: list[Pair]) -> list[Pair]:
        """Women who are the only woman in a group with men."""
        members: dict[int, list[int]] = defaultdict(list)
        for pid, sid in assignments:
            members[sid].append(pid)
        found = []
        for sid, pids in members.items():
            women = [p for p in pids if self.people[p].female]
            if not self.sessions[sid].individual and len(women) == 1 and len(pids) > 1:
                found.append((women[0], sid))
        return found

    def repair(self, assignments: list[Pair]) -> list[Pair]:
        """Take a woman out of a group where she is the only woman with men (or, if she is pinned
        there, the men who are not)."""
        members: dict[int, list[int]] = defaultdict(list)
        for pid, sid in assignments:
            members[sid].append(pid)
        drop = set()
        for woman, sid in self.lone_women(assignments):
            if (woman, sid) not in self.pinned:
                drop.add((woman, sid))
            else:
                drop.update((p, sid) for p in members[sid] if p != woman and (p, sid) not in self.pinned)
        return [pair for pair in assignments if pair not in drop]

    @property
    def pairs(self) -> list[Pair]:
        return [(pid, s.id) for pid, options in self.fits.items() for s in options]


def solve(
    instance: Instance,
    *,
    time_limit: float = 10.0,
    workers: int | None = None,
    hint: list[Pair] | None = None,
) -> Plan:
    """The best plan found within the time limit (never worse than the greedy baseline's, or
    than `hint`'s if it keeps every rule). `workers`: CP-SAT workers for each model solved, by
    default every core of the machine (`default_workers`); with 1 the search is deterministic.

    The status is CP-SAT's: `OPTIMAL` only when the plan reaches a bound CP-SAT proved, with
    that bound. If the solver finds no plan, the greedy baseline's is returned as `GREEDY`, with
    a note saying why, never as the solver's."""
    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise ValueError("workers must be 1 or more")
    started = time.perf_counter()
    # CP-SAT can run a little over its limit, and the reasons come after: keep a margin.
    search_limit = time_limit - min(0.5, max(0.1, 0.05 * time_limit))

    def left() -> float:
        return search_limit - (time.perf_counter() - started)

    problem = _Problem(instance)
    core = problem.build(women_rule=False, session_goals=False)
    full = problem.build()
    baseline = place(instance, problem.fits)
    best, bound, failed = _search(problem, core, full, workers, baseline, hint, search_limit, left)
    if best is None:
        return without_solver_plan(instance, started, time_limit, failed)
    assignments = best.assignments
    status = "OPTIMAL" if bound is not None and best.objective >= bound else "FEASIBLE"
    note = ""
    if status != "OPTIMAL" and assignments == baseline:
        note = (
            "The solver found no better plan than the greedy baseline's within the time limit of "
            f"{time_limit:g} seconds: allow more time"
        )
    return Plan(
        assignments=assignments,
        reasons=plan_reasons(instance, assignments),
        objective=best.objective,
        bound=bound,
        status=status,
        seconds=time.perf_counter() - started,
        solver_status=status,
        note=note,
    )


def _search(
    problem: _Problem,
    core: _Model,
    full: _Model,
    workers: int,
    baseline: list[Pair],
    hint: list[Pair] | None,
    time_limit: float,
    left: Callable[[], float],
) -> tuple[_Result | None, float | None, Any]:
    """Steps 1 to 4 of the module's docstring: the best plan found, the bound CP-SAT proved on
    the whole week (None if none), and the status of a failed whole-model run (or None)."""

    # 1. The core, for a bound and a first plan.
    relaxed = problem.run(core, left() * 0.5, workers)
    if relaxed.status in (cp_model.INFEASIBLE, cp_model.MODEL_INVALID):
        return None, None, relaxed.status
    bound = relaxed.bound

    # 2. A plan that keeps every rule: the core's, less every woman it leaves the only woman in a
    # group with men, then those groups re-planned a day at a time; or the greedy plan, or the
    # hint, if better. Each re-plan starts from a plan that keeps every rule, so it never fails.
    best, first = _settle_women(problem, full, workers, relaxed, time_limit, left)
    best = _best_start(problem, full, workers, baseline, hint, relaxed, best, left)

    # 3. Re-plan a day, two days, three days, or linked sessions at a time, until close to the
    # bound, or nothing better is found for a while, or only the reserve is left.
    if best is not None:
        best = _improve(problem, full, workers, best, bound, first, time_limit * RESERVE, left)

    # 4. The whole model with the time left: a tighter bound, and perhaps a better plan.
    return _whole(problem, full, workers, best, bound, left)


def _settle_women(
    problem: _Problem,
    full: _Model,
    workers: int,
    relaxed: _Result,
    time_limit: float,
    left: Callable[[], float],
) -> tuple[_Result | None, list[str]]:
    """The core's plan less every woman it leaves the only woman in a group with men, checked on
    the full model, then those groups re-planned a day at a time; with the days re-planned, most
    lone women first (or nothing, if the core found no plan)."""
    if not relaxed.assignments:
        return None, []
    lone = problem.lone_women(relaxed.assignments)
    checked = problem.run(full, max(0.2, left() * 0.2), workers, start=problem.repair(relaxed.assignments), free=set())
    if checked.status not in SOLVED:
        return None, []
    best = checked
    by_day: dict[str, list[Pair]] = defaultdict(list)
    for pid, sid in lone:
        by_day[problem.sessions[sid].day].append((pid, sid))
    first = sorted(by_day, key=lambda day: -len(by_day[day]))
    for day in first:
        if left() < time_limit * RESERVE:
            break
        free = women_neighbourhood(problem.pairs, problem.people, by_day[day])
        found = problem.run(full, min(left() * 0.3, 3.0), workers, start=best.assignments, free=free)
        if found.objective > best.objective:
            best = found
    return best, first


def _best_start(
    problem: _Problem,
    full: _Model,
    workers: int,
    baseline: list[Pair],
    hint: list[Pair] | None,
    relaxed: _Result,
    best: _Result | None,
    left: Callable[[], float],
) -> _Result | None:
    """The greedy plan (`baseline`), the repaired core's or the hint, whichever scores best, if it
    beats `best` and keeps every rule on the full model."""
    instance = problem.instance
    starts = [baseline]
    if relaxed.assignments:
        starts.append(problem.repair(relaxed.assignments))
    if hint is not None:
        starts.append([pair for pair in hint if pair in full.x])
    for start in sorted(starts, key=lambda a: -score(instance, a)):
        if best is not None and score(instance, start) <= best.objective:
            break
        checked = problem.run(full, max(0.2, left() * 0.2), workers, start=start, free=set())
        if checked.status in SOLVED:
            return checked
    return best


def _improve(
    problem: _Problem,
    full: _Model,
    workers: int,
    best: _Result,
    bound: float | None,
    first: list[str],
    reserve: float,
    left: Callable[[], float],
) -> _Result:
    """Large neighbourhood search: each neighbourhood re-planned from the best plan, a better plan
    kept, until close to the bound, nothing better for a while, or only `reserve` seconds left."""
    stale = 0
    scale = abs(bound) if bound is not None else abs(best.objective)
    for free in neighbourhoods(problem.pairs, problem.sessions, first):
        if _close(best.objective, bound) or left() < reserve or stale >= STALE:
            break
        found = problem.run(full, min(left() - reserve, 3.0), workers, start=best.assignments, free=free)
        stale += 1
        if found.objective > best.objective:
            stale = 0 if found.objective > best.objective + GAP * scale / 10 else stale
            best = found
    return best


def _whole(
    problem: _Problem,
    full: _Model,
    workers: int,
    best: _Result | None,
    bound: float | None,
    left: Callable[[], float],
) -> tuple[_Result | None, float | None, Any]:
    """The whole full model with the time left, started from the best plan: a tighter bound (the
    lower is kept) and perhaps a better plan; the status of a failed run, or None."""
    if best is not None and (_close(best.objective, bound) or left() <= 0.5):
        return best, bound, None
    found = problem.run(full, left() - 0.1, workers, start=best.assignments if best else None, free=None)
    bound = _lower(bound, found.bound)
    if found.status not in SOLVED:
        return best, bound, found.status
    if best is None or found.objective > best.objective:
        best = found
    return best, bound, None


def _lower(a: float | None, b: float | None) -> float | None:
    """The tighter of two bounds, either perhaps unknown."""
    known = [x for x in (a, b) if x is not None]
    return min(known) if known else None


def _result(solver: cp_model.CpSolver, status: Any, m: _Model) -> _Result:
    # Every coefficient is a whole number: so are the objective and (rounded down) the bound.
    # CP-SAT reports a bound only with a solution (without one it says 0, which proves nothing).
    raw = solver.best_objective_bound
    bound = float(math.floor(raw + 1e-6)) if status in SOLVED and math.isfinite(raw) else None
    if status not in SOLVED:
        return _Result(status, [], float("-inf"), bound)
    return _Result(
        status,
        sorted(pair for pair, var in m.x.items() if solver.value(var)),
        float(round(solver.objective_value)),
        bound,
    )


def _close(objective: float, bound: float | None) -> bool:
    gap = relative_gap(objective, bound)
    return gap is not None and gap <= GAP
