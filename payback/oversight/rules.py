"""The rules of management oversight, as pure functions (no Django): what is due and when."""

from dataclasses import dataclass
from datetime import date, timedelta

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


def supervision_due(*, started: date, last_held: date | None, weeks: int) -> date:
    """When a practitioner's next 1:1 supervision is due: `weeks` after the last one, or after they
    started (joined the team, or the service) if that is later or they have not had one."""
    return max(last_held or started, started) + timedelta(weeks=weeks)


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
