"""The allocation API: run the weekly plan for a PDU (made in the background), follow its status,
read the plan, change it by hand, publish it.

Thin, like every router: reads go through `selectors` (scoped, so another region's run is simply
not found), writes through `services` (which hold the rules and raise ValidationError naming the
field: a hand edit that breaks a hard rule names the rule; a publish of a plan whose data changed
names every conflict and books nothing). Times are whole minutes."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from payback.core.edge import api_staff
from payback.staff.models import User
from payback.staff.roles import PLAN_SESSIONS
from payback.staff.selectors import pdu_in_area

from . import selectors, services
from .api_schemas import RUN_ID, EditOut, HandEditIn, PlanOut, PlanPersonOut, PlanSessionOut, RunIn, RunOut
from .models import AllocationRun, RunKind, RunStatus

router = Router(tags=["allocation"])

CANNOT_PLAN = "You do not have permission to plan sessions and allocate people to them"


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
    user = api_staff(request, PLAN_SESSIONS, message=CANNOT_PLAN)
    pdu = pdu_in_area(user, body.pdu)
    if pdu is None:
        raise ValidationError({"pdu": "Choose a PDU in your area"})
    run = services.allocation_run_start(
        actor=user, pdu=pdu, week_start=body.week_start, time_limit=float(body.time_limit)
    )
    run = selectors.run_get(user, run.pk)
    return Status(202, _run(run))


@router.get(
    "/allocation/runs/{run_id}",
    response=RunOut,
    operation_id="getAllocationRun",
    summary="The status of a run",
)
def get_run(request: HttpRequest, run_id: int = RUN_ID) -> RunOut:
    """Status and progress while the plan is made; then the score, and who published it when."""
    return _run(selectors.run_get(api_staff(request, PLAN_SESSIONS, message=CANNOT_PLAN), run_id))


@router.get(
    "/allocation/runs/{run_id}/plan",
    response=PlanOut,
    operation_id="getAllocationPlan",
    summary="The plan of a run",
)
def get_plan(request: HttpRequest, run_id: int = RUN_ID) -> PlanOut:
    """The sessions, and each person with the hours they owe, their urgency, the sessions they are
    placed on and the reason where they were not placed (or offered less than the weekly minimum)."""
    return _plan(selectors.run_get(api_staff(request, PLAN_SESSIONS, message=CANNOT_PLAN), run_id))


@router.post(
    "/allocation/runs/{run_id}/hand-edits",
    response=PlanOut,
    operation_id="editAllocationPlan",
    summary="Change the plan by hand",
)
def hand_edit(request: HttpRequest, body: HandEditIn, run_id: int = RUN_ID) -> PlanOut:
    """Add, move or remove a person. The edit is checked against every hard rule; one that breaks a
    rule is refused (400) with the rule named, like `Refused: One session a day: …`."""
    user = api_staff(request, PLAN_SESSIONS, message=CANNOT_PLAN)
    run = selectors.run_get(user, run_id)
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
    return _plan(selectors.run_get(user, run_id))


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
    user = api_staff(request, PLAN_SESSIONS, message=CANNOT_PLAN)
    run = services.allocation_publish(actor=user, run=selectors.run_get(user, run_id))
    return _run(selectors.run_get(user, run.pk))
