"""Reading and writing a week as plain JSON (the format is documented in docs/allocation.md)."""

import json
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from .model import Instance, Person, Plan, Session, Weights


class InstanceError(ValueError):
    pass


def _person(raw: dict[str, Any]) -> Person:
    try:
        return Person(
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
    return session


def from_dict(data: dict[str, Any]) -> Instance:
    weights = Weights(**{f.name: data.get("weights", {}).get(f.name, f.default) for f in fields(Weights)})
    instance = Instance(
        people=[_person(p) for p in data.get("people", [])],
        sessions=[_session(s) for s in data.get("sessions", [])],
        weights=weights,
        pinned=[(int(a), int(b)) for a, b in data.get("pinned", [])],
        forbidden=[(int(a), int(b)) for a, b in data.get("forbidden", [])],
        published=[(int(a), int(b)) for a, b in data.get("published", [])],
        speed_kmh=float(data.get("speed_kmh", 25.0)),
    )
    if not instance.sessions:
        raise InstanceError("The week has no sessions: plan sessions before running allocation")
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
