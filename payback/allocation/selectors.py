"""Reads of allocation runs, always scoped to the user's PDU, region or the country, and the
review of a plan shaped for its pages: sessions as columns, people as rows."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from payback.core.selectors import found_or_404
from payback.projects.models import Project, ProjectStatus
from payback.projects.selectors import projects_for
from payback.staff.models import Pdu, User
from payback.staff.selectors import in_area

from .models import AllocationRun


def runs_for(user: User) -> QuerySet[AllocationRun]:
    return in_area(AllocationRun, user, "pdu").select_related("pdu", "created_by", "published_by")


def recent_runs(user: User, count: int = 20) -> QuerySet[AllocationRun]:
    """The latest runs in the user's area, newest first."""
    return runs_for(user).order_by("-created_at", "-id")[:count]


def replans_of(run: AllocationRun) -> QuerySet[AllocationRun]:
    """The re-plans made from a run, newest first."""
    return run.children.order_by("-created_at")


def active_projects(user: User) -> QuerySet[Project]:
    """The active projects in the user's area, by name (for the capacity planner)."""
    return projects_for(user).filter(status=ProjectStatus.ACTIVE).order_by("name")


def planner_pdu(user: User, pdus: QuerySet[Pdu]) -> Pdu | None:
    """The PDU the capacity planner opens on: the user's own, or else the first of `pdus`."""
    if user.pdu_id:
        return pdus.filter(pk=user.pdu_id).first()
    return pdus.first()


def run_get(user: User, pk: int) -> AllocationRun:
    return found_or_404(runs_for(user), "allocation run", pk=pk)


@dataclass(frozen=True)
class SessionColumn:
    id: int
    project: str
    day: date
    start: str
    end: str
    minutes: int
    capacity: int
    free: int
    placed: int
    supervisor: str
    supervisor_female: bool
    women: int
    individual: bool
    women_only: bool
    closed: str

    @property
    def left(self) -> int:
        """Places still free once the plan is booked."""
        return max(0, self.free - self.placed)

    @property
    def short_day(self) -> str:
        return f"{self.day:%a %-d %b}"


@dataclass(frozen=True)
class Cell:
    session: int
    placed: bool
    pinned: bool


@dataclass(frozen=True)
class Placement:
    """A session a person is placed on, as the plan's list names it."""

    session: int
    label: str  # "Park planting, Mon 9 Mar"
    pinned: bool


@dataclass
class PersonRow:
    id: int
    name: str
    crn: str
    owed_minutes: int
    urgency: float
    at_risk: bool
    completion: date | None
    offered_minutes: int
    reason: str
    placeable: bool
    home_known: bool = True  # their home postcode is in the postcode directory
    cells: list[Cell] = field(default_factory=list)
    sessions: list[int] = field(default_factory=list)
    placed_on: list[Placement] = field(default_factory=list)


@dataclass
class Change:
    name: str
    before: list[str]
    after: list[str]

    @property
    def summary(self) -> str:
        if not self.before:
            return f"Added to {', '.join(self.after)}"
        if not self.after:
            return f"Taken off {', '.join(self.before)}"
        return f"Moved from {', '.join(self.before)} to {', '.join(self.after)}"


@dataclass
class Review:
    sessions: list[SessionColumn]
    people: list[PersonRow]
    placed: int
    with_reason: int
    minimum_met: int
    offered_minutes: int
    notes: list[str]
    changes: list[Change]
    edits: list[dict[str, Any]]


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def review(run: AllocationRun) -> Review:
    """The plan as the coordinator reviews it."""
    plan = run.plan or {}
    meta_people: dict[str, dict[str, Any]] = plan.get("people", {})
    by_person: dict[int, list[int]] = defaultdict(list)
    by_session: dict[int, list[int]] = defaultdict(list)
    for person_id, session_id in run.assignments:
        by_person[person_id].append(session_id)
        by_session[session_id].append(person_id)
    columns = _columns(plan.get("sessions", {}), meta_people, by_session)
    pins = {(int(p), int(s)) for p, s in run.pins}
    rows = _rows(meta_people, plan.get("reasons", {}), by_person, columns, pins)
    weekly = int((run.instance or {}).get("weights", {}).get("weekly_minimum_minutes", 360))
    published = [(int(p), int(s)) for p, s in plan.get("published_from", [])]
    edits = []
    for edit in run.edits:
        edits.append({**edit, "at": datetime.fromisoformat(edit["at"])})
    return Review(
        sessions=columns,
        people=rows,
        placed=sum(1 for r in rows if r.sessions),
        with_reason=sum(1 for r in rows if r.reason),
        minimum_met=sum(1 for r in rows if r.offered_minutes >= min(weekly, max(1, r.owed_minutes))),
        offered_minutes=sum(r.offered_minutes for r in rows),
        notes=list(plan.get("notes", [])),
        changes=_changes(published, by_person, columns, meta_people) if published else [],
        edits=edits,
    )


def _columns(
    meta_sessions: dict[str, dict[str, Any]], meta_people: dict[str, dict[str, Any]], by_session: dict[int, list[int]]
) -> list[SessionColumn]:
    """The plan's sessions in the order they run, each with who the plan places on it."""
    in_order = sorted(meta_sessions.items(), key=lambda item: (item[1]["date"], item[1]["start"], int(item[0])))
    return [_column(int(key), meta, by_session.get(int(key), []), meta_people) for key, meta in in_order]


def _column(
    sid: int, meta: dict[str, Any], members: list[int], meta_people: dict[str, dict[str, Any]]
) -> SessionColumn:
    """One session of the plan, from what the plan recorded about it, and the people placed on it."""
    return SessionColumn(
        id=sid,
        project=meta["project"],
        day=date.fromisoformat(meta["date"]),
        start=meta["start"],
        end=meta["end"],
        minutes=int(meta.get("minutes", 0)),
        capacity=int(meta.get("capacity", 0)),
        free=int(meta.get("free", 0)),
        placed=len(members),
        supervisor=meta.get("supervisor", ""),
        supervisor_female=bool(meta.get("supervisor_female")),
        women=sum(1 for m in members if meta_people.get(str(m), {}).get("female")),
        individual=bool(meta.get("individual")),
        women_only=bool(meta.get("women_only")),
        closed=meta.get("closed", ""),
    )


def _rows(
    meta_people: dict[str, dict[str, Any]],
    reasons: dict[str, str],
    by_person: dict[int, list[int]],
    columns: list[SessionColumn],
    pins: set[tuple[int, int]],
) -> list[PersonRow]:
    """Each person in the plan, placeable and most pressing first, with a cell for each session."""
    rows = [
        _row(int(key), meta, reasons.get(key, ""), by_person.get(int(key), []), columns, pins)
        for key, meta in meta_people.items()
    ]
    rows.sort(key=lambda r: (not r.placeable, not r.at_risk, -r.urgency, r.name, r.id))
    return rows


def _row(
    pid: int,
    meta: dict[str, Any],
    reason: str,
    mine: list[int],
    columns: list[SessionColumn],
    pins: set[tuple[int, int]],
) -> PersonRow:
    """One person of the plan, from what the plan recorded about them, and the sessions it gives them."""
    minutes = {c.id: c.minutes for c in columns}
    order = {c.id: index for index, c in enumerate(columns)}
    return PersonRow(
        id=pid,
        name=meta["name"],
        crn=meta["crn"],
        owed_minutes=int(meta.get("owed_minutes", 0)),
        urgency=float(meta.get("urgency", 0)),
        at_risk=bool(meta.get("at_risk")),
        completion=_day(meta.get("completion")),
        offered_minutes=sum(minutes.get(s, 0) for s in mine),
        reason=reason,
        placeable=bool(meta.get("placeable", True)),
        home_known=bool(meta.get("home_known", True)),
        cells=[Cell(session=c.id, placed=c.id in mine, pinned=(pid, c.id) in pins) for c in columns],
        sessions=sorted(mine, key=lambda s: order.get(s, 0)),
        placed_on=[
            Placement(c.id, f"{c.project}, {c.short_day}", (pid, c.id) in pins) for c in columns if c.id in mine
        ],
    )


def _changes(
    published: list[tuple[int, int]],
    by_person: dict[int, list[int]],
    columns: list[SessionColumn],
    meta_people: dict[str, dict[str, Any]],
) -> list[Change]:
    """For a re-plan: each person whose sessions differ from the published plan's."""
    labels = {c.id: f"{c.project} ({c.short_day})" for c in columns}
    changes = []
    before: dict[int, set[int]] = defaultdict(set)
    for person_id, session_id in published:
        before[person_id].add(session_id)
    for person_id in sorted(set(before) | set(by_person)):
        old, new = before.get(person_id, set()), set(by_person.get(person_id, []))
        if old != new:
            name = meta_people.get(str(person_id), {}).get("name", f"Person {person_id}")
            changes.append(
                Change(
                    name=name,
                    before=[labels.get(s, f"session {s}") for s in sorted(old - new)],
                    after=[labels.get(s, f"session {s}") for s in sorted(new - old)],
                )
            )
    return changes


def person_row(review_: Review, person_id: int) -> PersonRow:
    for row in review_.people:
        if row.id == person_id:
            return row
    raise Http404("No such person in this plan")
