"""The arithmetic of management information, as pure functions (no database, no Django): the
periods a figure covers, rates with their 95% confidence intervals (Wilson), comparing a group
with the rest of its scope, and hiding small numbers so nobody can be picked out."""

import math
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

Z_95 = 1.959964  # the normal quantile for a two-sided 95% interval
SMALL = 5  # counts from 1 to SMALL - 1 are never shown


# ---------------------------------------------------------------------------------------------
# Periods


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def last_year(self) -> "Period":
        """The same days a year earlier (29 February falls back to the 28th)."""
        return Period(self.start - relativedelta(years=1), self.end - relativedelta(years=1))


def period_of(kind: str, today: date) -> Period:
    """The period up to today: this week (from Monday), this month, this quarter (of the financial
    year, from April), or the financial year to date (from 1 April)."""
    if kind == "week":
        return Period(today - timedelta(days=today.weekday()), today)
    if kind == "month":
        return Period(today.replace(day=1), today)
    year_start = date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    if kind == "quarter":
        quarter = ((today.month - 4) % 12) // 3
        return Period(year_start + relativedelta(months=3 * quarter), today)
    if kind == "year":
        return Period(year_start, today)
    raise ValueError(f"Unknown period {kind}")


# ---------------------------------------------------------------------------------------------
# Rates and their intervals


@dataclass(frozen=True)
class Rate:
    count: int
    total: int
    low: float
    high: float

    @property
    def value(self) -> float | None:
        return self.count / self.total if self.total else None


def wilson(count: int, total: int, z: float = Z_95) -> Rate:
    """The share `count / total` with its Wilson score interval: sound for small numbers and for
    shares near 0 or 1, where the usual interval is not."""
    if total <= 0:
        return Rate(count, total, 0.0, 1.0)
    if not 0 <= count <= total:
        raise ValueError("count must be between 0 and total")
    p = count / total
    z2 = z * z
    denominator = 1 + z2 / total
    centre = (p + z2 / (2 * total)) / denominator
    half = (z / denominator) * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total))
    return Rate(count, total, max(0.0, centre - half), min(1.0, centre + half))


def differs(group: Rate, rest: Rate) -> bool:
    """Whether a group's rate differs from the rest of its scope: their intervals do not overlap."""
    if not group.total or not rest.total:
        return False
    return group.high < rest.low or rest.high < group.low


# ---------------------------------------------------------------------------------------------
# Small numbers


def suppress(cells: dict[str, int], *, small: int = SMALL) -> dict[str, int | None]:
    """The cells as they may be shown beside their total: a count from 1 to `small` - 1 is hidden
    (None), and where only one cell of the group would be hidden, the next smallest is hidden too,
    so that it cannot be worked out by taking the others from the total."""
    hidden = {key for key, count in cells.items() if 0 < count < small}
    if len(hidden) == 1:
        others = sorted((count, key) for key, count in cells.items() if key not in hidden and count > 0)
        if others:
            hidden.add(others[0][1])
    return {key: (None if key in hidden else count) for key, count in cells.items()}
