"""Counting the figures from the records themselves: each flow by day, PDU and practitioner for a
run of days, and each stock as it stands on a day. `services.py` keeps what these count; a
practitioner's own figures are counted here directly, their caseload being small.

Casework is counted in the PDU of the person's case; sessions and incidents in the project's."""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Exists, F, Max, Min, OuterRef, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from payback.cases import rules as case_rules
from payback.cases.models import (
    CLOSED_STATUSES,
    Assessment,
    CaseStatus,
    CaseStatusChange,
    Induction,
    InductionOutcome,
    LedgerEntry,
    LedgerKind,
    Requirement,
)
from payback.cases.selectors import requirement_still_needed
from payback.core.policy import PolicyBook
from payback.delivery.models import Appointment, Incident, IndividualPlacementTimesheet, Outcome, Session, SessionStatus
from payback.enforcement import rules as enforcement_rules
from payback.enforcement.models import Action
from payback.enforcement.selectors import overdue_decisions
from payback.projects.models import BeneficiarySurvey, ProjectType, Satisfaction

Key = tuple[date, int, int | None, str]  # day, PDU, practitioner (None for sessions), measure
Counts = Counter[Key]

ATTENDED = {o for o in Outcome.values if o.startswith(("attended_", "sent_home_"))}
COMPLIED = {Outcome.ATTENDED_COMPLIED, Outcome.ACCEPTABLE_ABSENCE}
SENT_HOME = {o for o in Outcome.values if o.startswith("sent_home_")} | {Outcome.LATE_SENT_AWAY}
NOT_DUE = {"", Outcome.RESCHEDULED, Outcome.STOOD_DOWN}
INDIVIDUAL = (ProjectType.INDIVIDUAL, ProjectType.PIP)


@dataclass(frozen=True)
class Where:
    """Whose figures: everyone's, one PDU's or one practitioner's caseload."""

    pdu: int | None = None
    practitioner: int | None = None

    def cases(self, person: str) -> dict[str, int]:
        """Filter arguments for records reached from the person at `person` (like "requirement__person")."""
        found = {"pdu_id": self.pdu, "practitioner_id": self.practitioner}
        return {f"{person}__{k}": v for k, v in found.items() if v is not None}

    def projects(self, project: str) -> dict[str, int] | None:
        """For sessions and incidents: None when a caseload is asked for (they are not casework)."""
        if self.practitioner is not None:
            return None
        return {} if self.pdu is None else {f"{project}__pdu_id": self.pdu}


def _rows(rows: Iterable[Any]) -> list[dict[str, Any]]:
    """The rows of a `values()` query, as plain dictionaries."""
    return list(rows)


def _add(counts: Counts, rows: Iterable[Any], measure: str, value: str = "n") -> None:
    for row in _rows(rows):
        if row[value]:
            counts[(row["day"], row["pdu"], row.get("practitioner"), measure)] += row[value]


def _case_keys(person: str) -> dict[str, F]:
    return {"pdu": F(f"{person}__pdu_id"), "practitioner": F(f"{person}__practitioner_id")}


def _between(first: date, last: date, field: str) -> dict[str, date]:
    return {f"{field}__gte": first, f"{field}__lte": last}


# ---------------------------------------------------------------------------------------------
# Flows


def _hours(counts: Counts, first: date, last: date, where: Where) -> None:
    made = Requirement.objects.filter(**_between(first, last, "order__sentence_date"), **where.cases("person"))
    _add(
        counts,
        made.values(day=F("order__sentence_date"), **_case_keys("person")).annotate(n=Sum("ordered_minutes")),
        "ordered_minutes",
    )
    _add(
        counts,
        made.values(day=F("order__sentence_date"), **_case_keys("person")).annotate(n=Count("id")),
        "requirements_made",
    )
    ledger = LedgerEntry.objects.filter(**_between(first, last, "occurred_on"), **where.cases("requirement__person"))
    by_day = _rows(
        ledger.values("kind", day=F("occurred_on"), **_case_keys("requirement__person")).annotate(n=Sum("minutes"))
    )
    for kind, measure in (
        (LedgerKind.COURT_VARIATION, "ordered_minutes"),
        (LedgerKind.WORK, "worked_minutes"),
        (LedgerKind.ETE, "ete_minutes"),
    ):
        _add(counts, (row for row in by_day if row["kind"] == kind), measure)


def _individual(counts: Counts, first: date, last: date, where: Where) -> None:
    sessions = Appointment.objects.filter(
        **_between(first, last, "date"),
        **where.cases("person"),
        session__project__project_type__in=INDIVIDUAL,
        credited_entry__kind=LedgerKind.WORK,  # not a stand-down credit
    )
    _add(
        counts,
        sessions.values(day=F("date"), **_case_keys("person")).annotate(n=Sum("credited_entry__minutes")),
        "individual_minutes",
    )
    sheets = IndividualPlacementTimesheet.objects.filter(
        **_between(first, last, "worked_on"), **where.cases("requirement__person"), credited_entry__isnull=False
    )
    rows = sheets.values(day=F("worked_on"), **_case_keys("requirement__person")).annotate(
        n=Sum("credited_entry__minutes")
    )
    _add(counts, rows, "individual_minutes")


def _offered_and_attendance(counts: Counts, first: date, last: date, where: Where) -> None:
    booked = Appointment.objects.filter(
        **_between(first, last, "date"), **where.cases("person"), cancelled_at__isnull=True
    )
    rows = booked.values(
        "outcome", "session__start_time", "session__end_time", day=F("date"), **_case_keys("person")
    ).annotate(n=Count("id"))
    for row in _rows(rows):
        key = (row["day"], row["pdu"], row["practitioner"])
        counts[(*key, "offered_minutes")] += row["n"] * _minutes(row["session__start_time"], row["session__end_time"])
        outcome = row["outcome"]
        if outcome in NOT_DUE:
            continue
        counts[(*key, "appointments_due")] += row["n"]
        for measure, outcomes in (("attended", ATTENDED), ("complied", COMPLIED), ("sent_home", SENT_HOME)):
            if outcome in outcomes:
                counts[(*key, measure)] += row["n"]


def _minutes(start: time, end: time) -> int:
    return max(0, int((datetime.combine(date.min, end) - datetime.combine(date.min, start)).total_seconds() // 60))


def _started(counts: Counts, first: date, last: date, where: Where) -> None:
    """Each requirement counts on the first day it was worked: looked for among those worked in the days asked."""
    work = LedgerEntry.objects.filter(kind=LedgerKind.WORK, minutes__gt=0)
    worked_then = work.filter(**_between(first, last, "occurred_on"), **where.cases("requirement__person"))
    firsts = (
        work.filter(requirement__in=worked_then.values("requirement_id"))
        .values("requirement_id")
        .annotate(
            day=Min("occurred_on"),
            pdu=F("requirement__person__pdu_id"),
            practitioner=F("requirement__person__practitioner_id"),
        )
        .filter(**_between(first, last, "day"))
    )
    _add(counts, ({**row, "n": 1} for row in firsts), "requirements_started")


def _completed(counts: Counts, first: date, last: date, where: Where) -> None:
    """Each requirement counts once, on the day it was last completed (a correction may reopen it)."""
    completions = CaseStatusChange.objects.filter(to_status=CaseStatus.COMPLETED)
    then = completions.filter(
        changed_at__date__gte=first, changed_at__date__lte=last, **where.cases("requirement__person")
    )
    latest = (
        completions.filter(requirement__in=then.values("requirement_id"))
        .values("requirement_id")
        .annotate(at=Max("changed_at"))
        .values_list("requirement_id", "at")
    )
    days = {pk: timezone.localdate(at) for pk, at in latest}
    done = Requirement.objects.filter(pk__in=[pk for pk, day in days.items() if first <= day <= last])
    for row in _rows(done.values("pk", "due_date", **_case_keys("person"))):
        day = days[row["pk"]]
        key = (day, row["pdu"], row["practitioner"])
        counts[(*key, "completed")] += 1
        if row["due_date"] is None or day <= row["due_date"]:
            counts[(*key, "completed_in_time")] += 1


def _deadlines(counts: Counts, first: date, last: date, where: Where) -> None:
    inducted = Induction.objects.filter(
        requirement=OuterRef("pk"), outcome=InductionOutcome.ATTENDED, starts_at__date__lte=OuterRef("induction_due")
    )
    assessed = Assessment.objects.filter(
        person=OuterRef("person"),
        submitted_at__date__gte=OuterRef("order__sentence_date"),
        submitted_at__date__lte=OuterRef("assessment_due"),
    )
    cases = Requirement.objects.filter(**where.cases("person"))
    for field, check, due, on_time in (
        ("induction_due", inducted, "inductions_due", "inductions_on_time"),
        ("assessment_due", assessed, "assessments_due", "assessments_on_time"),
    ):
        rows = (
            cases.filter(**_between(first, last, field))
            .values(day=F(field), **_case_keys("person"), met=Exists(check))
            .annotate(n=Count("id"))
        )
        for row in _rows(rows):
            counts[(row["day"], row["pdu"], row["practitioner"], due)] += row["n"]
            if row["met"]:
                counts[(row["day"], row["pdu"], row["practitioner"], on_time)] += row["n"]


def _enforcement(counts: Counts, first: date, last: date, where: Where) -> None:
    actions = Action.objects.filter(
        **_between(first, last, "taken_on"), **where.cases("requirement__person"), withdrawn_at__isnull=True
    )
    rows = actions.values("step", "rule_step", day=F("taken_on"), **_case_keys("requirement__person")).annotate(
        n=Count("id")
    )
    for row in _rows(rows):
        key = (row["day"], row["pdu"], row["practitioner"])
        if row["step"] in ("warning", "breach"):
            counts[(*key, "breaches" if row["step"] == "breach" else "warnings")] += row["n"]
        if row["step"] != row["rule_step"]:
            counts[(*key, "departures")] += row["n"]


def _sessions(counts: Counts, first: date, last: date, where: Where) -> None:
    projects = where.projects("project")
    if projects is None:
        return
    rows = (
        Session.objects.filter(**_between(first, last, "date"), **projects)
        .values("status", "stand_down_reason", day=F("date"), pdu=F("project__pdu_id"))
        .annotate(n=Count("id"))
    )
    for row in _rows(rows):
        key = (row["day"], row["pdu"], None)
        counts[(*key, "sessions_planned")] += row["n"]
        if row["status"] == SessionStatus.CLOSED:
            counts[(*key, "sessions_run")] += row["n"]
        if row["status"] == SessionStatus.STOOD_DOWN:
            counts[(*key, "sessions_stood_down")] += row["n"]
            counts[(*key, f"stood_down_{row['stand_down_reason'] or 'other'}")] += row["n"]


def _incidents(counts: Counts, first: date, last: date, where: Where) -> None:
    projects = where.projects("project")
    if projects is None:
        return
    rows = (
        Incident.objects.filter(**projects)
        .annotate(day=TruncDate("occurred_at"))
        .filter(**_between(first, last, "day"))
        .values("near_miss", "day", pdu=F("project__pdu_id"))
        .annotate(n=Count("id"))
    )
    for row in _rows(rows):
        counts[(row["day"], row["pdu"], None, "near_misses" if row["near_miss"] else "incidents")] += row["n"]


SATISFIED = (Satisfaction.SATISFIED, Satisfaction.VERY_SATISFIED)


def _surveys(counts: Counts, first: date, last: date, where: Where) -> None:
    projects = where.projects("project")
    if projects is None:
        return
    rows = (
        BeneficiarySurvey.objects.filter(**_between(first, last, "answered_on"), **projects)
        .values("overall_satisfaction", day=F("answered_on"), pdu=F("project__pdu_id"))
        .annotate(n=Count("id"))
    )
    for row in _rows(rows):
        counts[(row["day"], row["pdu"], None, "surveys_answered")] += row["n"]
        if row["overall_satisfaction"] in SATISFIED:
            counts[(row["day"], row["pdu"], None, "surveys_satisfied")] += row["n"]


FLOW_SOURCES: tuple[Callable[[Counts, date, date, Where], None], ...] = (
    _hours,
    _individual,
    _offered_and_attendance,
    _started,
    _completed,
    _deadlines,
    _enforcement,
    _sessions,
    _incidents,
    _surveys,
)


def flows(first: date, last: date, where: Where = Where()) -> Counts:
    """Every flow, by day, PDU and practitioner, for the days from `first` to `last`."""
    counts: Counts = Counter()
    for source in FLOW_SOURCES:
        source(counts, first, last, where)
    return counts


# ---------------------------------------------------------------------------------------------
# Stocks


def _live(where: Where) -> QuerySet[Requirement]:
    return Requirement.objects.exclude(status__in=CLOSED_STATUSES).filter(**where.cases("person"))


@dataclass(frozen=True)
class StockContext:
    """What every requirement's stocks are read against on a day."""

    on: date
    book: PolicyBook
    window_applies: bool
    recent_weeks: int
    recent: dict[int, int]  # work in the recent weeks, by requirement
    worked: dict[int, int]  # all work, by requirement


def _stock_context(on: date, book: PolicyBook, live: QuerySet[Requirement]) -> StockContext:
    weeks = book.value("review_rate_weeks", on)
    work = LedgerEntry.objects.filter(kind=LedgerKind.WORK, requirement__in=live)
    recent = work.filter(occurred_on__gt=on - timedelta(weeks=weeks), occurred_on__lte=on)
    return StockContext(
        on=on,
        book=book,
        window_applies=case_rules.window_in_force(book, on),
        recent_weeks=weeks,
        recent=dict(recent.values_list("requirement_id").annotate(total=Sum("minutes"))),
        worked=dict(work.values_list("requirement_id").annotate(total=Sum("minutes"))),
    )


def _live_with_totals(where: Where, *more: str) -> QuerySet[Requirement]:
    return (
        _live(where)
        .select_related("order", "person")
        .only(
            "ordered_minutes",
            "window_end",
            "extended_until",
            "earning_stopped_on",
            "status",
            "order__sentence_date",
            "order__operational_period_end",
            "credited_minutes",
            "variation_minutes",
            "person__pdu_id",
            "person__practitioner_id",
            *more,
        )
    )


def stocks(on: date, book: PolicyBook, where: Where = Where()) -> Counts:
    """Every stock as it stands on `on` (from today's records: stocks are counted, not rebuilt)."""
    counts: Counts = Counter()
    context = _stock_context(on, book, _live(where))
    for requirement in _live_with_totals(where).iterator(chunk_size=5000):
        key = (on, requirement.person.pdu_id, requirement.person.practitioner_id)
        for measure, value in stock_measures(requirement, context):
            counts[(*key, measure)] += value
    for pdu, practitioner in overdue_decisions(on, pdu_id=where.pdu, practitioner_id=where.practitioner):
        counts[(on, pdu, practitioner, "decisions_overdue")] += 1
    return counts


def cases_behind(measure: str, on: date, book: PolicyBook, where: Where) -> list[Requirement]:
    """The live requirements that a case stock counts, in one PDU or caseload."""
    context = _stock_context(on, book, _live(where))
    rows = _live_with_totals(where, "person__crn", "person__first_name", "person__last_name").order_by(
        "person__last_name", "person__first_name", "pk"
    )
    return [r for r in rows if any(m == measure for m, _ in stock_measures(r, context))]


def stock_measures(requirement: Requirement, context: StockContext) -> list[tuple[str, int]]:
    """The case stocks one live requirement counts towards, and by how much."""
    ordered = requirement.ordered_minutes + requirement.variation_minutes
    remaining = max(0, ordered - requirement.credited_minutes)
    completion = case_rules.completion_date(
        window_end=requirement.window_end,
        extended_until=requirement.extended_until,
        operational_period_end=requirement.order.operational_period_end,
        window_applies=context.window_applies,
    )
    found = [("live_cases", 1), ("outstanding_minutes", remaining)]
    on = context.on
    if completion is not None and case_rules.is_backlog(
        completion=completion, remaining_minutes=remaining, closed=False, on=on
    ):
        return [*found, ("backlog_cases", 1), ("backlog_minutes", remaining), (_backlog_band(completion, on), 1)]
    passed = [
        point for point in case_rules.key_dates(requirement.order.sentence_date, context.book).reviews if point <= on
    ]
    if passed and remaining > 0:
        point = "review6" if len(passed) == 1 else "review9"
        on_track = _on_track(requirement, context, completion, ordered, remaining)
        found.append((f"{point}_{'on_track' if on_track else 'at_risk'}", 1))
    return found


def _on_track(
    requirement: Requirement, context: StockContext, completion: date | None, ordered: int, remaining: int
) -> bool:
    """Where the person's recent rate takes them, as the review projects it (`enforcement.rules.projection`)."""
    book, on, sentenced = context.book, context.on, requirement.order.sentence_date
    still_needed = requirement_still_needed(requirement, book=book, on=on, remaining=remaining)
    progress = enforcement_rules.Progress(
        context.worked.get(requirement.pk, 0),
        ordered,
        still_needed,
        context.recent.get(requirement.pk, 0),
        context.recent_weeks,
    )
    return enforcement_rules.projection(
        progress=progress,
        on=on,
        completion=completion,
        weekly_offer=book.value("weekly_offer_minimum_minutes", on),
        extension_by=enforcement_rules.extension_deadline(
            sentenced, completion, book.value("extension_deadline_months", sentenced)
        ),
    ).on_track


def _backlog_band(completion: date, on: date) -> str:
    for months, band in ((3, "backlog_0_3"), (6, "backlog_3_6"), (12, "backlog_6_12")):
        if on <= completion + relativedelta(months=months):
            return band
    return "backlog_12_plus"
