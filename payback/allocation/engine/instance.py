"""Reading and writing a week as plain JSON (the format is documented in docs/allocation.md)."""

import json
from dataclasses import asdict, fields
from datetime import date
from pathlib import Path
from typing import Any

from .model import PARTS, Instance, Person, Plan, Session, Weights

PREFERENCES = ("", "mixed", "women_only", "individual")


class InstanceError(ValueError):
    pass


def _person(raw: dict[str, Any]) -> Person:
    try:
        person = Person(
            id=int(raw["id"]),
            name=str(raw.get("name", f"Person {raw['id']}")),
            female=bool(raw.get("female", False)),
            remaining_minutes=int(raw["remaining_minutes"]),
            availability={int(day): frozenset(parts) for day, parts in raw.get("availability", {}).items()},
            home=(float(raw["home"][0]), float(raw["home"][1])),
            max_travel_minutes=int(raw.get("max_travel_minutes", 60)),
            flags=frozenset(raw.get("flags", [])),
            preference=str(raw.get("preference", "")),
            group_unsuitable=bool(raw.get("group_unsuitable", False)),
            non_associations=frozenset(int(x) for x in raw.get("non_associations", [])),
            assessed=bool(raw.get("assessed", True)),
            backlog=bool(raw.get("backlog", False)),
            urgency=float(raw.get("urgency", 1.0)),
            at_risk=bool(raw.get("at_risk", False)),
            last_project=raw.get("last_project"),
        )
    except (KeyError, TypeError, ValueError, IndexError) as error:
        raise InstanceError(f"person {raw.get('id', '?')}: {error}") from None
    if person.preference not in PREFERENCES:
        raise InstanceError(
            f"person {person.id}: preference {person.preference!r} is not one of "
            + ", ".join(repr(p) for p in PREFERENCES)
        )
    for day, parts in person.availability.items():
        if not 0 <= day <= 6:
            raise InstanceError(f"person {person.id}: availability day {day} is not 0 (Monday) to 6 (Sunday)")
        if parts - set(PARTS):
            raise InstanceError(
                f"person {person.id}: availability {', '.join(sorted(parts - set(PARTS)))} is not one of "
                + ", ".join(PARTS)
            )
    return person


def _session(raw: dict[str, Any]) -> Session:
    try:
        session = Session(
            id=int(raw["id"]),
            project_id=int(raw["project_id"]),
            project_name=str(raw.get("project_name", f"Project {raw['project_id']}")),
            day=str(raw["day"]),
            weekday=int(raw["weekday"]),
            start=int(raw["start"]),
            end=int(raw["end"]),
            capacity=int(raw["capacity"]),
            location=(float(raw["location"][0]), float(raw["location"][1])),
            individual=bool(raw.get("individual", False)),
            women_only=bool(raw.get("women_only", False)),
            excluded_flags=frozenset(raw.get("excluded_flags", [])),
            supervisor_female=bool(raw.get("supervisor_female", False)),
            supervisor_available=bool(raw.get("supervisor_available", True)),
            vehicle_available=bool(raw.get("vehicle_available", True)),
        )
    except (KeyError, TypeError, ValueError, IndexError) as error:
        raise InstanceError(f"session {raw.get('id', '?')}: {error}") from None
    if session.end <= session.start:
        raise InstanceError(f"session {session.id}: end must be after start")
    try:
        weekday = date.fromisoformat(session.day).weekday()
    except ValueError:
        raise InstanceError(f"session {session.id}: day {session.day!r} is not a date (YYYY-MM-DD)") from None
    if weekday != session.weekday:
        raise InstanceError(f"session {session.id}: {session.day} is weekday {weekday}, not {session.weekday}")
    if session.capacity < 0:
        raise InstanceError(f"session {session.id}: capacity cannot be negative")
    return session


def from_dict(data: dict[str, Any]) -> Instance:
    if not isinstance(data, dict):
        raise InstanceError("the week must be a JSON object")
    raw_weights = data.get("weights", {})
    known = {f.name: f for f in fields(Weights)}
    unknown = sorted(set(raw_weights) - set(known))
    if unknown:
        raise InstanceError(f"unknown weight {', '.join(unknown)}: the weights are {', '.join(known)}")
    try:
        weights = Weights(**{name: int(raw_weights.get(name, f.default)) for name, f in known.items()})
        pairs = {key: [(int(a), int(b)) for a, b in data.get(key, [])] for key in ("pinned", "forbidden", "published")}
        speed_kmh = float(data.get("speed_kmh", 25.0))
    except (TypeError, ValueError) as error:
        raise InstanceError(str(error)) from None
    instance = Instance(
        people=[_person(p) for p in data.get("people", [])],
        sessions=[_session(s) for s in data.get("sessions", [])],
        weights=weights,
        pinned=pairs["pinned"],
        forbidden=pairs["forbidden"],
        published=pairs["published"],
        speed_kmh=speed_kmh,
    )
    if not instance.sessions:
        raise InstanceError("The week has no sessions: plan sessions before running allocation")
    for kind, items in (("person", instance.people), ("session", instance.sessions)):
        ids = [item.id for item in items]
        if len(set(ids)) != len(ids):
            raise InstanceError(f"two {kind}s have the same id")
    people, sessions = {p.id for p in instance.people}, {s.id for s in instance.sessions}
    for key, found in pairs.items():
        for pid, sid in found:
            if pid not in people or sid not in sessions:
                raise InstanceError(f"{key} pair ({pid}, {sid}): no such person or session")
    if speed_kmh <= 0:
        raise InstanceError("speed_kmh must be more than 0")
    return instance


def to_dict(instance: Instance) -> dict[str, Any]:
    def person(p: Person) -> dict[str, Any]:
        raw = asdict(p)
        raw["availability"] = {str(d): sorted(parts) for d, parts in p.availability.items()}
        raw["flags"] = sorted(p.flags)
        raw["non_associations"] = sorted(p.non_associations)
        raw["home"] = list(p.home)
        return raw

    def session(s: Session) -> dict[str, Any]:
        raw = asdict(s)
        raw["excluded_flags"] = sorted(s.excluded_flags)
        raw["location"] = list(s.location)
        return raw

    return {
        "speed_kmh": instance.speed_kmh,
        "weights": asdict(instance.weights),
        "people": [person(p) for p in instance.people],
        "sessions": [session(s) for s in instance.sessions],
        "pinned": [list(p) for p in instance.pinned],
        "forbidden": [list(p) for p in instance.forbidden],
        "published": [list(p) for p in instance.published],
    }


def load(path: str | Path) -> Instance:
    return from_dict(json.loads(Path(path).read_text()))


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    return {
        "status": plan.status,
        "objective": plan.objective,
        "bound": plan.bound,
        "gap": plan.gap,
        "seconds": round(plan.seconds, 3),
        "assignments": [{"person": p, "session": s} for p, s in plan.assignments],
        "reasons": {str(k): v for k, v in sorted(plan.reasons.items())},
    }
