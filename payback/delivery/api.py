"""The sessions API (staff only): sessions and their appointments, the register, stand-downs,
incidents and risk concerns.

Thin by design, like the cases and projects APIs: reads go through `selectors` (a supervisor sees the
sessions they run, planners every session in their area; anything else is simply not found) and
writes through `services`, each in one transaction. The register submit is idempotent: a repeat
with the same key gets the first answer and changes nothing."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from ninja import Query, Router
from ninja.responses import Status

from payback.cases.models import Person, Requirement
from payback.core.api_common import page_of
from payback.core.api_ops import Access, Operations, idempotency_header, idempotency_key, path_id
from payback.core.edge import api_staff
from payback.core.selectors import policy_book
from payback.projects.models import Project
from payback.staff.models import User
from payback.staff.roles import (
    ACKNOWLEDGE_CONCERNS,
    INVESTIGATE_INCIDENTS,
    PLAN_SESSIONS,
    RAISE_CONCERNS,
    REFUSALS,
    REPORT_INCIDENTS,
    RUN_SESSIONS,
)

from . import selectors, services
from .api_schemas import (
    AcknowledgeIn,
    AppointmentOut,
    BookIn,
    ConflictOut,
    IncidentIn,
    IncidentOut,
    RegisterIn,
    RegisterLineIn,
    RegisterResultOut,
    RiskConcernIn,
    RiskConcernOut,
    SessionOut,
    SessionPage,
    SessionsQuery,
    StandDownIn,
    appointment_out,
    concern_out,
    incident_out,
    parse_hh_mm,
    register_result_out,
    session_out,
    session_summary,
)
from .models import Appointment, Session

router = Router(tags=["sessions"])
sessions = Operations(router)
incidents = Operations(router, "incidents")
concerns = Operations(router, "risk concerns")
staff = Access(REFUSALS)
SEE_SESSIONS = "You do not have permission to see sessions"
SEE_INCIDENTS = "You do not have permission to see incidents"

SESSION_ID = path_id("session")
INCIDENT_ID = path_id("incident")
CONCERN_ID = path_id("risk concern")


def _session_viewer(request: HttpRequest) -> User:
    """A supervisor, who sees the sessions they run, or a planner, who sees every session in their area."""
    return api_staff(request, RUN_SESSIONS, PLAN_SESSIONS, message=SEE_SESSIONS)


# ---------------------------------------------------------------------------------------------
# Sessions


def _booked(session: Session) -> list[Appointment]:
    return [row.appointment for row in selectors.register_rows(session)]


def _session_detail(user: User, pk: int) -> SessionOut:
    session = selectors.session_get(user, pk)
    return session_out(session, appointments=_booked(session))


@sessions.get("/sessions", SessionPage, "listSessions", "List sessions")
def list_sessions(request: HttpRequest, query: Query[SessionsQuery]) -> SessionPage:
    """Sessions by date and start time. A supervisor sees the sessions they run; planners every session
    in their area. Filters: `date_from`, `date_to`, `project` (id), `status`, `needs_cover=true`."""
    qs = selectors.sessions_listed(
        _session_viewer(request),
        date_from=query.date_from,
        date_to=query.date_to,
        project_id=query.project,
        status=query.status.value if query.status is not None else None,
        needs_cover=bool(query.needs_cover),
    )
    # Each listed session carries the number booked on it.
    return page_of(SessionPage, qs, query, lambda s: session_summary(s, booked=s.booked))  # type: ignore[attr-defined]


@sessions.get("/sessions/{id}", SessionOut, "getSession", "One session and its register")
def get_session(request: HttpRequest, id: int = SESSION_ID) -> SessionOut:
    """The session with everyone booked: each person's CRN and name, outcome, times, ratings and the
    minutes credited; and `register_version`, to send back as `expected_version` with the register."""
    return _session_detail(_session_viewer(request), id)


def _requirement(user: User, pk: int) -> Requirement:
    requirement = selectors.open_requirement_get(user, pk)
    if requirement is None:
        raise ValidationError({"requirement_id": "No open requirement with this id in your area"})
    return requirement


@sessions.create("/sessions/{id}/appointments", AppointmentOut, "bookAppointment", "Book a person into a session")
def book_appointment(request: HttpRequest, body: BookIn, id: int = SESSION_ID) -> Status[AppointmentOut]:
    """Only someone who can be placed: inducted and assessed, with hours owed, one session a day, within
    the session's capacity, not with anyone they must not be placed with, and allowed on the project.
    A refusal is 400 with every reason, each under the field `requirement`."""
    user = staff(request, PLAN_SESSIONS)
    session = selectors.session_get(user, id)
    requirement = _requirement(user, body.requirement_id)
    book = policy_book()
    try:
        with transaction.atomic():
            appointment = services.appointment_book(actor=user, session=session, requirement=requirement, book=book)
    except ValidationError as error:
        # Every reason on its own line: the service checks them all, not only the first.
        reasons = selectors.appointment_check(session, requirement, book=book)
        raise ValidationError({"requirement": reasons or error.messages}) from None
    appointment = Appointment.objects.select_related("person", "credited_entry").get(pk=appointment.pk)
    return Status(201, appointment_out(appointment))


def _line(line: RegisterLineIn) -> services.RegisterLine:
    return services.RegisterLine(
        appointment_id=line.appointment_id,
        outcome=line.outcome.value,
        arrived_at=parse_hh_mm(line.arrived_at),
        left_at=parse_hh_mm(line.left_at),
        penalty_minutes=line.penalty_minutes,
        absence_reason=line.absence_reason.value if line.absence_reason else "",
        work_quality=line.work_quality.value if line.work_quality else "",
        behaviour=line.behaviour.value if line.behaviour else "",
        note=line.note,
    )


@sessions.post(
    "/sessions/{id}/register",
    {200: RegisterResultOut, 409: ConflictOut},
    "submitRegister",
    "Save or close the register",
)
def submit_register(
    request: HttpRequest,
    body: RegisterIn,
    id: int = SESSION_ID,
    key_header: str | None = idempotency_header("The submit's idempotency key, instead of the idempotency_key field"),
) -> RegisterResultOut | Status[ConflictOut]:
    """Record outcomes (`close: false` saves them; `close: true` with `confirm: true` also closes the register
    and posts every credit to the ledger, in the same transaction; closing without `confirm: true` is 400
    naming `confirm`). Outcomes can be recorded from the session's start time (UK time): earlier is 400
    naming `session`, saying when. Each submit carries a new idempotency key: a repeat
    with the same key and body gets the first answer again (`replayed: true`) and changes nothing; the
    same key with a different body is 400 naming `idempotency_key`. A submit made from an out-of-date
    copy (`expected_version` is not the session's `register_version`) is **409** with the current
    version. A line that breaks a rule is 400 naming it, like `lines.0.left_at`; nothing is saved."""
    user = staff(request, RUN_SESSIONS)
    session = selectors.session_to_write(user, id)
    key = idempotency_key(body.idempotency_key, key_header)
    if body.close and not body.confirm:
        raise ValidationError(
            {"confirm": "Confirm that every outcome is right (confirm: true): closing the register credits the hours"}
        )
    write = services.register_close if body.close else services.register_save
    try:  # the service's own transaction: all of the submit or none of it
        result = write(
            actor=user,
            session=session,
            expected_version=body.expected_version,
            idempotency_key=key,
            lines=[_line(line) for line in body.lines],
        )
    except services.RegisterConflict as conflict:
        return Status(409, ConflictOut(detail=str(conflict), current_version=conflict.current_version))
    return register_result_out(result)


@sessions.post("/sessions/{id}/stand-down", SessionOut, "standDownSession", "Stand a session down")
def stand_down_session(request: HttpRequest, body: StandDownIn, id: int = SESSION_ID) -> SessionOut:
    """The service cancels a planned session: everyone booked is stood down and put on the list to rebook.
    Each is credited the stand-down allowance in force on the session's date, and the credit counts from
    that date: standing down a future session records it now, and the credit (`credited_minutes`) is
    posted on the session's date. `detail` is needed when the reason is
    `other`; a session not planned is 400 naming `session`."""
    user = staff(request, PLAN_SESSIONS)
    session = selectors.session_get(user, id)
    with transaction.atomic():
        services.session_stand_down(actor=user, session=session, reason=body.reason.value, detail=body.detail)
        return _session_detail(user, id)


# ---------------------------------------------------------------------------------------------
# Incidents


def _project(user: User, pk: int) -> Project:
    project = selectors.project_in_area(user, pk)
    if project is None:
        raise ValidationError({"project_id": "No project with this id in your area"})
    return project


def _session_for(user: User, pk: int) -> Session:
    try:
        return selectors.session_get(user, pk)
    except Http404:
        raise ValidationError({"session_id": "No session with this id among those you can see"}) from None


@incidents.create("/incidents", IncidentOut, "reportIncident", "Report an incident, accident or near miss")
def report_incident(request: HttpRequest, body: IncidentIn) -> Status[IncidentOut]:
    """The operations manager is told at once by email, the full paperwork is due within 24 hours, and
    the project's risk assessment is flagged for review."""
    user = staff(request, REPORT_INCIDENTS)
    project = _project(user, body.project_id)
    session = None
    if body.session_id is not None:
        session = _session_for(user, body.session_id)
        if session.project_id != project.pk:
            raise ValidationError({"session_id": "The session is on another project"})
    values = body.model_dump(exclude={"project_id", "session_id"})
    with transaction.atomic():
        incident = services.incident_report(actor=user, project=project, session=session, **values)
        return Status(201, incident_out(selectors.incident_get(user, incident.pk)))


@incidents.get("/incidents/{id}", IncidentOut, "getIncident", "One incident")
def get_incident(request: HttpRequest, id: int = INCIDENT_ID) -> IncidentOut:
    """What happened and how far the paperwork and investigation have gone. 404 if outside your area."""
    user = api_staff(request, REPORT_INCIDENTS, INVESTIGATE_INCIDENTS, message=SEE_INCIDENTS)
    return incident_out(selectors.incident_get(user, id))


# ---------------------------------------------------------------------------------------------
# Risk concerns


def _person(user: User, crn: str, session: Session | None) -> Person:
    """The person the concern is about: booked on the session when one is given; otherwise someone in
    your area (for someone who cannot see cases, someone booked on one of your sessions)."""
    if session is not None:
        person = selectors.person_booked_on(session, crn)
        if person is None:
            raise ValidationError({"crn": "This person is not booked on the session"})
        return person
    person = selectors.person_in_area(user, crn)
    if person is None:
        raise ValidationError({"crn": "No person with this CRN in your area"})
    return person


def _concern_detail(user: User, pk: int) -> RiskConcernOut:
    return concern_out(selectors.concern_get(user, pk))


@concerns.create("/risk-concerns", RiskConcernOut, "raiseRiskConcern", "Raise a risk concern about a person")
def raise_risk_concern(request: HttpRequest, body: RiskConcernIn) -> Status[RiskConcernOut]:
    """Something noticed about a person, for their probation practitioner: drugs or alcohol, wellbeing,
    domestic abuse, county lines, modern slavery or other."""
    user = staff(request, RAISE_CONCERNS)
    session = _session_for(user, body.session_id) if body.session_id is not None else None
    person = _person(user, body.crn, session)
    with transaction.atomic():
        concern = services.risk_concern_raise(
            actor=user, person=person, category=body.category.value, details=body.details, session=session
        )
        return Status(201, concern_out(concern))


@concerns.get("/risk-concerns/{id}", RiskConcernOut, "getRiskConcern", "One risk concern")
def get_risk_concern(request: HttpRequest, id: int = CONCERN_ID) -> RiskConcernOut:
    """The concern and, once acknowledged, who acknowledged it and what they did. 404 if outside your area."""
    return _concern_detail(staff(request, ACKNOWLEDGE_CONCERNS), id)


@concerns.post(
    "/risk-concerns/{id}/acknowledge", RiskConcernOut, "acknowledgeRiskConcern", "Acknowledge a risk concern"
)
def acknowledge_risk_concern(request: HttpRequest, body: AcknowledgeIn, id: int = CONCERN_ID) -> RiskConcernOut:
    """Record what you have done about it. A concern is acknowledged once (then 400 naming `concern`)."""
    user = staff(request, ACKNOWLEDGE_CONCERNS)
    concern = selectors.concern_get(user, id)
    with transaction.atomic():
        services.risk_concern_acknowledge(actor=user, concern=concern, action_taken=body.action_taken)
        return _concern_detail(user, id)
