"""An independent check of a plan against the raw week: written apart from the solver and its
rules module, so a mistake in one is not repeated in the other."""

from collections import defaultdict
from math import asin, cos, radians, sin, sqrt

from .model import Instance

_PARTS = {"morning": (0, 720), "afternoon": (720, 1020), "evening": (1020, 1440)}


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = (radians(v) for v in (a[0], a[1], b[0], b[1]))
    return 12742.0 * asin(sqrt(sin((la2 - la1) / 2) ** 2 + cos(la1) * cos(la2) * sin((lo2 - lo1) / 2) ** 2))


def violations(instance: Instance, assignments: list[tuple[int, int]]) -> list[str]:
    """Every hard rule the plan breaks, in words (empty when it breaks none)."""
    people = {p.id: p for p in instance.people}
    sessions = {s.id: s for s in instance.sessions}
    found: list[str] = []
    members: dict[int, list[int]] = defaultdict(list)
    days: dict[tuple[int, str], int] = defaultdict(int)
    minutes: dict[int, int] = defaultdict(int)
    forbidden, chosen_pairs = set(instance.forbidden), set(assignments)
    if len(chosen_pairs) != len(assignments):
        found.append("the same person is placed twice in one session")
    for pid, sid in assignments:
        if pid not in people or sid not in sessions:
            found.append(f"unknown person {pid} or session {sid}")
            continue
        p, s = people[pid], sessions[sid]
        members[sid].append(pid)
        days[pid, s.day] += 1
        minutes[pid] += s.end - s.start
        if not p.assessed:
            found.append(f"{p.name} has no completed assessment")
        if p.backlog:
            found.append(f"{p.name} is in backlog")
        if not (s.supervisor_available and s.vehicle_available) or s.capacity <= 0:
            found.append(f"session {sid} has no supervisor or vehicle")
        free = p.availability.get(s.weekday, frozenset())
        for part, (lo, hi) in _PARTS.items():
            if s.start < hi and s.end > lo and part not in free:
                found.append(f"{p.name} is not available {part} on day {s.weekday} (session {sid})")
        if set(p.flags) & set(s.excluded_flags):
            found.append(f"{p.name} has a risk flag the project at session {sid} excludes")
        if s.women_only and not p.female:
            found.append(f"{p.name} is not a woman but session {sid} is women-only")
        if p.preference == "women_only" and not (s.women_only or s.individual):
            found.append(f"{p.name} asked for women-only work and session {sid} is a mixed group")
        if "not-with-women" in p.flags and s.supervisor_female:
            found.append(f"{p.name} is flagged not to be placed with women and a woman supervises session {sid}")
        if (p.preference == "individual" or p.group_unsuitable) and not s.individual:
            found.append(f"{p.name} needs an individual placement, not group session {sid}")
        if p.home is not None and s.location is not None:  # an unknown place cannot be checked
            travel = round(_km(p.home, s.location) / instance.speed_kmh * 60) + 10
            if travel > p.max_travel_minutes:
                found.append(f"{p.name} would travel {travel} minutes, over their {p.max_travel_minutes}")
        if (pid, sid) in forbidden:
            found.append(f"{p.name} was removed from session {sid} by hand")
    for (pid, day), count in days.items():
        if count > 1:
            found.append(f"{people[pid].name} has {count} sessions on {day}")
    for pid, total in minutes.items():
        if total > people[pid].remaining_minutes:
            found.append(f"{people[pid].name} is offered {total} minutes but owes {people[pid].remaining_minutes}")
    for sid, pids in members.items():
        s = sessions[sid]
        if len(pids) > s.capacity:
            found.append(f"session {sid} has {len(pids)} people for {s.capacity} places")
        chosen = set(pids)
        for pid in pids:
            clash = chosen & set(people[pid].non_associations)
            if clash:
                found.append(f"{people[pid].name} is with a non-association in session {sid}")
        women = sum(1 for pid in pids if people[pid].female)
        flagged = [pid for pid in pids if "not-with-women" in people[pid].flags]
        if any(people[other].female for pid in flagged for other in pids if other != pid):
            found.append(f"session {sid} has a woman with someone flagged not to be placed with women")
        if not s.individual and women == 1 and len(pids) > 1:
            found.append(f"session {sid} has one woman in an otherwise all-male group")
    for pair in instance.pinned:
        if pair not in chosen_pairs:
            found.append(f"pinned choice {pair} was not kept")
    return found
