"""The allocation API's schemas: what it accepts and answers for runs, plans and hand edits. Times
are whole minutes."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Path, Schema
from pydantic import StrictInt

from payback.core.api_common import InputSchema, StaffName, StaffNameOrEmpty

from .models import RunKind, RunStatus

RUN_ID = Path(..., description="Id of the allocation run")


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
    created_by: StaffNameOrEmpty
    created_at: datetime
    finished_at: datetime | None
    score: float | None = Field(description="The plan's objective (higher is better); changes with hand edits")
    bound: float | None = Field(description="The best objective the solver proved possible")
    conflicts: list[str] = Field(description="Why the last publish was refused, one line a person")
    published_at: datetime | None
    published_by: StaffName


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
