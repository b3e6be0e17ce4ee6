"""The hard rules between a person and a session (SPEC §7 and the risk flags), defined once.

Hand booking, the re-check of existing bookings when the facts change, the plan's hand edits,
publishing and the allocation engine all ask these functions. Pure: plain facts in, the rules
broken out; no Django, no database. (The engine's verifier checks whole plans independently,
in its own code, on purpose.)

The rules, by code:

- ``availability``: the person is free on that day for every part of the day the session runs in
- ``risk``: none of the person's risk flags is excluded by the project
- ``women_only_session``: only women on a women-only project
- ``preference_women_only``: a woman who asked for women-only work is not put in a mixed group
- ``preference_individual``: someone who asked for an individual placement, or who is assessed
  as unsuitable for group work, is placed only on an individual placement
- ``supervised_by_woman``: someone flagged "not with women" is not on a session a woman supervises
- ``capacity``: never more people than the session takes
- ``non_association``: two people who must not meet are never in the same session
- ``not_with_women``: someone flagged "not with women" is never in a group with a woman
- ``woman_alone``: a woman is never the only woman in a group with men
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

NOT_WITH_WOMEN = "not-with-women"
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Parts of the day as minutes from midnight, [start, end).
DAY_PARTS = {"morning": (0, 12 * 60), "afternoon": (12 * 60, 17 * 60), "evening": (17 * 60, 24 * 60)}

PAIR_RULES: tuple[str, ...] = (
    "availability",
    "risk",
    "women_only_session",
    "preference_women_only",
    "preference_individual",
    "supervised_by_woman",
)
GROUP_RULES: tuple[str, ...] = ("capacity", "non_association", "not_with_women", "woman_alone")
TITLES = {
    "availability": "Availability",
    "risk": "Risk flags",
    "women_only_session": "Women-only session",
    "preference_women_only": "Placement preference",
    "preference_individual": "Individual placement",
    "supervised_by_woman": "Not with women",
    "capacity": "Session capacity",
    "non_association": "Non-association",
    "not_with_women": "Not with women",
    "woman_alone": "No woman alone in a group of men",
}


class PersonFacts(Protocol):
    """What the rules need to know about a person (the engine's Person has exactly these)."""

    @property
    def id(self) -> int: ...
    @property
    def female(self) -> bool: ...
    @property
    def flags(self) -> frozenset[str]: ...
    @property
    def preference(self) -> str: ...  # "", "mixed", "women_only", "individual"
    @property
    def group_unsuitable(self) -> bool: ...
    @property
    def availability(self) -> Mapping[int, frozenset[str]]: ...  # weekday 0-6: parts of the day
    @property
    def non_associations(self) -> frozenset[int]: ...


class SessionFacts(Protocol):
    """What the rules need to know about a session and its project's restrictions."""

    @property
    def weekday(self) -> int: ...
    @property
    def start(self) -> int: ...  # minutes from midnight
    @property
    def end(self) -> int: ...
    @property
    def capacity(self) -> int: ...
    @property
    def individual(self) -> bool: ...
    @property
    def women_only(self) -> bool: ...
    @property
    def excluded_flags(self) -> frozenset[str]: ...
    @property
    def supervisor_female(self) -> bool: ...


@dataclass(frozen=True)
class Person:
    """Facts about a person, for callers that do not have the engine's model."""

    id: int
    female: bool
    flags: frozenset[str] = frozenset()
    preference: str = ""
    group_unsuitable: bool = False
    availability: Mapping[int, frozenset[str]] = field(default_factory=dict)
    non_associations: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Broken:
    """A hard rule broken, with the people it is about (for group rules)."""

    rule: str
    people: tuple[int, ...] = ()
    flags: tuple[str, ...] = ()  # for "risk": the person's flags the project excludes

    @property
    def title(self) -> str:
        return TITLES[self.rule]


def parts_needed(session: SessionFacts) -> list[str]:
    return [part for part, (lo, hi) in DAY_PARTS.items() if session.start < hi and session.end > lo]


def is_available(person: PersonFacts, session: SessionFacts) -> bool:
    """Free on the session's day for every part of the day it runs in."""
    parts = person.availability.get(session.weekday, frozenset())
    return bool(parts) and all(part in parts for part in parts_needed(session))


def breaks_pair(rule: str, person: PersonFacts, session: SessionFacts) -> bool:
    """Whether the person may not be on the session by one of the rules between the two alone."""
    if rule == "availability":
        return not is_available(person, session)
    if rule == "risk":
        return bool(person.flags & session.excluded_flags)
    if rule == "women_only_session":
        return session.women_only and not person.female
    if rule == "preference_women_only":
        return person.preference == "women_only" and not (session.women_only or session.individual)
    if rule == "preference_individual":
        return (person.preference == "individual" or person.group_unsuitable) and not session.individual
    if rule == "supervised_by_woman":
        return NOT_WITH_WOMEN in person.flags and session.supervisor_female
    raise ValueError(f"unknown rule {rule!r}")


def pair_broken(person: PersonFacts, session: SessionFacts) -> list[str]:
    """Every rule between the person and the session alone that they break, in order."""
    return [rule for rule in PAIR_RULES if breaks_pair(rule, person, session)]


def _pair(rule: str, person: PersonFacts, session: SessionFacts) -> Broken:
    flags = tuple(sorted(person.flags & session.excluded_flags)) if rule == "risk" else ()
    return Broken(rule, (person.id,), flags)


def must_be_apart(a: PersonFacts, b: PersonFacts) -> str | None:
    """Why two people may never be in the same session, or None."""
    if b.id in a.non_associations or a.id in b.non_associations:
        return "non_association"
    if (NOT_WITH_WOMEN in a.flags and b.female) or (NOT_WITH_WOMEN in b.flags and a.female):
        return "not_with_women"
    return None


def woman_alone(session: SessionFacts, members: Sequence[PersonFacts]) -> PersonFacts | None:
    """The woman who would be the only woman in a group with men, if there is one."""
    if session.individual or len(members) < 2:
        return None
    women = [m for m in members if m.female]
    return women[0] if len(women) == 1 else None


def joining_broken(person: PersonFacts, session: SessionFacts, others: Sequence[PersonFacts]) -> list[Broken]:
    """Every rule broken by the person joining a session that `others` are already on."""
    found = [_pair(rule, person, session) for rule in pair_broken(person, session)]
    if len(others) >= session.capacity:
        found.append(Broken("capacity"))
    for other in others:
        rule = must_be_apart(person, other)
        if rule:
            found.append(Broken(rule, (person.id, other.id)))
    alone = woman_alone(session, [*others, person])
    if alone is not None:
        found.append(Broken("woman_alone", (alone.id,)))
    return found


def group_broken(session: SessionFacts, members: Sequence[PersonFacts]) -> dict[int, list[Broken]]:
    """For a session as booked: every rule each member's booking breaks, by person id (only
    people with something broken). Over capacity is reported against the whole group."""
    found: dict[int, list[Broken]] = {}
    for person in members:
        for rule in pair_broken(person, session):
            found.setdefault(person.id, []).append(_pair(rule, person, session))
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            apart = must_be_apart(a, b)
            if apart:
                for pid in (a.id, b.id):
                    found.setdefault(pid, []).append(Broken(apart, (a.id, b.id)))
    alone = woman_alone(session, members)
    if alone is not None:
        found.setdefault(alone.id, []).append(Broken("woman_alone", (alone.id,)))
    if len(members) > session.capacity:
        for person in members:
            found.setdefault(person.id, []).append(Broken("capacity"))
    return found


def flagged_apart(people: Iterable[PersonFacts]) -> set[tuple[int, int]]:
    """Pairs (lower id first) who must be apart because one is flagged "not with women" and the
    other is a woman: for a solver that states the rule as pairs."""
    everyone = list(people)
    flagged = [p for p in everyone if NOT_WITH_WOMEN in p.flags]
    women = [p for p in everyone if p.female]
    return {(min(a.id, b.id), max(a.id, b.id)) for a in flagged for b in women if a.id != b.id}


@dataclass(frozen=True)
class Session:
    """Facts about a session and its project's restrictions, for callers without the engine's model."""

    weekday: int
    start: int
    end: int
    capacity: int
    individual: bool = False
    women_only: bool = False
    excluded_flags: frozenset[str] = frozenset()
    supervisor_female: bool = False


def describe(broken: Broken, *, names: Mapping[int, str], project: str) -> str:
    """The broken rule in words a coordinator or practitioner can act on."""
    who = [names.get(pid, "someone") for pid in broken.people]
    text = {
        "availability": f"not available at the time {project} runs",
        "risk": f"{project} excludes people flagged {', '.join(f.replace('-', ' ') for f in broken.flags)}",
        "women_only_session": f"{project} is for women only",
        "preference_women_only": f"asked for women-only work and {project} is a mixed group",
        "preference_individual": f"needs an individual placement and {project} is a group",
        "supervised_by_woman": f"flagged not to be placed with women, and a woman supervises {project}",
        "capacity": f"{project} is full",
        "non_association": " must not be placed with ".join(who),
        "not_with_women": " and ".join(who) + ": someone flagged not to be placed with women would be with a woman",
        "woman_alone": f"{who[0] if who else 'a woman'} would be the only woman in a group of men",
    }[broken.rule]
    return f"{broken.title}: {text}"
