"""Schemas of the sessions, register, incidents and risk concerns API, and the shaping of records into them.

Times of day are "HH:MM" strings (UK time) both ways, so a time read from a session can be sent back
in the register unchanged."""

from datetime import date, datetime, time
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import BeforeValidator, StrictBool, StrictInt

from payback.cases.api_schemas import CRN_PATTERN
from payback.core.api_common import (
    InputSchema,
    OptionalChoice,
    Page,
    PageQuery,
    Ref,
    ServiceDateTime,
    StaffName,
    idempotency_key_field,
    shaped,
    text,
)

from .models import (
    AbsenceReason,
    Appointment,
    ConcernCategory,
    Incident,
    IncidentStatus,
    Outcome,
    Rating,
    RiskConcern,
    Session,
    SessionStatus,
    StandDownReason,
)
from .services import RegisterResult

HH_MM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
TEXT = 4000
MAX_VERSION = 2**31 - 1


def hh_mm(value: time | None) -> str | None:
    return None if value is None else f"{value:%H:%M}"


def parse_hh_mm(value: str | None) -> time | None:
    return None if value is None else time.fromisoformat(value)


def _time_text(value: Any) -> Any:
    return hh_mm(value) if isinstance(value, time) else value


# A time of day kept as a time, shown as "HH:MM" (UK time).
TimeText = Annotated[str, BeforeValidator(_time_text)]
OptionalTimeText = Annotated[str | None, BeforeValidator(_time_text)]


def _hh_mm_field(description: str, example: str) -> Any:
    return Field(None, pattern=HH_MM, description=description, examples=[example])


# ---------------------------------------------------------------------------------------------
# Sessions and appointments


class SessionsQuery(PageQuery):
    date_from: date | None = Field(None, description="Only sessions on or after this date")
    date_to: date | None = Field(None, description="Only sessions on or before this date")
    project: int | None = Field(None, ge=1, description="Only sessions of this project (its id)")
    status: SessionStatus | None = Field(None, description="Only sessions in this status")
    needs_cover: bool = Field(False, description="true: only planned sessions whose supervisor is away (or unset)")


class SessionSummaryOut(Schema):
    id: int
    project: Ref
    date: date
    start_time: TimeText = Field(description="HH:MM, UK time")
    end_time: TimeText = Field(description="HH:MM, UK time")
    status: SessionStatus
    supervisor: StaffName = Field(description="Name of the supervisor; null while nobody is assigned")
    needs_cover: bool = Field(description="The supervisor is away (or none is assigned): someone must cover")
    capacity: int = Field(description="How many people can be booked")
    booked: int = Field(description="People booked (cancelled appointments left out)")


class AppointmentOut(Schema):
    id: int = Field(description="Id of the appointment: use it as appointment_id in the register")
    requirement_id: int
    crn: str
    person_name: str
    outcome: OptionalChoice[Outcome] = Field(description="null until the register records one")
    absence_reason: OptionalChoice[AbsenceReason] = Field(description="For an acceptable absence")
    arrived_at: OptionalTimeText = Field(description="When the person started (HH:MM); null means the session's start")
    left_at: OptionalTimeText = Field(description="When the person finished or was sent home (HH:MM)")
    penalty_minutes: int = Field(description="Minutes taken off for lateness or breaks beyond policy")
    work_quality: OptionalChoice[Rating]
    behaviour: OptionalChoice[Rating]
    note: str
    evidence_due: date | None = Field(
        description="For a possible failure to comply: when evidence of an acceptable reason is due"
    )
    credited_minutes: int = Field(
        description="Minutes credited to the person's ledger for this session (0 until the register is closed)"
    )


class SessionOut(SessionSummaryOut):
    vehicle: str | None = Field(description="Registration of the vehicle, if one is used")
    pick_up_point: str
    pick_up_time: OptionalTimeText = Field(description="HH:MM")
    go_decision: bool | None = Field(description="The dynamic risk assessment on the day: null until it is made")
    register_version: int = Field(
        description="Goes up with every accepted change to the register: send it back as expected_version"
    )
    closed_at: datetime | None
    stand_down_reason: OptionalChoice[StandDownReason]
    stand_down_detail: str
    appointments: list[AppointmentOut] = Field(description="Everyone booked, by last name")


class SessionPage(Page):
    count: int = Field(description="Sessions matching the filters, across all pages")
    items: list[SessionSummaryOut]


class BookIn(InputSchema):
    requirement_id: int = Field(description="The Unpaid Work requirement of the person to book (in your area)")


class StandDownIn(InputSchema):
    reason: StandDownReason = Field(description="Why the service cancels the session", examples=["weather"])
    detail: str = text(500, "More about why: needed when the reason is other")


def session_summary(session: Session, *, booked: int) -> SessionSummaryOut:
    return shaped(SessionSummaryOut, session, booked=booked)


def appointment_out(appointment: Appointment) -> AppointmentOut:
    entry = appointment.credited_entry
    person = appointment.person
    return shaped(
        AppointmentOut,
        appointment,
        crn=person.crn,
        person_name=person.full_name,
        credited_minutes=entry.minutes if entry is not None else 0,
    )


def session_out(session: Session, *, appointments: list[Appointment]) -> SessionOut:
    return shaped(
        SessionOut,
        session,
        booked=len(appointments),
        vehicle=session.vehicle.registration if session.vehicle else None,
        appointments=[appointment_out(a) for a in appointments],
    )


# ---------------------------------------------------------------------------------------------
# The register


class RegisterLineIn(InputSchema):
    appointment_id: int = Field(description="Id of the person's appointment on this session")
    outcome: Outcome = Field(examples=["attended_complied"])
    arrived_at: str | None = _hh_mm_field(
        "Attended outcomes only: when the person started, HH:MM within the session "
        "(the session's start if left out). A late arrival earns nothing for the time missed",
        "09:15",
    )
    left_at: str | None = _hh_mm_field(
        "Attended outcomes only: when the person finished, HH:MM within the session (the session's "
        "end if left out). Needed when someone is sent home",
        "15:30",
    )
    penalty_minutes: StrictInt = Field(
        0, ge=0, le=720, description="Attended outcomes only: minutes taken off for lateness or long breaks"
    )
    absence_reason: AbsenceReason | None = Field(None, description="Needed for an acceptable absence")
    work_quality: Rating | None = None
    behaviour: Rating | None = None
    note: str = text(1000, "Anything the practitioner should know")


class RegisterIn(InputSchema):
    idempotency_key: str | None = idempotency_key_field(
        "A new key for each submit (a UUID, say), kept when the submit is retried. "
        "May be sent as the Idempotency-Key header instead",
        "8b1f0c2e-5d7a-4e8b-9c61-0f4a9d7e2b13",
    )
    expected_version: StrictInt = Field(
        ge=0, le=MAX_VERSION, description="The register_version of the session as you last read it"
    )
    close: StrictBool = Field(
        False, description="true: close the register and post the credits (everyone booked needs an outcome)"
    )
    confirm: StrictBool = Field(
        False,
        description="Needed as true with `close: true`: you have checked every outcome, and closing credits the "
        "hours. Closing without it is refused naming `confirm`",
    )
    lines: list[RegisterLineIn] = Field(
        default_factory=list, max_length=100, description="Outcomes to record: people left out keep what they have"
    )


class RegisterLineOut(Schema):
    appointment_id: int
    person: str = Field(description="The person's name")
    outcome: OptionalChoice[Outcome] = Field(description="null if no outcome is recorded yet")
    credited_minutes: int = Field(description="Minutes credited by this submit (only when it closes the register)")
    note: str = Field(description="Why fewer minutes were credited than worked, if they were")


class RegisterResultOut(Schema):
    session_id: int
    version: int = Field(description="The register's version after this submit: send it with the next one")
    closed: bool
    lines: list[RegisterLineOut] = Field(description="Everyone booked, by name")
    replayed: bool = Field(
        description="true: this key was submitted before, and this is the first answer again (nothing changed)"
    )


class ConflictOut(Schema):
    """The register changed since the copy the submit was made from."""

    detail: str
    current_version: int = Field(description="The register's version now: read the session again and resubmit")


def register_result_out(result: RegisterResult) -> RegisterResultOut:
    lines = [RegisterLineOut.model_validate({"note": "", **line}) for line in result.lines]
    return shaped(RegisterResultOut, result, lines=lines)


# ---------------------------------------------------------------------------------------------
# Incidents


class IncidentIn(InputSchema):
    project_id: int = Field(description="The project where it happened (in your area)")
    session_id: int | None = Field(None, description="The session it happened on, if any (on the same project)")
    occurred_at: ServiceDateTime = Field(
        description="When it happened (ISO 8601); a time without an offset is UK time. Not in the future",
        examples=["2026-03-10T11:20:00+00:00"],
    )
    location: str = text(300, "Where it happened", required=True)
    what_happened: str = text(TEXT, "What happened", required=True)
    people_involved: str = text(TEXT)
    witnesses: str = text(TEXT)
    injuries: str = text(TEXT)
    damage: str = text(TEXT)
    emergency_services_called: StrictBool = False
    immediate_action: str = text(TEXT, "What was done at once")
    near_miss: StrictBool = Field(
        False, description="true: nobody was hurt and nothing was damaged, but could have been"
    )


class IncidentOut(Schema):
    id: int
    project: Ref
    session_id: int | None
    occurred_at: datetime
    location: str
    what_happened: str
    people_involved: str
    witnesses: str
    injuries: str
    damage: str
    emergency_services_called: bool
    immediate_action: str
    near_miss: bool
    reported_by: StaffName
    reported_at: datetime
    paperwork_due_at: datetime = Field(description="The full paperwork is due 24 hours after the report")
    paperwork_completed_at: datetime | None
    status: IncidentStatus
    investigation: str
    outcome: str
    learning: str
    closed_at: datetime | None


def incident_out(incident: Incident) -> IncidentOut:
    return shaped(IncidentOut, incident)


# ---------------------------------------------------------------------------------------------
# Risk concerns


class RiskConcernIn(InputSchema):
    crn: str = Field(pattern=CRN_PATTERN, description="The person's case reference number, like X123456")
    category: ConcernCategory = Field(examples=["wellbeing"])
    details: str = text(TEXT, "What you saw or heard", required=True)
    session_id: int | None = Field(
        None, description="The session where it was noticed: the person must be booked on it"
    )


class AcknowledgeIn(InputSchema):
    action_taken: str = text(TEXT, "What you have done about the concern", required=True)


class RiskConcernOut(Schema):
    id: int
    crn: str
    person_name: str
    category: ConcernCategory
    details: str
    session_id: int | None
    raised_by: StaffName
    raised_at: datetime
    acknowledged_by: StaffName = Field(description="null until the practitioner acknowledges it")
    acknowledged_at: datetime | None
    action_taken: str


def concern_out(concern: RiskConcern) -> RiskConcernOut:
    return shaped(RiskConcernOut, concern, crn=concern.person.crn, person_name=concern.person.full_name)
