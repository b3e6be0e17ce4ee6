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

from payback.core.api_common import shaped
from payback.core.api_ops import Operations
from payback.core.edge import api_staff
from payback.staff.models import User
from payback.staff.roles import PLAN_SESSIONS
from payback.staff.selectors import pdu_in_area

from . import selectors, services
from .api_schemas import RUN_ID, EditOut, HandEditIn, PlanOut, PlanPersonOut, PlanSessionOut, RunIn, RunOut
from .models import AllocationRun

router = Router(tags=["allocation"])
runs = Operations(router)

CANNOT_PLAN = "You do not have permission to plan sessions and allocate people to them"


def _planner(request: HttpRequest) -> User:
    return api_staff(request, PLAN_SESSIONS, message=CANNOT_PLAN)


# ---------------------------------------------------------------------------------------------
# Shaping


def _run(run: AllocationRun) -> RunOut:
    return shaped(RunOut, run, pdu=run.pdu.code)


def _plan(run: AllocationRun) -> PlanOut:
    if not run.plan:
        return PlanOut(run=_run(run), sessions=[], people=[], edits=[])
    review = selectors.review(run)
    return PlanOut(
        run=_run(run),
        sessions=[shaped(PlanSessionOut, s, date=s.day) for s in review.sessions],
        people=[
            shaped(PlanPersonOut, p, pinned=[c.session for c in p.cells if c.pinned], reason=p.reason or None)
            for p in review.people
        ],
        edits=[EditOut.from_orm(e) for e in review.edits],
    )


# ---------------------------------------------------------------------------------------------
# Operations


@runs.post("/allocation/runs", {202: RunOut}, "startAllocationRun", "Run the weekly plan for a PDU")
def start_run(request: HttpRequest, body: RunIn) -> Status[RunOut]:
    """Queue the plan for a PDU and week; it is made in the background. Follow it with the status
    operation. A past week, a week more than 8 weeks ahead, or a PDU and week whose plan is being
    made now are refused (400). A week with no sessions fails with a message saying so."""
    user = _planner(request)
    pdu = pdu_in_area(user, body.pdu)
    if pdu is None:
        raise ValidationError({"pdu": "Choose a PDU in your area"})
    run = services.allocation_run_start(
        actor=user, pdu=pdu, week_start=body.week_start, time_limit=float(body.time_limit)
    )
    run = selectors.run_get(user, run.pk)
    return Status(202, _run(run))


@runs.get("/allocation/runs/{run_id}", RunOut, "getAllocationRun", "The status of a run")
def get_run(request: HttpRequest, run_id: int = RUN_ID) -> RunOut:
    """Status and progress while the plan is made; then the score, and who published it when."""
    return _run(selectors.run_get(_planner(request), run_id))


@runs.get("/allocation/runs/{run_id}/plan", PlanOut, "getAllocationPlan", "The plan of a run")
def get_plan(request: HttpRequest, run_id: int = RUN_ID) -> PlanOut:
    """The sessions, and each person with the hours they owe, their urgency, the sessions they are
    placed on and the reason where they were not placed (or offered less than the weekly minimum)."""
    return _plan(selectors.run_get(_planner(request), run_id))


@runs.post("/allocation/runs/{run_id}/hand-edits", PlanOut, "editAllocationPlan", "Change the plan by hand")
def hand_edit(request: HttpRequest, body: HandEditIn, run_id: int = RUN_ID) -> PlanOut:
    """Add, move or remove a person. The edit is checked against every hard rule; one that breaks a
    rule is refused (400) with the rule named, like `Refused: One session a day: …`."""
    user = _planner(request)
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


@runs.post(
    "/allocation/runs/{run_id}/publish", RunOut, "publishAllocationPlan", "Publish the plan: book the appointments"
)
def publish(request: HttpRequest, run_id: int = RUN_ID) -> RunOut:
    """Book every placement with the same checks as booking by hand, all or nothing, and email each
    supervisor their list. If the data changed since the run, nothing is booked: 400, field
    `publish`, the first message saying so and one message for each conflict."""
    user = _planner(request)
    run = services.allocation_publish(actor=user, run=selectors.run_get(user, run_id))
    return _run(selectors.run_get(user, run.pk))
