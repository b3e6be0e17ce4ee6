"""A simple baseline: most urgent first, each person into the first session that fits."""

import time
from collections import defaultdict

from .model import Instance, Plan, travel_minutes
from .rules import candidates, explain
from .solver import score


def greedy(instance: Instance) -> Plan:
    started = time.perf_counter()
    fits = candidates(instance)
    people = sorted(instance.people, key=lambda p: (-p.at_risk, -p.urgency, p.id))
    by_id = {p.id: p for p in instance.people}
    members: dict[int, list[int]] = defaultdict(list)
    assigned: dict[int, list[int]] = defaultdict(list)
    sessions = {s.id: s for s in instance.sessions}
    target = instance.weights.weekly_minimum_minutes
    for pair in instance.pinned:
        members[pair[1]].append(pair[0])
        assigned[pair[0]].append(pair[1])
    for person in people:
        offered = sum(sessions[s].minutes for s in assigned[person.id])
        options = sorted(fits[person.id], key=lambda s: (s.day, travel_minutes(person, s, instance.speed_kmh)))
        for s in options:
            if offered >= min(target, person.remaining_minutes):
                break
            days = {sessions[x].day for x in assigned[person.id]}
            group = members[s.id]
            if (
                s.day in days
                or len(group) >= s.capacity
                or offered + s.minutes > person.remaining_minutes
                or set(group) & person.non_associations
            ):
                continue
            if not s.individual and group:
                women = sum(1 for m in group if by_id[m].female) + person.female
                if women == 1:
                    continue
            members[s.id].append(person.id)
            assigned[person.id].append(s.id)
            offered += s.minutes
    assignments = sorted((pid, sid) for pid, sids in assigned.items() for sid in sids)
    reasons = {}
    for person in instance.people:
        minutes = sum(sessions[s].minutes for s in assigned.get(person.id, []))
        if not assigned.get(person.id) or minutes < min(target, max(person.remaining_minutes, 0)):
            reasons[person.id] = explain(person, instance, assigned, minutes)
    return Plan(
        assignments=assignments,
        reasons=reasons,
        objective=score(instance, assignments),
        bound=0.0,
        status="GREEDY",
        seconds=time.perf_counter() - started,
    )
