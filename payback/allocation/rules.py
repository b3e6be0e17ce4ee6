"""The hard rules between one person and one session, and the reasons a person got nothing.
Shared by the solver and the greedy baseline; the verifier checks plans independently."""

from collections.abc import Iterable

from .model import Instance, Person, Session, available_for, days_available, distance_km, travel_minutes


def pair_problem(person: Person, session: Session, speed_kmh: float) -> str | None:
    """The first hard rule that keeps this person out of this session, or None if it fits."""
    if not session.open:
        return "closed"
    if not available_for(person, session):
        return "availability"
    if person.flags & session.excluded_flags:
        return "risk"
    if session.women_only and not person.female:
        return "women_only_session"
    if person.preference == "women_only" and not (session.women_only or session.individual):
        return "preference_women_only"
    if (person.preference == "individual" or person.group_unsuitable) and not session.individual:
        return "preference_individual"
    if travel_minutes(person, session, speed_kmh) > person.max_travel_minutes:
        return "travel"
    if session.minutes > person.remaining_minutes:
        return "owes_less"
    return None


def eligible(person: Person) -> str | None:
    if not person.assessed:
        return "No completed assessment and risk picture"
    if person.backlog:
        return "Backlog: the completion date has passed, so the court must vary the order first"
    if person.remaining_minutes <= 0:
        return "No hours remaining"
    return None


def candidates(instance: Instance) -> dict[int, list[Session]]:
    """Sessions each eligible person could be placed in, by the pairwise hard rules."""
    forbidden = set(instance.forbidden)
    found: dict[int, list[Session]] = {}
    for person in instance.people:
        if eligible(person) is not None:
            found[person.id] = []
            continue
        found[person.id] = [
            s
            for s in instance.sessions
            if (person.id, s.id) not in forbidden and pair_problem(person, s, instance.speed_kmh) is None
        ]
    return found


def explain(
    person: Person,
    instance: Instance,
    assigned: dict[int, list[int]],
    offered_minutes: int,
) -> str:
    """Why a person was not placed, or offered less than the weekly minimum, in words a
    coordinator can act on."""
    reason = eligible(person)
    if reason:
        return reason
    sessions = [s for s in instance.sessions if s.open]
    if not sessions:
        return "No sessions can run this week (no supervisor or vehicle)"
    steps: list[tuple[str, list[Session]]] = []
    remaining = sessions
    for rule in (
        "availability",
        "risk",
        "women_only_session",
        "preference_women_only",
        "preference_individual",
        "travel",
        "owes_less",
    ):
        kept = [s for s in remaining if pair_problem(person, s, instance.speed_kmh) not in (rule,)]
        kept = [s for s in kept if _passes_up_to(person, s, rule, instance.speed_kmh)]
        steps.append((rule, kept))
        if not kept:
            return _reason_for(rule, person, remaining, instance)
        remaining = kept
    fitting = remaining
    by_id = {p.id: p for p in instance.people}
    members: dict[int, list[int]] = {}
    for pid, sids in assigned.items():
        for sid in sids:
            members.setdefault(sid, []).append(pid)
    blocked_by_enemy = [s for s in fitting if set(members.get(s.id, [])) & person.non_associations]
    full = [s for s in fitting if len(members.get(s.id, [])) >= s.capacity]
    alone = [
        s
        for s in fitting
        if person.female
        and not s.individual
        and not s.women_only
        and members.get(s.id)
        and not any(by_id[m].female for m in members.get(s.id, []))
    ]
    taken_days = {s.day for s in fitting if s.id in assigned.get(person.id, [])}
    if blocked_by_enemy and len(blocked_by_enemy) == len(fitting):
        return "Non-association with a person already in every fitting session"
    if full and len(full) + len(blocked_by_enemy) >= len(fitting):
        return "Every fitting session is full, with people whose deadlines are closer"
    if alone and len(alone) + len(full) + len(blocked_by_enemy) >= len(fitting):
        return "Every fitting session with a place is an all-male group: she would be the only woman"
    if offered_minutes:
        hours = offered_minutes / 60
        more = [s for s in fitting if s.day not in taken_days]
        if not more:
            return f"Offered {hours:g} hours: no other fitting session on another day"
        if person.remaining_minutes - offered_minutes < min(s.minutes for s in more):
            return f"Offered {hours:g} hours: owes too little for another whole session"
        return f"Offered {hours:g} hours: other fitting sessions are full"
    return "Fitting sessions were given to people whose deadlines are closer"


def _passes_up_to(person: Person, session: Session, rule: str, speed_kmh: float) -> bool:
    problem = pair_problem(person, session, speed_kmh)
    order = [
        "closed",
        "availability",
        "risk",
        "women_only_session",
        "preference_women_only",
        "preference_individual",
        "travel",
        "owes_less",
    ]
    return problem is None or order.index(problem) > order.index(rule)


def _reason_for(rule: str, person: Person, sessions: Iterable[Session], instance: Instance) -> str:
    sessions = list(sessions)
    if rule == "availability":
        return f"No session on the days available ({days_available(person)})"
    if rule == "risk":
        flags = ", ".join(sorted(f.replace("-", " ") for f in person.flags))
        return f"Risk flag ({flags}) excludes all projects with free places on their days"
    if rule in ("women_only_session",):
        return "Only women-only sessions fit, and he is not a woman"
    if rule == "preference_women_only":
        nearest = min((distance_km(person.home, s.location) for s in sessions), default=0)
        return (
            "Women-only preference and no women-only session or individual placement on her days "
            f"(nearest group {nearest:.0f} km)"
        )
    if rule == "preference_individual":
        return "Needs an individual placement and none is available on their days"
    if rule == "travel":
        return f"No fitting session within their travel limit of {person.max_travel_minutes} minutes"
    if rule == "owes_less":
        return f"Owes {person.remaining_minutes / 60:g} hours: every fitting session is longer than that"
    return "No fitting session"
