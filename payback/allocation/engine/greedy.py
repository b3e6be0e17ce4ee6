"""A simple baseline: most urgent first, each person into the first session that fits, until
they reach the weekly minimum. Also the solver's starting point."""

import time
from collections import defaultdict

from payback import placement

from .model import Instance, Plan, Session, travel_cost
from .objective import score
from .rules import candidates, plan_reasons


def place(instance: Instance, fits: dict[int, list[Session]] | None = None) -> list[tuple[int, int]]:
    """The greedy placements, (person, session) pairs, keeping every hard rule."""
    fits = candidates(instance) if fits is None else fits
    people = sorted(instance.people, key=lambda p: (-p.at_risk, -p.urgency, p.id))
    by_id = {p.id: p for p in instance.people}
    sessions = {s.id: s for s in instance.sessions}
    members: dict[int, list[int]] = defaultdict(list)
    assigned: dict[int, list[int]] = defaultdict(list)
    target = instance.weights.weekly_minimum_minutes
    for pid, sid in instance.pinned:
        if any(s.id == sid for s in fits.get(pid, [])) and sid not in assigned[pid]:
            members[sid].append(pid)
            assigned[pid].append(sid)
    for person in people:
        offered = sum(sessions[s].minutes for s in assigned[person.id])
        options = sorted(fits[person.id], key=lambda s: (s.day, travel_cost(person, s, instance.speed_kmh)))
        for s in options:
            if offered >= min(target, person.remaining_minutes):
                break
            days = {sessions[x].day for x in assigned[person.id]}
            group = members[s.id]
            if (
                s.day in days
                or len(group) >= s.capacity
                or offered + s.minutes > person.remaining_minutes
                or any(placement.must_be_apart(person, by_id[m]) for m in group)
            ):
                continue
            if not s.individual and group:
                women = sum(1 for m in group if by_id[m].female) + person.female
                if women == 1:
                    continue
            members[s.id].append(person.id)
            assigned[person.id].append(s.id)
            offered += s.minutes
    return sorted((pid, sid) for pid, sids in assigned.items() for sid in sids)


def greedy(instance: Instance) -> Plan:
    started = time.perf_counter()
    assignments = place(instance)
    return Plan(
        assignments=assignments,
        reasons=plan_reasons(instance, assignments),
        objective=score(instance, assignments),
        bound=None,
        status="GREEDY",
        seconds=time.perf_counter() - started,
    )
