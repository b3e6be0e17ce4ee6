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
from payback.core.policy import PolicyBook
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

    Work is taken day by day in date order, each day's entries netted (a correction is dated
    the day of the entry it reverses). Once the threshold share of the ordered hours has been
    worked, each further minute worked on a day the scheme is in force, and not after an
    unacceptable failure stopped earning, earns `minutes_per_hour / 60` of a minute, up to the
    cap. What was earned before a failure is kept.

    Rounding (whole minutes): the threshold and the cap are the shares of the total ordered
    minutes rounded down; the reduction is worked out on the running total of eligible minutes
    and rounded down, so an odd minute's half minute is earned with the next eligible minute
    (two credits of 61 eligible minutes earn 61 minutes, not 30 + 30)."""
    if not scheme or scheme_start is None:
        return 0
    threshold = total_ordered_minutes * scheme["threshold_percent"] // 100
    cap = total_ordered_minutes * scheme["cap_percent"] // 100
    by_day: dict[date, int] = {}
    for day, minutes in work:
        by_day[day] = by_day.get(day, 0) + minutes
    worked_so_far = 0
    eligible = 0
    for day, minutes in sorted(by_day.items()):
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


# ---------------------------------------------------------------------------------------------
# What a credit is worth: the part of it still needed, and the earned reduction that follows


@dataclass(frozen=True)
class EarningTerms:
    """The earned reduction scheme as it applies to one requirement."""

    scheme: dict[str, Any] | None
    scheme_start: date | None
    earning_stopped_on: date | None


def reduction_change(*, balance: Balance, work: Iterable[tuple[date, int]], terms: EarningTerms) -> int:
    """Minutes to add to (or, when negative, take from) the earned reduction so that it matches the
    entitlement for the work in the ledger, never taking what is owed below zero."""
    entitled = earned_reduction_entitlement(
        total_ordered_minutes=balance.total_ordered_minutes,
        work=work,
        scheme=terms.scheme,
        scheme_start=terms.scheme_start,
        earning_stopped_on=terms.earning_stopped_on,
    )
    return min(entitled - balance.earned_reduction_minutes, balance.remaining_minutes)


# The credits that count towards the balance, each added to its own total ("work" to `work_minutes`).
_BALANCE_FIELD = {kind: f"{kind}_minutes" for kind in ("work", "travel", "ete", "stand_down")}


@dataclass(frozen=True)
class CreditDecision:
    """How much of a credit to post, and the earned reduction that posting it brings."""

    kind: str
    requested: int
    credited: int
    reduction: int
    remaining_before: int
    remaining_after: int

    @property
    def capped(self) -> bool:
        return self.credited < self.requested

    @property
    def note(self) -> str:
        """Why less than asked was credited (empty when all of it was)."""
        if not self.capped:
            return ""
        asked, given = format_minutes(self.requested), format_minutes(self.credited)
        if self.reduction > 0:
            return (
                f"capped at {given} of the {asked}: with the {format_minutes(self.reduction)} of earned "
                "reduction it earns, that completes the order"
            )
        return f"capped at the {given} owed, of the {asked}: that completes the order"


def _after(
    *, balance: Balance, work: list[tuple[date, int]], terms: EarningTerms, kind: str, minutes: int, on: date
) -> tuple[int, int]:
    """(earned reduction change, minutes still owed) once `minutes` of `kind` are credited."""
    field = _BALANCE_FIELD[kind]
    credited = Balance(**{**balance.__dict__, field: getattr(balance, field) + minutes})
    worked = [*work, (on, minutes)] if kind == "work" and minutes else work
    change = reduction_change(balance=credited, work=worked, terms=terms)
    return change, credited.remaining_minutes - change


def credit_needed(
    *,
    kind: str,
    minutes: int,
    occurred_on: date,
    balance: Balance,
    work: Iterable[tuple[date, int]],
    terms: EarningTerms,
) -> CreditDecision:
    """The part of a credit of `minutes` that is needed, taking into account the earned reduction
    the credit itself earns: the fewest minutes that leave nothing owed, or all of them if even
    all of them leave something owed.

    Earned reduction is worked out on the running total (see `earned_reduction_entitlement`), so
    when the last minute needed would earn a half minute more than is owed, the reduction posted is
    only what completes the order: nothing owed, never less than nothing."""
    work = list(work)
    if kind not in _BALANCE_FIELD:
        raise ValueError(f"{kind} is not a credit")

    def after(n: int) -> tuple[int, int]:
        return _after(balance=balance, work=work, terms=terms, kind=kind, minutes=n, on=occurred_on)

    credited = minutes
    if minutes > 0 and after(minutes)[1] <= 0:
        # What is owed falls as the credit grows: the smallest credit that leaves nothing owed.
        low, high = 0, minutes
        while low < high:
            middle = (low + high) // 2
            if after(middle)[1] <= 0:
                high = middle
            else:
                low = middle + 1
        credited = low
    change, remaining = after(credited)
    return CreditDecision(
        kind=kind,
        requested=minutes,
        credited=credited,
        reduction=change,
        remaining_before=balance.remaining_minutes,
        remaining_after=remaining,
    )


def travel_day_room(*, cap_minutes: int, recorded_that_day: int) -> int:
    """Minutes of travel that may still be credited for a day: the cap applies to all the travel
    adjustments for the same day together (net of corrections), not to each one."""
    return max(0, cap_minutes - recorded_that_day)


def work_still_needed(*, balance: Balance, work: Iterable[tuple[date, int]], terms: EarningTerms, on: date) -> int:
    """The minutes of work that will clear the order if the person keeps complying from `on`: what
    remains, less the earned reduction that work will itself earn. Once earning has stopped (an
    unacceptable failure), or where no scheme is in force, it is simply what remains."""
    if balance.remaining_minutes <= 0:
        return 0
    needed = credit_needed(
        kind="work", minutes=balance.remaining_minutes, occurred_on=on, balance=balance, work=work, terms=terms
    )
    return needed.credited


def most_still_earnable(*, balance: Balance, terms: EarningTerms, on: date) -> int:
    """The most earned reduction that can still be earned: the cap less what is earned, while the
    scheme is in force and earning has not stopped."""
    if not terms.scheme or (terms.earning_stopped_on is not None and terms.earning_stopped_on <= on):
        return 0
    cap = balance.total_ordered_minutes * terms.scheme["cap_percent"] // 100
    return max(0, min(cap - balance.earned_reduction_minutes, balance.remaining_minutes))
