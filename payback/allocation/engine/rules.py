"""The hard rules between one person and one session, and the reasons a person got nothing.
Shared by the solver and the greedy baseline; the verifier checks plans independently."""

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from math import degrees

from payback import placement

from .model import (
    DAY_NAMES,
    EARTH_KM,
    PARTS,
    Instance,
    Person,
    Session,
    Weights,
    days_available,
    travel_cost,
    travel_minutes,
)

# The rules between one person and one session, in the order they are checked and explained.
PAIR_RULES: tuple[str, ...] = ("closed", *placement.PAIR_RULES, "travel", "owes_less")


def _breaks(rule: str, person: Person, session: Session, speed_kmh: float) -> bool:
    if rule == "closed":
        return not session.open
    if rule in placement.PAIR_RULES:
        return placement.breaks_pair(rule, person, session)
    if rule == "travel":
        # An unknown home or site cannot be checked: it does not keep anyone out (docs/places.md).
        minutes = travel_minutes(person, session, speed_kmh)
        return minutes is not None and minutes > person.max_travel_minutes
    if rule == "owes_less":
        return session.minutes > person.remaining_minutes
    raise ValueError(f"unknown rule {rule!r}")


def pair_problem(person: Person, session: Session, speed_kmh: float) -> str | None:
    """The first hard rule that keeps this person out of this session, or None if it fits."""
    for rule in PAIR_RULES:
        if _breaks(rule, person, session, speed_kmh):
            return rule
    return None


def eligible(person: Person) -> str | None:
    """Why this person cannot be placed at all this week, or None."""
    if not person.assessed:
        return "No completed assessment and risk picture"
    if person.backlog:
        return (
            "Backlog: the completion window has passed with hours outstanding, "
            "so no hours can be worked until the court extends or revokes the order"
        )
    if person.remaining_minutes <= 0:
        return "No hours remaining"
    return None


def candidates(instance: Instance) -> dict[int, list[Session]]:
    """Sessions each eligible person could be placed in, by the pairwise hard rules, in the
    week's order. Only sessions the person might fit are checked (`Nearby`): in a region's week
    most are on days they are not free, or too far north or south."""
    forbidden = set(instance.forbidden)
    nearby = Nearby(instance.sessions)
    found: dict[int, list[Session]] = {}
    for person in instance.people:
        if eligible(person) is not None:
            found[person.id] = []
            continue
        found[person.id] = [
            s
            for s in nearby.around(person, instance.speed_kmh)
            if (person.id, s.id) not in forbidden and pair_problem(person, s, instance.speed_kmh) is None
        ]
    return found


class Nearby:
    """The week's sessions by weekday, each day's in order of latitude: those a person might fit
    are on a day they are free (no other is), and no further north or south than they travel
    (the straight-line distance is never less than the distance north or south). Where the home
    or the site is unknown, distance keeps no session out."""

    def __init__(self, sessions: list[Session]) -> None:
        by_day: dict[int, list[tuple[float, int, Session]]] = defaultdict(list)
        self.unplaced: dict[int, list[tuple[float, int, Session]]] = defaultdict(list)
        for index, s in enumerate(sessions):
            if s.location is None:
                self.unplaced[s.weekday].append((0.0, index, s))
            else:
                by_day[s.weekday].append((s.location[0], index, s))
        self.days = {day: sorted(found, key=lambda t: t[:2]) for day, found in by_day.items()}
        self.latitudes = {day: [t[0] for t in found] for day, found in self.days.items()}

    def around(self, person: Person, speed_kmh: float) -> list[Session]:
        # Further than this (km) takes more than the person's limit, rounded (model.travel_minutes).
        reach = max(0.0, (person.max_travel_minutes - 9) / 60 * speed_kmh)
        spread = degrees(reach / EARTH_KM) + 1e-9
        found: list[tuple[float, int, Session]] = []
        for day, parts in person.availability.items():
            if not parts:
                continue
            found += self.unplaced.get(day, [])
            if day not in self.days:
                continue
            if person.home is None:
                found += self.days[day]
                continue
            latitudes = self.latitudes[day]
            low = bisect_left(latitudes, person.home[0] - spread)
            found += self.days[day][low : bisect_right(latitudes, person.home[0] + spread)]
        return [s for _latitude, _index, s in sorted(found, key=lambda t: t[1])]


def needs_reason(person: Person, offered_minutes: int, weights: Weights) -> bool:
    """Whether a plan must say why this person got nothing, or less than the weekly minimum."""
    return offered_minutes <= 0 or offered_minutes < min(weights.weekly_minimum_minutes, person.remaining_minutes)


def plan_reasons(instance: Instance, assignments: list[tuple[int, int]]) -> dict[int, str]:
    """Why each person the plan gives nothing, or less than the weekly minimum, got what they did:
    person id to reason. `assignments` are the plan's (person id, session id) pairs."""
    minutes_of = {s.id: s.minutes for s in instance.sessions}
    assigned: dict[int, list[int]] = defaultdict(list)
    for pid, sid in assignments:
        assigned[pid].append(sid)
    reasons = {}
    shared = _Shared.of(instance, assigned)
    for person in instance.people:
        minutes = sum(minutes_of[sid] for sid in assigned.get(person.id, []))
        if needs_reason(person, minutes, instance.weights):
            reasons[person.id] = explain(person, instance, assigned, minutes, shared=shared)
    return reasons


@dataclass
class _Shared:
    """What explaining everyone in one plan shares: people by id, who is in each session, and the
    sessions on each weekday with their place in the week's order."""

    by_id: dict[int, Person]
    members: dict[int, list[int]]
    by_weekday: dict[int, list[tuple[int, Session]]]

    @classmethod
    def of(cls, instance: Instance, assigned: dict[int, list[int]]) -> "_Shared":
        members: dict[int, list[int]] = {}
        for pid, sids in assigned.items():
            for sid in sids:
                members.setdefault(sid, []).append(pid)
        by_weekday: dict[int, list[tuple[int, Session]]] = defaultdict(list)
        for index, s in enumerate(instance.sessions):
            by_weekday[s.weekday].append((index, s))
        return cls({p.id: p for p in instance.people}, members, dict(by_weekday))

    def on_days_free(self, person: Person) -> list[Session]:
        """The sessions on the weekdays the person is free at all, in the week's order: the only
        ones they can be available for."""
        found = [t for day, parts in person.availability.items() if parts for t in self.by_weekday.get(day, [])]
        return [s for _index, s in sorted(found, key=lambda t: t[0])]


def explain(
    person: Person,
    instance: Instance,
    assigned: dict[int, list[int]],
    offered_minutes: int,
    *,
    shared: _Shared | None = None,
) -> str:
    """Why a person was not placed, or offered less than the weekly minimum, in words a
    coordinator can act on. `assigned` is the plan: person id to session ids (`shared`: what
    explaining everyone in it shares, if already worked out)."""
    reason = eligible(person)
    if reason:
        return reason
    found = _explain(person, instance, assigned, offered_minutes, shared=shared)
    return f"{found} ({HOME_UNKNOWN})" if person.home is None else found


# Said of a person whose home postcode is unknown, with the reason they got nothing or little.
HOME_UNKNOWN = "home postcode unknown: travel not checked"


def _explain(
    person: Person,
    instance: Instance,
    assigned: dict[int, list[int]],
    offered_minutes: int,
    *,
    shared: _Shared | None,
) -> str:
    if not instance.sessions:
        return "No sessions are planned this week"
    if not any(s.open for s in instance.sessions):
        return "No sessions can run this week (no supervisor or vehicle)"
    speed = instance.speed_kmh
    shared = shared or _Shared.of(instance, assigned)
    remaining = list(instance.sessions)
    for rule in ("availability", "closed", *PAIR_RULES[2:]):
        checked = shared.on_days_free(person) if rule == "availability" else remaining
        kept = [s for s in checked if not _breaks(rule, person, s, speed)]
        if not kept:
            return _pair_reason(rule, person, remaining, instance)
        remaining = kept
    forbidden = {sid for pid, sid in instance.forbidden if pid == person.id}
    fitting = [s for s in remaining if s.id not in forbidden]
    if not fitting:
        return "Removed by hand from every session that fits"

    by_id, members = shared.by_id, shared.members
    mine = set(assigned.get(person.id, []))
    taken_days = {s.day for s in instance.sessions if s.id in mine}
    more = [s for s in fitting if s.day not in taken_days and s.id not in mine]
    prefix = ""
    if offered_minutes:
        prefix = f"Offered {offered_minutes / 60:g} hours: "
        if not more:
            return prefix + "no other session that fits on another day"
        left = person.remaining_minutes - offered_minutes
        if all(s.minutes > left for s in more):
            return prefix + f"owes {left / 60:g} hours more, less than any other session that fits"
        more = [s for s in more if s.minutes <= left]
    blockers = {s.id: _blocker(person, s, members.get(s.id, []), by_id) for s in more}
    return _sentence(prefix, _blocked_reason(more, blockers))


def _blocked_reason(sessions: list[Session], blockers: dict[int, str | None]) -> str:
    """The reason when every session in `sessions` fits the person but who is in it keeps them out."""
    counts = {kind: sum(1 for b in blockers.values() if b == kind) for kind in set(blockers.values())}
    if None in counts:
        free = next(s for s in sessions if blockers[s.id] is None)
        return (
            f"a session that fits still has a place ({free.project_name}, {_day(free)}): "
            "run the plan again or place them by hand"
        )
    if counts.get("non_association") == len(sessions):
        return "non-association with a person already in every session that fits"
    if counts.get("not_with_women") == len(sessions):
        return "every session that fits has someone in it who must not be placed with women, or a woman in it"
    if counts.get("full") == len(sessions):
        days = ", ".join(dict.fromkeys(_day(s) for s in sorted(sessions, key=lambda s: (s.day, s.id))))
        return f"every session that fits is full ({days})"
    if counts.get("alone") == len(sessions):
        return "every session that fits is an all-male group: she would be the only woman"
    if counts.get("lone_woman") == len(sessions):
        return "every session that fits has one woman in it, who would be left the only woman"
    found = [text for kind, text in _BLOCKER_TEXT.items() if counts.get(kind)]
    return "every session that fits is " + ", or ".join(found)


def _sentence(prefix: str, text: str) -> str:
    return prefix + text if prefix else text[:1].upper() + text[1:]


_BLOCKER_TEXT = {
    "full": "full",
    "non_association": "taken by a non-association",
    "not_with_women": "a group with someone who must not be placed with women, or a woman for someone flagged so",
    "alone": "an all-male group (she would be the only woman)",
    "lone_woman": "a group with one woman in it (she would be left the only woman)",
}


def _blocker(person: Person, session: Session, members: list[int], by_id: dict[int, Person]) -> str | None:
    """What stops this person joining a session that fits them, given who is in it."""
    others = [by_id[m] for m in members if m != person.id]
    if len(others) >= session.capacity:
        return "full"
    apart = {placement.must_be_apart(person, o) for o in others} - {None}
    if "non_association" in apart:
        return "non_association"
    if "not_with_women" in apart:
        return "not_with_women"
    if not session.individual and others:
        women = sum(1 for o in others if o.female)
        if person.female and women == 0:
            return "alone"
        if not person.female and women == 1:
            return "lone_woman"
    return None


def _day(session: Session) -> str:
    return DAY_NAMES[session.weekday]


def _pair_reason(rule: str, person: Person, sessions: list[Session], instance: Instance) -> str:
    """The reason when no session passes `rule` (every session in `sessions` passed the rules before it)."""
    text: dict[str, Callable[[], str]] = {
        "availability": lambda: _availability_reason(person, sessions),
        "closed": lambda: (
            "Every session on the days available has no supervisor or vehicle "
            f"({', '.join(dict.fromkeys(_day(s) for s in sessions))})"
        ),
        "risk": lambda: _risk_reason(person, sessions),
        "women_only_session": lambda: "The only sessions on the days available are women-only",
        "preference_women_only": lambda: _women_only_reason(person, instance),
        "preference_individual": lambda: (
            ("Assessed as unsuitable for group work" if person.group_unsuitable else "Prefers an individual placement")
            + f", and no individual placement on the days available ({days_available(person)})"
        ),
        "supervised_by_woman": lambda: (
            "Flagged not to be placed with women, and a woman supervises every session that fits "
            f"({', '.join(sorted({s.project_name for s in sessions}))})"
        ),
        "travel": lambda: _travel_reason(person, sessions, instance),
        "owes_less": lambda: (
            f"Owes {person.remaining_minutes / 60:g} hours: every session that fits is longer than that"
        ),
    }
    return text[rule]()


def _availability_reason(person: Person, sessions: list[Session]) -> str:
    if not any(person.availability.get(s.weekday) for s in sessions):
        return f"No session on the days available ({days_available(person)})"
    times = "; ".join(
        f"{DAY_NAMES[day]} {', '.join(part for part in PARTS if part in parts)}"
        for day, parts in sorted(person.availability.items())
        if parts
    )
    return f"No session within the times available ({times})"


def _risk_reason(person: Person, sessions: list[Session]) -> str:
    flags = ", ".join(sorted(f.replace("-", " ") for f in person.flags))
    projects = ", ".join(sorted({s.project_name for s in sessions}))
    return f"Risk flag ({flags}) excludes every project with a session on the days available ({projects})"


def _women_only_reason(person: Person, instance: Instance) -> str:
    options = [
        s
        for s in instance.sessions
        if s.open and (s.women_only or s.individual) and not _breaks("risk", person, s, instance.speed_kmh)
    ]
    if not options:
        return "Women-only preference, and no women-only session or individual placement this week"
    nearest = min(options, key=lambda s: travel_cost(person, s, instance.speed_kmh))
    minutes = travel_minutes(person, nearest, instance.speed_kmh)
    return (
        "Women-only preference, and no women-only session or individual placement on the days available "
        f"({days_available(person)}); the nearest is on {_day(nearest)}, "
        + (f"about {minutes} minutes away" if minutes is not None else "how far away is not known")
    )


def _travel_reason(person: Person, sessions: list[Session], instance: Instance) -> str:
    nearest = min(travel_cost(person, s, instance.speed_kmh) for s in sessions)
    limit = f"travel limit of {person.max_travel_minutes} minutes (the nearest is about {nearest} minutes away)"
    if person.preference == "women_only":
        return f"Women-only preference, and no women-only session or individual placement within her {limit}"
    if person.preference == "individual" or person.group_unsuitable:
        return f"No individual placement within their {limit}"
    return f"No session that fits within their {limit}"
