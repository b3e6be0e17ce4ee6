"""The rules of management oversight, as pure functions (no Django): what is due and when."""

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from payback.core.workingdays import is_working_day

# Risk of serious harm levels, highest first, with the policy rule giving weeks between touch points.
TOUCH_POINT_RULES: tuple[tuple[str, str], ...] = (
    ("very_high", "touch_point_weeks_very_high"),
    ("high", "touch_point_weeks_high"),
    ("medium", "touch_point_weeks_medium"),
)


def risk_rank(level: str) -> int:
    """0 for the highest risk of serious harm; levels without touch points after every other."""
    levels = [name for name, _ in TOUCH_POINT_RULES]
    return levels.index(level) if level in levels else len(levels)


def is_overdue(due: date | None, today: date) -> bool:
    """Past its due day (something due today is not yet overdue)."""
    return due is not None and due < today


def supervision_due(
    *, started: date, last_held: date | None, weeks: int, unavailable: Collection[date] = frozenset()
) -> date:
    """When a practitioner's next 1:1 supervision is due: `weeks` after the last one, or after they
    started (joined the team, or the service) if that is later or they have not had one.

    A 1:1 needs both the practitioner and their senior, on a working day. When that day is a weekend,
    an England and Wales bank holiday or one of the `unavailable` days (either of them absent), it
    moves to the previous working day they are both available, after the last 1:1: seed 003 (the
    inspectorate's guide to the senior probation officer role) says the 1:1 happens *every six
    weeks* and that supervision should be regular, so six weeks is the longest gap, never exceeded
    because of leave or a holiday. Only when no such day is left between the last 1:1 and the due
    day (a long absence) does it move forward, to the first working day they are both back."""
    since = max(last_held or started, started)
    due = since + timedelta(weeks=weeks)
    return _available_before(due, since, unavailable) or _available_from(due, unavailable)


def _available(day: date, unavailable: Collection[date]) -> bool:
    return is_working_day(day) and day not in unavailable


def _available_before(due: date, since: date, unavailable: Collection[date]) -> date | None:
    """The latest available day from `due` back to the day after `since`, if there is one."""
    day = due
    while day > since:
        if _available(day, unavailable):
            return day
        day -= timedelta(days=1)
    return None


def _available_from(day: date, unavailable: Collection[date]) -> date:
    """The first available day on or after `day`."""
    while not _available(day, unavailable):
        day += timedelta(days=1)
    return day


def days_between(first: date, last: date) -> Iterator[date]:
    """Every day from `first` to `last`, both included."""
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)


def financial_year_start(day: date) -> date:
    """1 April of the financial year the day falls in (1 April to 31 March)."""
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def financial_year_end(day: date) -> date:
    """31 March ending the financial year the day falls in."""
    return date(financial_year_start(day).year + 1, 3, 31)


def full_months_into_year(day: date) -> int:
    """Whole months of the financial year gone by on the day (0 in April, 11 in March)."""
    return (day.month - 4) % 12


@dataclass(frozen=True)
class ReflectiveDue:
    """Reflective practice sessions still due this financial year, and whether the year's pace is behind."""

    observations: int
    case_reviews: int
    by: date
    behind: bool

    @property
    def total(self) -> int:
        return self.observations + self.case_reviews


def reflective_practice_due(
    *, observations_held: int, case_reviews_held: int, per_year: int, observations_per_year: int, today: date
) -> ReflectiveDue:
    """How many live observations and in-depth case reviews are still due by 31 March: of
    `per_year` sessions a year, `observations_per_year` are observations and the rest case reviews.
    Behind when fewer have been held than an even share of the year's months gone by asks for."""
    observations_wanted = min(observations_per_year, per_year)
    reviews_wanted = per_year - observations_wanted
    held = min(observations_held, observations_wanted) + min(case_reviews_held, reviews_wanted)
    expected = per_year * full_months_into_year(today) // 12
    return ReflectiveDue(
        observations=max(observations_wanted - observations_held, 0),
        case_reviews=max(reviews_wanted - case_reviews_held, 0),
        by=financial_year_end(today),
        behind=held < expected,
    )


def touch_point_due(
    *, risk: str, last_touch: date | None, sentenced: date, weeks_by_risk: dict[str, int]
) -> date | None:
    """When a case's next touch point is due: the weeks its risk of serious harm level asks for after
    the last touch point, or after the sentence. None for a level that needs none (low, or not known)."""
    weeks = weeks_by_risk.get(risk, 0)
    if weeks <= 0:
        return None
    return (last_touch or sentenced) + timedelta(weeks=weeks)
