"""Reading and writing a week as plain JSON (the format is documented in docs/allocation.md).

Reading is strict: the week is checked against `week_schema` first, and refused with every
problem found, each named by where it is. The adapter builds an `Instance` from the database
directly and does not come through here."""

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from . import week_schema
from .model import Instance, Person, Plan, Session, Weights


class InstanceError(ValueError):
    """A week that cannot be read: `problems` holds each problem, as "where: what"."""

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


def _place(raw: list[float] | None) -> tuple[float, float] | None:
    """[latitude, longitude], or null for a place whose postcode is unknown."""
    return None if raw is None else (float(raw[0]), float(raw[1]))


def _person(raw: dict[str, Any]) -> Person:
    return Person(
        id=raw["id"],
        name=raw.get("name", f"Person {raw['id']}"),
        female=raw.get("female", False),
        remaining_minutes=raw["remaining_minutes"],
        availability={int(day): frozenset(parts) for day, parts in raw.get("availability", {}).items()},
        home=_place(raw["home"]),
        max_travel_minutes=raw.get("max_travel_minutes", 60),
        flags=frozenset(raw.get("flags", [])),
        preference=raw.get("preference", ""),
        group_unsuitable=raw.get("group_unsuitable", False),
        non_associations=frozenset(raw.get("non_associations", [])),
        assessed=raw.get("assessed", True),
        backlog=raw.get("backlog", False),
        urgency=float(raw.get("urgency", 1.0)),
        at_risk=raw.get("at_risk", False),
        last_project=raw.get("last_project"),
    )


def _session(raw: dict[str, Any]) -> Session:
    return Session(
        id=raw["id"],
        project_id=raw["project_id"],
        project_name=raw.get("project_name", f"Project {raw['project_id']}"),
        day=raw["day"],
        weekday=raw["weekday"],
        start=raw["start"],
        end=raw["end"],
        capacity=raw["capacity"],
        location=_place(raw["location"]),
        individual=raw.get("individual", False),
        women_only=raw.get("women_only", False),
        excluded_flags=frozenset(raw.get("excluded_flags", [])),
        supervisor_female=raw.get("supervisor_female", False),
        supervisor_available=raw.get("supervisor_available", True),
        vehicle_available=raw.get("vehicle_available", True),
    )


def from_dict(data: Any) -> Instance:
    """The week, from JSON-like data; InstanceError with every problem if it cannot be read."""
    found = week_schema.problems(data)
    if found:
        raise InstanceError(found)
    pairs = {key: [(a, b) for a, b in data.get(key, [])] for key in ("pinned", "forbidden", "published")}
    return Instance(
        people=[_person(p) for p in data.get("people", [])],
        sessions=[_session(s) for s in data["sessions"]],
        weights=Weights(**data.get("weights", {})),
        pinned=pairs["pinned"],
        forbidden=pairs["forbidden"],
        published=pairs["published"],
        speed_kmh=float(data.get("speed_kmh", 25.0)),
    )


def to_dict(instance: Instance) -> dict[str, Any]:
    def person(p: Person) -> dict[str, Any]:
        raw = asdict(p)
        raw["availability"] = {str(d): sorted(parts) for d, parts in p.availability.items()}
        raw["flags"] = sorted(p.flags)
        raw["non_associations"] = sorted(p.non_associations)
        raw["home"] = list(p.home) if p.home is not None else None
        return raw

    def session(s: Session) -> dict[str, Any]:
        raw = asdict(s)
        raw["excluded_flags"] = sorted(s.excluded_flags)
        raw["location"] = list(s.location) if s.location is not None else None
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
    """The week in a JSON file (OSError if it cannot be opened, json.JSONDecodeError if it is not
    JSON, InstanceError if it is not a week)."""
    return from_dict(json.loads(Path(path).read_text()))


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    return {
        "status": plan.status,
        "solver_status": plan.solver_status,
        "note": plan.note,
        "objective": plan.objective,
        "bound": plan.bound,
        "gap": plan.gap,
        "seconds": round(plan.seconds, 3),
        "assignments": [{"person": p, "session": s} for p, s in plan.assignments],
        "reasons": {str(k): v for k, v in sorted(plan.reasons.items())},
    }
