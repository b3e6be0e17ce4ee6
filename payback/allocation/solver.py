"""The allocation model, solved with OR-Tools CP-SAT. Hard rules are constraints; goals are
weighted terms of one objective (weights are policy data).

Every helper variable is tied to the placements by an equality, so the objective of any
solution the solver reports (not only an optimal one) equals `score` of its placements."""

import time
from collections import defaultdict

from ortools.sat.python import cp_model

from .model import Instance, Person, Plan, Session, Weights, travel_minutes
from .rules import candidates, explain, needs_reason


def placement_value(person: Person, session: Session, instance: Instance, published: set[tuple[int, int]]) -> int:
    """What placing this person in this session is worth, apart from the weekly minimum and the
    session-level terms."""
    w = instance.weights
    value = w.placed + w.urgency * urgency_points(person) * session.minutes // 60
    if person.last_project is not None and session.project_id == person.last_project:
        value += w.continuity
    if session.individual:
        value += w.individual_share
    value -= w.travel_per_minute * travel_minutes(person, session, instance.speed_kmh)
    if (person.id, session.id) in published:
        value += w.change_published
    return value


def urgency_points(person: Person) -> int:
    return max(1, round(person.urgency * 10))


def minimum_weight(person: Person, weights: Weights) -> int:
    """What each minute towards the weekly minimum is worth: the more urgent the case, the more."""
    return max(1, weights.shortfall_per_hour * urgency_points(person) // 600)


def solve(
    instance: Instance,
    *,
    time_limit: float = 10.0,
    workers: int = 1,
    hint: list[tuple[int, int]] | None = None,
) -> Plan:
    """The best plan found within the time limit. Without a hint the solver starts from the
    greedy baseline's plan, so it never returns a worse one."""
    started = time.perf_counter()
    w = instance.weights
    people = {p.id: p for p in instance.people}
    sessions = {s.id: s for s in instance.sessions}
    fits = candidates(instance)
    published = set(instance.published)
    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for pid, options in fits.items():
        for s in options:
            x[pid, s.id] = model.new_bool_var(f"x_{pid}_{s.id}")
    for pair in instance.pinned:
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
    # Never more minutes offered than the person still owes.
    for pid, options in fits.items():
        if sum(s.minutes for s in options) > people[pid].remaining_minutes:
            model.add(sum(s.minutes * x[pid, s.id] for s in options) <= people[pid].remaining_minutes)
    # Non-associations never in the same session.
    for sid, pids in by_session.items():
        members = set(pids)
        for pid in pids:
            for other in people[pid].non_associations & members:
                if pid < other:
                    model.add_at_most_one(x[pid, sid], x[other, sid])

    aux: list[tuple[cp_model.IntVar, str, int, list[int]]] = []  # for the hint: variable, kind, session, people
    session_terms = []
    for sid, pids in by_session.items():
        session = sessions[sid]
        if session.individual:
            continue
        women = [p for p in pids if people[p].female]
        men = [p for p in pids if not people[p].female]
        # No woman in an otherwise all-male group: if she is there and so is a man, so is another woman.
        if women and men and session.capacity > 1:
            any_man = _any(model, [x[p, sid] for p in men], f"man_{sid}")
            aux.append((any_man, "any", sid, men))
            for p in women:
                others = [x[q, sid] for q in women if q != p]
                if others:
                    model.add_bool_or(others).only_enforce_if([x[p, sid], any_man])
                else:
                    model.add_bool_or([x[p, sid].Not(), any_man.Not()])
        # A female supervisor for groups that include women.
        if women and not session.supervisor_female and w.female_supervisor:
            any_woman = _any(model, [x[p, sid] for p in women], f"woman_{sid}")
            aux.append((any_woman, "any", sid, women))
            session_terms.append(-w.female_supervisor * any_woman)
        # Fill sessions rather than run half-empty ones: each empty place below half costs.
        half = (session.capacity + 1) // 2
        if w.half_empty_session and half > 1:
            used = _any(model, [x[p, sid] for p in pids], f"used_{sid}")
            aux.append((used, "any", sid, pids))
            short = model.new_int_var(0, half - 1, f"short_{sid}")
            model.add_max_equality(short, [0, half * used - sum(x[p, sid] for p in pids)])
            aux.append((short, "short", sid, pids))
            session_terms.append(-w.half_empty_session * short)

    objective = []
    coverage: list[tuple[cp_model.IntVar, int, int | None]] = []  # variable, person, target (None: yes/no)
    for pid, options in fits.items():
        person = people[pid]
        if not options:
            continue
        for s in options:
            objective.append(placement_value(person, s, instance, published) * x[pid, s.id])
        # Minutes towards the weekly minimum (capped at what the person owes).
        target = min(w.weekly_minimum_minutes, person.remaining_minutes)
        weight = minimum_weight(person, w)
        if target <= 0:
            continue
        if all(s.minutes >= target for s in options):
            # Any one session reaches the minimum: a yes/no, which keeps the relaxation tight.
            reached = _any(model, [x[pid, s.id] for s in options], f"reached_{pid}")
            coverage.append((reached, pid, None))
            objective.append(weight * target * reached)
        else:
            covered = model.new_int_var(0, target, f"covered_{pid}")
            model.add_min_equality(covered, [target, sum(min(s.minutes, target) * x[pid, s.id] for s in options)])
            coverage.append((covered, pid, target))
            objective.append(weight * covered)
    model.maximize(sum(objective) + sum(session_terms))

    if hint is None:
        from .greedy import place

        hint = place(instance, fits)
    _add_hint(model, x, aux, coverage, hint, sessions)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit - (time.perf_counter() - started))
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 7
    solver.parameters.relative_gap_limit = 0.0001
    if workers == 1:
        # One worker on the LP relaxation with cuts: the relaxation of this model is nearly
        # integral, so this proves optimality fastest.
        solver.parameters.linearization_level = 2
    status = solver.solve(model)
    status_name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        message = (
            "The pinned choices cannot all be kept together: remove a pin and run again"
            if status == cp_model.INFEASIBLE
            else f"No plan could be found within the time limit of {time_limit:g} seconds: allow more time"
        )
        return Plan(
            assignments=[],
            reasons={p.id: message for p in instance.people},
            objective=0.0,
            bound=0.0,
            status=status_name,
            seconds=time.perf_counter() - started,
        )
    assignments = sorted(pair for pair, var in x.items() if solver.value(var))
    assigned: dict[int, list[int]] = defaultdict(list)
    for pid, sid in assignments:
        assigned[pid].append(sid)
    reasons = {}
    for person in instance.people:
        minutes = sum(sessions[s].minutes for s in assigned.get(person.id, []))
        if needs_reason(person, minutes, instance.weights):
            reasons[person.id] = explain(person, instance, assigned, minutes)
    return Plan(
        assignments=assignments,
        reasons=reasons,
        objective=float(solver.objective_value),
        bound=float(solver.best_objective_bound),
        status=status_name,
        seconds=time.perf_counter() - started,
    )


def _any(model: cp_model.CpModel, literals: list[cp_model.IntVar], name: str) -> cp_model.IntVar:
    """A new yes/no that is true exactly when one of the literals is."""
    result = model.new_bool_var(name)
    for literal in literals:
        model.add_implication(literal, result)
    model.add_bool_or(literals).only_enforce_if(result)
    return result


def _add_hint(
    model: cp_model.CpModel,
    x: dict[tuple[int, int], cp_model.IntVar],
    aux: list[tuple[cp_model.IntVar, str, int, list[int]]],
    coverage: list[tuple[cp_model.IntVar, int, int | None]],
    hint: list[tuple[int, int]],
    sessions: dict[int, Session],
) -> None:
    """A complete starting solution: the hinted placements, and every helper variable's value
    that follows from them."""
    chosen = {pair for pair in hint if pair in x}
    for pair, var in x.items():
        model.add_hint(var, pair in chosen)
    members: dict[int, set[int]] = defaultdict(set)
    minutes: dict[int, int] = defaultdict(int)
    for pid, sid in chosen:
        members[sid].add(pid)
        minutes[pid] += sessions[sid].minutes
    for var, kind, sid, pids in aux:
        count = len(members[sid] & set(pids))
        if kind == "any":
            model.add_hint(var, count > 0)
        else:
            half = (sessions[sid].capacity + 1) // 2
            model.add_hint(var, max(0, half - count) if count else 0)
    for var, pid, target in coverage:
        model.add_hint(var, minutes[pid] > 0 if target is None else min(target, minutes[pid]))


def score(instance: Instance, assignments: list[tuple[int, int]]) -> float:
    """The objective value of any plan (used to compare the greedy baseline on the same scale,
    and to check the model: written from the goals, not from the model's variables)."""
    w = instance.weights
    people = {p.id: p for p in instance.people}
    sessions = {s.id: s for s in instance.sessions}
    published = set(instance.published)
    total = 0.0
    offered: dict[int, int] = defaultdict(int)
    members: dict[int, list[int]] = defaultdict(list)
    for pid, sid in assignments:
        person, s = people[pid], sessions[sid]
        total += placement_value(person, s, instance, published)
        offered[pid] += s.minutes
        members[sid].append(pid)
    for person in instance.people:
        target = min(w.weekly_minimum_minutes, person.remaining_minutes)
        if offered.get(person.id) and target > 0:
            total += minimum_weight(person, w) * min(target, offered[person.id])
    for sid, pids in members.items():
        s = sessions[sid]
        if s.individual:
            continue
        if any(people[p].female for p in pids) and not s.supervisor_female:
            total -= w.female_supervisor
        half = (s.capacity + 1) // 2
        total -= w.half_empty_session * max(0, half - len(pids))
    return total
