"""What a week in JSON must look like (docs/allocation.md): a JSON Schema for the shape, types
and ranges of every field, and the checks a schema cannot express (ids that are unique and
known, a session that ends after it starts on the weekday of its date). `problems` finds every
problem, not just the first, each named by where it is: `people[3].assessed: must be true or
false`. Strict on purpose: no "false" read as true, no "no" read as a yes, no NaN."""

import math
from collections.abc import Iterator
from datetime import date
from typing import Any, TypeGuard

from jsonschema import Draft202012Validator, ValidationError
from jsonschema.validators import extend

from .model import DAY_NAMES, PARTS, Weights

PREFERENCES = ("", "mixed", "women_only", "individual")
MAX_MINUTES = 1_000_000  # far beyond any order's hours: keeps the model's sums in range
MAX_WEIGHT = 1_000_000
NO_SESSIONS = "The week has no sessions: plan sessions before running allocation"


def _integer(_checker: Any, value: Any) -> bool:
    return _whole(value)


def _whole(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(_checker: Any, value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


_Validator = extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine_many({"integer": _integer, "number": _number}),
)


def _int(low: int | None = None, high: int | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer"}
    if low is not None:
        schema["minimum"] = low
    if high is not None:
        schema["maximum"] = high
    return schema


BOOLEAN = {"type": "boolean"}
TEXT = {"type": "string"}
ID = _int(1)
MINUTES = _int(0, MAX_MINUTES)
TEXTS = {"type": "array", "items": TEXT, "uniqueItems": True}
# A place is [latitude, longitude], or null when its postcode is unknown (travel is then not checked).
PLACE = {
    "type": ["array", "null"],
    "prefixItems": [
        {"type": "number", "minimum": -90, "maximum": 90},
        {"type": "number", "minimum": -180, "maximum": 180},
    ],
    "minItems": 2,
    "maxItems": 2,
    "x-shape": "must be [latitude, longitude]",
}
PAIRS = {
    "type": "array",
    "items": {
        "type": "array",
        "prefixItems": [ID, ID],
        "minItems": 2,
        "maxItems": 2,
        "x-shape": "must be a pair [person id, session id]",
    },
}

PERSON = {
    "type": "object",
    "required": ["id", "remaining_minutes", "home"],
    "additionalProperties": False,
    "properties": {
        "id": ID,
        "name": TEXT,
        "female": BOOLEAN,
        "remaining_minutes": MINUTES,
        "availability": {
            "type": "object",
            "propertyNames": {"enum": [str(day) for day in range(7)]},
            "additionalProperties": {"type": "array", "items": {"enum": list(PARTS)}, "uniqueItems": True},
        },
        "home": PLACE,
        "max_travel_minutes": _int(0, 24 * 60),
        "flags": TEXTS,
        "preference": {"enum": list(PREFERENCES)},
        "group_unsuitable": BOOLEAN,
        "non_associations": {"type": "array", "items": ID, "uniqueItems": True},
        "assessed": BOOLEAN,
        "backlog": BOOLEAN,
        "urgency": {"type": "number", "minimum": 0.5, "maximum": 5},
        "at_risk": BOOLEAN,
        "last_project": {"type": ["integer", "null"]},
    },
}

SESSION = {
    "type": "object",
    "required": ["id", "project_id", "day", "weekday", "start", "end", "capacity", "location"],
    "additionalProperties": False,
    "properties": {
        "id": ID,
        "project_id": ID,
        "project_name": TEXT,
        "day": TEXT,
        "weekday": _int(0, 6),
        "start": _int(0, 24 * 60),
        "end": _int(0, 24 * 60),
        "capacity": _int(0, 1000),
        "location": PLACE,
        "individual": BOOLEAN,
        "women_only": BOOLEAN,
        "excluded_flags": TEXTS,
        "supervisor_female": BOOLEAN,
        "supervisor_available": BOOLEAN,
        "vehicle_available": BOOLEAN,
    },
}

WEEK = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "speed_kmh": {"type": "number", "exclusiveMinimum": 0, "maximum": 200},
        "weights": {
            "type": "object",
            "additionalProperties": False,
            "properties": {name: _int(0, MAX_WEIGHT) for name in Weights.__dataclass_fields__},
            "x-unknown": "is not a weight: the weights are " + ", ".join(Weights.__dataclass_fields__),
        },
        "people": {"type": "array", "items": PERSON},
        "sessions": {"type": "array", "items": SESSION, "minItems": 1, "x-shape": NO_SESSIONS},
        "pinned": PAIRS,
        "forbidden": PAIRS,
        "published": PAIRS,
    },
}

_TYPES = {
    "boolean": "must be true or false",
    "integer": "must be a whole number",
    "number": "must be a number (not NaN or infinite)",
    "string": "must be text",
    "array": "must be a list",
    "object": "must be an object",
}


def path(parts: Any) -> str:
    """`people[3].assessed` for ("people", 3, "assessed"); "the week" for the whole."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the week"


def problems(data: Any) -> list[str]:
    """Every problem with the week, each as "where: what" (empty when it can be read)."""
    found = list(dict.fromkeys(m for error in _Validator(WEEK).iter_errors(data) for m in _messages(error)))
    if isinstance(data, dict):
        if "sessions" not in data:
            found.append(f"sessions: {NO_SESSIONS}")
        found += [m for m in _cross_checks(data) if m not in found]
    return sorted(found, key=_order)


def _order(message: str) -> tuple[Any, ...]:
    """Sort by where, with list positions as numbers (people[10] after people[9])."""
    where = message.split(": ", 1)[0]
    bits = where.replace("]", "").replace("[", ".").split(".")
    return tuple((0, int(bit), "") if bit.isdigit() else (1, 0, bit) for bit in bits)


def _messages(error: ValidationError) -> Iterator[str]:
    where = path(error.absolute_path)
    keyword, value, schema = error.validator, error.validator_value, error.schema
    if "propertyNames" in error.relative_schema_path:
        yield f"{where}.{error.instance}: is not a weekday: 0 (Monday) to 6 (Sunday)"
    elif keyword == "type":
        types = [value] if isinstance(value, str) else list(value)
        text = " or ".join(_TYPES.get(t, t).removeprefix("must be ") for t in types if t != "null")
        yield f"{where}: must be {text}" + (" or null" if "null" in types else "")
    elif keyword == "required":
        for name in value:
            if isinstance(error.instance, dict) and name not in error.instance:
                yield f"{where}.{name}: is required" if error.absolute_path else f"{name}: is required"
    elif keyword == "additionalProperties":
        for name in sorted(set(error.instance) - set(schema.get("properties", {}))):
            prefix = f"{where}." if error.absolute_path else ""
            yield f"{prefix}{name}: " + schema.get("x-unknown", "is not a known field")
    elif keyword in ("minItems", "maxItems"):
        yield f"{where}: {schema['x-shape']}"
    else:
        yield f"{where}: " + _range_message(keyword, value)


def _range_message(keyword: str, value: Any) -> str:
    if keyword == "minimum":
        return f"must be {value:g} or more"
    if keyword == "maximum":
        return f"must be {value:g} or less"
    if keyword == "exclusiveMinimum":
        return f"must be more than {value:g}"
    if keyword == "uniqueItems":
        return "must not name the same thing twice"
    if keyword == "enum":
        return "must be one of " + ", ".join(f'"{v}"' for v in value)
    return f"breaks the rule {keyword!r}"


# ---------------------------------------------------------------------------------------------
# What the schema cannot say: ids unique and known, sessions that make sense in time.


def _items(data: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    items = data.get(key)
    if not isinstance(items, list):
        return []
    return [(i, item) for i, item in enumerate(items) if isinstance(item, dict)]


def _ids(data: dict[str, Any], key: str, kind: str) -> tuple[set[int] | None, list[str]]:
    """The ids of people or sessions (None if they are not a list, so not known), and a problem
    for each id used twice."""
    if not isinstance(data.get(key, []), list):
        return None, []
    seen: dict[int, int] = {}
    found = []
    for i, item in _items(data, key):
        value = item.get("id")
        if not _whole(value):
            continue
        if value in seen:
            found.append(
                f"{key}[{i}].id: {value} is also the id of {key}[{seen[value]}]: each {kind} needs an id of their own"
            )
        seen.setdefault(value, i)
    return set(seen), found


def _cross_checks(data: dict[str, Any]) -> list[str]:
    people, found = _ids(data, "people", "person")
    sessions, twice = _ids(data, "sessions", "session")
    found += twice
    for i, person in _items(data, "people"):
        others = person.get("non_associations")
        for j, other in enumerate(others if isinstance(others, list) else []):
            if not _whole(other):
                continue
            if other == person.get("id"):
                found.append(f"people[{i}].non_associations[{j}]: a person cannot be their own non-association")
            elif people is not None and other not in people:
                found.append(f"people[{i}].non_associations[{j}]: no person in the week has id {other}")
    for i, session in _items(data, "sessions"):
        found += _session_problems(f"sessions[{i}]", session)
    for key in ("pinned", "forbidden", "published"):
        pairs = data.get(key)
        for k, pair in enumerate(pairs if isinstance(pairs, list) else []):
            if not (isinstance(pair, list) and len(pair) == 2 and all(_whole(v) for v in pair)):
                continue
            if people is not None and pair[0] not in people:
                found.append(f"{key}[{k}][0]: no person in the week has id {pair[0]}")
            if sessions is not None and pair[1] not in sessions:
                found.append(f"{key}[{k}][1]: no session in the week has id {pair[1]}")
    return found


def _session_problems(where: str, session: dict[str, Any]) -> list[str]:
    found = []
    start, end = session.get("start"), session.get("end")
    if _whole(start) and _whole(end) and end <= start:
        found.append(f"{where}.end: must be after start ({start})")
    day, weekday = session.get("day"), session.get("weekday")
    if isinstance(day, str):
        try:
            actual = date.fromisoformat(day).weekday() if len(day) == 10 else None
        except ValueError:
            actual = None
        if actual is None:
            found.append(f"{where}.day: {day!r} is not a date (YYYY-MM-DD)")
        elif _whole(weekday) and 0 <= weekday <= 6 and weekday != actual:
            found.append(
                f"{where}.weekday: {day} is a {DAY_NAMES[actual]} ({actual}), not {DAY_NAMES[weekday]} ({weekday})"
            )
    return found
