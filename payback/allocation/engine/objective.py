"""The plan's objective, written from the goals (not from the solver's variables): what each
placement is worth, and the score of any plan, so the solver, the greedy baseline and the tests
compare plans on one scale."""

from collections import defaultdict

from .model import Instance, Person, Session, Weights, travel_cost

Pair = tuple[int, int]


def placement_value(person: Person, session: Session, instance: Instance, published: set[Pair]) -> int:
    """What placing this person in this session is worth, apart from the weekly minimum and the
    session-level terms."""
    w = instance.weights
    value = w.placed + w.urgency * urgency_points(person) * session.minutes // 60
    if person.last_project is not None and session.project_id == person.last_project:
        value += w.continuity
    if session.individual:
        value += w.individual_share
    value -= w.travel_per_minute * travel_cost(person, session, instance.speed_kmh)
    if (person.id, session.id) in published:
        value += w.change_published
    return value


def urgency_points(person: Person) -> int:
    return max(1, round(person.urgency * 10))


def minimum_weight(person: Person, weights: Weights) -> int:
    """What each minute towards the weekly minimum is worth: the more urgent the case, the more."""
    return max(1, weights.shortfall_per_hour * urgency_points(person) // 600)


def female_supervisor_weight(weights: Weights) -> int:
    """What a group with a woman and no female supervisor costs. SPEC §7 asks for a female
    supervisor for groups with women "wherever possible": so it costs just under one placement
    (`placed` − 1), or the policy's `female_supervisor` if that is more. That outweighs the other
    soft goals for any one person (continuity, an individual placement, travel up to 124 minutes
    at the default weights, a place short of half full), yet never a placement: hours come
    first. A policy weight of 0 turns the goal off."""
    if weights.female_supervisor <= 0:
        return 0
    return max(weights.female_supervisor, weights.placed - 1)


def score(instance: Instance, assignments: list[Pair]) -> float:
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
            total -= female_supervisor_weight(w)
        half = (s.capacity + 1) // 2
        total -= w.half_empty_session * max(0, half - len(pids))
    return total
