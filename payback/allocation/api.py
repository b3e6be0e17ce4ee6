"""The allocation API: run the weekly plan for a PDU (made in the background), follow its status,
read the plan, change it by hand, publish it.

Thin, like every router: reads go through `selectors` (scoped, so another region's run is simply
not found), writes through `services` (which hold the rules and raise ValidationError naming the
field: a hand edit that breaks a hard rule names the rule; a publish of a plan whose data changed
names every conflict and books nothing). Times are whole minutes."""

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Path, Router, Schema
from ninja.responses import Status
from pydantic import StrictInt

from payback.core.api_common import InputSchema
from payback.staff.models import User
from payback.staff.roles import PLAN_SESSIONS
from payback.staff.selectors import pdus_for

from . import selectors, services
from .models import AllocationRun, RunKind, RunStatus

router = Router(tags=["allocation"])

RUN_ID = Path(..., description="Id of the allocation run")


def _staff(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]
    if not user.has_perm(PLAN_SESSIONS):
        raise PermissionDenied("You do not have permission to plan sessions and allocate people to them")
    return user


# ---------------------------------------------------------------------------------------------
# Schemas


class RunIn(InputSchema):
    pdu: StrictInt = Field(description="Id of the PDU to plan (one in your area)", examples=[1])
    week_start: date = Field(description="The Monday of the week to plan: this week or one of the next 8")
    time_limit: int = Field(10, ge=1, le=120, description="Seconds the planner may search (10 is enough for a PDU)")


class RunOut(Schema):
    id: int
    pdu: str = Field(description="Code of the PDU planned")
    week_start: date
    kind: RunKind = Field(description="plan: the weekly plan; replan: a re-plan after publishing")
    status: RunStatus = Field(
        description="queued or running while the plan is made; done: ready to review; failed (see message); "
        "published; superseded by a later run"
    )
    progress: int = Field(ge=0, le=100, description="Percent done")
    stage: str = Field(description="What the planner is doing now")
    message: str = Field(description="Why the run failed, in words a coordinator can act on")
    created_by: str
    created_at: datetime
    finished_at: datetime | None
    score: float | None = Field(description="The plan's objective (higher is better); changes with hand edits")
    bound: float | None = Field(description="The best objective the solver proved possible")
    conflicts: list[str] = Field(description="Why the last publish was refused, one line a person")
    published_at: datetime | None
    published_by: str | None


class PlanSessionOut(Schema):
    id: int = Field(description="Id of the session")
    project: str
    date: date
    start: str = Field(description="Start time, HH:MM")
    end: str = Field(description="Finish time, HH:MM")
    capacity: int = Field(description="Places on the session")
    free: int = Field(description="Places free when the plan was made (capacity less those booked by hand)")
    placed: int = Field(description="People the plan places on it")
    supervisor: str
    closed: str = Field(description="Why the session cannot run (no supervisor, vehicle off the road), or empty")


class PlanPersonOut(Schema):
    id: int = Field(description="Id of the person (use in hand edits)")
    crn: str
    name: str
    owed_minutes: int = Field(description="Minutes still owed")
    urgency: float = Field(description="Minutes owed ÷ weeks left, as a multiple of the weekly minimum (0.5 to 5)")
    at_risk: bool
    offered_minutes: int = Field(description="Minutes the plan offers this week")
    sessions: list[int] = Field(description="Ids of the sessions the person is placed on")
    pinned: list[int] = Field(description="Ids of the sessions pinned for a re-run")
    reason: str | None = Field(description="Why the person was not placed, or offered less than the weekly minimum")


class EditOut(Schema):
    at: datetime
    by: str
    action: str
    summary: str


class PlanOut(Schema):
    run: RunOut
    sessions: list[PlanSessionOut] = Field(description="Empty until the run is done")
    people: list[PlanPersonOut] = Field(description="Most pressing first; empty until the run is done")
    edits: list[EditOut] = Field(description="Every hand edit, oldest first")


class HandEditIn(InputSchema):
    action: Literal["add", "move", "remove"] = Field(
        description="add: put the person on `session`; move: from `session` to `to_session`; remove: take them off "
        "`session`"
    )
    person: StrictInt = Field(description="Id of the person (from the plan)")
    session: StrictInt = Field(description="Id of the session")
    to_session: StrictInt | None = Field(None, description="For a move: id of the session to move them to")


# ---------------------------------------------------------------------------------------------
# Shaping


def _name(user: User | None) -> str | None:
    return (user.get_full_name() or user.username) if user else None


def _run(run: AllocationRun) -> RunOut:
    return RunOut(
        id=run.pk,
        pdu=run.pdu.code,
        week_start=run.week_start,
        kind=RunKind(run.kind),
        status=RunStatus(run.status),
        progress=run.progress,
        stage=run.stage,
        message=run.message,
        created_by=_name(run.created_by) or "",
        created_at=run.created_at,
        finished_at=run.finished_at,
        score=run.score,
        bound=run.bound,
        conflicts=list(run.conflicts),
        published_at=run.published_at,
        published_by=_name(run.published_by),
    )


def _plan(run: AllocationRun) -> PlanOut:
    if not run.plan:
        return PlanOut(run=_run(run), sessions=[], people=[], edits=[])
    review = selectors.review(run)
    return PlanOut(
        run=_run(run),
        sessions=[
            PlanSessionOut(
                id=s.id,
                project=s.project,
                date=s.day,
                start=s.start,
                end=s.end,
                capacity=s.capacity,
                free=s.free,
                placed=s.placed,
                supervisor=s.supervisor,
                closed=s.closed,
            )
            for s in review.sessions
        ],
        people=[
            PlanPersonOut(
                id=p.id,
                crn=p.crn,
                name=p.name,
                owed_minutes=p.owed_minutes,
                urgency=p.urgency,
                at_risk=p.at_risk,
                offered_minutes=p.offered_minutes,
                sessions=p.sessions,
                pinned=[c.session for c in p.cells if c.pinned],
                reason=p.reason or None,
            )
            for p in review.people
        ],
        edits=[EditOut(at=e["at"], by=e["by"], action=e["action"], summary=e["summary"]) for e in review.edits],
    )


def _get(user: User, pk: int) -> AllocationRun:
    return selectors.run_get(user, pk)


# ---------------------------------------------------------------------------------------------
# Operations


@router.post(
    "/allocation/runs",
    response={202: RunOut},
    operation_id="startAllocationRun",
    summary="Run the weekly plan for a PDU",
)
def start_run(request: HttpRequest, body: RunIn) -> Status[RunOut]:
    """Queue the plan for a PDU and week; it is made in the background. Follow it with the status
    operation. A past week, a week more than 8 weeks ahead, or a PDU and week whose plan is being
    made now are refused (400). A week with no sessions fails with a message saying so."""
    user = _staff(request)
    pdu = pdus_for(user).filter(pk=body.pdu).first()
    if pdu is None:
        raise ValidationError({"pdu": "Choose a PDU in your area"})
    run = services.allocation_run_start(
        actor=user, pdu=pdu, week_start=body.week_start, time_limit=float(body.time_limit)
    )
    run = _get(user, run.pk)
    return Status(202, _run(run))


@router.get(
    "/allocation/runs/{run_id}",
    response=RunOut,
    operation_id="getAllocationRun",
    summary="The status of a run",
)
def get_run(request: HttpRequest, run_id: int = RUN_ID) -> RunOut:
    """Status and progress while the plan is made; then the score, and who published it when."""
    return _run(_get(_staff(request), run_id))


@router.get(
    "/allocation/runs/{run_id}/plan",
    response=PlanOut,
    operation_id="getAllocationPlan",
    summary="The plan of a run",
)
def get_plan(request: HttpRequest, run_id: int = RUN_ID) -> PlanOut:
    """The sessions, and each person with the hours they owe, their urgency, the sessions they are
    placed on and the reason where they were not placed (or offered less than the weekly minimum)."""
    return _plan(_get(_staff(request), run_id))


@router.post(
    "/allocation/runs/{run_id}/hand-edits",
    response=PlanOut,
    operation_id="editAllocationPlan",
    summary="Change the plan by hand",
)
def hand_edit(request: HttpRequest, body: HandEditIn, run_id: int = RUN_ID) -> PlanOut:
    """Add, move or remove a person. The edit is checked against every hard rule; one that breaks a
    rule is refused (400) with the rule named, like `Refused: One session a day: …`."""
    user = _staff(request)
    run = _get(user, run_id)
    if body.action == "move" and body.to_session is None:
        raise ValidationError({"to_session": "Give the session to move the person to"})
    services.allocation_hand_edit(
        actor=user,
        run=run,
        action=body.action,
        person_id=body.person,
        session_id=body.session,
        to_session_id=body.to_session,
    )
    return _plan(_get(user, run_id))


@router.post(
    "/allocation/runs/{run_id}/publish",
    response=RunOut,
    operation_id="publishAllocationPlan",
    summary="Publish the plan: book the appointments",
)
def publish(request: HttpRequest, run_id: int = RUN_ID) -> RunOut:
    """Book every placement with the same checks as booking by hand, all or nothing, and email each
    supervisor their list. If the data changed since the run, nothing is booked: 400, field
    `publish`, the first message saying so and one message for each conflict."""
    user = _staff(request)
    run = services.allocation_publish(actor=user, run=_get(user, run_id))
    return _run(_get(user, run.pk))
