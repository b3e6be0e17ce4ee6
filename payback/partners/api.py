"""A beneficiary contact's own API, under `/api/v1/partners/`: what their pages show and do.

They sign in as on the pages, with a code emailed to them (`POST /partners/sign-in`, then
`/partners/sign-in/code`), and get a bearer token of their own (`bp_…`) that works only here: a
member of staff's token (`pb_…`) and a person's (`pp_…`) are refused here, and theirs everywhere
else. Everything answers about the contact's own organisation alone: anything else is 404. A
removed contact's tokens stop at once (401)."""

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router
from ninja.responses import Status
from ninja.security import HttpBearer

from payback.core.api_ops import idempotency_header, idempotency_key, path_id
from payback.delivery.api_schemas import parse_hh_mm
from payback.portal.signin_api import SignInApi, SignInSchemas

from . import api_schemas as schema
from . import selectors, services, signin
from .models import BeneficiaryContact

SENT = "If we know the email address, we have emailed a code to it."
KEY_HEADER = idempotency_header(schema.KEY)
START_DOC = """The same answer (202, with a challenge) whether or not the email address is a contact's; a
code is emailed only when it is. Too many codes or wrong codes is 429."""
FINISH_DOC = """A right code gives a bearer token; a wrong or expired one is 400 naming `code` (5 tries a
code). Too many wrong codes for the address, or from your client, is 429."""


class ContactTokenAuth(HttpBearer):
    """`Authorization: Bearer bp_…`: a token from signing in with an emailed code. Unused for 20
    minutes, 2 hours after signing in, or once the contact is removed, it stops working (401)."""

    def authenticate(self, request: HttpRequest, token: str) -> BeneficiaryContact | None:
        return signin.token_contact(token.strip())


router = Router(tags=["a beneficiary's named contact"], auth=ContactTokenAuth())


def _contact(request: HttpRequest) -> BeneficiaryContact:
    contact = request.auth  # type: ignore[attr-defined]
    assert isinstance(contact, BeneficiaryContact)
    return contact


SignInApi(
    path="/partners",
    name="Partner",
    schemas=SignInSchemas(
        sign_in=schema.PartnerSignInIn,
        challenge=schema.PartnerSignInChallenge,
        code=schema.PartnerSignInCodeIn,
        token=schema.PartnerTokenOut,
        problem=schema.PartnerProblem,
    ),
    start=signin.sign_in_start,
    finish=signin.sign_in_finish,
    sign_in=signin.SIGN_IN,
    sent=SENT,
).add_to(router, start_doc=START_DOC, finish_doc=FINISH_DOC)


@router.get(
    "/partners/projects",
    response=list[schema.PartnerProjectOut],
    operation_id="listPartnerProjects",
    summary="Your organisation's projects",
)
def projects(request: HttpRequest) -> list[schema.PartnerProjectOut]:
    """Every project of your organisation that has been set up (not drafts), by name."""
    return [schema.project_out(p) for p in selectors.projects_of(_contact(request))]


@router.get(
    "/partners/sessions",
    response=list[schema.PartnerSessionOut],
    operation_id="listPartnerSessions",
    summary="Sessions in the next 4 weeks",
)
def sessions(request: HttpRequest) -> list[schema.PartnerSessionOut]:
    """Sessions planned at your projects from today for 4 weeks, with how many people are booked."""
    found = selectors.upcoming_sessions(_contact(request), today=timezone.localdate())
    return [schema.session_out(s) for s in found]


@router.get(
    "/partners/placements",
    response=list[schema.PartnerPlacementOut],
    operation_id="listPartnerPlacements",
    summary="Your individual placements and the people on them",
)
def placements(request: HttpRequest) -> list[schema.PartnerPlacementOut]:
    """Each person by first name, with only what you need to know on site."""
    return [schema.placement_out(p) for p in selectors.placements_of(_contact(request), today=timezone.localdate())]


@router.get(
    "/partners/placements/{placement_id}",
    response=schema.PartnerPlacementOut,
    operation_id="getPartnerPlacement",
    summary="One of your placements",
)
def placement(request: HttpRequest, placement_id: int = path_id("placement")) -> schema.PartnerPlacementOut:
    """Another organisation's placement is 404."""
    project = selectors.placement_get(_contact(request), placement_id)
    return schema.placement_out(selectors.Placement(project, selectors.people_on(project, today=timezone.localdate())))


@router.post(
    "/partners/placements/{placement_id}/timesheets",
    response={201: schema.PartnerTimesheetOut},
    operation_id="signPartnerTimesheet",
    summary="Sign a timesheet",
)
def sign_timesheet(
    request: HttpRequest,
    body: schema.PartnerTimesheetIn,
    placement_id: int = path_id("placement"),
    key: str | None = KEY_HEADER,
) -> Status[schema.PartnerTimesheetOut]:
    """One day's work by a person on your placement, credited to their hours. Needs an idempotency key
    (the body's or the header's): the same key again gives the first answer. A day with no booking
    here, overlapping times, or breaks as long as the day is 400 naming the field; another
    organisation's placement or person is 404."""
    contact = _contact(request)
    line = services.timesheet_sign(
        contact=contact,
        placement=selectors.placement_get(contact, placement_id),
        requirement_id=body.person,
        worked_on=body.worked_on,
        started_at=parse_hh_mm(body.started_at),
        ended_at=parse_hh_mm(body.ended_at),
        break_minutes=body.break_minutes,
        tasks=body.tasks,
        note=body.note,
        idempotency_key=idempotency_key(body.idempotency_key, key),
    )
    return Status(201, schema.timesheet_out(line))


@router.get(
    "/partners/timesheets/{timesheet_id}",
    response=schema.PartnerTimesheetOut,
    operation_id="getPartnerTimesheet",
    summary="A timesheet on one of your placements",
)
def timesheet(request: HttpRequest, timesheet_id: int = path_id("timesheet")) -> schema.PartnerTimesheetOut:
    """A timesheet signed (or typed in by staff) for one of your placements; anyone else's is 404."""
    return schema.timesheet_out(selectors.timesheet_get(_contact(request), timesheet_id))


@router.post(
    "/partners/reports",
    response={201: schema.PartnerReportOut, 404: schema.PartnerProblem},
    operation_id="sendPartnerReport",
    summary="Tell us about a concern or an incident",
)
def send_report(
    request: HttpRequest, body: schema.PartnerReportIn, key: str | None = KEY_HEADER
) -> Status[schema.PartnerReportOut]:
    """A concern about a person on your placement (`person`), or an incident at one of your projects
    (`occurred_at`, `location`). Needs an idempotency key; another organisation's project is 404."""
    contact = _contact(request)
    reference = services.report_send(
        contact=contact,
        project=selectors.project_get(contact, body.project),
        kind=body.kind,
        details=body.details,
        person_id=body.person,
        occurred_at=body.occurred_at,
        location=body.location,
        idempotency_key=idempotency_key(body.idempotency_key, key),
    )
    return Status(201, schema.PartnerReportOut(reference=reference))
