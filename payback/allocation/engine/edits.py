"""Checking a coordinator's hand edit to a plan against the hard rules, live, and naming the rule
a refused edit would break. Pure: plain data in, a verdict out.

The pairwise rules come from `rules.pair_problem` (the rules the engine places by); the rules
between people (capacity, one session a day, hours owed, non-associations, no woman alone in a
group) are checked here; and then the whole edited plan is passed through the independent
`verifier`, so an edit can never leave the plan breaking a rule it did not break before."""

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date

from payback import placement

from .model import PARTS, Instance, Person, Session, travel_cost
from .rules import eligible, pair_problem
from .verifier import violations

ACTIONS = ("add", "move", "remove")


@dataclass(frozen=True)
class Broken:
    """A hard rule an edit would break, and how, in words a coordinator can act on."""

    rule: str
    detail: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.detail}"


def _when(session: Session) -> str:
    return f"{date.fromisoformat(session.day):%A %-d %B}"


def _pair_broken(code: str, person: Person, session: Session, instance: Instance) -> Broken:
    name, project = person.name, session.project_name
    if code == "closed":
        return Broken("Supervisor and vehicle", f"{project} on {_when(session)} has no supervisor or vehicle")
    if code == "availability":
        parts = sorted(person.availability.get(session.weekday, frozenset()))
        needed = [p for p, (lo, hi) in PARTS.items() if session.start < hi and session.end > lo]
        day = f"{date.fromisoformat(session.day):%A}s"
        if not parts:
            return Broken("Availability", f"{name} is not free on {day}")
        return Broken(
            "Availability",
            f"{name} is free only in the {' and '.join(parts)} on {day}, "
            f"and the session runs in the {' and '.join(needed)}",
        )
    if code == "risk":
        flags = ", ".join(sorted(f.replace("-", " ") for f in person.flags & session.excluded_flags))
        return Broken("Risk flags", f"{project} excludes people flagged {flags}, as {name} is")
    if code == "women_only_session":
        return Broken("Women-only session", f"{project} is for women only")
    if code == "preference_women_only":
        return Broken("Placement preference", f"{name} asked for women-only work and {project} is a mixed group")
    if code == "supervised_by_woman":
        return Broken(
            "Not with women", f"{name} is flagged not to be placed with women, and a woman supervises {project}"
        )
    if code == "preference_individual":
        return Broken("Individual placement", f"{name} needs an individual placement and {project} is a group")
    if code == "travel":
        minutes = travel_cost(person, session, instance.speed_kmh)
        return Broken(
            "Travel limit",
            f"{name} would travel about {minutes} minutes to {project}, over their limit of "
            f"{person.max_travel_minutes}",
        )
    if code == "owes_less":
        return Broken("Hours owed", f"{name} owes {person.remaining_minutes / 60:g} hours, less than the session")
    return Broken("Hard rule", f"{name} cannot be placed on {project} ({code})")


def placement_problem(
    instance: Instance, assignments: list[tuple[int, int]], person_id: int, session_id: int
) -> Broken | None:
    """The first hard rule broken by adding the person to the session, given the other
    assignments (which must not already include this pair)."""
    people = {p.id: p for p in instance.people}
    sessions = {s.id: s for s in instance.sessions}
    person, session = people[person_id], sessions[session_id]
    reason = eligible(person)
    if reason:
        return Broken("Placeable people only", f"{person.name}: {reason[:1].lower()}{reason[1:]}")
    code = pair_problem(person, session, instance.speed_kmh)
    if code is not None and code != "owes_less":
        return _pair_broken(code, person, session, instance)
    members = [p for p, s in assignments if s == session_id]
    if len(members) >= session.capacity:
        places = "place" if session.capacity == 1 else "places"
        return Broken("Session capacity", f"{session.project_name} is full ({session.capacity} {places})")
    theirs = [sessions[s] for p, s in assignments if p == person_id]
    same_day = [s for s in theirs if s.day == session.day]
    if same_day:
        return Broken(
            "One session a day",
            f"{person.name} is already on {same_day[0].project_name} on {_when(session)}",
        )
    offered = sum(s.minutes for s in theirs) + session.minutes
    if offered > person.remaining_minutes:
        return Broken(
            "Hours owed",
            f"{person.name} owes {person.remaining_minutes / 60:g} hours: this would offer {offered / 60:g}",
        )
    for m in members:
        apart = placement.must_be_apart(person, people[m])
        if apart == "non_association":
            return Broken("Non-association", f"{person.name} must not be placed with {people[m].name}")
        if apart == "not_with_women":
            flagged, woman = (person, people[m]) if person.female is False else (people[m], person)
            return Broken("Not with women", f"{flagged.name} must not be placed in a group with a woman ({woman.name})")
    return _woman_alone(instance, [*members, person_id], session)


def _woman_alone(instance: Instance, members: list[int], session: Session) -> Broken | None:
    if session.individual or len(members) < 2:
        return None
    people = {p.id: p for p in instance.people}
    women = [m for m in members if people[m].female]
    if len(women) == 1:
        return Broken(
            "No woman alone in a group of men",
            f"{people[women[0]].name} would be the only woman on {session.project_name} on {_when(session)}",
        )
    return None


def apply_edit(
    instance: Instance,
    assignments: list[tuple[int, int]],
    *,
    action: str,
    person_id: int,
    session_id: int,
    to_session_id: int | None = None,
) -> tuple[list[tuple[int, int]], Broken | None]:
    """The plan after the edit and, if the edit is refused, the rule it breaks (the plan is then
    returned unchanged). add: put the person on `session_id`; move: from `session_id` to
    `to_session_id`; remove: take them off `session_id`."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown edit {action!r}")
    people = {p.id for p in instance.people}
    sessions = {s.id: s for s in instance.sessions}
    if person_id not in people:
        return assignments, Broken("Plan", "The person is not in this week's plan")
    current = set(assignments)
    after, target, refused = _taken_off(current, action, person_id, session_id, to_session_id)
    if refused:
        return assignments, refused
    if target is not None:
        if target not in sessions:
            return assignments, Broken("Plan", "The session is not in this week's plan")
        problem = placement_problem(instance, sorted(after), person_id, target)
        if problem:
            return assignments, problem
        after.add((person_id, target))
    if action in ("move", "remove"):
        # Whoever is left behind: a woman must not be left the only one among men.
        members = [p for p, s in after if s == session_id]
        problem = _woman_alone(instance, members, sessions[session_id])
        if problem:
            return assignments, Broken(
                problem.rule, problem.detail + ": move or remove her too, or add another woman first"
            )
    broken = _new_violation(instance, current, after, person_id, target)
    if broken:
        return assignments, broken
    return sorted(after), None


def _taken_off(
    current: set[tuple[int, int]], action: str, person_id: int, session_id: int, to_session_id: int | None
) -> tuple[set[tuple[int, int]], int | None, Broken | None]:
    """The plan with the person off the session they leave (for a move or a removal), the session
    they join (for an add or a move), or why the edit does not fit the plan."""
    after = set(current)
    if action == "add":
        if (person_id, session_id) in current:
            return after, None, Broken("Plan", "The person is already on that session")
        return after, session_id, None
    if action == "move":
        if (person_id, session_id) not in current:
            return after, None, Broken("Plan", "The person is not on the session to move from")
        if to_session_id is None or to_session_id == session_id:
            return after, None, Broken("Plan", "Choose another session to move them to")
        after.discard((person_id, session_id))
        return after, to_session_id, None
    if (person_id, session_id) not in current:
        return after, None, Broken("Plan", "The person is not on that session")
    after.discard((person_id, session_id))
    return after, None, None


def _new_violation(
    instance: Instance,
    current: set[tuple[int, int]],
    after: set[tuple[int, int]],
    person_id: int,
    target: int | None,
) -> Broken | None:
    """The whole plan, checked independently: nothing the edit leaves behind may break a rule."""
    checked = replace(
        instance,
        pinned=[pair for pair in instance.pinned if pair in after],
        forbidden=[pair for pair in instance.forbidden if pair != (person_id, target)],
    )
    before = Counter(violations(checked, sorted(current)))
    new = Counter(violations(checked, sorted(after))) - before
    if new:
        return Broken("Hard rule", next(iter(new)))
    return None
