"""The schemas of a beneficiary contact's own API (`/api/v1/partners/...`)."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from payback.core.api_common import NO_NUL, InputSchema, ServiceDateTime, idempotency_key_field, text
from payback.delivery.api_schemas import HH_MM, OptionalTimeText, TimeText, hh_mm
from payback.delivery.models import IndividualPlacementTimesheet, Session
from payback.portal.signin_api import Problem, SignInChallengeOut, SignInCodeIn, TokenOut
from payback.projects.models import Project

from .selectors import PersonOnPlacement, Placement

KEY = "A key made by the app for this submit: the same key again changes nothing and gets the first answer"


class PartnerSignInIn(InputSchema):
    email: str = Field(min_length=1, max_length=254, pattern=NO_NUL, description="The contact's email address")


class PartnerSignInChallenge(SignInChallengeOut):
    pass


class PartnerSignInCodeIn(SignInCodeIn):
    code: str = Field(min_length=1, max_length=20, pattern=NO_NUL, description="The 6 numbers sent by email")


class PartnerTokenOut(TokenOut):
    token: str = Field(description="Send as `Authorization: Bearer bp_…` (never a member of staff's token)")


class PartnerProblem(Problem):
    """Too many tries: nothing was checked or sent."""

    detail: str


class PartnerProjectOut(Schema):
    id: int
    name: str
    kind: str = Field(description="group, individual, ...")
    status: str


class PartnerSessionOut(Schema):
    id: int
    project_id: int
    project: str
    date: date
    start_time: TimeText = Field(description="HH:MM, UK time")
    end_time: TimeText = Field(description="HH:MM, UK time")
    people_booked: int


class PartnerPersonOut(Schema):
    """A person on a placement: their first name and what the contact needs to know on site, nothing more."""

    id: int = Field(description="The person's place on this placement: send it with a timesheet")
    first_name: str
    needs: list[str]
    days: list[date] = Field(description="The days they are booked here, recently and to come")


class PartnerPlacementOut(Schema):
    id: int
    name: str
    people: list[PartnerPersonOut]


class PartnerTimesheetIn(InputSchema):
    person: int = Field(ge=1, le=2**31 - 1, description="The person's `id` on the placement")
    worked_on: date
    started_at: str = Field(pattern=HH_MM, description="HH:MM, UK time", examples=["09:00"])
    ended_at: str = Field(pattern=HH_MM, description="HH:MM, UK time, the same day", examples=["13:30"])
    break_minutes: int = Field(0, ge=0, le=720)
    tasks: str = text(2000, "The tasks they did", required=True)
    note: str = text(2000, "Anything else")
    idempotency_key: str | None = idempotency_key_field(KEY, "timesheet-2026-11-18-jo")


class PartnerTimesheetOut(Schema):
    id: int
    placement_id: int
    first_name: str
    worked_on: date
    started_at: OptionalTimeText = Field(description="HH:MM (null for a paper timesheet typed in by staff)")
    ended_at: OptionalTimeText = Field(description="HH:MM")
    break_minutes: int
    minutes: int = Field(description="Credited to the person's hours: from start to end, less the breaks")
    tasks: str
    note: str
    signed_by: str
    signed_at: datetime | None


class PartnerReportIn(InputSchema):
    kind: Literal["concern", "incident"]
    project: int = Field(ge=1, le=2**31 - 1, description="The project's `id`")
    details: str = text(4000, "What happened", required=True)
    person: int | None = Field(None, ge=1, le=2**31 - 1, description="For a concern: the person's `id` on a placement")
    occurred_at: ServiceDateTime | None = Field(None, description="For an incident: when it happened")
    location: str = text(300, "For an incident: where it happened")
    idempotency_key: str | None = idempotency_key_field(KEY, "concern-2026-11-18-1")


class PartnerReportOut(Schema):
    reference: str = Field(description="`concern:<id>` or `incident:<id>`")


def project_out(project: Project) -> PartnerProjectOut:
    return PartnerProjectOut(id=project.pk, name=project.name, kind=project.project_type, status=project.status)


def session_out(session: Session) -> PartnerSessionOut:
    return PartnerSessionOut(
        id=session.pk,
        project_id=session.project_id,
        project=session.project.name,
        date=session.date,
        start_time=f"{session.start_time:%H:%M}",
        end_time=f"{session.end_time:%H:%M}",
        people_booked=getattr(session, "booked", 0),
    )


def person_out(person: PersonOnPlacement) -> PartnerPersonOut:
    return PartnerPersonOut(
        id=person.requirement_id, first_name=person.first_name, needs=person.needs, days=person.days
    )


def placement_out(placement: Placement) -> PartnerPlacementOut:
    return PartnerPlacementOut(
        id=placement.project.pk, name=placement.project.name, people=[person_out(p) for p in placement.people]
    )


def timesheet_out(line: IndividualPlacementTimesheet) -> PartnerTimesheetOut:
    return PartnerTimesheetOut(
        id=line.pk,
        placement_id=line.project_id,
        first_name=line.requirement.person.first_name,
        worked_on=line.worked_on,
        started_at=hh_mm(line.started_at),
        ended_at=hh_mm(line.ended_at),
        break_minutes=line.break_minutes,
        minutes=line.minutes,
        tasks=line.tasks,
        note=line.note,
        signed_by=line.beneficiary_supervisor,
        signed_at=line.signed_at,
    )
