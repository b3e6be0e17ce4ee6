"""How the home page ranks the work waiting for someone, as pure functions (no Django).

Every kind of work is one of five urgencies: past its date, due today, waiting with no date
(a concern to acknowledge, a consultation to answer), due later, or for information only
(the week's stand-downs). The home page lists the most urgent first; within an urgency, the
earliest date first."""

from datetime import date, timedelta
from enum import IntEnum


class Urgency(IntEnum):
    OVERDUE = 0
    TODAY = 1
    WAITING = 2
    LATER = 3
    INFORMATION = 4


# The GOV.UK tag colour and words of each urgency (the later one names its date).
TAGS: dict[Urgency, tuple[str, str]] = {
    Urgency.OVERDUE: ("red", "Overdue"),
    Urgency.TODAY: ("orange", "Due today"),
    Urgency.WAITING: ("yellow", "Waiting"),
    Urgency.LATER: ("blue", "Due"),
    Urgency.INFORMATION: ("grey", "For information"),
}

# Work that comes round again (a 1:1, a touch point, an observation) is listed from this many days
# before it is due.
HORIZON_DAYS = 7


def urgency_of(due: date | None, today: date, *, undated: Urgency = Urgency.WAITING) -> Urgency:
    """Overdue before today, due today on the day, later after it; `undated` when there is no date."""
    if due is None:
        return undated
    if due < today:
        return Urgency.OVERDUE
    return Urgency.TODAY if due == today else Urgency.LATER


def rank_key(urgency: Urgency, due: date | None, label: str) -> tuple[int, date, str]:
    """Most urgent first; then the earliest date (undated last); then by name, so the order is stable."""
    return (int(urgency), due or date.max, label)


def within_horizon(due: date | None, today: date, *, days: int = HORIZON_DAYS) -> bool:
    """Overdue, due today or due within the next `days` days."""
    return due is not None and due <= today + timedelta(days=days)
