"""Where people and projects are, and the weights and urgency of a week.

Home locations are an approximation. People have only a postcode, and the service has no postcode
lookup, so each person is placed at a deterministic point within about 6 km of the middle of the
PDU's projects, derived from a hash of their postcode. The same postcode always gives the same
point, and travel estimates are therefore stable from one run to the next, but they are not real
distances: a coordinator should treat a "travel" reason as a prompt to check, not a fact."""

import hashlib
from dataclasses import fields
from datetime import date, timedelta
from math import cos, pi, radians, sin, sqrt

from payback.core.policy import PolicyBook
from payback.projects.models import Project
from payback.staff.models import Pdu

from ..engine.model import Weights

# The middle of England, used only when none of the PDU's projects has a location.
DEFAULT_CENTRE = (52.56, -1.46)
HOME_RADIUS_KM = 6.0
KM_PER_DEGREE = 111.32
NO_LIMIT_WEEKS = 52.0
MAX_URGENCY = 5.0


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


# ---------------------------------------------------------------------------------------------
# Locations


def point_near(key: str, centre: tuple[float, float], *, radius_km: float = HOME_RADIUS_KM) -> tuple[float, float]:
    """A deterministic point within `radius_km` of `centre`, spread evenly over the disc, from a
    hash of `key` (a postcode). See the module's note: an approximation, not a geocode."""
    digest = hashlib.sha256(key.strip().upper().replace(" ", "").encode()).digest()
    a = int.from_bytes(digest[:4], "big") / 2**32
    b = int.from_bytes(digest[4:8], "big") / 2**32
    distance = radius_km * sqrt(a)
    angle = 2 * pi * b
    lat = centre[0] + distance * cos(angle) / KM_PER_DEGREE
    lon = centre[1] + distance * sin(angle) / (KM_PER_DEGREE * cos(radians(centre[0])))
    return (round(lat, 5), round(lon, 5))


def pdu_centre(pdu: Pdu) -> tuple[float, float]:
    """The middle of the PDU's projects that have a location."""
    located: list[tuple[float, float]] = [
        (float(lat), float(lon))
        for lat, lon in Project.objects.filter(pdu=pdu, latitude__isnull=False, longitude__isnull=False).values_list(
            "latitude", "longitude"
        )
        if lat is not None and lon is not None
    ]
    if not located:
        return DEFAULT_CENTRE
    return (
        round(sum(lat for lat, _ in located) / len(located), 5),
        round(sum(lon for _, lon in located) / len(located), 5),
    )


def project_location(project: Project, centre: tuple[float, float]) -> tuple[float, float]:
    if project.latitude is not None and project.longitude is not None:
        return (float(project.latitude), float(project.longitude))
    return point_near(project.postcode or f"project-{project.pk}", centre)


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
