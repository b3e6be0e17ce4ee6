"""Pure rules about a case: key dates, the hours balance, caps and flags.

No database here: each rule takes plain values (and the policy in force) so it can be tested
on its own. `services.py` applies them when something is written; `selectors.py` when read.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta

from payback.core.formatting import format_minutes as format_minutes
from payback.core.selectors import PolicyBook
from payback.core.workingdays import add_working_days

# Sentencing Act 2020 Sch 9: statute, not local policy.
MIN_HOURS = 40
MAX_HOURS = 300
MAX_AGGREGATE_HOURS = 300
SSO_MIN_OPERATIONAL_MONTHS = 6
SSO_MAX_OPERATIONAL_MONTHS = 24
ADULT_AGE = 18


def age_on(date_of_birth: date, on: date) -> int:
    return relativedelta(on, date_of_birth).years


@dataclass(frozen=True)
class KeyDates:
    induction_due: date
    assessment_due: date
    reviews: tuple[date, ...]


def key_dates(sentence_date: date, book: PolicyBook) -> KeyDates:
    """Deadlines set by the policy in force on the day of sentence."""
    induction_days = book.value("induction_deadline_working_days", sentence_date)
    assessment_days = book.value("assessment_deadline_working_days", sentence_date)
    review_months = book.value("review_points_months", sentence_date)
    return KeyDates(
        induction_due=add_working_days(sentence_date, induction_days),
        assessment_due=add_working_days(sentence_date, assessment_days),
        reviews=tuple(sentence_date + relativedelta(months=m) for m in review_months),
    )


def window_end(sentence_date: date, book: PolicyBook) -> date | None:
    """End of the completion window for an order made on `sentence_date` (None if no window
    was in force that day)."""
    months = book.value("completion_window_months", sentence_date)
    return None if months is None else sentence_date + relativedelta(months=months)


def window_in_force(book: PolicyBook, on: date) -> bool:
    """False from the day a version with no window takes effect (Sentencing Act 2026 s.36)."""
    return book.value("completion_window_months", on) is not None


def completion_date(
    *,
    window_end: date | None,
    extended_until: date | None,
    operational_period_end: date | None,
    window_applies: bool,
) -> date | None:
    """The date by which all hours must be worked.

    The court's extension if there is one, else the end of the completion window while a
    window is in force; for a Suspended Sentence Order never later than the end of its
    operational period. None when no limit applies."""
    end: date | None
    if extended_until is not None:
        end = extended_until
    elif window_applies:
        end = window_end
    else:
        end = None
    if operational_period_end is not None:
        end = operational_period_end if end is None else min(end, operational_period_end)
    return end


@dataclass(frozen=True)
class Balance:
    ordered_minutes: int  # as sentenced
    variation_minutes: int  # added (or taken away) by the court since
    work_minutes: int
    travel_minutes: int
    ete_minutes: int
    earned_reduction_minutes: int
    stand_down_minutes: int = 0

    @property
    def total_ordered_minutes(self) -> int:
        return self.ordered_minutes + self.variation_minutes

    @property
    def credited_minutes(self) -> int:
        return (
            self.work_minutes
            + self.travel_minutes
            + self.ete_minutes
            + self.earned_reduction_minutes
            + self.stand_down_minutes
        )

    @property
    def remaining_minutes(self) -> int:
        return self.total_ordered_minutes - self.credited_minutes

    @property
    def percent_complete(self) -> int:
        if self.total_ordered_minutes <= 0:
            return 100
        return min(100, self.credited_minutes * 100 // self.total_ordered_minutes)


def balance_of(ordered_minutes: int, entries: Iterable[tuple[str, int]]) -> Balance:
    """The balance from (kind, minutes) pairs. Corrections carry their original's kind."""
    totals = {"work": 0, "travel": 0, "ete": 0, "earned_reduction": 0, "stand_down": 0, "court_variation": 0}
    for kind, minutes in entries:
        totals[kind] += minutes
    return Balance(
        ordered_minutes=ordered_minutes,
        variation_minutes=totals["court_variation"],
        work_minutes=totals["work"],
        travel_minutes=totals["travel"],
        ete_minutes=totals["ete"],
        earned_reduction_minutes=totals["earned_reduction"],
        stand_down_minutes=totals["stand_down"],
    )


def ete_cap_minutes(total_ordered_minutes: int, cap_percent: int) -> int:
    """Most minutes ETE may count for: a share of the ordered hours, rounded down."""
    return total_ordered_minutes * cap_percent // 100


def earned_reduction_entitlement(
    *,
    total_ordered_minutes: int,
    work: Iterable[tuple[date, int]],
    scheme: dict[str, Any] | None,
    scheme_start: date | None,
    earning_stopped_on: date | None,
) -> int:
    """Minutes of earned reduction a person is entitled to (Sentencing Act 2026 s.37).

    Work is taken in date order. Once the threshold share of the ordered hours has been
    worked, each further minute worked on a day the scheme is in force, and not after an
    unacceptable failure stopped earning, earns `minutes_per_hour / 60` of a minute, up to the
    cap. What was earned before a failure is kept."""
    if not scheme or scheme_start is None:
        return 0
    threshold = total_ordered_minutes * scheme["threshold_percent"] // 100
    cap = total_ordered_minutes * scheme["cap_percent"] // 100
    worked_so_far = 0
    eligible = 0
    for day, minutes in sorted(work):
        before = worked_so_far
        worked_so_far += minutes
        beyond = max(0, worked_so_far - max(before, threshold))
        if beyond and day >= scheme_start and (earning_stopped_on is None or day < earning_stopped_on):
            eligible += beyond
    return min(cap, eligible * scheme["minutes_per_hour"] // 60)


def aggregate_hours(requirements: Iterable[tuple[int, int | None, int]]) -> int:
    """Non-concurrent total hours of a person's live requirements.

    Each item is (id, concurrent_with id or None, hours). A concurrent requirement runs
    alongside the one it is concurrent with, so a group counts as its largest member;
    consecutive requirements add up."""
    items = list(requirements)
    root_of: dict[int, int] = {}
    by_id = {rid: parent for rid, parent, _ in items}

    def root(rid: int) -> int:
        seen = set()
        while by_id.get(rid) is not None and rid not in seen:
            seen.add(rid)
            parent = by_id[rid]
            assert parent is not None
            if parent not in by_id:
                break
            rid = parent
        return rid

    group_max: dict[int, int] = {}
    for rid, _, hours in items:
        root_of[rid] = root(rid)
        group_max[root_of[rid]] = max(group_max.get(root_of[rid], 0), hours)
    return sum(group_max.values())


def is_backlog(*, completion: date | None, remaining_minutes: int, closed: bool, on: date) -> bool:
    """Window passed with hours outstanding: no hours may be credited until a court variation."""
    return not closed and completion is not None and on > completion and remaining_minutes > 0


def is_at_risk(*, completion: date | None, remaining_minutes: int, weekly_minutes: int, closed: bool, on: date) -> bool:
    """Hours remaining cannot be worked at the weekly standard before the completion date."""
    if closed or completion is None or remaining_minutes <= 0 or on > completion:
        return False
    days_left = (completion - on).days
    return remaining_minutes * 7 > weekly_minutes * days_left
