"""Where people and projects are, and the weights and urgency of a week.

Homes and project sites are placed from the postcode directory (payback.places: the ONS Postcode
Directory). A project with its own latitude and longitude keeps them. A postcode the directory
does not know gives no place at all: nothing is made up. The engine then cannot check travel for
that person or site; the plan says so in its notes and in the person's reason (docs/places.md)."""

from dataclasses import fields
from datetime import date, timedelta

from payback.core.policy import PolicyBook
from payback.places.services import Point, postcode_places
from payback.projects.models import Project

from ..engine.model import Weights

NO_LIMIT_WEEKS = 52.0
MAX_URGENCY = 5.0


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


# ---------------------------------------------------------------------------------------------
# Locations


def homes_of(postcodes: dict[int, str]) -> dict[int, Point | None]:
    """Each person's home (by person id, from their postcode), or None where the postcode is unknown."""
    found = postcode_places(postcodes.values())
    return {pid: found.get(postcode) for pid, postcode in postcodes.items()}


def project_locations(projects: list[Project]) -> dict[int, Point | None]:
    """Each project's site (by project id): its own coordinates when it has them, else its
    postcode's place, else None (unknown)."""
    found = postcode_places(p.postcode for p in projects if p.latitude is None or p.longitude is None)
    return {p.pk: _project_location(p, found) for p in projects}


def _project_location(project: Project, found: dict[str, Point]) -> Point | None:
    if project.latitude is not None and project.longitude is not None:
        return (float(project.latitude), float(project.longitude))
    return found.get(project.postcode)


def home_unknown_note(name: str, postcode: str) -> str:
    if not postcode.strip():
        return f"{name} has no home postcode recorded: travel to work is not checked for them"
    return f"{name}'s home postcode {postcode} is not in the postcode directory: travel to work is not checked for them"


def site_unknown_note(project: Project) -> str:
    if not project.postcode.strip():
        return f"{project.name} has no site postcode or location: travel to it is not checked"
    return (
        f"{project.name}'s site postcode {project.postcode} is not in the postcode directory: "
        "travel to it is not checked"
    )


# ---------------------------------------------------------------------------------------------
# Weights and urgency


def weights_for(book: PolicyBook, week_start: date) -> Weights:
    """The goal weights in force on the week's Monday (policy data), with the weekly minimum."""
    raw = book.value("allocation_weights", week_start) or {}
    known = {f.name for f in fields(Weights)}
    values = {key: int(value) for key, value in raw.items() if key in known}
    values["weekly_minimum_minutes"] = int(book.value("weekly_offer_minimum_minutes", week_start))
    return Weights(**values)


def urgency_of(
    *, remaining: int, completion: date | None, week_start: date, weekly_minimum: int, at_risk: bool
) -> float:
    """Minutes remaining ÷ weeks left to the completion date, as a multiple of the weekly
    minimum (1 means they must be offered the minimum every week to finish), plus one when the
    case is at risk. From 0.5 to 5: the engine's scale."""
    weeks_left = max(1.0, (completion - week_start).days / 7) if completion else NO_LIMIT_WEEKS
    rate = remaining / weeks_left / max(1, weekly_minimum)
    return round(min(MAX_URGENCY, 0.5 + rate + (1.0 if at_risk else 0.0)), 2)
