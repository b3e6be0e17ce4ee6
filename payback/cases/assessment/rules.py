"""Pure rules about induction, the UPW assessment and whether a person can be placed."""

from dataclasses import dataclass, field
from typing import Any

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
PARTS = ("morning", "afternoon", "evening")
COMMITMENT_REASONS = {
    "employment": "Employment",
    "caring": "Caring",
    "education": "Education",
    "other": "Other",
}
MAX_INDUCTION_MINUTES = 8 * 60
COUNTERSIGN_LEVELS = ("high", "very_high")


def needs_countersignature(rosh_level: str) -> bool:
    """High and very high risk of serious harm need a senior probation officer's countersignature."""
    return rosh_level in COUNTERSIGN_LEVELS


def availability_errors(availability: Any) -> list[str]:
    if not isinstance(availability, dict):
        return ["Select the days and parts of the day the person is available"]
    unknown = [day for day in availability if day not in DAYS]
    if unknown:
        return [f"Unknown day {unknown[0]}"]
    for day, parts in availability.items():
        if not isinstance(parts, list) or any(part not in PARTS for part in parts):
            return [f"Choose morning, afternoon or evening for {DAY_NAMES[day]}"]
    if not any(availability.values()):
        return ["Select at least one day and part of the day when the person is available to work"]
    return []


def commitment_errors(commitments: Any) -> list[str]:
    if not isinstance(commitments, list):
        return ["Commitments must be a list"]
    for item in commitments:
        if not isinstance(item, dict) or item.get("day") not in DAYS:
            return ["Each commitment needs a day"]
        if item.get("reason") not in COMMITMENT_REASONS:
            return [f"Give the reason the person is not free on {DAY_NAMES[item['day']]}"]
    return []


def available_days(availability: dict[str, list[str]]) -> list[str]:
    return [day for day in DAYS if availability.get(day)]


@dataclass
class Placeability:
    placeable: bool
    reasons: list[str] = field(default_factory=list)


def placeability(
    *,
    inducted: bool,
    has_current_assessment: bool,
    awaiting_countersignature: bool,
    paused: bool,
    closed_status: str | None,
    backlog: bool,
    remaining_minutes: int,
) -> Placeability:
    """Whether a person can be placed on work now, or every reason why not, in plain words."""
    reasons = []
    if closed_status:
        reasons.append(f"The case is {closed_status}")
    if not inducted:
        reasons.append("Not inducted yet: record an attended induction")
    if not has_current_assessment:
        if awaiting_countersignature:
            reasons.append("The assessment is waiting for a senior probation officer's countersignature")
        else:
            reasons.append("No completed UPW assessment and risk picture")
    if paused:
        reasons.append("The case is paused")
    if backlog:
        reasons.append("In backlog: the completion date has passed, so the court must vary the order first")
    if remaining_minutes <= 0:
        reasons.append("No hours remaining")
    return Placeability(placeable=not reasons, reasons=reasons)
