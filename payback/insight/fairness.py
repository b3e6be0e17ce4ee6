"""Outcomes by protected characteristic: whether people of one group fare differently from everyone
else in the same area and period.

`outcomes_write` keeps one `CaseOutcome` row for each closed requirement (what happened, and who the
person is as recorded now), counted from the records in a few set-based queries. `fairness_table`
reads those rows for an area and a period, one characteristic at a time: for each group, each
outcome's rate with its 95% interval beside the rate for the rest of the area, with small numbers
hidden so that nobody can be picked out."""

import itertools
import statistics
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import Count, F, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate

from payback.cases import rules as case_rules
from payback.cases.models import (
    CLOSED_STATUSES,
    CaseStatus,
    CaseStatusChange,
    LedgerEntry,
    LedgerKind,
    Requirement,
    Sex,
)
from payback.delivery.models import Appointment, Outcome
from payback.delivery.rules import ATTENDED
from payback.enforcement.models import Action, Step

from . import rules
from .models import CaseOutcome
from .rules import Period, Rate
from .sources import INDIVIDUAL, SENT_HOME

WRITE_BATCH = 5000
STARTED_WITHIN_DAYS = 28
INDUCTION_SOURCE, TIMESHEET_SOURCE = "induction", "individual_placement"  # the ledger's sources of work
NOT_RECORDED = "Not recorded"
PREFER_NOT_TO_SAY = "Prefer not to say"
DISABLED, NOT_DISABLED = "Disabled", "Not disabled"
# Free-text disability answers that say there is no disability or long-term condition.
NO_DISABILITY = {"", "no", "none", "n/a", "na", "nil", "no disability", "not disabled", "no condition"}
AGE_BANDS = ((25, "18–24"), (35, "25–34"), (50, "35–49"))
OLDEST_BAND = "50 or over"  # the kept field holds 10 characters
SCOPES = {"region_id", "pdu_id", "practitioner_id"}


class Characteristic(NamedTuple):
    key: str
    label: str


class OutcomeMeasure(NamedTuple):
    key: str
    label: str
    definition: str


CHARACTERISTICS = (
    Characteristic("sex", "Sex"),
    Characteristic("ethnicity", "Ethnic group"),
    Characteristic("age_band", "Age when sentenced"),
    Characteristic("disability", "Disability"),
    Characteristic("religion", "Religion or belief"),
)
OUTCOMES = (
    OutcomeMeasure("completion", "Completed", "The requirement ended with all its hours done."),
    OutcomeMeasure("breach", "Breach action", "Breach action was taken at least once and not withdrawn."),
    OutcomeMeasure(
        "sent_home", "Sent home", "Sent home from a session, or sent away for arriving late, at least once."
    ),
    OutcomeMeasure("stood_down", "Stood down", "Booked on a session the service stood down at least once."),
    OutcomeMeasure(
        "individual_placement",
        "Individual placement",
        "Of those who worked, the share who worked on an individual placement or one they found themselves.",
    ),
    OutcomeMeasure(
        "started_within_28_days",
        "Started within 28 days",
        "First worked within 28 days of being sentenced: a session attended or hours credited, not the induction.",
    ),
)
MEDIAN_DAYS_DEFINITION = "Of those who worked, the middle number of days from being sentenced to the first day worked."
# What each outcome counts, and among whom (the CaseOutcome counts `fairness_table` adds up).
_COUNTED = {
    "completion": ("completed", "people"),
    "breach": ("breached", "people"),
    "sent_home": ("sent_home", "people"),
    "stood_down": ("stood_down", "people"),
    "individual_placement": ("individual_placement", "worked"),
    "started_within_28_days": ("started_within_28_days", "people"),
}
GROUP_ORDER = {
    "sex": [label for _, label in Sex.choices],
    "ethnicity": ["White", "Mixed", "Asian or Asian British", "Black or Black British", "Other ethnic group"],
    "age_band": [band for _, band in AGE_BANDS] + [OLDEST_BAND],
    "disability": [DISABLED, NOT_DISABLED],
    "religion": [],  # in order of size
}


# ---------------------------------------------------------------------------------------------
# The person's characteristics, from what is recorded


def sex_label(value: str) -> str:
    return Sex(value).label if value in Sex.values else NOT_RECORDED


def ethnic_group(answer: str | None) -> str:
    """The ONS top-level group: the text before the colon ("White", "Mixed", …)."""
    if not answer or answer == PREFER_NOT_TO_SAY:
        return NOT_RECORDED
    return answer.split(":", 1)[0].strip()


def age_band(date_of_birth: date, sentenced: date) -> str:
    age = case_rules.age_on(date_of_birth, sentenced)
    return next((band for below, band in AGE_BANDS if age < below), OLDEST_BAND)


def disability_group(recorded: bool, answer: str | None) -> str:
    """The form asks for any disability or long-term health condition in the person's own words:
    left empty (or "none") on a recorded form, there is none; no form, or "prefer not to say", is
    not recorded; anything else describes one."""
    said = (answer or "").strip().lower().rstrip(".")
    if not recorded or said == PREFER_NOT_TO_SAY.lower():
        return NOT_RECORDED
    return NOT_DISABLED if said in NO_DISABILITY else DISABLED


def religion_group(answer: str | None) -> str:
    if not answer or answer == PREFER_NOT_TO_SAY:
        return NOT_RECORDED
    return answer[:40]


# ---------------------------------------------------------------------------------------------
# Writing the outcomes of closed requirements


def _plain(rows: Iterable[Any]) -> list[dict[str, Any]]:
    """The rows of a `values()` query, as plain dictionaries."""
    return list(rows)


def _closed(closed_since: date | None) -> QuerySet[Requirement]:
    """Closed requirements with the day they closed: the last change to a closed status (or the
    day the requirement was recorded, if no change was kept)."""
    last_close = (
        CaseStatusChange.objects.filter(requirement=OuterRef("pk"), to_status__in=CLOSED_STATUSES)
        .order_by("-changed_at", "-pk")
        .values("changed_at")[:1]
    )
    closed = Requirement.objects.filter(status__in=CLOSED_STATUSES).annotate(
        closed_on=TruncDate(Coalesce(Subquery(last_close), F("created_at")))
    )
    return closed if closed_since is None else closed.filter(closed_on__gte=closed_since)


def _appointments(ids: QuerySet[Any]) -> dict[int, dict[str, Any]]:
    rows = (
        Appointment.objects.filter(requirement__in=ids, cancelled_at__isnull=True)
        .values("requirement_id")
        .annotate(
            sent_home=Count("pk", filter=Q(outcome__in=SENT_HOME)),
            stood_down=Count("pk", filter=Q(outcome=Outcome.STOOD_DOWN)),
            individual=Count(
                "pk",
                filter=Q(credited_entry__kind=LedgerKind.WORK, session__project__project_type__in=INDIVIDUAL),
            ),
            first=Min("date", filter=Q(outcome__in=ATTENDED)),
        )
        .order_by()
    )
    return {row["requirement_id"]: row for row in _plain(rows)}


def _work(ids: QuerySet[Any]) -> dict[int, dict[str, Any]]:
    """Work credited in the ledger (from sessions, timesheets or earlier records), first day and
    timesheet lines: not the induction, nor work a correction took back."""
    rows = (
        LedgerEntry.objects.filter(requirement__in=ids, kind=LedgerKind.WORK, minutes__gt=0, reversed_by__isnull=True)
        .exclude(source=INDUCTION_SOURCE)
        .values("requirement_id")
        .annotate(first=Min("occurred_on"), sheets=Count("pk", filter=Q(source=TIMESHEET_SOURCE)))
        .order_by()
    )
    return {row["requirement_id"]: row for row in _plain(rows)}


def _breached(ids: QuerySet[Any]) -> set[int]:
    actions = Action.objects.filter(requirement__in=ids, step=Step.BREACH, withdrawn_at__isnull=True)
    return set(actions.values_list("requirement_id", flat=True).distinct())


_FACTS = ("pk", "status", "closed_on", "order__sentence_date", "person__pdu_id", "person__pdu__region_id")
_PERSON = ("practitioner_id", "sex", "date_of_birth")
_FORM = ("diversity__pk", "diversity__ethnicity", "diversity__religion_or_belief", "diversity__disability")


def _outcome(row: dict[str, Any], sessions: dict[str, Any], work: dict[str, Any], breached: bool) -> CaseOutcome:
    sentenced = row["order__sentence_date"]
    first_days = [day for day in (sessions.get("first"), work.get("first")) if day is not None]
    days = (min(first_days) - sentenced).days if first_days else None
    return CaseOutcome(
        requirement_id=row["pk"],
        region_id=row["person__pdu__region_id"],
        pdu_id=row["person__pdu_id"],
        practitioner_id=row["person__practitioner_id"],
        closed_on=row["closed_on"],
        sex=sex_label(row["person__sex"]),
        ethnicity=ethnic_group(row["person__diversity__ethnicity"]),
        age_band=age_band(row["person__date_of_birth"], sentenced),
        disability=disability_group(row["person__diversity__pk"] is not None, row["person__diversity__disability"]),
        religion=religion_group(row["person__diversity__religion_or_belief"]),
        completed=row["status"] == CaseStatus.COMPLETED,
        breached=breached,
        sent_home=bool(sessions.get("sent_home")),
        stood_down=bool(sessions.get("stood_down")),
        individual_placement=bool(sessions.get("individual") or work.get("sheets")),
        worked=bool(first_days),
        started_within_28_days=days is not None and days <= STARTED_WITHIN_DAYS,
        days_to_first_session=days,
    )


@transaction.atomic
def outcomes_write(*, closed_since: date | None) -> int:
    """Write again the outcome of each requirement closed on or after `closed_since` (of every
    closed requirement when None), and say how many were written."""
    closed = _closed(closed_since)
    ids = closed.values("pk")
    sessions, work, breached = _appointments(ids), _work(ids), _breached(ids)
    rows = closed.values(*_FACTS, *(f"person__{name}" for name in _PERSON + _FORM))
    stale = CaseOutcome.objects.all()
    if closed_since is not None:
        stale = stale.filter(Q(closed_on__gte=closed_since) | Q(requirement__in=ids))
    stale.delete()
    outcomes = (
        _outcome(row, sessions.get(row["pk"], {}), work.get(row["pk"], {}), row["pk"] in breached) for row in rows
    )
    return _write(outcomes)


def _write(outcomes: Iterator[CaseOutcome]) -> int:
    written = 0
    while batch := list(itertools.islice(outcomes, WRITE_BATCH)):
        written += len(CaseOutcome.objects.bulk_create(batch))
    return written


# ---------------------------------------------------------------------------------------------
# The fairness table


def _medians(cohort: QuerySet[CaseOutcome], characteristic: str) -> tuple[dict[str, float], float | None]:
    """The median days to the first day worked, for each group and for everyone (the mean of the
    middle two of an even count): worked out here so that it reads the same on every database."""
    days: dict[str, list[int]] = defaultdict(list)
    worked = cohort.filter(days_to_first_session__isnull=False).values_list(characteristic, "days_to_first_session")
    for group, count in worked:
        days[group].append(count)
    everyone = [count for counts in days.values() for count in counts]
    return {g: statistics.median(c) for g, c in days.items()}, (statistics.median(everyone) if everyone else None)


@dataclass(frozen=True)
class Figure:
    """One outcome for one group: how many of how many, as a rate with its 95% interval, beside the
    rate for everyone else in the area, and whether the two differ (their intervals do not overlap).
    A suppressed figure has no count, rate or interval, nor a total where that is small too, and is
    never flagged."""

    count: int | None
    total: int | None
    rate: Rate | None
    rest: Rate | None
    differs: bool
    suppressed: bool


@dataclass(frozen=True)
class GroupRow:
    name: str
    people: int | None  # None when suppressed
    figures: dict[str, Figure]  # by outcome key, in the order of OUTCOMES
    median_days: float | None  # from sentence to the first day worked; None if no one worked or suppressed
    median_suppressed: bool

    @property
    def suppressed(self) -> bool:
        return self.people is None


@dataclass(frozen=True)
class FairnessTable:
    """The outcomes of the requirements closed in a period in an area, by one characteristic."""

    characteristic: Characteristic
    period: Period
    people: int | None  # everyone in the table; None when there are only 1 to 4
    groups: tuple[GroupRow, ...]
    overall: dict[str, Rate]  # the area's rate for each outcome (none when `people` is suppressed)
    median_days: float | None


def _tallies() -> dict[str, Any]:
    """What each group adds up, named apart from the fields (as "n_worked") so that no count
    stands in for a field in another's filter."""
    counted = {f"n_{field}": Count("pk", filter=Q(**{field: True})) for field, _ in _COUNTED.values()}
    return {
        **counted,
        "n_individual_placement": Count("pk", filter=Q(worked=True, individual_placement=True)),
        "n_worked": Count("pk", filter=Q(worked=True)),
        "n_people": Count("pk"),
        "n_first_sessions": Count("days_to_first_session"),
    }


def _hidden(cells: dict[str, int], forced: set[str]) -> set[str]:
    """The cells to hide: small counts (and the next smallest, see `rules.suppress`), those hidden
    already elsewhere in the table, and again the next smallest if only one would be hidden."""
    hidden = {name for name, shown in rules.suppress(cells).items() if shown is None} | (forced & set(cells))
    if len(hidden) == 1:
        others = sorted((count, name) for name, count in cells.items() if name not in hidden and count > 0)
        if others:
            hidden.add(others[0][1])
    return hidden


def _figure(count: int, total: int, everyone: tuple[int, int], *, total_hidden: bool, hidden: bool) -> Figure:
    if hidden:
        return Figure(None, None if total_hidden else total, None, None, False, True)
    rate = rules.wilson(count, total) if total else None
    rest_total = everyone[1] - total
    rest = rules.wilson(everyone[0] - count, rest_total) if rest_total else None
    flagged = rate is not None and rest is not None and rules.differs(rate, rest)
    return Figure(count, total, rate, rest, flagged, False)


def _figures(tallies: dict[str, dict[str, Any]], hidden_people: set[str]) -> dict[str, dict[str, Figure]]:
    figures: dict[str, dict[str, Figure]] = {name: {} for name in tallies}
    for key, (counted, among) in _COUNTED.items():
        totals = {name: row[among] for name, row in tallies.items()}
        hidden_totals = hidden_people if among == "people" else _hidden(totals, hidden_people)
        hidden = hidden_totals | _hidden({name: row[counted] for name, row in tallies.items()}, hidden_totals)
        everyone = (sum(row[counted] for row in tallies.values()), sum(totals.values()))
        for name, row in tallies.items():
            figures[name][key] = _figure(
                row[counted], row[among], everyone, total_hidden=name in hidden_totals, hidden=name in hidden
            )
    return figures


def _ordered(characteristic: str, tallies: dict[str, dict[str, Any]]) -> list[str]:
    """Groups in their usual order, any others by size, and those not recorded last."""
    known = [name for name in GROUP_ORDER[characteristic] if name in tallies]
    others = sorted(
        (name for name in tallies if name not in known and name != NOT_RECORDED),
        key=lambda name: (-tallies[name]["people"], name),
    )
    return known + others + ([NOT_RECORDED] if NOT_RECORDED in tallies else [])


def _cohort(where: dict[str, int], period: Period) -> QuerySet[CaseOutcome]:
    unknown = set(where) - SCOPES
    if unknown:
        raise ValueError(f"Outcomes cannot be filtered by {', '.join(sorted(unknown))}")
    return CaseOutcome.objects.filter(closed_on__gte=period.start, closed_on__lte=period.end, **where)


def fairness_table(*, where: dict[str, int], period: Period, characteristic: str) -> FairnessTable:
    """The outcomes of the requirements closed in `period` within `where` (region_id, pdu_id or
    practitioner_id), for each group of `characteristic` (a key of CHARACTERISTICS)."""
    chosen = next((c for c in CHARACTERISTICS if c.key == characteristic), None)
    if chosen is None:
        raise ValueError(f"Unknown characteristic {characteristic}")
    cohort = _cohort(where, period)
    rows = cohort.values(group=F(characteristic)).annotate(**_tallies()).order_by()
    found = {row["group"]: {key.removeprefix("n_"): value for key, value in row.items()} for row in _plain(rows)}
    medians, median = _medians(cohort, characteristic)
    for name, row in found.items():
        row["median_days"] = medians.get(name)
    tallies = {name: found[name] for name in _ordered(characteristic, found)}
    hidden_people = _hidden({name: row["people"] for name, row in tallies.items()}, set())
    hidden_medians = _hidden({name: row["first_sessions"] for name, row in tallies.items()}, hidden_people)
    figures = _figures(tallies, hidden_people)
    groups = tuple(
        GroupRow(
            name=name,
            people=None if name in hidden_people else row["people"],
            figures=figures[name],
            median_days=None if name in hidden_medians else row["median_days"],
            median_suppressed=name in hidden_medians,
        )
        for name, row in tallies.items()
    )
    people = sum(row["people"] for row in tallies.values())
    if 0 < people < rules.SMALL:
        return FairnessTable(chosen, period, None, groups, {}, None)
    overall = {
        key: rules.wilson(sum(row[counted] for row in tallies.values()), sum(row[among] for row in tallies.values()))
        for key, (counted, among) in _COUNTED.items()
    }
    return FairnessTable(chosen, period, people, groups, overall, median)
