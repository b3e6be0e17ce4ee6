"""Small hand-built weeks for the engine's tests: plain data, no database."""

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from math import cos, radians
from typing import Any

from payback.allocation.engine.greedy import greedy
from payback.allocation.engine.model import Instance, Person, Plan, Session
from payback.allocation.engine.solver import solve

CENTRE = (54.97, -1.61)  # Newcastle upon Tyne
MONDAY = date(2026, 11, 30)
ALL_DAY = frozenset({"morning", "afternoon"})
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def east(km: float) -> tuple[float, float]:
    """A point `km` kilometres east of the centre."""
    return (CENTRE[0], CENTRE[1] + km / (111.32 * cos(radians(CENTRE[0]))))


def person(pid: int, *, days: Iterable[int] = range(7), parts: frozenset[str] = ALL_DAY, **fields: Any) -> Person:
    """A man who is free all day every day, owes 100 hours, lives at the centre and will travel
    an hour; `fields` override any of that."""
    values: dict[str, Any] = {
        "id": pid,
        "name": f"Person {pid}",
        "female": False,
        "remaining_minutes": 100 * 60,
        "availability": dict.fromkeys(days, parts),
        "home": CENTRE,
        "max_travel_minutes": 60,
    }
    values.update(fields)
    return Person(**values)


def woman(pid: int, **fields: Any) -> Person:
    return person(pid, female=True, preference=fields.pop("preference", "mixed"), **fields)


def session(
    sid: int, *, weekday: int = MON, start: int = 9 * 60, end: int = 15 * 60, capacity: int = 4, **fields: Any
) -> Session:
    """A group session of six hours (09:00 to 15:00) at the centre, on project `sid`."""
    values: dict[str, Any] = {
        "id": sid,
        "project_id": sid,
        "project_name": f"Project {sid}",
        "day": (MONDAY + timedelta(days=weekday)).isoformat(),
        "weekday": weekday,
        "start": start,
        "end": end,
        "capacity": capacity,
        "location": CENTRE,
    }
    values.update(fields)
    return Session(**values)


def week(people: list[Person], sessions: list[Session], **fields: Any) -> Instance:
    return Instance(people=people, sessions=sessions, **fields)


def by_solver(instance: Instance) -> Plan:
    """The solver with one CP-SAT worker: the tests compare exact plans, and one worker makes
    the search repeatable (more workers race, and a tie between equal plans can go either way)."""
    return solve(instance, time_limit=5, workers=1)


METHODS: dict[str, Callable[[Instance], Plan]] = {"solver": by_solver, "greedy": greedy}


def placed(plan: Plan) -> dict[int, list[int]]:
    """Person id to the session ids they were placed in."""
    found: dict[int, list[int]] = {}
    for pid, sid in plan.assignments:
        found.setdefault(pid, []).append(sid)
    return found


def members(plan: Plan, sid: int) -> set[int]:
    return {pid for pid, s in plan.assignments if s == sid}
