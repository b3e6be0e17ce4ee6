"""Session pages through the Django test client: the supervisor's day on the phone, the register
(idempotent, versioned, never half-saved), planning, stand-downs, incidents, risk concerns,
vehicles, timesheets, and who may see what."""

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from payback.cases.assessment import services as assessment_services
from payback.cases.models import LedgerEntry, Requirement
from payback.delivery import services
from payback.delivery.models import (
    Appointment,
    IdempotentRequest,
    Incident,
    RiskConcern,
    Session,
    SessionStatus,
    Vehicle,
)
from payback.notifications.models import Notification
from payback.projects import services as project_services
from payback.projects.models import Project
from payback.staff.models import Pdu, User
from payback.staff.roles import OPERATIONS_MANAGER, SUPERVISOR, sync_roles

pytestmark = pytest.mark.django_db

MakeUser = Callable[..., User]
MakeCase = Callable[..., Requirement]
CONFLICT = "Someone else has changed this register: your entries are below, check them against the latest"


# ---------------------------------------------------------------------------------------------
# Helpers: everything is built through the services, as the service itself would be used


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def today() -> date:
    return timezone.localdate()


def active_project(coordinator: User, manager: User, pdu: Pdu, **overrides: Any) -> Project:
    """A beneficiary, a project, its approved assessment, the MoU, days and tasks: then active."""
    beneficiary = project_services.beneficiary_create(
        actor=coordinator,
        pdu=pdu,
        name=f"{overrides.get('name', 'Towpath clearance')} Trust",
        kind="charity",
        contact_name="Sam Reed",
        contact_email="sam@trust.example",
        mou_signed_on=today() - timedelta(days=60),
    )
    fields: dict[str, Any] = {
        "name": "Towpath clearance",
        "project_type": "group",
        "address": "Lock 4, Ouseburn towpath",
        "postcode": "NE6 1BU",
        "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "start_time": time(9),
        "end_time": time(16),
        "capacity": 12,
    }
    fields.update(overrides)
    project = project_services.project_create(actor=coordinator, beneficiary=beneficiary, pdu=pdu, **fields)
    assessment = project_services.project_assessment_start(actor=coordinator, project=project)
    project_services.project_assessment_update(
        actor=coordinator,
        assessment=assessment,
        values={
            "hazards": "Uneven ground and the water's edge",
            "controls": "No work within 2 m of the edge; gloves and eye protection",
            "welfare_toilets": True,
            "welfare_shelter": True,
            "welfare_drinking_water": True,
            "all_weather": True,
            "duration_weeks": 12,
            "max_people": 10,
            "environmental_value": "Reopens the towpath",
            "replaces_paid_work": False,
            "makes_profit": False,
            "involves_personal_care": False,
            "supervises_children_or_vulnerable_adults": False,
        },
    )
    project_services.project_assessment_recommend(actor=coordinator, assessment=assessment, recommendation="Sound")
    project_services.project_assessment_decide(actor=manager, assessment=assessment, approve=True)
    project_services.project_set_tasks(actor=coordinator, project=project, tasks=["Clear brambles"])
    project.refresh_from_db()
    return project_services.project_change_status(actor=coordinator, project=project, to_status="active", reason="Go")


def placeable(make_case: MakeCase, practitioner: User, **overrides: Any) -> Requirement:
    """A case that can be placed: inducted, and assessed at low risk (so no countersignature)."""
    sentenced = today() - timedelta(days=20)
    assessment_values = {
        "availability": {day: ["morning", "afternoon"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
        "health_limitations": "Asthma: no dusty work",
        "prayer_times": "Friday 13:00 to 13:30",
        "interpreter_required": True,
        "interpreter_language": "Polish",
        "skills": "Qualified electrician",
        "risk_notes": "Threatened a neighbour in 2019",
        "religious_observance_notes": "Attends the mosque on Fridays",
        "transport": "public_transport",
        "max_travel_minutes": 45,
        "suitable_placement_types": ["group", "individual"],
        "rosh_level": "low",
        "risk_assessed_on": sentenced,
    }
    requirement = make_case(
        practitioner=practitioner, sentence_date=sentenced, phone="07700900123", actor=practitioner, **overrides
    )
    induction = assessment_services.induction_book(
        actor=practitioner,
        requirement=requirement,
        starts_at=timezone.make_aware(datetime.combine(sentenced + timedelta(days=1), time(10))),
        location="Newcastle office",
    )
    assessment_services.induction_record_outcome(
        actor=practitioner, induction=induction, outcome="attended", minutes_attended=60
    )
    draft = assessment_services.assessment_start(actor=practitioner, person=requirement.person)
    assessment_services.assessment_update(actor=practitioner, assessment=draft, values=assessment_values)
    assessment_services.assessment_submit(actor=practitioner, assessment=draft)
    requirement.refresh_from_db()
    return requirement


def plan(planner: User, project: Project, *, supervisor: User | None, day: date | None = None, **kw: Any) -> Session:
    fields: dict[str, Any] = {"start_time": time(9), "end_time": time(16), "capacity": 6}
    fields.update(kw)
    return services.session_create(
        actor=planner, project=project, session_date=day or today(), supervisor=supervisor, **fields
    )


def book(planner: User, session: Session, *requirements: Requirement) -> list[Appointment]:
    return [services.appointment_book(actor=planner, session=session, requirement=r) for r in requirements]


def register_form(client: Client, session: Session) -> dict[str, Any]:
    """Open the register and keep the hidden fields it was rendered with."""
    response = client.get(f"/sessions/{session.pk}/register/")
    assert response.status_code == 200
    meta = response.context["meta"]
    return {"idempotency_key": meta.initial["idempotency_key"], "version": meta.initial["version"]}


def register_data(hidden: dict[str, Any], lines: dict[Appointment, dict[str, str]], action: str = "save") -> dict:
    data: dict[str, Any] = {**hidden, "action": action, "appointment": [str(a.pk) for a in lines]}
    if action == "close":
        data["confirm"] = "on"
    for appointment, fields in lines.items():
        for name, value in fields.items():
            data[f"a{appointment.pk}-{name}"] = value
    return data


def session_credits(session: Session) -> list[tuple[str, int]]:
    refs = {str(pk) for pk in session.appointments.values_list("pk", flat=True)}
    return sorted(
        (entry.requirement.person.last_name, entry.minutes)
        for entry in LedgerEntry.objects.filter(source="session", source_ref__in=refs).select_related(
            "requirement__person"
        )
    )


# ---------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(autouse=True)
def roles(db: Any) -> None:
    """Every role with exactly its permissions, whatever the migrations left in the groups."""
    sync_roles()


@pytest.fixture
def other_region_manager(make_user: MakeUser, pdu_b: Pdu) -> User:
    return make_user("lena", role=OPERATIONS_MANAGER, pdu=pdu_b)


@pytest.fixture
def project(coordinator: User, manager: User, pdu_a: Pdu) -> Project:
    return active_project(coordinator, manager, pdu_a)


@pytest.fixture
def people(make_case: MakeCase, practitioner: User) -> list[Requirement]:
    return [
        placeable(make_case, practitioner, first_name="Alex", last_name="Adams"),
        placeable(make_case, practitioner, first_name="Bo", last_name="Brown"),
        placeable(make_case, practitioner, first_name="Cal", last_name="Clark"),
    ]


@pytest.fixture
def session(coordinator: User, supervisor: User, project: Project, people: list[Requirement]) -> Session:
    planned = plan(
        coordinator, project, supervisor=supervisor, pick_up_point="Haymarket bus station", pick_up_time=time(8, 30)
    )
    book(coordinator, planned, *people)
    planned.refresh_from_db()
    return planned


def appointments_of(session: Session) -> list[Appointment]:
    return list(session.appointments.filter(cancelled_at__isnull=True).order_by("person__last_name"))


# ---------------------------------------------------------------------------------------------
# The supervisor's day


def test_supervisor_sees_todays_sessions_and_only_what_the_session_needs(supervisor: User, session: Session) -> None:
    client = client_for(supervisor)
    page = text_of(client.get("/sessions/today/"))
    assert "My sessions today" in page
    assert "Towpath clearance" in page
    assert "3 booked of 6" in page

    response = client.get(f"/sessions/{session.pk}/")
    assert response.status_code == 200
    page = text_of(response)
    for shown in (
        "Lock 4, Ouseburn towpath",
        "NE6 1BU",
        "Haymarket bus station at 08:30",
        "09:00 to 16:00",
        "Alex Adams",
        "Bo Brown",
        "Cal Clark",
        "Asthma: no dusty work",
        "Friday 13:00 to 13:30",
        "Interpreter needed (Polish)",
    ):
        assert shown in page, shown
    # Never the full assessment, nor contact details.
    for hidden in ("Qualified electrician", "Threatened a neighbour", "Attends the mosque", "07700900123"):
        assert hidden not in page, hidden
    register = text_of(client.get(f"/sessions/{session.pk}/register/"))
    assert "Asthma: no dusty work" in register
    assert "Threatened a neighbour" not in register and "Qualified electrician" not in register


def test_before_work_checks_refuse_what_is_missing_then_record(supervisor: User, session: Session) -> None:
    client = client_for(supervisor)
    url = f"/sessions/{session.pk}/before-work/"
    response = client.post(url, {"hazards_seen": "Broken glass", "go": "go", "tools_out": "Spade 6"})
    assert response.status_code == 200
    page = text_of(response)
    assert "Line 1: enter the tool, a comma and how many, like Spade, 6" in page
    assert 'href="#id_tools_out"' in page
    assert "Broken glass" in page  # what was typed is kept

    response = client.post(url, {"hazards_seen": "Broken glass", "go": "go", "tools_out": "Spade, 6"})
    page = text_of(response)
    assert "Give the toolbox talk before work starts" in page
    assert "Describe how the hazards seen are controlled" in page
    session.refresh_from_db()
    assert session.checks_recorded_at is None
    assert not session.tool_counts.exists()

    response = client.post(
        url,
        {
            "toolbox_talk_given": "on",
            "site_induction_given": "on",
            "hazards_seen": "Broken glass",
            "controls": "Litter pickers and gloves",
            "go": "go",
            "tools_out": "Spade, 6\nLoppers, 4\n",
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.toolbox_talk_given, session.site_induction_given, session.go_decision) == (True, True, True)
    assert dict(session.tool_counts.values_list("tool", "counted_out")) == {"Spade": 6, "Loppers": 4}
    page = text_of(client.get(f"/sessions/{session.pk}/"))
    assert "Checks recorded at" in page and "Spade: 6 out" in page


def test_unusual_digits_in_the_register_and_the_tools_are_refused_not_a_server_error(
    supervisor: User, session: Session
) -> None:
    adams, _, _ = appointments_of(session)
    client = client_for(supervisor)
    hidden = register_form(client, session)
    data = register_data(hidden, {adams: {"outcome": "attended_complied"}})
    data["appointment"] = [*data["appointment"], "\u00b2", "\u0663"]  # superscript two, Arabic-Indic three
    response = client.post(f"/sessions/{session.pk}/register/", data)
    assert response.status_code == 302
    adams.refresh_from_db()
    assert adams.outcome == "attended_complied"

    url = f"/sessions/{session.pk}/before-work/"
    response = client.post(url, {"toolbox_talk_given": "on", "go": "go", "tools_out": "Spade, \u00b2"})
    assert response.status_code == 200
    assert "Line 1: enter the tool, a comma and how many, like Spade, 6" in text_of(response)
    assert not session.tool_counts.exists()


def test_register_saved_then_closed_credits_the_ledger_and_shows_hours_earned(
    supervisor: User, practitioner: User, session: Session
) -> None:
    adams, brown, clark = appointments_of(session)
    client = client_for(supervisor)
    hidden = register_form(client, session)
    lines = {
        adams: {"outcome": "attended_complied", "work_quality": "good", "behaviour": "excellent"},
        brown: {"outcome": "attended_complied", "arrived_at": "10:00", "penalty_minutes": "15", "note": "Late bus"},
    }
    response = client.post(f"/sessions/{session.pk}/register/", register_data(hidden, lines))
    assert response.status_code == 302
    brown.refresh_from_db()
    assert (brown.outcome, brown.arrived_at, brown.penalty_minutes) == ("attended_complied", time(10), 15)
    assert session_credits(session) == []  # saving credits nothing

    # Closing without an outcome for everyone is refused, and nothing of it is saved.
    hidden = register_form(client, session)
    response = client.post(
        f"/sessions/{session.pk}/register/", register_data(hidden, {adams: lines[adams]}, action="close")
    )
    assert response.status_code == 200
    assert "Record an outcome for everyone before closing: Cal Clark" in text_of(response)
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED

    hidden = register_form(client, session)
    lines[clark] = {"outcome": "sent_home_behaviour", "left_at": "12:00", "note": "Refused to work"}
    response = client.post(f"/sessions/{session.pk}/register/", register_data(hidden, lines, action="close"))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED
    # 09:00–16:00 is 420 minutes; late from 10:00 less 15 penalty is 345; sent home at 12:00 is 180.
    assert session_credits(session) == [("Adams", 420), ("Brown", 345), ("Clark", 180)]

    page = text_of(client.get(response["Location"]))
    assert "Register closed: 15 hours 45 minutes credited in all" in page
    assert "Hours earned" in page
    assert "7 hours" in page and "5 hours 45 minutes" in page and "3 hours" in page
    assert "data-register-draft-clear" in page
    # The failure lands on the practitioner's list with its evidence date.
    to_decide = text_of(client_for(practitioner).get("/enforcement/to-decide/"))
    assert "Cal Clark" in to_decide and "Sent home – behaviour" in to_decide
    assert "Alex Adams" not in to_decide
    # The register of a closed session cannot be opened again.
    assert client.get(f"/sessions/{session.pk}/register/").status_code == 302


def test_a_stale_version_shows_the_conflict_and_keeps_what_was_typed(
    supervisor: User, manager: User, session: Session
) -> None:
    adams, brown, _ = appointments_of(session)
    client = client_for(supervisor)
    hidden = register_form(client, session)
    # Meanwhile the operations manager saves the register from another phone.
    other = client_for(manager)
    assert (
        other.post(
            f"/sessions/{session.pk}/register/",
            register_data(register_form(other, session), {adams: {"outcome": "unacceptable_absence"}}),
        ).status_code
        == 302
    )

    typed = {adams: {"outcome": "attended_complied", "arrived_at": "10:15", "note": "Worked hard on the brambles"}}
    response = client.post(f"/sessions/{session.pk}/register/", register_data(hidden, typed))
    assert response.status_code == 200
    page = text_of(response)
    assert CONFLICT in page
    assert "Worked hard on the brambles" in page and 'value="10:15"' in page
    assert "Latest saved: Unacceptable absence" in page
    session.refresh_from_db()
    assert response.context["meta"].initial["version"] == session.register_version
    assert response.context["meta"].initial["idempotency_key"] != hidden["idempotency_key"]
    adams.refresh_from_db()
    assert adams.outcome == "unacceptable_absence"  # nothing of the stale submit was saved

    # Submitting again from the re-rendered page works.
    retry = register_data(
        {k: response.context["meta"].initial[k] for k in ("idempotency_key", "version")},
        {**typed, brown: {"outcome": "rescheduled"}},
    )
    assert client.post(f"/sessions/{session.pk}/register/", retry).status_code == 302
    adams.refresh_from_db()
    assert (adams.outcome, adams.arrived_at) == ("attended_complied", time(10, 15))


def test_a_replayed_submit_gives_the_same_result_and_one_ledger_entry(supervisor: User, session: Session) -> None:
    adams, brown, clark = appointments_of(session)
    client = client_for(supervisor)
    hidden = register_form(client, session)
    data = register_data(
        hidden,
        {
            adams: {"outcome": "attended_complied"},
            brown: {"outcome": "acceptable_absence", "absence_reason": "medical"},
            clark: {"outcome": "unacceptable_absence"},
        },
        action="close",
    )
    first = client.post(f"/sessions/{session.pk}/register/", data, follow=True)
    again = client.post(f"/sessions/{session.pk}/register/", data, follow=True)
    assert first.redirect_chain == again.redirect_chain == [(f"/sessions/{session.pk}/", 302)]
    message = "Register closed: 7 hours credited in all"
    assert message in text_of(first) and message in text_of(again)
    assert session_credits(session) == [("Adams", 420)]
    assert IdempotentRequest.objects.filter(key=hidden["idempotency_key"]).count() == 1
    session.refresh_from_db()
    assert session.register_version == hidden["version"] + 1


def test_an_outcome_for_someone_not_booked_is_refused_naming_the_field(
    supervisor: User, coordinator: User, session: Session
) -> None:
    adams, brown, _ = appointments_of(session)
    client = client_for(supervisor)
    hidden = register_form(client, session)
    services.appointment_cancel(actor=coordinator, appointment=brown, reason="Started a job")
    response = client.post(
        f"/sessions/{session.pk}/register/",
        register_data(hidden, {adams: {"outcome": "attended_complied"}, brown: {"outcome": "attended_complied"}}),
    )
    assert response.status_code == 200
    page = text_of(response)
    assert f'<a href="#id_a{brown.pk}-outcome-0">Bo Brown: this person is not booked on this session</a>' in page
    adams.refresh_from_db()
    assert adams.outcome == ""  # nothing half-saved


def test_times_out_of_order_are_refused_naming_the_field(supervisor: User, session: Session) -> None:
    adams, brown, _ = appointments_of(session)
    client = client_for(supervisor)
    hidden = register_form(client, session)
    typed = {
        adams: {"outcome": "attended_complied", "arrived_at": "14:00", "left_at": "11:00"},
        brown: {"outcome": "attended_complied", "arrived_at": "25:99"},
    }
    # A time that is not a time is refused first, keeping everything typed ...
    response = client.post(f"/sessions/{session.pk}/register/", register_data(hidden, typed))
    assert response.status_code == 200
    page = text_of(response)
    assert (
        f'<a href="#id_a{brown.pk}-arrived_at">Bo Brown: enter the start time as hours and minutes, like 09:30</a>'
        in page
    )
    assert 'value="14:00"' in page and 'value="25:99"' in page and 'value="11:00"' in page
    assert "<title>Error: Register" in page
    # ... then times in the wrong order.
    typed[brown]["arrived_at"] = "09:30"
    response = client.post(f"/sessions/{session.pk}/register/", register_data(hidden, typed))
    page = text_of(response)
    assert f'<a href="#id_a{adams.pk}-left_at">Alex Adams: the finish time must be after the start time</a>' in page
    assert f'id="id_a{adams.pk}-left_at-error"' in page

    # Outside the session, and a missing absence reason, named too; still nothing saved.
    hidden = register_form(client, session)
    response = client.post(
        f"/sessions/{session.pk}/register/",
        register_data(
            hidden,
            {adams: {"outcome": "attended_complied", "left_at": "17:30"}, brown: {"outcome": "acceptable_absence"}},
        ),
    )
    page = text_of(response)
    assert "Alex Adams: the finish time must be within the session, 09:00 to 16:00" in page
    assert f'href="#id_a{brown.pk}-absence_reason"' in page
    assert not Appointment.objects.filter(session=session).exclude(outcome="").exists()


def test_tools_counted_back_in_report_what_is_missing(supervisor: User, session: Session) -> None:
    services.session_record_checks(
        actor=supervisor,
        session=session,
        toolbox_talk_given=True,
        site_induction_given=False,
        hazards_seen="",
        controls="",
        go=True,
        tools_out={"Spade": 6},
    )
    tool = session.tool_counts.get()
    client = client_for(supervisor)
    url = f"/sessions/{session.pk}/tools-in/"
    response = client.post(url, {f"t{tool.pk}-counted_in": "5", f"t{tool.pk}-damaged": "", f"t{tool.pk}-note": ""})
    assert response.status_code == 200
    assert "Say what happened to the missing or damaged Spade" in text_of(response)
    response = client.post(
        url, {f"t{tool.pk}-counted_in": "5", f"t{tool.pk}-damaged": "1", f"t{tool.pk}-note": "One left at the lock"}
    )
    assert response.status_code == 302
    page = text_of(client.get(f"/sessions/{session.pk}/"))
    assert "1 missing" in page and "1 damaged" in page


# ---------------------------------------------------------------------------------------------
# Planning


def test_planning_a_session_a_weekly_series_and_cover(
    manager: User, supervisor: User, make_user: MakeUser, pdu_a: Pdu, project: Project
) -> None:
    client = client_for(manager)
    start = today() + timedelta(days=1)
    response = client.post(
        "/sessions/new/",
        {
            "project": project.pk,
            "session_date_0": start.day,
            "session_date_1": start.month,
            "session_date_2": start.year,
            "start_time": "16:00",
            "end_time": "09:00",
            "capacity": "4",
        },
    )
    assert "The finish time must be after the start time" in text_of(response)
    assert not Session.objects.exists()
    response = client.post(
        "/sessions/new/",
        {
            "project": project.pk,
            "session_date_0": start.day,
            "session_date_1": start.month,
            "session_date_2": start.year,
            "start_time": "9:30",
            "end_time": "15.30",
            "capacity": "4",
            "supervisor": supervisor.pk,
        },
    )
    assert response.status_code == 302
    single = Session.objects.get()
    assert (single.start_time, single.end_time, single.supervisor) == (time(9, 30), time(15, 30), supervisor)

    # A weekly series; the week the supervisor is away is skipped, and the page says why.
    first = today() + timedelta(days=14)
    services.supervisor_absence_record(
        actor=manager,
        supervisor=supervisor,
        starts_on=first + timedelta(days=7),
        ends_on=first + timedelta(days=7),
        reason="Training",
    )
    response = client.post(
        "/sessions/weekly/new/",
        {
            "project": project.pk,
            "weekday": first.weekday(),
            "starts_on_0": first.day,
            "starts_on_1": first.month,
            "starts_on_2": first.year,
            "weeks_ahead": "3",
            "start_time": "09:00",
            "end_time": "16:00",
            "capacity": "5",
            "supervisor": supervisor.pk,
        },
        follow=True,
    )
    page = text_of(response)
    assert "2 weekly sessions planned" in page
    assert "1 week could not be planned" in page and "is recorded as absent" in page

    # Recording an absence flags the supervisor's sessions for cover; reassigning clears it.
    response = client.post(
        "/sessions/absences/new/",
        {
            "supervisor": supervisor.pk,
            "starts_on_0": start.day,
            "starts_on_1": start.month,
            "starts_on_2": start.year,
            "ends_on_0": start.day,
            "ends_on_1": start.month,
            "ends_on_2": start.year,
            "reason": "Sick",
        },
        follow=True,
    )
    page = text_of(response)
    assert "Absence recorded: 1 session flagged for cover" in page and "Needs cover" in page
    single.refresh_from_db()
    assert single.needs_cover
    week = text_of(client.get(f"/sessions/?week={start.isoformat()}&cover=1"))
    assert "Towpath clearance" in week and "Needs cover" in week

    cover = make_user("sue", role=SUPERVISOR, pdu=pdu_a)
    response = client.post(f"/sessions/{single.pk}/supervisor/", {"supervisor": supervisor.pk})
    assert "is recorded as absent" in text_of(response)
    assert client.post(f"/sessions/{single.pk}/supervisor/", {"supervisor": cover.pk}).status_code == 302
    single.refresh_from_db()
    assert (single.supervisor, single.needs_cover) == (cover, False)


def test_booking_by_crn_shows_every_reason_it_is_refused(
    coordinator: User, supervisor: User, make_case: MakeCase, practitioner: User, project: Project
) -> None:
    planned = plan(coordinator, project, supervisor=supervisor)
    client = client_for(coordinator)
    fresh = make_case(practitioner=practitioner)
    response = client.post(f"/sessions/{planned.pk}/book/", {"crn": fresh.person.crn.lower()})
    assert response.status_code == 200
    page = text_of(response)
    assert "Alex Smith: not inducted yet: record an attended induction" in page
    assert "Alex Smith: no completed UPW assessment and risk picture" in page
    assert "No open case with this CRN" in text_of(client.post(f"/sessions/{planned.pk}/book/", {"crn": "Z999999"}))

    ready = placeable(make_case, practitioner, last_name="Ready")
    assert client.post(f"/sessions/{planned.pk}/book/", {"crn": ready.person.crn}).status_code == 302
    appointment = Appointment.objects.get(session=planned)
    # Booking them again on the same day is refused: one session a day.
    page = text_of(client.post(f"/sessions/{planned.pk}/book/", {"crn": ready.person.crn}))
    assert "one session a day" in page

    response = client.post(f"/sessions/appointments/{appointment.pk}/cancel/", {"reason": ""})
    assert "Enter the reason" in text_of(response)
    assert client.post(f"/sessions/appointments/{appointment.pk}/cancel/", {"reason": "Moved"}).status_code == 302
    appointment.refresh_from_db()
    assert appointment.cancelled_at is not None


def test_stand_down_credits_the_policy_allowance_and_lists_people_to_rebook(manager: User, session: Session) -> None:
    client = client_for(manager)
    url = f"/sessions/{session.pk}/stand-down/"
    assert "Everyone booked (3) is stood down, credited 1 hour" in text_of(client.get(url))
    response = client.post(url, {"reason": "other", "detail": ""})
    assert "Explain why the session is stood down" in text_of(response)
    response = client.post(url, {"reason": "weather", "detail": "Storm warning"}, follow=True)
    assert "Session stood down" in text_of(response)
    session.refresh_from_db()
    assert session.status == SessionStatus.STOOD_DOWN
    credits = LedgerEntry.objects.filter(kind="stand_down", source="stand_down")
    assert sorted(credits.values_list("minutes", flat=True)) == [60, 60, 60]

    rebook = text_of(client.get("/sessions/to-rebook/"))
    assert all(name in rebook for name in ("Alex Adams", "Bo Brown", "Cal Clark"))
    adams = appointments_of(session)[0]
    rebook = text_of(client.post(f"/sessions/appointments/{adams.pk}/rebooked/", follow=True))
    assert "Alex Adams marked as rebooked" in rebook
    rebook = text_of(client.get("/sessions/to-rebook/"))
    assert "Alex Adams" not in rebook and "Bo Brown" in rebook
    assert client.post(f"/sessions/appointments/{adams.pk}/rebooked/").status_code == 404

    report = client.get("/sessions/stand-downs/")
    page = text_of(report)
    assert "1 session stood down, affecting 3 people" in page
    assert 'role="img"' in page and "Bar chart of sessions stood down by week" in page
    assert '<th scope="row" class="govuk-table__header">Weather</th>' in page
    monday = session.date - timedelta(days=session.date.weekday())
    assert f"week of {monday:%-d %B}: 1" in page


def test_a_timesheet_credits_the_ledger(
    coordinator: User, manager: User, pdu_a: Pdu, make_case: MakeCase, practitioner: User
) -> None:
    placement = active_project(coordinator, manager, pdu_a, name="Charity shop", project_type="individual")
    person = placeable(make_case, practitioner, last_name="Shop")
    worked = today() - timedelta(days=1)
    client = client_for(coordinator)
    data = {
        "project": placement.pk,
        "crn": person.person.crn,
        "worked_on_0": worked.day,
        "worked_on_1": worked.month,
        "worked_on_2": worked.year,
        "minutes": "240",
        "beneficiary_supervisor": "Jo Manager",
    }
    response = client.post("/sessions/timesheets/new/", data, follow=True)
    assert "4 hours credited to Alex Shop" in text_of(response)
    entry = LedgerEntry.objects.get(source="individual_placement")
    assert (entry.minutes, entry.requirement, entry.occurred_on) == (240, person, worked)
    again = text_of(client.post("/sessions/timesheets/new/", data))
    assert "Hours for this day are already recorded" in again and 'href="#id_worked_on-day"' in again
    assert LedgerEntry.objects.filter(source="individual_placement").count() == 1


# ---------------------------------------------------------------------------------------------
# Incidents, risk concerns and vehicles


def test_an_incident_report_flags_the_project_and_emails_the_operations_manager(
    supervisor: User, manager: User, session: Session, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(supervisor)
    url = f"/sessions/{session.pk}/incident/"
    now = timezone.localtime()
    missing = client.post(url, {"location": "", "what_happened": ""})
    page = text_of(missing)
    assert "Enter where it happened" in page and "Describe what happened" in page
    assert "Select yes or no" in page
    assert not Incident.objects.exists() and not Notification.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "occurred_on_0": now.day,
                "occurred_on_1": now.month,
                "occurred_on_2": now.year,
                "occurred_time": "00:01",
                "location": "By the lock gates",
                "what_happened": "A strimmer threw a stone at a passer-by",
                "near_miss": "no",
                "people_involved": "Alex Adams",
                "witnesses": "Bo Brown",
                "injuries": "Bruised arm",
                "damage": "",
                "emergency_services_called": "no",
                "immediate_action": "First aid given; strimming stopped",
            },
            follow=True,
        )
    assert "the operations manager has been told" in text_of(response)
    incident = Incident.objects.get()
    assert incident.session == session and incident.injuries == "Bruised arm"
    session.project.refresh_from_db()
    assert session.project.review_needed
    # The region's operations managers are told, and emailed once the report is saved.
    emailed = Notification.objects.values_list("recipient__email", "category", "email_status")
    assert list(emailed) == [(manager.email, "incident", "sent")]

    managing = client_for(manager)
    listed = text_of(managing.get("/sessions/incidents/"))
    assert "Towpath clearance" in listed and "Paperwork due" in listed
    page = f"/sessions/incidents/{incident.pk}/"
    refused = text_of(managing.post(page, {"investigation": "Guard missing", "action": "close"}))
    assert "The paperwork must be complete before the incident is closed" in refused
    assert "Record what has been learned, to share" in refused
    incident.refresh_from_db()
    assert incident.status == "reported" and incident.investigation == ""
    closed = managing.post(
        page,
        {
            "paperwork_complete": "on",
            "investigation": "Guard missing",
            "outcome": "Strimmer repaired",
            "learning": "Check guards at the toolbox talk",
            "action": "close",
        },
    )
    assert closed.status_code == 302
    incident.refresh_from_db()
    assert incident.status == "closed" and incident.paperwork_completed_at is not None


def test_a_risk_concern_lands_on_the_practitioners_list_and_can_be_acknowledged(
    supervisor: User, practitioner: User, session: Session
) -> None:
    adams = appointments_of(session)[0]
    client = client_for(supervisor)
    url = f"/sessions/{session.pk}/people/{adams.pk}/concern/"
    assert "Select the kind of concern" in text_of(client.post(url, {"details": "Smelt of alcohol"}))
    response = client.post(url, {"category": "drugs_alcohol", "details": "Smelt of alcohol at pick-up"}, follow=True)
    assert "Concern about Alex Adams sent to Pat Tester" in text_of(response)
    concern = RiskConcern.objects.get()

    own = client_for(practitioner)
    listed = text_of(own.get("/sessions/concerns/"))
    assert "Alex Adams" in listed and "Drugs or alcohol" in listed
    detail = f"/sessions/concerns/{concern.pk}/"
    assert "Smelt of alcohol at pick-up" in text_of(own.get(detail))
    assert "Record what you have done about the concern" in text_of(own.post(detail, {"action_taken": " "}))
    done = own.post(detail, {"action_taken": "Called him; referred to the drug service"}, follow=True)
    assert "Concern about Alex Adams acknowledged" in text_of(done)
    concern.refresh_from_db()
    assert concern.acknowledged_by == practitioner
    assert "Alex Adams" not in text_of(own.get("/sessions/concerns/"))
    assert "Acknowledged" in text_of(own.get("/sessions/concerns/?show=all"))


def test_a_vehicle_defect_takes_it_off_the_road_and_a_session_with_it_is_refused(
    manager: User, supervisor: User, coordinator: User, pdu_a: Pdu, project: Project
) -> None:
    van = Vehicle.objects.create(registration="AB12 CDE", description="Minibus", seats=9, pdu=pdu_a, mileage=1000)
    managing = client_for(manager)
    checked = today() - timedelta(days=3)
    until = today() + timedelta(days=365)
    response = managing.post(
        "/sessions/vehicles/drivers/new/",
        {
            "driver": supervisor.pk,
            "licence_checked_on_0": checked.day,
            "licence_checked_on_1": checked.month,
            "licence_checked_on_2": checked.year,
            "valid_until_0": until.day,
            "valid_until_1": until.month,
            "valid_until_2": until.year,
        },
    )
    assert response.status_code == 302
    assert "Sam Tester" in text_of(managing.get("/sessions/vehicles/"))

    driving = client_for(supervisor)
    url = f"/sessions/vehicles/{van.pk}/check/"
    assert "The mileage cannot be less than the last recorded, 1000" in text_of(
        driving.post(url, {"roadworthy": "yes", "mileage_out": "900"})
    )
    assert "Describe the defect" in text_of(driving.post(url, {"roadworthy": "no", "mileage_out": "1010"}))
    response = driving.post(url, {"roadworthy": "no", "defects": "Brake light out", "mileage_out": "1010"})
    assert response.status_code == 302
    van.refresh_from_db()
    assert van.off_road and van.off_road_reason == "Brake light out"

    start = today() + timedelta(days=2)
    planning = client_for(coordinator)
    response = planning.post(
        "/sessions/new/",
        {
            "project": project.pk,
            "session_date_0": start.day,
            "session_date_1": start.month,
            "session_date_2": start.year,
            "start_time": "09:00",
            "end_time": "16:00",
            "capacity": "4",
            "supervisor": supervisor.pk,
            "vehicle": van.pk,
        },
    )
    page = text_of(response)
    assert 'href="#id_vehicle"' in page and "AB12 CDE is off the road: Brake light out" in page
    assert not Session.objects.exists()

    assert "Say how the defect was put right" in text_of(managing.post(f"/sessions/vehicles/{van.pk}/clear-defect/"))
    assert managing.post(f"/sessions/vehicles/{van.pk}/clear-defect/", {"note": "Bulb replaced"}).status_code == 302
    van.refresh_from_db()
    assert not van.off_road
    check = van.checks.get()
    assert check.cleared_by == manager
    assert driving.post(f"/sessions/vehicles/{van.pk}/checks/{check.pk}/mileage-in/", {"mileage_in": "1042"})
    check.refresh_from_db()
    assert check.mileage_in == 1042


# ---------------------------------------------------------------------------------------------
# Who may see what


def test_another_regions_staff_get_404_for_every_page_of_this_region(
    session: Session,
    supervisor: User,
    manager: User,
    practitioner: User,
    other_region_manager: User,
    other_region_practitioner: User,
    pdu_a: Pdu,
) -> None:
    adams = appointments_of(session)[0]
    concern = services.risk_concern_raise(
        actor=supervisor, person=adams.person, category="wellbeing", details="Low", session=session
    )
    incident = services.incident_report(
        actor=supervisor,
        project=session.project,
        session=session,
        occurred_at=timezone.now(),
        location="Lock",
        what_happened="Slip",
    )
    van = Vehicle.objects.create(registration="XY12 ZZZ", description="Van", seats=3, pdu=pdu_a)
    manager_pages = [
        f"/sessions/{session.pk}/",
        f"/sessions/{session.pk}/stand-down/",
        f"/sessions/{session.pk}/book/",
        f"/sessions/appointments/{adams.pk}/cancel/",
        f"/sessions/incidents/{incident.pk}/",
        f"/sessions/vehicles/{van.pk}/",
        f"/sessions/vehicles/{van.pk}/check/",
    ]
    own, other = client_for(manager), client_for(other_region_manager)
    for url in manager_pages:
        assert own.get(url).status_code == 200, url
        assert other.get(url).status_code == 404, url
    assert client_for(practitioner).get(f"/sessions/concerns/{concern.pk}/").status_code == 200
    assert client_for(other_region_practitioner).get(f"/sessions/concerns/{concern.pk}/").status_code == 404
    # Nor do their lists show any of it.
    assert "Towpath clearance" not in text_of(other.get("/sessions/incidents/"))
    assert "XY12 ZZZ" not in text_of(other.get("/sessions/vehicles/"))
    response = other.post(f"/sessions/{session.pk}/stand-down/", {"reason": "weather"})
    assert response.status_code == 404
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED


def test_a_supervisor_gets_404_for_someone_elses_session(
    supervisor: User, make_user: MakeUser, pdu_a: Pdu, coordinator: User, project: Project
) -> None:
    colleague = make_user("sue", role=SUPERVISOR, pdu=pdu_a)
    theirs = plan(coordinator, project, supervisor=colleague)
    client = client_for(supervisor)
    for url in (f"/sessions/{theirs.pk}/", f"/sessions/{theirs.pk}/register/", f"/sessions/{theirs.pk}/before-work/"):
        assert client.get(url).status_code == 404, url
    assert "Towpath clearance" not in text_of(client.get("/sessions/today/"))
    assert "Towpath clearance" in text_of(client_for(colleague).get("/sessions/today/"))


def test_a_practitioner_gets_403_on_planning_and_supervisor_pages(practitioner: User, session: Session) -> None:
    client = client_for(practitioner)
    for url in (
        "/sessions/",
        "/sessions/new/",
        "/sessions/weekly/new/",
        "/sessions/absences/new/",
        "/sessions/to-rebook/",
        "/sessions/stand-downs/",
        "/sessions/timesheets/new/",
        "/sessions/today/",
        "/sessions/incidents/",
        "/sessions/vehicles/",
        f"/sessions/{session.pk}/",
        f"/sessions/{session.pk}/book/",
        f"/sessions/{session.pk}/stand-down/",
        f"/sessions/{session.pk}/register/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/sessions/{session.pk}/stand-down/", {"reason": "weather"}).status_code == 403
    assert Client().get("/sessions/today/")["Location"].startswith("/sign-in/")


def test_navigation_offers_each_role_its_session_pages(
    supervisor: User, coordinator: User, manager: User, practitioner: User
) -> None:
    def items(user: User) -> set[str]:
        return {item["text"] for item in client_for(user).get("/").context["primary_navigation"]}

    assert {"My sessions"} <= items(supervisor) and "Sessions" not in items(supervisor)
    assert "Sessions" in items(coordinator) and "My sessions" not in items(coordinator)
    assert {"My sessions", "Sessions", "Incidents", "Vehicles"} <= items(manager)
    assert {"To decide", "Concerns"} <= items(practitioner) and "Sessions" not in items(practitioner)


def test_every_planning_and_oversight_page_renders(manager: User, session: Session, pdu_a: Pdu) -> None:
    van = Vehicle.objects.create(registration="AA11 AAA", description="Van", seats=9, pdu=pdu_a)
    client = client_for(manager)
    for url in (
        "/sessions/",
        f"/sessions/?week={session.date.isoformat()}&project={session.project_id}",
        "/sessions/?week=not-a-date",
        "/sessions/new/",
        "/sessions/weekly/new/",
        "/sessions/absences/new/",
        "/sessions/to-rebook/",
        "/sessions/stand-downs/",
        "/sessions/stand-downs/?start_0=1&start_1=1&start_2=2026&end_0=31&end_1=3&end_2=2026",
        "/sessions/timesheets/new/",
        "/sessions/incidents/",
        "/sessions/incidents/?show=all",
        "/sessions/vehicles/",
        "/sessions/vehicles/drivers/new/",
        f"/sessions/vehicles/{van.pk}/",
        f"/sessions/{session.pk}/supervisor/",
        f"/sessions/{session.pk}/incident/",
        "/sessions/today/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"nonce" in response.content and b' style="' not in response.content, url
    bad = client.get("/sessions/stand-downs/?start_0=1&start_1=3&start_2=2026&end_0=1&end_1=1&end_2=2026")
    assert "The end date must be on or after the start date" in text_of(bad)
