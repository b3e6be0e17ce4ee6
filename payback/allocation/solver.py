"""The allocation model, solved with OR-Tools CP-SAT. Hard rules are constraints; goals are
weighted terms of one objective (weights are policy data)."""

import time
from collections import defaultdict
from typing import Any

from ortools.sat.python import cp_model

from .model import Instance, Plan, travel_minutes
from .rules import candidates, explain


def solve(
    instance: Instance, *, time_limit: float = 10.0, workers: int = 8, hint: list[tuple[int, int]] | None = None
) -> Plan:
    started = time.perf_counter()
    w = instance.weights
    people = {p.id: p for p in instance.people}
    sessions = {s.id: s for s in instance.sessions}
    fits = candidates(instance)
    pinned = set(instance.pinned)
    published = set(instance.published)
    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for pid, options in fits.items():
        for s in options:
            x[pid, s.id] = model.new_bool_var(f"x_{pid}_{s.id}")
    for pair in pinned:
        if pair in x:
            model.add(x[pair] == 1)

    by_session: dict[int, list[int]] = defaultdict(list)
    by_person_day: dict[tuple[int, str], list[int]] = defaultdict(list)
    for pid, sid in x:
        by_session[sid].append(pid)
        by_person_day[pid, sessions[sid].day].append(sid)

    # Capacity, and one session per person per day.
    for sid, pids in by_session.items():
        model.add(sum(x[p, sid] for p in pids) <= sessions[sid].capacity)
    for (pid, _day), sids in by_person_day.items():
        if len(sids) > 1:
            model.add_at_most_one(x[pid, s] for s in sids)
    # Never more minutes offered than the person still owes.
    offered: dict[int, Any] = {}
    for pid in fits:
        terms = [sessions[s.id].minutes * x[pid, s.id] for s in fits[pid]]
        offered[pid] = sum(terms) if terms else 0
        if terms:
            model.add(offered[pid] <= people[pid].remaining_minutes)
    # Non-associations never in the same session.
    for sid, pids in by_session.items():
        members = set(pids)
        for pid in pids:
            for other in people[pid].non_associations & members:
                if pid < other:
                    model.add_bool_or([x[pid, sid].Not(), x[other, sid].Not()])
    # No woman in an otherwise all-male group.
    session_terms = []
    for sid, pids in by_session.items():
        session = sessions[sid]
        women = [p for p in pids if people[p].female]
        men = [p for p in pids if not people[p].female]
        if session.individual:
            continue
        if women and men:
            any_man = model.new_bool_var(f"man_{sid}")
            model.add_max_equality(any_man, [x[p, sid] for p in men])
            women_count = sum(x[p, sid] for p in women)
            for p in women:
                # she is there and so is a man  ⇒  at least two women
                model.add(women_count >= 2).only_enforce_if([x[p, sid], any_man])
        if women and not session.supervisor_female and w.female_supervisor:
            any_woman = model.new_bool_var(f"woman_{sid}")
            model.add_max_equality(any_woman, [x[p, sid] for p in women])
            session_terms.append(-w.female_supervisor * any_woman)
        if w.half_empty_session and pids:
            used = model.new_bool_var(f"used_{sid}")
            model.add_max_equality(used, [x[p, sid] for p in pids])
            half = (session.capacity + 1) // 2
            short = model.new_int_var(0, half, f"short_{sid}")
            model.add(short >= half * used - sum(x[p, sid] for p in pids))
            session_terms.append(-w.half_empty_session * short)

    # Goals.
    objective = []
    minimum = w.weekly_minimum_minutes
    for pid, options in fits.items():
        person = people[pid]
        if not options:
            continue
        urgency = max(1, round(person.urgency * 10))
        for s in options:
            value = w.placed + w.urgency * urgency * s.minutes // 60
            if person.last_project is not None and s.project_id == person.last_project:
                value += w.continuity
            if s.individual:
                value += w.individual_share
            value -= w.travel_per_minute * travel_minutes(person, s, instance.speed_kmh)
            if (pid, s.id) in published:
                value += w.change_published
            objective.append(value * x[pid, s.id])
        # Minutes towards the weekly minimum: the more urgent the case, the more they count.
        target = min(minimum, person.remaining_minutes)
        covered = model.new_int_var(0, target, f"covered_{pid}")
        model.add(covered <= offered[pid])
        objective.append(max(1, w.shortfall_per_hour * urgency // 600) * covered)
    model.maximize(sum(objective) + sum(session_terms))

    for pair in hint or []:
        if pair in x:
            model.add_hint(x[pair], 1)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_search_workers = workers
    solver.parameters.random_seed = 7
    solver.parameters.relative_gap_limit = 0.0002
    status = solver.solve(model)
    status_name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Plan(
            assignments=[],
            reasons={p.id: "No plan could be found within the time limit" for p in instance.people},
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
        if minutes < min(minimum, max(person.remaining_minutes, 0)) or not assigned.get(person.id):
            reasons[person.id] = explain(person, instance, assigned, minutes)
    return Plan(
        assignments=assignments,
        reasons=reasons,
        objective=float(solver.objective_value),
        bound=float(solver.best_objective_bound),
        status=status_name,
        seconds=time.perf_counter() - started,
    )


def score(instance: Instance, assignments: list[tuple[int, int]]) -> float:
    """The objective value of any plan (used to compare the greedy baseline on the same scale)."""
    w = instance.weights
    people = {p.id: p for p in instance.people}
    sessions = {s.id: s for s in instance.sessions}
    published = set(instance.published)
    total = 0.0
    offered: dict[int, int] = defaultdict(int)
    members: dict[int, list[int]] = defaultdict(list)
    for pid, sid in assignments:
        person, s = people[pid], sessions[sid]
        urgency = max(1, round(person.urgency * 10))
        value = w.placed + w.urgency * urgency * s.minutes // 60
        if person.last_project is not None and s.project_id == person.last_project:
            value += w.continuity
        if s.individual:
            value += w.individual_share
        value -= w.travel_per_minute * travel_minutes(person, s, instance.speed_kmh)
        if (pid, sid) in published:
            value += w.change_published
        total += value
        offered[pid] += s.minutes
        members[sid].append(pid)
    fits = candidates(instance)
    for person in instance.people:
        target = min(w.weekly_minimum_minutes, person.remaining_minutes)
        if fits.get(person.id) and target > 0:
            urgency = max(1, round(person.urgency * 10))
            weight = max(1, w.shortfall_per_hour * urgency // 600)
            total += weight * min(target, offered.get(person.id, 0))
    for sid, pids in members.items():
        s = sessions[sid]
        if s.individual:
            continue
        if any(people[p].female for p in pids) and not s.supervisor_female:
            total -= w.female_supervisor
        half = (s.capacity + 1) // 2
        total -= w.half_empty_session * max(0, half - len(pids))
    return total
