"""The plain data the engine works on. Times are minutes; days are ISO dates as strings."""

from dataclasses import dataclass, field
from math import asin, cos, radians, sin, sqrt

from payback import placement

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
PARTS = placement.DAY_PARTS


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    female: bool
    remaining_minutes: int
    # {weekday 0-6: {"morning", "afternoon", "evening"}}
    availability: dict[int, frozenset[str]]
    home: tuple[float, float] | None  # None: the home postcode is unknown (travel not checked)
    max_travel_minutes: int
    flags: frozenset[str] = frozenset()
    preference: str = ""  # "", "mixed", "women_only", "individual"
    group_unsuitable: bool = False
    non_associations: frozenset[int] = frozenset()
    assessed: bool = True
    backlog: bool = False
    urgency: float = 1.0  # minutes remaining ÷ working weeks left, scaled; at risk is higher
    at_risk: bool = False
    last_project: int | None = None


@dataclass(frozen=True)
class Session:
    id: int
    project_id: int
    project_name: str
    day: str  # ISO date
    weekday: int
    start: int  # minutes from midnight
    end: int
    capacity: int
    location: tuple[float, float] | None  # None: the site's postcode is unknown (travel not checked)
    individual: bool = False  # an individual placement rather than a group
    women_only: bool = False
    excluded_flags: frozenset[str] = frozenset()
    supervisor_female: bool = False
    supervisor_available: bool = True
    vehicle_available: bool = True

    @property
    def minutes(self) -> int:
        return self.end - self.start

    @property
    def open(self) -> bool:
        return self.supervisor_available and self.vehicle_available and self.capacity > 0


@dataclass(frozen=True)
class Weights:
    """How much each goal counts (policy data, looked up by the week planned)."""

    weekly_minimum_minutes: int = 360
    placed: int = 1000
    shortfall_per_hour: int = 3000
    urgency: int = 20
    female_supervisor: int = 150
    continuity: int = 120
    travel_per_minute: int = 8
    individual_share: int = 20
    half_empty_session: int = 80
    change_published: int = 5000


@dataclass
class Instance:
    people: list[Person]
    sessions: list[Session]
    weights: Weights = field(default_factory=Weights)
    pinned: list[tuple[int, int]] = field(default_factory=list)  # (person, session) that must stay
    forbidden: list[tuple[int, int]] = field(default_factory=list)  # (person, session) removed by hand
    published: list[tuple[int, int]] = field(default_factory=list)  # changing these costs heavily
    speed_kmh: float = 25.0


@dataclass
class Plan:
    """A plan and how it was made.

    `status`: `OPTIMAL` (CP-SAT proved no plan is better), `FEASIBLE` (keeps every rule, not
    proved best), `GREEDY` (the greedy baseline's plan: asked for, or all there is when the
    solver found none, and then `note` says why), `INFEASIBLE` or `UNKNOWN` (no plan).
    `solver_status` is CP-SAT's own status for the whole week ("" when it did not run), and
    `bound` the best objective it proved possible (None when it proved none)."""

    assignments: list[tuple[int, int]]
    reasons: dict[int, str]
    objective: float
    bound: float | None
    status: str
    seconds: float
    solver_status: str = ""
    note: str = ""

    @property
    def gap(self) -> float | None:
        """How far below the bound, relative: (bound − objective) ÷ max(|bound|, 1); None when
        there is no bound (so never 0 for want of one)."""
        return relative_gap(self.objective, self.bound)


def relative_gap(objective: float, bound: float | None) -> float | None:
    if bound is None:
        return None
    return max(0.0, bound - objective) / max(abs(bound), 1.0)


EARTH_KM = 6371.0  # the Earth's mean radius


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(radians, (*a, *b))
    h = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
    return EARTH_KM * 2 * asin(sqrt(h))


def travel_minutes(person: Person, session: Session, speed_kmh: float) -> int | None:
    """A door-to-site estimate: straight-line distance at an urban average speed, plus 10 minutes;
    None when the home or the site is not known (then travel cannot be checked)."""
    if person.home is None or session.location is None:
        return None
    return round(distance_km(person.home, session.location) / speed_kmh * 60) + 10


def travel_cost(person: Person, session: Session, speed_kmh: float) -> int:
    """The minutes the travel goal counts: the estimate, or the person's travel limit when the
    home or the site is not known (the most the travel rule would allow), so that a known short
    journey is preferred to an unknown one."""
    minutes = travel_minutes(person, session, speed_kmh)
    return person.max_travel_minutes if minutes is None else minutes


def place_unknown(person: Person, session: Session) -> bool:
    """Whether travel between this person's home and this session's site cannot be checked."""
    return person.home is None or session.location is None


def available_for(person: Person, session: Session) -> bool:
    return placement.is_available(person, session)


def days_available(person: Person) -> str:
    return ", ".join(DAY_NAMES[d] for d in sorted(person.availability) if person.availability[d]) or "none"
