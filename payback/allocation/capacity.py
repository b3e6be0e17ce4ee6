"""The capacity planner: for a PDU and the next 12 weeks, the hours owed and due against the hours
of session capacity, who cannot finish on time at the rate the capacity allows, and what a change
(a Saturday session, another supervisor, a project closing) does to the number at risk.

A coarse model, on purpose. Each week the capacity (places × hours of every session that will run)
is shared out earliest deadline first, each person offered at least the weekly minimum and at most
three times it, never more than they owe. Availability, travel and attendance are left out: the
weekly plan deals with those. Someone cannot finish on time when their completion date falls in the
12 weeks with hours still owed, or when the rate they get over the 12 weeks would not clear what
they owe before a later completion date."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from math import ceil
from statistics import median
from typing import Any

from payback.cases.models import CaseStatus, Requirement
from payback.cases.selectors import case_flags, with_balance
from payback.core.policy import PolicyBook
from payback.core.selectors import policy_book
from payback.delivery import rules as delivery_rules
from payback.delivery.models import Session, SessionSeries, SessionStatus
from payback.projects.models import Project, ProjectStatus
from payback.staff.models import Pdu

from .adapter import PLACED_ON

HORIZON_WEEKS = 12
MOST_A_WEEK = 3  # times the weekly minimum one person can be offered
SUPERVISOR_SESSIONS_A_WEEK = 4
DEFAULT_PLACES = 6
DEFAULT_MINUTES = 7 * 60
OWING = (
    CaseStatus.AWAITING_INDUCTION,
    CaseStatus.AWAITING_ASSESSMENT,
    CaseStatus.AWAITING_PLACEMENT,
    CaseStatus.WORKING,
    CaseStatus.BREACH_IN_PROGRESS,
)
SCENARIO_LABELS = {
    "": "As planned now",
    "saturday": "Add a session every Saturday",
    "supervisor": "Add a supervisor",
    "project_closes": "A project closes",
}


@dataclass(frozen=True)
class Slot:
    """A session that will (or might) run: planned, or projected from a weekly series."""

    week: date
    project_id: int
    places: int
    minutes: int
    supervised: bool

    @property
    def place_minutes(self) -> int:
        return self.places * self.minutes


@dataclass
class WeekFigures:
    start: date
    capacity_minutes: int
    scenario_minutes: int
    due_minutes: int
    sessions: int
    scenario_sessions: int


@dataclass(frozen=True)
class Behind:
    name: str
    crn: str
    requirement_id: int
    remaining_minutes: int
    completion: date | None
    short_minutes: int


@dataclass
class Outlook:
    pdu: Pdu
    start: date
    scenario: str
    scenario_label: str
    weeks: list[WeekFigures]
    owed_minutes: int
    people: int
    backlog: int
    at_risk: list[Behind]
    scenario_at_risk: list[Behind]
    assumptions: list[str] = field(default_factory=list)

    @property
    def end(self) -> date:
        return self.start + timedelta(weeks=HORIZON_WEEKS, days=-1)

    @property
    def capacity_minutes(self) -> int:
        return sum(w.capacity_minutes for w in self.weeks)

    @property
    def scenario_minutes(self) -> int:
        return sum(w.scenario_minutes for w in self.weeks)

    @property
    def due_minutes(self) -> int:
        return sum(w.due_minutes for w in self.weeks)

    @property
    def change(self) -> int:
        return len(self.scenario_at_risk) - len(self.at_risk)


def first_week(today: date) -> date:
    """The Monday after today: the first week still to be planned."""
    return today - timedelta(days=today.weekday()) + timedelta(weeks=1)


def _slots(pdu: Pdu, start: date, end: date) -> tuple[list[Slot], list[Slot]]:
    """The sessions that will run in each week, and those that will not for want of a supervisor."""
    sessions = list(
        Session.objects.filter(
            project__pdu=pdu,
            project__status=ProjectStatus.ACTIVE,
            project__project_type__in=PLACED_ON,
            date__range=(start, end),
        ).values_list(
            "series_id",
            "date",
            "project_id",
            "capacity",
            "start_time",
            "end_time",
            "status",
            "supervisor_id",
            "needs_cover",
        )
    )
    existing = {(series_id, day) for series_id, day, *_ in sessions if series_id}
    running: list[Slot] = []
    uncovered: list[Slot] = []
    for _, day, project_id, places, starts, ends, status, supervisor_id, needs_cover in sessions:
        if status != SessionStatus.PLANNED:
            continue
        slot = Slot(
            week=day - timedelta(days=day.weekday()),
            project_id=project_id,
            places=places,
            minutes=delivery_rules.session_minutes(starts, ends),
            supervised=supervisor_id is not None and not needs_cover,
        )
        (running if slot.supervised else uncovered).append(slot)
    for series in SessionSeries.objects.filter(
        project__pdu=pdu, project__status=ProjectStatus.ACTIVE, project__project_type__in=PLACED_ON
    ):
        week = start
        while week <= end:
            day = week + timedelta(days=series.weekday)
            in_series = series.starts_on <= day and (series.ends_on is None or day <= series.ends_on)
            if in_series and (series.pk, day) not in existing:
                slot = Slot(
                    week=week,
                    project_id=series.project_id,
                    places=series.capacity,
                    minutes=delivery_rules.session_minutes(series.start_time, series.end_time),
                    supervised=series.supervisor_id is not None,
                )
                (running if slot.supervised else uncovered).append(slot)
            week += timedelta(weeks=1)
    return running, uncovered


def _typical(slots: list[Slot]) -> tuple[int, int]:
    if not slots:
        return DEFAULT_PLACES, DEFAULT_MINUTES
    return int(median(s.places for s in slots)), int(median(s.minutes for s in slots))


def _scenario(
    scenario: str, running: list[Slot], uncovered: list[Slot], weeks: list[date], project: Project | None
) -> tuple[list[Slot], str]:
    places, minutes = _typical(running)
    if scenario == "saturday":
        extra = [Slot(week=w, project_id=0, places=places, minutes=minutes, supervised=True) for w in weeks]
        return running + extra, f"Add a session every Saturday ({places} places, {minutes / 60:g} hours)"
    if scenario == "supervisor":
        added = list(running)
        by_week: dict[date, list[Slot]] = defaultdict(list)
        for slot in uncovered:
            by_week[slot.week].append(slot)
        for week in weeks:
            covered = by_week.get(week, [])[:SUPERVISOR_SESSIONS_A_WEEK]
            added += covered
            added += [
                Slot(week=week, project_id=0, places=places, minutes=minutes, supervised=True)
                for _ in range(SUPERVISOR_SESSIONS_A_WEEK - len(covered))
            ]
        return added, (
            f"Add a supervisor: {SUPERVISOR_SESSIONS_A_WEEK} sessions a week, first those that need cover, "
            f"then new ones ({places} places, {minutes / 60:g} hours)"
        )
    if scenario == "project_closes" and project is not None:
        return [s for s in running if s.project_id != project.pk], f"{project.name} closes"
    return running, SCENARIO_LABELS[""]


@dataclass
class _Case:
    requirement: Requirement
    remaining: int
    completion: date | None


def _simulate(cases: list[_Case], capacity: dict[date, int], weeks: list[date], weekly: int) -> list[Behind]:
    """Share each week's capacity out earliest deadline first; who is left behind."""
    left = {c.requirement.pk: c.remaining for c in cases}
    short: dict[int, int] = {}
    horizon_end = weeks[-1] + timedelta(days=7)
    for week in weeks:
        spare = capacity.get(week, 0)
        for case in sorted(cases, key=lambda c: (c.completion or date.max, -c.remaining, c.requirement.pk)):
            rid = case.requirement.pk
            if left[rid] <= 0 or rid in short:
                continue
            if case.completion is not None and case.completion < week:
                short[rid] = left[rid]
                continue
            weeks_left = max(1, ceil(((case.completion - week).days + 1) / 7)) if case.completion else 52
            offer = min(left[rid], max(weekly, ceil(left[rid] / weeks_left)), MOST_A_WEEK * weekly, spare)
            left[rid] -= offer
            spare -= offer
    behind = []
    for case in cases:
        rid = case.requirement.pk
        if rid in short or left[rid] <= 0:
            missing = short.get(rid, 0)
        elif case.completion is not None and case.completion < horizon_end:
            missing = left[rid]
        elif case.completion is not None:
            rate = (case.remaining - left[rid]) / len(weeks)
            weeks_after = (case.completion - horizon_end).days / 7
            missing = max(0, round(left[rid] - rate * weeks_after))
        else:
            missing = 0
        if missing > 0:
            person = case.requirement.person
            behind.append(
                Behind(
                    name=person.full_name,
                    crn=person.crn,
                    requirement_id=rid,
                    remaining_minutes=case.remaining,
                    completion=case.completion,
                    short_minutes=missing,
                )
            )
    return sorted(behind, key=lambda b: (b.completion or date.max, b.name))


def outlook(
    pdu: Pdu,
    *,
    start: date,
    today: date,
    scenario: str = "",
    project: Project | None = None,
    book: PolicyBook | None = None,
) -> Outlook:
    book = book or policy_book()
    weekly = int(book.value("weekly_offer_minimum_minutes", start))
    weeks = [start + timedelta(weeks=i) for i in range(HORIZON_WEEKS)]
    end = weeks[-1] + timedelta(days=6)
    cases, backlog = _owing(pdu, book=book, today=today)
    running, uncovered = _slots(pdu, start, end)
    changed, label = _scenario(scenario, running, uncovered, weeks, project)
    base_minutes, base_count = _per_week(running)
    new_minutes, new_count = _per_week(changed)
    due = _due(cases, weeks, start)
    at_risk = _simulate(cases, base_minutes, weeks, weekly)
    scenario_at_risk = _simulate(cases, new_minutes, weeks, weekly) if scenario else at_risk
    return Outlook(
        pdu=pdu,
        start=start,
        scenario=scenario,
        scenario_label=label,
        weeks=[
            WeekFigures(
                start=w,
                capacity_minutes=base_minutes.get(w, 0),
                scenario_minutes=new_minutes.get(w, 0),
                due_minutes=due.get(w, 0),
                sessions=base_count.get(w, 0),
                scenario_sessions=new_count.get(w, 0),
            )
            for w in weeks
        ],
        owed_minutes=sum(c.remaining for c in cases),
        people=len(cases),
        backlog=backlog,
        at_risk=at_risk,
        scenario_at_risk=scenario_at_risk,
        assumptions=[
            f"Capacity is places × hours of every session that will run, including weekly series not yet "
            f"generated; sessions without a supervisor do not count ({len(uncovered)} in these weeks)",
            f"Each person is offered at least {weekly / 60:g} hours a week and at most {MOST_A_WEEK * weekly / 60:g}, "
            "earliest completion date first",
            "Availability, travel and attendance are not modelled",
        ],
    )


def _owing(pdu: Pdu, *, book: PolicyBook, today: date) -> tuple[list[_Case], int]:
    """The PDU's cases still owing hours, and how many more are in backlog."""
    cases, backlog = [], 0
    requirements = with_balance(
        Requirement.objects.filter(person__pdu=pdu, status__in=(*OWING, CaseStatus.BACKLOG)).select_related(
            "person", "order"
        ),
        book=book,
        today=today,
    )
    for requirement in requirements:
        flags = case_flags(requirement, book=book, today=today)
        if flags.remaining <= 0:
            continue
        if flags.backlog or requirement.status == CaseStatus.BACKLOG:
            backlog += 1
            continue
        cases.append(_Case(requirement=requirement, remaining=flags.remaining, completion=flags.completion))
    return cases, backlog


def _per_week(slots: list[Slot]) -> tuple[dict[date, int], dict[date, int]]:
    """Place-minutes and sessions in each week."""
    minutes: dict[date, int] = defaultdict(int)
    count: dict[date, int] = defaultdict(int)
    for slot in slots:
        minutes[slot.week] += slot.place_minutes
        count[slot.week] += 1
    return minutes, count


def _due(cases: list[_Case], weeks: list[date], start: date) -> dict[date, int]:
    """The minutes due each week for every case to finish by its completion date."""
    due: dict[date, int] = defaultdict(int)
    for case in cases:
        weeks_left = max(1, ceil(((case.completion - start).days + 1) / 7)) if case.completion else 52
        for week in weeks:
            if case.completion is None or week <= case.completion:
                due[week] += ceil(case.remaining / weeks_left)
    return due


# ---------------------------------------------------------------------------------------------
# The chart: horizontal bars, three to a week, worked out here so the template only draws them.

CHART_WIDTH = 480
CHART_LABEL = 64
CHART_BAR = 330
BAR_HEIGHT = 12
BAR_GAP = 2
ROW_GAP = 10
SERIES = (
    ("capacity_minutes", "Session capacity", "#1d70b8"),
    ("scenario_minutes", "Capacity with the change", "#f47738"),
    ("due_minutes", "Hours due to finish on time", "#00703c"),
)


def chart(data: Outlook) -> dict[str, Any]:
    series = [s for s in SERIES if s[0] != "scenario_minutes" or data.scenario]
    highest = max([getattr(w, key) for w in data.weeks for key, *_ in series] + [60])
    legend_height = 20 * len(series) + 6
    rows = []
    top = legend_height
    for week in data.weeks:
        bars = []
        for index, (key, label, fill) in enumerate(series):
            value = getattr(week, key)
            width = round(CHART_BAR * value / highest)
            y = top + index * (BAR_HEIGHT + BAR_GAP)
            bars.append(
                {
                    "label": label,
                    "hours": round(value / 60),
                    "y": y,
                    "width": width,
                    "fill": fill,
                    "text_x": CHART_LABEL + width + 4,
                    "text_y": y + BAR_HEIGHT - 2,
                }
            )
        height = len(series) * (BAR_HEIGHT + BAR_GAP)
        rows.append({"week": week.start, "bars": bars, "label_y": top + height / 2 + 4})
        top += height + ROW_GAP
    legend = [
        {"label": label, "fill": fill, "y": 4 + i * 20, "text_y": 4 + i * 20 + 11}
        for i, (_, label, fill) in enumerate(series)
    ]
    summary = "; ".join(
        f"week of {w.start:%-d %B}: capacity {round(w.capacity_minutes / 60)} hours"
        + (f", with the change {round(w.scenario_minutes / 60)}" if data.scenario else "")
        + f", due {round(w.due_minutes / 60)}"
        for w in data.weeks
    )
    return {
        "width": CHART_WIDTH,
        "height": top,
        "label_x": CHART_LABEL - 6,
        "bar_x": CHART_LABEL,
        "rows": rows,
        "legend": legend,
        "legend_height": legend_height,
        "summary": f"Bar chart of hours of session capacity and hours due each week. {summary}.",
    }
