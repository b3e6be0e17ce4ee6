"""The CP-SAT model of a week (or of part of one): hard rules as constraints, goals as weighted
terms of one objective (weights are policy data), and how one model is run, from a start and with
only some placements free to change.

Every helper variable is tied to the placements by an equality, so the objective of any
solution the solver reports (not only an optimal one) equals `score` of its placements, less a
constant when the problem is part of a week (`offered`: what its people are already offered
outside it, which is fixed).
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from payback import placement

from . import cpsat
from .cpsat import SOLVED
from .model import Instance, Session
from .objective import Pair, female_supervisor_weight, minimum_weight, placement_value
from .rules import candidates


@dataclass
class Model:
    model: cp_model.CpModel
    x: dict[Pair, cp_model.IntVar]
    # Helper variables, to complete a hint: (variable, kind, session, people) with kind
    # "any" (one of the people is in the session) or "short" (places short of half full).
    aux: list[tuple[cp_model.IntVar, str, int, list[int]]] = field(default_factory=list)
    # (variable, person, target minutes, or None for a yes/no "reaches the minimum").
    coverage: list[tuple[cp_model.IntVar, int, int | None]] = field(default_factory=list)
    anys: dict[str, cp_model.IntVar] = field(default_factory=dict)


@dataclass
class Result:
    status: int
    assignments: list[Pair]
    objective: float
    bound: float | None  # a bound on the model solved (not on the week when some placements were fixed)


class Problem:
    """A week to model: by default the whole `instance`, each person with every session that fits
    them. Part of a week: `fits` gives each person's sessions, and `offered` the minutes each is
    already offered outside it (fixed: they count towards what the person owes and the weekly
    minimum; the days they take are left out of `fits`)."""

    def __init__(
        self,
        instance: Instance,
        fits: dict[int, list[Session]] | None = None,
        offered: dict[int, int] | None = None,
        seed: int = cpsat.SEED,
    ) -> None:
        self.instance = instance
        self.seed = seed  # CP-SAT's random seed for every run of this problem
        self.people = {p.id: p for p in instance.people}
        self.sessions = {s.id: s for s in instance.sessions}
        self.fits = candidates(instance) if fits is None else fits
        self.offered = offered or {}
        self.published = set(instance.published)
        self.pinned = set(instance.pinned)

    def build(self, *, women_rule: bool = True, session_goals: bool = True) -> Model:
        """The model; without `women_rule` (a woman is never the only woman in a group with
        men) and `session_goals` (female supervisor, half-empty sessions), the core."""
        w = self.instance.weights
        female_supervisor = female_supervisor_weight(w)
        people, sessions, fits = self.people, self.sessions, self.fits
        model = cp_model.CpModel()
        m = Model(model=model, x={})
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
            owed = people[pid].remaining_minutes - self.offered.get(pid, 0)
            if options and sum(s.minutes for s in options) > owed:
                model.add(sum(s.minutes * x[pid, s.id] for s in options) <= owed)
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
            # Minutes towards the weekly minimum (capped at what the person owes), less what they
            # are offered outside the problem.
            target = min(w.weekly_minimum_minutes, person.remaining_minutes) - self.offered.get(pid, 0)
            weight = minimum_weight(person, w)
            if target <= 0:
                continue
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

    def _any(self, m: Model, literals: list[cp_model.IntVar], name: str, sid: int, pids: list[int]) -> cp_model.IntVar:
        """A yes/no that is true exactly when one of the literals is (made once per name)."""
        if name in m.anys:
            return m.anys[name]
        result = m.anys[name] = m.model.new_bool_var(name)
        for literal in literals:
            m.model.add_implication(literal, result)
        m.model.add_bool_or(literals).only_enforce_if(result)
        m.aux.append((result, "any", sid, pids))
        return result

    def hint(self, m: Model, model: cp_model.CpModel, assignments: list[Pair]) -> None:
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
        m: Model,
        seconds: float,
        workers: int,
        *,
        start: list[Pair] | None = None,
        free: set[Pair] | None = None,
    ) -> Result:
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
        solver = cpsat.new_solver(seconds, workers if free is None else 1, self.seed)
        return result(solver, solver.solve(model), m)

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


def result(solver: cp_model.CpSolver, status: Any, m: Model) -> Result:
    # Every coefficient is a whole number: so are the objective and (rounded down) the bound.
    # CP-SAT reports a bound only with a solution (without one it says 0, which proves nothing).
    raw = solver.best_objective_bound
    bound = float(math.floor(raw + 1e-6)) if status in SOLVED and math.isfinite(raw) else None
    if status not in SOLVED:
        return Result(status, [], float("-inf"), bound)
    return Result(
        status,
        sorted(pair for pair, var in m.x.items() if solver.value(var)),
        float(round(solver.objective_value)),
        bound,
    )
