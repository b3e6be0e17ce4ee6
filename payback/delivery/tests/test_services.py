"""The supervisor's day on PostgreSQL: planning, booking, the register and its credits, corrections,
stand-downs, tools, incidents, risk concerns, vehicles and timesheets. What each service writes,
what it refuses and why, and that a refusal writes nothing (not even an audit event).

The services see Monday 21 December 2026 as today while planning; sessions run on Wednesday 23
December, and the clock is moved to that day before a register is closed."""

from collections.abc import Callable, Iterator
from datetime import date, time, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from payback.cases.assessment.services import non_association_add
from payback.cases.models import CaseStatus, LedgerEntry, LedgerKind, Requirement
from payback.cases.services import requirement_change_status
from payback.core.models import AuditEvent
from payback.core.services import policy_version_add
from payback.delivery import selectors, services
from payback.delivery.models import (
    Appointment,
    IdempotentRequest,
    IncidentStatus,
    Outcome,
    RiskConcern,
    Session,
    SessionStatus,
    Vehicle,
)
from payback.delivery.services import RegisterConflict
from payback.notifications.models import Category, Notification
from payback.projects.models import Project, ProjectStatus
from payback.projects.services import project_change_status
from payback.staff.models import Pdu, User
from payback.staff.roles import OPERATIONS_MANAGER, SUPERVISOR, sync_roles
from payback.testing.builders import (
    EVERY_DAY,
    Clock,
    actions_since,
    active_project,
    assess,
    audit_mark,
    authorise_driver,
    book,
    counts,
    credited,
    frozen_today,
    induct,
    leave_owing,
    line,
    make_staff,
    new_case,
    placeable_person,
    plan_session,
    remaining,
    submit,
    vehicle,
    version_of,
)

pytestmark = pytest.mark.django_db

MakeUser = Callable[..., User]
PLANNING_DAY = date(2026, 12, 21)  # Monday
SESSION_DAY = date(2026, 12, 23)  # Wednesday, just before Christmas
# 5 working days after 23 December 2026: Thu 24 (1); Fri 25 and Mon 28 are bank holidays;
# Tue 29 (2), Wed 30 (3), Thu 31 (4); Fri 1 January is a bank holiday; Mon 4 January 2027 (5).
EVIDENCE_DUE = date(2027, 1, 4)


@pytest.fixture(autouse=True)
def clock() -> Iterator[Clock]:
    with frozen_today(PLANNING_DAY) as frozen:
        yield frozen


@pytest.fixture(scope="module")
def roles(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Give the roles their permissions once, committed, rather than again in every test."""
    with django_db_blocker.unblock():
        sync_roles()


@pytest.fixture
def make_user(db: Any, roles: None) -> MakeUser:
    return make_staff


@pytest.fixture
def other_supervisor(make_user: MakeUser, pdu_a: Pdu) -> User:
    return make_user("sid", role=SUPERVISOR, pdu=pdu_a)


@pytest.fixture
def project(coordinator: User, manager: User, pdu_a: Pdu) -> Project:
    return active_project(coordinator, manager, pdu_a)


@pytest.fixture
def session(coordinator: User, project: Project, supervisor: User) -> Session:
    return plan_session(coordinator, project, SESSION_DAY, supervisor=supervisor)


@pytest.fixture
def person(practitioner: User) -> Requirement:
    return placeable_person(practitioner, availability=EVERY_DAY)


def refused(service: Callable[..., Any], /, **kwargs: Any) -> dict[str, list[str]]:
    """Call a service that must refuse; check that it saved nothing and return its errors."""
    before = counts()
    with pytest.raises(ValidationError) as caught:
        service(**kwargs)
    assert counts() == before
    return caught.value.message_dict


def status_of(requirement: Requirement) -> str:
    requirement.refresh_from_db()
    return requirement.status


def session_credits(requirement: Requirement) -> list[int]:
    return list(requirement.ledger.filter(source="session").order_by("pk").values_list("minutes", flat=True))


def on_the_day(clock: Clock) -> None:
    clock.today = SESSION_DAY


# ---------------------------------------------------------------------------------------------
# Planning sessions


def test_a_session_is_planned_on_an_active_project(coordinator: User, project: Project, supervisor: User) -> None:
    mark = audit_mark()
    session = plan_session(coordinator, project, SESSION_DAY, supervisor=supervisor, capacity=8)
    assert (session.date, session.start_time, session.end_time) == (SESSION_DAY, time(9), time(16))
    assert session.capacity == 8
    assert session.status == SessionStatus.PLANNED
    assert session.register_version == 0
    assert not session.needs_cover
    assert actions_since(mark) == ["session.created"]


def test_a_session_planned_without_a_supervisor_needs_cover(coordinator: User, project: Project) -> None:
    assert plan_session(coordinator, project, SESSION_DAY, supervisor=None).needs_cover


def plan_kwargs(project: Project, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "project": project,
        "session_date": SESSION_DAY,
        "start_time": time(9),
        "end_time": time(16),
        "capacity": 6,
    }
    fields.update(overrides)
    return fields


@pytest.mark.parametrize("to_status", [ProjectStatus.PAUSED, ProjectStatus.CLOSED])
def test_a_session_on_a_project_that_is_not_active_is_refused(
    coordinator: User, project: Project, to_status: str
) -> None:
    project_change_status(actor=coordinator, project=project, to_status=to_status, reason="Winter")
    project.refresh_from_db()
    errors = refused(services.session_create, actor=coordinator, **plan_kwargs(project))
    assert errors == {"project": [f"Sessions can be planned only on active projects: Towpath clearance is {to_status}"]}


@pytest.mark.parametrize("end", [time(9), time(8)])
def test_a_session_ending_before_it_starts_is_refused(coordinator: User, project: Project, end: time) -> None:
    errors = refused(services.session_create, actor=coordinator, **plan_kwargs(project, end_time=end))
    assert errors == {"end_time": ["The finish time must be after the start time"]}


def test_a_session_beyond_the_projects_capacity_or_in_the_past_is_refused(coordinator: User, project: Project) -> None:
    errors = refused(services.session_create, actor=coordinator, **plan_kwargs(project, capacity=13))
    assert errors == {"capacity": ["The project can take at most 12 people"]}
    errors = refused(services.session_create, actor=coordinator, **plan_kwargs(project, capacity=0))
    assert errors == {"capacity": ["Enter how many people the session can take, 1 or more"]}
    errors = refused(
        services.session_create, actor=coordinator, **plan_kwargs(project, session_date=PLANNING_DAY - timedelta(1))
    )
    assert errors == {"session_date": ["A session cannot be planned in the past"]}


def test_a_vehicle_off_the_road_is_refused(
    coordinator: User, manager: User, project: Project, supervisor: User, pdu_a: Pdu
) -> None:
    authorise_driver(manager, supervisor, today=PLANNING_DAY)
    authorise_driver(manager, manager, today=PLANNING_DAY)
    van = vehicle(pdu_a)
    services.vehicle_check_out(
        actor=manager, vehicle=van, roadworthy=False, defects="Brake light out", mileage_out=12010
    )
    van.refresh_from_db()
    errors = refused(
        services.session_create, actor=coordinator, **plan_kwargs(project, supervisor=supervisor, vehicle=van)
    )
    assert errors == {"vehicle": [f"{van.registration} is off the road: Brake light out"]}


def test_a_vehicle_needs_an_authorised_driver(
    coordinator: User, manager: User, project: Project, supervisor: User, pdu_a: Pdu
) -> None:
    van = vehicle(pdu_a)
    errors = refused(
        services.session_create, actor=coordinator, **plan_kwargs(project, supervisor=supervisor, vehicle=van)
    )
    assert errors == {"vehicle": [f"{supervisor} is not an authorised driver with a checked licence"]}
    authorise_driver(manager, supervisor, today=PLANNING_DAY)
    session = services.session_create(actor=coordinator, **plan_kwargs(project, supervisor=supervisor, vehicle=van))
    assert session.vehicle == van


def test_a_vehicle_needs_a_seat_for_everyone(
    coordinator: User, manager: User, project: Project, supervisor: User, pdu_a: Pdu
) -> None:
    authorise_driver(manager, supervisor, today=PLANNING_DAY)
    van = vehicle(pdu_a, seats=6)
    errors = refused(
        services.session_create, actor=coordinator, **plan_kwargs(project, supervisor=supervisor, vehicle=van)
    )
    assert errors == {"vehicle": [f"{van.registration} has 6 seats: not enough for the group and supervisor"]}


def test_an_absent_supervisor_is_refused(coordinator: User, project: Project, supervisor: User) -> None:
    services.supervisor_absence_record(
        actor=coordinator, supervisor=supervisor, starts_on=SESSION_DAY, ends_on=SESSION_DAY, reason="Annual leave"
    )
    errors = refused(services.session_create, actor=coordinator, **plan_kwargs(project, supervisor=supervisor))
    assert errors == {"supervisor": [f"{supervisor} is recorded as absent on 23 December 2026"]}


def test_a_supervisor_runs_one_session_a_day(coordinator: User, session: Session, supervisor: User) -> None:
    errors = refused(services.session_create, actor=coordinator, **plan_kwargs(session.project, supervisor=supervisor))
    assert errors == {"supervisor": [f"{supervisor} already supervises a session on 23 December 2026"]}


def test_an_absence_flags_the_supervisors_sessions_for_cover_and_reassignment_clears_it(
    coordinator: User, session: Session, supervisor: User, other_supervisor: User
) -> None:
    later = plan_session(coordinator, session.project, date(2027, 1, 6), supervisor=supervisor)
    mark = audit_mark()
    absence, affected = services.supervisor_absence_record(
        actor=coordinator, supervisor=supervisor, starts_on=PLANNING_DAY, ends_on=date(2026, 12, 31), reason="Sick"
    )
    assert (absence.supervisor, absence.reason) == (supervisor, "Sick")
    assert affected == [session]
    assert actions_since(mark) == ["session.needs_cover"]
    session.refresh_from_db()
    later.refresh_from_db()
    assert session.needs_cover and session.supervisor == supervisor  # flagged, not cancelled
    assert session.status == SessionStatus.PLANNED
    assert not later.needs_cover
    assert list(selectors.sessions_needing_cover(coordinator, today=PLANNING_DAY)) == [session]

    errors = refused(services.session_assign_supervisor, actor=coordinator, session=session, supervisor=supervisor)
    assert errors == {"supervisor": [f"{supervisor} is recorded as absent on 23 December 2026"]}

    mark = audit_mark()
    services.session_assign_supervisor(actor=coordinator, session=session, supervisor=other_supervisor)
    session.refresh_from_db()
    assert session.supervisor == other_supervisor
    assert not session.needs_cover
    assert actions_since(mark) == ["session.supervisor"]
    assert list(selectors.sessions_needing_cover(coordinator, today=PLANNING_DAY)) == []


def test_an_absence_needs_a_reason_and_days_in_order(coordinator: User, supervisor: User) -> None:
    kwargs = {"actor": coordinator, "supervisor": supervisor, "starts_on": SESSION_DAY}
    assert refused(services.supervisor_absence_record, **kwargs, ends_on=PLANNING_DAY, reason="Leave") == {
        "ends_on": ["The last day must be on or after the first day"]
    }
    assert refused(services.supervisor_absence_record, **kwargs, ends_on=SESSION_DAY, reason=" ") == {
        "reason": ["Enter the reason for the absence"]
    }


def test_a_weekly_session_is_generated_ahead_listing_the_weeks_it_could_not_plan(
    coordinator: User, project: Project, supervisor: User
) -> None:
    services.supervisor_absence_record(
        actor=coordinator,
        supervisor=supervisor,
        starts_on=date(2026, 12, 30),
        ends_on=date(2026, 12, 30),
        reason="Leave",
    )
    series, created, skipped = services.session_series_create(
        actor=coordinator,
        project=project,
        weekday=2,
        start_time=time(9),
        end_time=time(16),
        capacity=6,
        starts_on=PLANNING_DAY,
        weeks_ahead=4,
        supervisor=supervisor,
    )
    assert [s.date for s in created] == [date(2026, 12, 23), date(2027, 1, 6), date(2027, 1, 13)]
    assert all(s.series == series for s in created)
    assert skipped == [f"30 December 2026: {supervisor} is recorded as absent on 30 December 2026"]


# ---------------------------------------------------------------------------------------------
# Booking


def test_a_placeable_person_is_booked(coordinator: User, session: Session, person: Requirement) -> None:
    mark = audit_mark()
    (appointment,) = book(coordinator, session, person)
    assert (appointment.session, appointment.person, appointment.date) == (session, person.person, SESSION_DAY)
    assert appointment.outcome == ""
    assert version_of(session) == 1
    assert actions_since(mark) == ["appointment.booked"]


def not_inducted(practitioner: User) -> Requirement:
    return new_case(practitioner)


def awaiting_countersignature(practitioner: User) -> Requirement:
    requirement = new_case(practitioner)
    induct(practitioner, requirement)
    assess(practitioner, requirement, rosh="high")
    return requirement


def paused(practitioner: User) -> Requirement:
    requirement = placeable_person(practitioner)
    return requirement_change_status(
        actor=practitioner, requirement=requirement, to_status=CaseStatus.PAUSED, reason="In hospital"
    )


def revoked(practitioner: User) -> Requirement:
    requirement = placeable_person(practitioner)
    return requirement_change_status(
        actor=practitioner, requirement=requirement, to_status=CaseStatus.REVOKED, reason="Order revoked"
    )


def in_backlog(practitioner: User) -> Requirement:
    # Sentenced 1 December 2025: the 12-month window ended on 1 December 2026 with hours owed.
    return placeable_person(practitioner, sentence_date=date(2025, 12, 1))


def all_hours_done(practitioner: User) -> Requirement:
    requirement = placeable_person(practitioner)
    leave_owing(practitioner, requirement, 0)
    return requirement


@pytest.mark.parametrize(
    ("make", "reasons"),
    [
        (
            not_inducted,
            ["Not inducted yet: record an attended induction", "No completed UPW assessment and risk picture"],
        ),
        (awaiting_countersignature, ["The assessment is waiting for a senior probation officer's countersignature"]),
        (paused, ["The case is paused"]),
        (revoked, ["The case is revoked"]),
        (in_backlog, ["In backlog: the completion date has passed, so the court must vary the order first"]),
        (all_hours_done, ["The case is completed", "No hours remaining"]),
    ],
)
def test_booking_someone_who_cannot_be_placed_is_refused_with_each_reason(
    coordinator: User, practitioner: User, session: Session, make: Callable[[User], Requirement], reasons: list[str]
) -> None:
    requirement = make(practitioner)
    errors = refused(services.appointment_book, actor=coordinator, session=session, requirement=requirement)
    assert list(errors) == ["requirement"]
    message = errors["requirement"][0]
    for reason in reasons:
        assert reason in message
    assert version_of(session) == 0


def test_one_session_a_person_a_day(
    coordinator: User, manager: User, pdu_a: Pdu, session: Session, person: Requirement
) -> None:
    book(coordinator, session, person)
    elsewhere = active_project(coordinator, manager, pdu_a, name="Park benches")
    same_day = plan_session(coordinator, elsewhere, SESSION_DAY, supervisor=None)
    errors = refused(services.appointment_book, actor=coordinator, session=same_day, requirement=person)
    assert errors == {"requirement": ["Already booked on another session on 23 December 2026: one session a day"]}
    next_day = plan_session(coordinator, elsewhere, SESSION_DAY + timedelta(1), supervisor=None)
    book(coordinator, next_day, person)


def test_a_full_session_is_refused(coordinator: User, practitioner: User, project: Project, supervisor: User) -> None:
    small = plan_session(coordinator, project, SESSION_DAY, supervisor=supervisor, capacity=1)
    first, second = placeable_person(practitioner), placeable_person(practitioner)
    book(coordinator, small, first)
    errors = refused(services.appointment_book, actor=coordinator, session=small, requirement=second)
    assert errors == {"requirement": ["Session capacity: Towpath clearance is full"]}


def test_a_cancelled_booking_frees_the_place_and_the_day(
    coordinator: User, practitioner: User, project: Project, supervisor: User
) -> None:
    small = plan_session(coordinator, project, SESSION_DAY, supervisor=supervisor, capacity=1)
    first, second = placeable_person(practitioner), placeable_person(practitioner)
    (appointment,) = book(coordinator, small, first)
    assert refused(services.appointment_cancel, actor=coordinator, appointment=appointment, reason=" ") == {
        "reason": ["Enter why the appointment is cancelled"]
    }
    mark = audit_mark()
    services.appointment_cancel(actor=coordinator, appointment=appointment, reason="Started a job")
    assert actions_since(mark) == ["appointment.cancelled"]
    book(coordinator, small, second)


def test_booking_beyond_the_hours_still_owed_is_refused(
    coordinator: User, practitioner: User, session: Session, person: Requirement
) -> None:
    leave_owing(practitioner, person, 120)
    book(coordinator, session, person)  # 7 hours booked against 2 owed: the credit is capped
    next_day = plan_session(coordinator, session.project, SESSION_DAY + timedelta(1), supervisor=None)
    errors = refused(services.appointment_book, actor=coordinator, session=next_day, requirement=person)
    assert errors == {"requirement": ["Already booked for all the hours the person still owes"]}


def test_a_project_restriction_refuses_a_person_with_that_risk_flag(
    coordinator: User, manager: User, practitioner: User, pdu_a: Pdu, supervisor: User
) -> None:
    playground = active_project(
        coordinator, manager, pdu_a, name="Playground painting", excluded_flags=["not-near-children"]
    )
    session = plan_session(coordinator, playground, SESSION_DAY, supervisor=supervisor)
    flagged = placeable_person(practitioner, flags=["not-near-children"])
    unflagged = placeable_person(practitioner, flags=["self-harm"])
    errors = refused(services.appointment_book, actor=coordinator, session=session, requirement=flagged)
    assert errors == {"requirement": ["Risk flags: Playground painting excludes people flagged not near children"]}
    book(coordinator, session, unflagged)


def test_a_women_only_project_refuses_a_man(
    coordinator: User, manager: User, practitioner: User, pdu_a: Pdu, supervisor: User
) -> None:
    women_only = active_project(coordinator, manager, pdu_a, name="Community garden", women_only=True)
    session = plan_session(coordinator, women_only, SESSION_DAY, supervisor=supervisor)
    errors = refused(
        services.appointment_book, actor=coordinator, session=session, requirement=placeable_person(practitioner)
    )
    assert errors == {"requirement": ["Women-only session: Community garden is for women only"]}
    book(coordinator, session, placeable_person(practitioner, sex="female", first_name="Alice"))


def test_a_non_association_already_booked_is_refused(
    coordinator: User, practitioner: User, session: Session, person: Requirement
) -> None:
    other = placeable_person(practitioner, first_name="Blake")
    non_association_add(actor=practitioner, person=person.person, other=other.person, reason="Co-defendants")
    book(coordinator, session, person)
    errors = refused(services.appointment_book, actor=coordinator, session=session, requirement=other)
    assert errors == {"requirement": ["Non-association: Blake Smith must not be placed with Alex Smith"]}


def test_a_session_stood_down_or_past_cannot_be_booked(
    clock: Clock, coordinator: User, session: Session, person: Requirement
) -> None:
    services.session_stand_down(actor=coordinator, session=session, reason="weather")
    errors = refused(services.appointment_book, actor=coordinator, session=session, requirement=person)
    assert errors == {"requirement": ["The session is stood down"]}
    past = plan_session(coordinator, session.project, PLANNING_DAY, supervisor=None)
    clock.today = PLANNING_DAY + timedelta(1)
    errors = refused(services.appointment_book, actor=coordinator, session=past, requirement=person)
    assert errors == {"requirement": ["The session is in the past"]}


# ---------------------------------------------------------------------------------------------
# Before and after work: checks and tools


def test_checks_and_tools_out_are_recorded(clock: Clock, supervisor: User, session: Session) -> None:
    on_the_day(clock)
    mark = audit_mark()
    services.session_record_checks(
        actor=supervisor,
        session=session,
        toolbox_talk_given=True,
        site_induction_given=True,
        hazards_seen="Broken glass by the bench",
        controls="Picked up with a litter picker into a sharps box",
        go=True,
        tools_out={"Spade": 6, "Rake": 4},
    )
    session.refresh_from_db()
    assert session.toolbox_talk_given and session.go_decision
    assert session.checks_recorded_at is not None
    assert dict(session.tool_counts.values_list("tool", "counted_out")) == {"Spade": 6, "Rake": 4}
    assert actions_since(mark) == ["session.checks"]


def test_checks_need_the_toolbox_talk_and_controls_for_hazards(
    clock: Clock, supervisor: User, session: Session
) -> None:
    on_the_day(clock)
    errors = refused(
        services.session_record_checks,
        actor=supervisor,
        session=session,
        toolbox_talk_given=False,
        site_induction_given=True,
        hazards_seen="Broken glass",
        controls="",
        go=True,
        tools_out={"Spade": 501},
    )
    assert errors == {
        "toolbox_talk_given": ["Give the toolbox talk before work starts"],
        "controls": ["Describe how the hazards seen are controlled"],
        "tools_out": ["Enter a count between 0 and 500 for Spade"],
    }


def test_tools_counted_in_with_some_missing_need_a_note(clock: Clock, supervisor: User, session: Session) -> None:
    on_the_day(clock)
    services.session_record_checks(
        actor=supervisor,
        session=session,
        toolbox_talk_given=True,
        site_induction_given=True,
        hazards_seen="",
        controls="",
        go=True,
        tools_out={"Spade": 6, "Rake": 4},
    )
    errors = refused(services.session_count_tools_in, actor=supervisor, session=session, counts={"Spade": (5, 0, " ")})
    assert errors == {"tools_in": ["Say what happened to the missing or damaged Spade"]}
    errors = refused(services.session_count_tools_in, actor=supervisor, session=session, counts={"Rake": (4, 1, "")})
    assert errors == {"tools_in": ["Say what happened to the missing or damaged Rake"]}
    errors = refused(services.session_count_tools_in, actor=supervisor, session=session, counts={"Rake": (5, 0, "")})
    assert errors == {"tools_in": ["Between 0 and 4 of Rake can come back"]}
    errors = refused(services.session_count_tools_in, actor=supervisor, session=session, counts={"Saw": (1, 0, "")})
    assert errors == {"tools_in": ["Saw was not counted out"]}

    mark = audit_mark()
    tools = services.session_count_tools_in(
        actor=supervisor, session=session, counts={"Spade": (5, 0, "Left in the hedge"), "Rake": (4, 0, "")}
    )
    assert {t.tool: t.missing for t in tools} == {"Spade": 1, "Rake": 0}
    assert actions_since(mark) == ["session.tools_in"]
    summary = AuditEvent.objects.filter(pk__gt=mark).get().summary
    assert summary == "Tools counted in; reported: Spade: 1 missing, 0 damaged (Left in the hedge)"


# ---------------------------------------------------------------------------------------------
# The register: saving, closing and crediting


def test_saving_the_register_records_outcomes_without_crediting(
    clock: Clock, coordinator: User, supervisor: User, session: Session, person: Requirement
) -> None:
    (appointment,) = book(coordinator, session, person)
    on_the_day(clock)
    owed = remaining(person)
    mark = audit_mark()
    result = submit(supervisor, session, [line(appointment, "attended_complied", work_quality="good")], close=False)
    assert (result.version, result.closed, result.replayed) == (2, False, False)
    appointment.refresh_from_db()
    assert appointment.outcome == "attended_complied"
    assert appointment.work_quality == "good"
    assert appointment.outcome_recorded_by == supervisor
    assert appointment.credited_entry is None
    assert remaining(person) == owed
    assert actions_since(mark) == ["register.saved"]
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED


def test_closing_the_register_credits_each_rule_in_the_same_transaction(
    clock: Clock, coordinator: User, practitioner: User, supervisor: User, session: Session
) -> None:
    people = [placeable_person(practitioner, last_name=name) for name in ("Adams", "Brown", "Clark", "Davis", "Evans")]
    complied, late, sent_home, penalised, absent = book(coordinator, session, *people)
    owed = [remaining(p) for p in people]
    on_the_day(clock)
    mark = audit_mark()
    result = submit(
        supervisor,
        session,
        [
            line(complied, "attended_complied", work_quality="excellent", behaviour="good"),
            line(late, "attended_complied", arrived_at=time(10, 15)),
            line(sent_home, "sent_home_behaviour", left_at=time(12, 30), note="Abusive to the supervisor"),
            line(penalised, "attended_complied", penalty_minutes=30, note="Long lunch"),
            line(absent, "acceptable_absence", absence_reason="medical"),
        ],
    )
    assert result.closed
    assert credited(result) == {complied.pk: 420, late.pk: 345, sent_home.pk: 210, penalised.pk: 390, absent.pk: 0}
    assert [row["person"] for row in result.lines] == [
        "Alex Adams",
        "Alex Brown",
        "Alex Clark",
        "Alex Davis",
        "Alex Evans",
    ]
    assert [owed[i] - remaining(p) for i, p in enumerate(people)] == [420, 345, 210, 390, 0]
    for appointment, minutes in ((complied, 420), (late, 345), (sent_home, 210), (penalised, 390)):
        appointment.refresh_from_db()
        entry = appointment.credited_entry
        assert entry is not None
        assert (entry.kind, entry.minutes, entry.occurred_on) == (LedgerKind.WORK, minutes, SESSION_DAY)
        assert (entry.source, entry.source_ref, entry.created_by) == ("session", str(appointment.pk), supervisor)
        assert entry.reason.startswith("Towpath clearance: ")
    absent.refresh_from_db()
    assert absent.credited_entry is None
    assert absent.absence_reason == "medical"
    assert [status_of(p) for p in people] == [CaseStatus.WORKING] * 4 + [CaseStatus.AWAITING_PLACEMENT]
    session.refresh_from_db()
    assert (session.status, session.closed_by, session.register_version) == (SessionStatus.CLOSED, supervisor, 6)
    actions = actions_since(mark)
    assert actions.count("ledger.work") == 4
    assert actions.count("requirement.status_changed") == 4
    assert actions[-1] == "register.closed"


def test_the_credit_is_capped_at_what_is_still_owed_and_the_case_completes(
    clock: Clock, coordinator: User, practitioner: User, supervisor: User, session: Session, person: Requirement
) -> None:
    leave_owing(practitioner, person, 120)
    (appointment,) = book(coordinator, session, person)
    on_the_day(clock)
    result = submit(supervisor, session, [line(appointment, "attended_complied")])
    assert result.lines[0]["credited_minutes"] == 120
    assert result.lines[0]["note"].startswith("capped at the 2 hours owed, of the ")
    assert session_credits(person) == [120]
    assert remaining(person) == 0
    assert status_of(person) == CaseStatus.COMPLETED


def test_no_credit_while_the_case_is_in_backlog_but_the_outcome_is_recorded(
    clock: Clock, coordinator: User, practitioner: User, supervisor: User, session: Session
) -> None:
    # Sentenced 22 December 2025: bookable on 21 December 2026, in backlog from 23 December.
    late_case = placeable_person(practitioner, sentence_date=date(2025, 12, 22))
    (appointment,) = book(coordinator, session, late_case)
    owed = remaining(late_case)
    on_the_day(clock)
    result = submit(supervisor, session, [line(appointment, "attended_complied")])
    assert result.lines[0]["credited_minutes"] == 0
    assert result.lines[0]["note"] == "no credit: the case is in backlog"
    appointment.refresh_from_db()
    assert appointment.outcome == "attended_complied"
    assert appointment.credited_entry is None
    assert session_credits(late_case) == []
    assert remaining(late_case) == owed


def test_a_case_revoked_after_booking_does_not_stop_the_register_closing(
    clock: Clock, coordinator: User, practitioner: User, supervisor: User, session: Session, person: Requirement
) -> None:
    other = placeable_person(practitioner, last_name="Young")
    first, second = book(coordinator, session, person, other)
    requirement_change_status(actor=practitioner, requirement=person, to_status=CaseStatus.REVOKED, reason="Revoked")
    on_the_day(clock)
    result = submit(supervisor, session, [line(first, "attended_complied"), line(second, "attended_complied")])
    assert credited(result) == {first.pk: 0, second.pk: 420}
    assert session_credits(person) == []
    first.refresh_from_db()
    assert first.outcome == "attended_complied"


def test_failures_get_evidence_due_in_5_working_days_and_reach_the_practitioner(
    clock: Clock,
    coordinator: User,
    practitioner: User,
    other_region_practitioner: User,
    make_user: MakeUser,
    pdu_a: Pdu,
    supervisor: User,
    session: Session,
) -> None:
    names = ("Adams", "Brown", "Clark", "Davis")
    people = [placeable_person(practitioner, last_name=name) for name in names]
    absent, failed, sent_home, complied = book(coordinator, session, *people)
    on_the_day(clock)
    result = submit(
        supervisor,
        session,
        [
            line(absent, "unacceptable_absence"),
            line(failed, "attended_failed_to_comply", note="Refused to work"),
            line(sent_home, "sent_home_behaviour", left_at=time(12, 30)),
            line(complied, "attended_complied"),
        ],
    )
    assert credited(result) == {absent.pk: 0, failed.pk: 420, sent_home.pk: 210, complied.pk: 420}
    due = dict(Appointment.objects.filter(session=session).values_list("pk", "evidence_due"))
    assert due == {absent.pk: EVIDENCE_DUE, failed.pk: EVIDENCE_DUE, sent_home.pk: EVIDENCE_DUE, complied.pk: None}
    to_decide = list(selectors.failures_to_decide(practitioner))
    assert to_decide == [absent, failed, sent_home]
    assert [a.evidence_due for a in to_decide] == [EVIDENCE_DUE] * 3
    colleague = make_user("percy", pdu=pdu_a)
    assert list(selectors.failures_to_decide(colleague)) == []
    assert len(selectors.failures_to_decide(colleague, mine_only=False)) == 3
    assert list(selectors.failures_to_decide(other_region_practitioner, mine_only=False)) == []


def test_a_register_closed_twice_is_refused(
    clock: Clock, coordinator: User, supervisor: User, session: Session, person: Requirement
) -> None:
    (appointment,) = book(coordinator, session, person)
    on_the_day(clock)
    submit(supervisor, session, [line(appointment, "attended_complied")])
    errors = refused(
        services.register_submit,
        actor=supervisor,
        session=session,
        expected_version=version_of(session),
        idempotency_key="second-close",
        lines=[line(appointment, "attended_complied")],
        close=True,
    )
    assert errors == {"session": ["The register is already closed: correct an outcome instead"]}
    assert session_credits(person) == [420]


def test_an_outcome_for_someone_not_booked_is_refused_naming_the_line(
    clock: Clock, coordinator: User, practitioner: User, supervisor: User, session: Session
) -> None:
    here, there, cancelled = (
        placeable_person(practitioner, last_name=n, availability=EVERY_DAY) for n in ("Adams", "Brown", "Clark")
    )
    (booked,) = book(coordinator, session, here)
    elsewhere = plan_session(coordinator, session.project, SESSION_DAY + timedelta(1), supervisor=None)
    (not_here,) = book(coordinator, elsewhere, there)
    (gone,) = book(coordinator, session, cancelled)
    services.appointment_cancel(actor=coordinator, appointment=gone, reason="Moved away")
    on_the_day(clock)
    version = version_of(session)
    errors = refused(
        services.register_submit,
        actor=supervisor,
        session=session,
        expected_version=version,
        idempotency_key="k1",
        lines=[
            line(booked, "sent_home_behaviour"),
            line(not_here, "attended_complied"),
            line(gone, "attended_complied"),
        ],
        close=False,
    )
    assert errors == {
        "lines.0.left_at": ["Enter the time the person was sent home"],
        "lines.1.appointment_id": ["This person is not booked on this session"],
        "lines.2.appointment_id": ["This person is not booked on this session"],
    }
    assert version_of(session) == version
    assert not IdempotentRequest.objects.exists()


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"outcome": "no_such_outcome"}, {"lines.0.outcome": ["Select an outcome"]}),
        (
            {"arrived_at": time(8)},
            {"lines.0.arrived_at": ["The start time must be within the session, 09:00 to 16:00"]},
        ),
        ({"left_at": time(17)}, {"lines.0.left_at": ["The finish time must be within the session, 09:00 to 16:00"]}),
        (
            {"arrived_at": time(13), "left_at": time(12)},
            {"lines.0.left_at": ["The finish time must be after the start time"]},
        ),
        (
            {"penalty_minutes": 421},
            {"lines.0.penalty_minutes": ["Penalty minutes cannot be more than the time worked"]},
        ),
        ({"work_quality": "superb"}, {"lines.0.work_quality": ["Choose a rating from excellent to poor"]}),
        ({"note": "x" * 1001}, {"lines.0.note": ["The note must be 1,000 characters or fewer"]}),
        (
            {"outcome": "acceptable_absence"},
            {"lines.0.absence_reason": ["Select the reason the absence is acceptable"]},
        ),
    ],
)
def test_a_bad_line_is_refused_naming_its_field(
    clock: Clock,
    coordinator: User,
    supervisor: User,
    session: Session,
    person: Requirement,
    fields: dict[str, Any],
    expected: dict[str, list[str]],
) -> None:
    (appointment,) = book(coordinator, session, person)
    on_the_day(clock)
    outcome = fields.pop("outcome", "attended_complied")
    errors = refused(
        services.register_submit,
        actor=supervisor,
        session=session,
        expected_version=version_of(session),
        idempotency_key="bad-line",
        lines=[line(appointment, outcome, **fields)],
        close=True,
    )
    assert errors == expected


def test_the_same_person_twice_is_refused(
    clock: Clock, coordinator: User, supervisor: User, session: Session, person: Requirement
) -> None:
    (appointment,) = book(coordinator, session, person)
    on_the_day(clock)
    errors = refused(
        services.register_submit,
        actor=supervisor,
        session=session,
        expected_version=version_of(session),
        idempotency_key="twice",
        lines=[line(appointment, "attended_complied"), line(appointment, "unacceptable_absence")],
    )
    assert errors == {"lines.1.appointment_id": ["This person appears twice in the register"]}


def test_closing_needs_an_outcome_for_everyone_and_saves_nothing_otherwise(
    clock: Clock, coordinator: User, practitioner: User, supervisor: User, session: Session
) -> None:
    first, _ = book(
        coordinator, session, placeable_person(practitioner), placeable_person(practitioner, last_name="Jones")
    )
    on_the_day(clock)
    errors = refused(
        services.register_submit,
        actor=supervisor,
        session=session,
        expected_version=version_of(session),
        idempotency_key="partial",
        lines=[line(first, "attended_complied")],
        close=True,
    )
    assert errors == {"close": ["Record an outcome for everyone before closing: Alex Jones"]}
    first.refresh_from_db()
    assert first.outcome == ""


def test_a_submit_from_an_old_copy_is_a_conflict_and_saves_nothing(
    clock: Clock, coordinator: User, practitioner: User, supervisor: User, session: Session, person: Requirement
) -> None:
    (appointment,) = book(coordinator, session, person)
    on_the_day(clock)
    old = version_of(session)
    submit(supervisor, session, [line(appointment, "attended_complied")], close=False)
    before = counts()
    with pytest.raises(RegisterConflict) as caught:
        services.register_submit(
            actor=supervisor,
            session=session,
            expected_version=old,
            idempotency_key="stale",
            lines=[line(appointment, "unacceptable_absence")],
        )
    assert caught.value.current_version == old + 1
    assert counts() == before
    appointment.refresh_from_db()
    assert appointment.outcome == "attended_complied"


def test_a_key_reused_for_a_different_submit_is_refused(
    clock: Clock, coordinator: User, supervisor: User, session: Session, person: Requirement
) -> None:
    (appointment,) = book(coordinator, session, person)
    on_the_day(clock)
    submit(supervisor, session, [line(appointment, "attended_complied")], close=False, key="k-1")
    errors = refused(
        services.register_submit,
        actor=supervisor,
        session=session,
        expected_version=version_of(session),
        idempotency_key="k-1",
        lines=[line(appointment, "unacceptable_absence")],
        close=True,
    )
    assert errors == {"idempotency_key": ["This key was used for a different submit: use a new key"]}
    assert refused(
        services.register_submit,
        actor=supervisor,
        session=session,
        expected_version=version_of(session),
        idempotency_key="",
        lines=[],
    ) == {"idempotency_key": ["Each submit needs an idempotency key of up to 100 characters"]}


def test_the_register_of_a_stood_down_session_is_refused(
    clock: Clock, coordinator: User, supervisor: User, session: Session, person: Requirement
) -> None:
    book(coordinator, session, person)
    services.session_stand_down(actor=coordinator, session=session, reason="weather")
    errors = refused(
        services.register_submit,
        actor=supervisor,
        session=session,
        expected_version=version_of(session),
        idempotency_key="after-stand-down",
        lines=[],
    )
    assert errors == {"session": ["The session was stood down"]}


# ---------------------------------------------------------------------------------------------
# Correcting an outcome after the register closed


def closed_with_credit(
    clock: Clock, coordinator: User, supervisor: User, session: Session, person: Requirement
) -> Appointment:
    (appointment,) = book(coordinator, session, person)
    on_the_day(clock)
    submit(supervisor, session, [line(appointment, "attended_complied")])
    appointment.refresh_from_db()
    return appointment


def test_a_correction_reverses_the_credit_and_posts_a_new_one_never_an_edit(
    clock: Clock, coordinator: User, practitioner: User, supervisor: User, session: Session, person: Requirement
) -> None:
    appointment = closed_with_credit(clock, coordinator, supervisor, session, person)
    original = appointment.credited_entry
    assert original is not None
    snapshot = LedgerEntry.objects.filter(pk=original.pk).values().get()
    owed = remaining(person)
    mark = audit_mark()
    services.appointment_correct_outcome(
        actor=coordinator,
        appointment=appointment,
        line=line(appointment, "sent_home_behaviour", left_at=time(12, 30)),
        reason="Was sent home at lunch: recorded wrongly",
    )
    assert LedgerEntry.objects.filter(pk=original.pk).values().get() == snapshot
    reversal = LedgerEntry.objects.get(reverses=original)
    assert (reversal.kind, reversal.minutes, reversal.occurred_on) == (LedgerKind.WORK, -420, SESSION_DAY)
    appointment.refresh_from_db()
    new = appointment.credited_entry
    assert new is not None and new.pk not in (original.pk, reversal.pk)
    assert (new.minutes, new.occurred_on, new.source) == (210, SESSION_DAY, "session")
    assert remaining(person) == owed + 420 - 210
    assert session_credits(person) == [420, 210]
    assert appointment.outcome == "sent_home_behaviour"
    assert appointment.evidence_due == EVIDENCE_DUE
    assert list(selectors.failures_to_decide(practitioner)) == [appointment]
    assert actions_since(mark) == ["ledger.correction", "ledger.work", "appointment.outcome_corrected"]


def test_a_correction_to_an_absence_only_reverses(
    clock: Clock, coordinator: User, practitioner: User, supervisor: User, session: Session, person: Requirement
) -> None:
    appointment = closed_with_credit(clock, coordinator, supervisor, session, person)
    owed = remaining(person)
    services.appointment_correct_outcome(
        actor=coordinator,
        appointment=appointment,
        line=line(appointment, "unacceptable_absence"),
        reason="Signed in but left at once",
    )
    appointment.refresh_from_db()
    assert appointment.credited_entry is None
    assert appointment.evidence_due == EVIDENCE_DUE
    assert remaining(person) == owed + 420
    assert LedgerEntry.objects.filter(requirement=person, reverses__isnull=False).count() == 1


def test_a_correction_needs_a_closed_register_a_reason_and_a_sound_line(
    clock: Clock, coordinator: User, supervisor: User, session: Session, person: Requirement
) -> None:
    (appointment,) = book(coordinator, session, person)
    on_the_day(clock)
    errors = refused(
        services.appointment_correct_outcome,
        actor=coordinator,
        appointment=appointment,
        line=line(appointment, "attended_complied"),
        reason="Typo",
    )
    assert errors == {"appointment": ["The register is still open: change the outcome there"]}
    submit(supervisor, session, [line(appointment, "attended_complied")])
    errors = refused(
        services.appointment_correct_outcome,
        actor=coordinator,
        appointment=appointment,
        line=line(appointment, "attended_complied", arrived_at=time(10)),
        reason=" ",
    )
    assert errors == {"reason": ["Enter why the outcome is being corrected"]}
    errors = refused(
        services.appointment_correct_outcome,
        actor=coordinator,
        appointment=appointment,
        line=line(appointment, "sent_home_behaviour"),
        reason="Sent home",
    )
    assert errors == {"left_at": ["Enter the time the person was sent home"]}


# ---------------------------------------------------------------------------------------------
# Stand-downs


def test_a_stand_down_stands_down_everyone_credits_the_allowance_and_lists_them_to_rebook(
    clock: Clock, coordinator: User, practitioner: User, session: Session
) -> None:
    people = [placeable_person(practitioner, last_name=n) for n in ("Adams", "Brown", "Clark")]
    first, second, cancelled = book(coordinator, session, *people)
    services.appointment_cancel(actor=coordinator, appointment=cancelled, reason="Moved away")
    owed = [remaining(p) for p in people]
    on_the_day(clock)  # stood down on the day: credited at once (ahead, it waits for the day)
    mark = audit_mark()
    services.session_stand_down(actor=coordinator, session=session, reason="weather", detail="Storm warning")
    session.refresh_from_db()
    assert (session.status, session.stand_down_reason, session.stand_down_detail) == (
        SessionStatus.STOOD_DOWN,
        "weather",
        "Storm warning",
    )
    assert session.stood_down_by == coordinator
    for appointment in (first, second):
        appointment.refresh_from_db()
        assert appointment.outcome == Outcome.STOOD_DOWN
        entry = appointment.credited_entry
        assert entry is not None
        assert (entry.kind, entry.minutes, entry.source) == (LedgerKind.STAND_DOWN, 60, "stand_down")
        assert entry.occurred_on == SESSION_DAY
    cancelled.refresh_from_db()
    assert (cancelled.outcome, cancelled.credited_entry) == ("", None)
    assert [owed[i] - remaining(p) for i, p in enumerate(people)] == [60, 60, 0]
    assert list(selectors.to_rebook(coordinator)) == [first, second]
    assert actions_since(mark) == ["ledger.stand_down", "ledger.stand_down", "session.stood_down"]

    services.appointment_mark_rebooked(actor=coordinator, appointment=first)
    assert list(selectors.to_rebook(coordinator)) == [second]


def test_the_stand_down_allowance_is_the_policy_in_force_on_the_session_date(
    clock: Clock, coordinator: User, practitioner: User, project: Project, supervisor: User, head_of_upw: User
) -> None:
    policy_version_add(
        actor=head_of_upw,
        key="stand_down_credit_minutes",
        effective_from=date(2027, 1, 1),
        value=90,
        reason="Regional agreement",
        confirm_backdating=True,  # whatever day the test runs on
        backdating_reason="Test: a rule from a fixed date",
    )
    before = plan_session(coordinator, project, date(2026, 12, 31), supervisor=supervisor)
    after = plan_session(coordinator, project, date(2027, 1, 6), supervisor=supervisor)
    first, second = (placeable_person(practitioner, availability=EVERY_DAY) for _ in range(2))
    book(coordinator, before, first)
    book(coordinator, after, second)
    owed = remaining(first), remaining(second)
    clock.today = date(2027, 1, 6)  # both sessions' dates have come: their credits post at once
    services.session_stand_down(actor=coordinator, session=before, reason="no_vehicle")
    services.session_stand_down(actor=coordinator, session=after, reason="no_vehicle")
    assert (owed[0] - remaining(first), owed[1] - remaining(second)) == (60, 90)


def test_a_stand_down_is_capped_at_what_is_owed_and_refused_when_wrong(
    clock: Clock, coordinator: User, practitioner: User, session: Session, person: Requirement
) -> None:
    leave_owing(practitioner, person, 45)
    book(coordinator, session, person)
    assert refused(services.session_stand_down, actor=coordinator, session=session, reason="rain") == {
        "reason": ["Select why the session is stood down"]
    }
    assert refused(services.session_stand_down, actor=coordinator, session=session, reason="other", detail=" ") == {
        "detail": ["Explain why the session is stood down"]
    }
    on_the_day(clock)
    services.session_stand_down(actor=coordinator, session=session, reason="site_unavailable")
    assert remaining(person) == 0
    assert status_of(person) == CaseStatus.COMPLETED
    assert refused(services.session_stand_down, actor=coordinator, session=session, reason="weather") == {
        "session": ["The session is already stood down"]
    }


def test_the_stand_down_report_counts_by_reason_project_and_week(
    coordinator: User, manager: User, practitioner: User, pdu_a: Pdu, project: Project
) -> None:
    park = active_project(coordinator, manager, pdu_a, name="Park benches")
    weather_1 = plan_session(coordinator, project, date(2026, 12, 22), supervisor=None)
    weather_2 = plan_session(coordinator, project, date(2026, 12, 29), supervisor=None)
    site = plan_session(coordinator, park, date(2026, 12, 23), supervisor=None)
    plan_session(coordinator, park, date(2026, 12, 24), supervisor=None)  # runs as planned
    first, second, third = (
        placeable_person(practitioner, last_name=n, availability=EVERY_DAY) for n in ("Adams", "Brown", "Clark")
    )
    book(coordinator, weather_1, first, second)
    _, cancelled = book(coordinator, site, third, placeable_person(practitioner, last_name="Davis"))
    services.appointment_cancel(actor=coordinator, appointment=cancelled, reason="Moved away")
    for stood, reason in ((weather_1, "weather"), (weather_2, "weather"), (site, "site_unavailable")):
        services.session_stand_down(actor=coordinator, session=stood, reason=reason)
    report = selectors.stand_down_report(coordinator, start=date(2026, 12, 1), end=date(2026, 12, 31))
    assert report.by_reason == [("Weather", 2), ("Site unavailable", 1)]
    assert report.by_project == [("Towpath clearance", 2), ("Park benches", 1)]
    assert report.by_week == [(date(2026, 12, 21), 2), (date(2026, 12, 28), 1)]
    assert report.total == 3
    assert report.people_affected == 3  # the cancelled booking was not stood down
    narrow = selectors.stand_down_report(coordinator, start=date(2026, 12, 28), end=date(2026, 12, 31))
    assert (narrow.total, narrow.by_week) == (1, [(date(2026, 12, 28), 1)])


# ---------------------------------------------------------------------------------------------
# Incidents and risk concerns


def test_an_incident_reaches_the_operations_manager_with_a_24_hour_deadline_and_flags_the_project(
    make_user: MakeUser, manager: User, supervisor: User, session: Session, pdu_b: Pdu
) -> None:
    elsewhere = make_user("lena", role=OPERATIONS_MANAGER, pdu=pdu_b)
    elsewhere.email = "lena@probation.example"
    elsewhere.save()
    occurred = timezone.now() - timedelta(hours=1)
    mark = audit_mark()
    incident = services.incident_report(
        actor=supervisor,
        project=session.project,
        session=session,
        occurred_at=occurred,
        location="Towpath by lock 3",
        what_happened="Cut hand on a bramble cutter",
        injuries="Cut to the left palm",
        immediate_action="First aid; cleaned and dressed",
    )
    assert incident.status == IncidentStatus.REPORTED
    assert abs(incident.paperwork_due_at - (incident.reported_at + timedelta(hours=24))) < timedelta(seconds=5)
    project = Project.objects.get(pk=session.project_id)
    assert project.review_needed
    assert project.review_reason.startswith(f"Incident on {timezone.localtime(occurred):%-d %B %Y}")
    # The operations managers of the region are told (on their home page, and by email once it commits).
    told = Notification.objects.filter(category=Category.INCIDENT).select_related("recipient")
    assert [(n.recipient.email, n.subject) for n in told] == [
        ("mo@probation.example", "Incident reported at Towpath clearance")
    ]
    assert "Towpath by lock 3" in told[0].body and "Cut to the left palm" not in told[0].body
    assert list(selectors.open_incidents(manager)) == [incident]
    assert actions_since(mark) == ["project.review_needed", "incident.reported"]


def test_an_incident_is_refused_in_the_future_or_without_what_and_where(supervisor: User, session: Session) -> None:
    errors = refused(
        services.incident_report,
        actor=supervisor,
        project=session.project,
        occurred_at=timezone.now() + timedelta(hours=2),
        location=" ",
        what_happened="",
    )
    assert errors == {
        "occurred_at": ["The incident cannot be in the future"],
        "location": ["Enter where it happened"],
        "what_happened": ["Describe what happened"],
    }
    assert mail.outbox == []
    assert not Project.objects.get(pk=session.project_id).review_needed


def test_an_incident_closes_only_with_paperwork_outcome_and_learning(
    manager: User, supervisor: User, session: Session
) -> None:
    incident = services.incident_report(
        actor=supervisor,
        project=session.project,
        occurred_at=timezone.now() - timedelta(hours=1),
        location="Car park",
        what_happened="Near miss reversing the van",
        near_miss=True,
    )
    errors = refused(services.incident_update, actor=manager, incident=incident, close=True)
    assert set(errors) == {"paperwork_complete", "outcome", "learning"}
    services.incident_update(actor=manager, incident=incident, paperwork_complete=True, investigation="Spoke to all")
    mark = audit_mark()
    closed = services.incident_update(
        actor=manager, incident=incident, outcome="Banksman now used", learning="Always use a banksman", close=True
    )
    assert closed.status == IncidentStatus.CLOSED
    assert actions_since(mark) == ["incident.updated"]
    assert refused(services.incident_update, actor=manager, incident=incident, learning="More") == {
        "incident": ["The incident is closed"]
    }


def test_a_risk_concern_reaches_the_practitioner_who_acknowledges_it(
    practitioner: User, supervisor: User, session: Session, person: Requirement
) -> None:
    mark = audit_mark()
    concern = services.risk_concern_raise(
        actor=supervisor,
        person=person.person,
        session=session,
        category="wellbeing",
        details="Very low today; said he had not slept",
    )
    assert actions_since(mark) == ["risk_concern.raised"]
    assert list(selectors.concerns_for_practitioner(practitioner)) == [concern]
    assert refused(services.risk_concern_acknowledge, actor=practitioner, concern=concern, action_taken=" ") == {
        "action_taken": ["Record what you have done about the concern"]
    }
    mark = audit_mark()
    services.risk_concern_acknowledge(actor=practitioner, concern=concern, action_taken="Phoned him; GP referral")
    assert actions_since(mark) == ["risk_concern.acknowledged"]
    concern.refresh_from_db()
    assert (concern.acknowledged_by, concern.action_taken) == (practitioner, "Phoned him; GP referral")
    assert list(selectors.concerns_for_practitioner(practitioner)) == []
    assert list(selectors.concerns_for_practitioner(practitioner, open_only=False)) == [concern]
    assert refused(services.risk_concern_acknowledge, actor=practitioner, concern=concern, action_taken="Again") == {
        "concern": ["This concern has already been acknowledged"]
    }


def test_a_risk_concern_needs_a_category_and_details(supervisor: User, person: Requirement) -> None:
    errors = refused(services.risk_concern_raise, actor=supervisor, person=person.person, category="gossip", details="")
    assert errors == {"category": ["Select the kind of concern"], "details": ["Describe what you saw or heard"]}
    assert not RiskConcern.objects.exists()


# ---------------------------------------------------------------------------------------------
# Vehicles


def test_a_defect_takes_the_vehicle_off_the_road_until_it_is_cleared(
    coordinator: User, manager: User, project: Project, supervisor: User, pdu_a: Pdu
) -> None:
    authorise_driver(manager, supervisor, today=PLANNING_DAY)
    van = vehicle(pdu_a)
    mark = audit_mark()
    check = services.vehicle_check_out(
        actor=supervisor, vehicle=van, roadworthy=False, defects="Nearside tyre bald", mileage_out=12040
    )
    van.refresh_from_db()
    assert (van.off_road, van.off_road_reason, van.mileage) == (True, "Nearside tyre bald", 12040)
    assert actions_since(mark) == ["vehicle.checked"]
    assert refused(
        services.vehicle_check_out, actor=supervisor, vehicle=van, roadworthy=True, defects="", mileage_out=12040
    ) == {"vehicle": [f"{van.registration} is off the road: Nearside tyre bald"]}
    errors = refused(
        services.session_create, actor=coordinator, **plan_kwargs(project, supervisor=supervisor, vehicle=van)
    )
    assert errors == {"vehicle": [f"{van.registration} is off the road: Nearside tyre bald"]}

    assert refused(services.vehicle_clear_defect, actor=manager, vehicle=van, note=" ") == {
        "note": ["Say how the defect was put right"]
    }
    mark = audit_mark()
    services.vehicle_clear_defect(actor=manager, vehicle=van, note="Tyre replaced")
    assert actions_since(mark) == ["vehicle.cleared"]
    van.refresh_from_db()
    assert not van.off_road
    check.refresh_from_db()
    assert (check.cleared_by, check.cleared_at is not None) == (manager, True)
    assert services.session_create(actor=coordinator, **plan_kwargs(project, supervisor=supervisor, vehicle=van))
    assert refused(services.vehicle_clear_defect, actor=manager, vehicle=van, note="Again") == {
        "vehicle": ["The vehicle is not off the road"]
    }


def test_mileage_in_less_than_out_is_refused(manager: User, supervisor: User, pdu_a: Pdu) -> None:
    authorise_driver(manager, supervisor, today=PLANNING_DAY)
    van = vehicle(pdu_a, mileage=12000)
    assert refused(
        services.vehicle_check_out, actor=supervisor, vehicle=van, roadworthy=True, defects="", mileage_out=11999
    ) == {"mileage_out": ["The mileage cannot be less than the last recorded, 12000"]}
    check = services.vehicle_check_out(actor=supervisor, vehicle=van, roadworthy=True, defects="", mileage_out=12000)
    assert refused(services.vehicle_check_in, actor=supervisor, check=check, mileage_in=11990) == {
        "mileage_in": ["The mileage in cannot be less than the mileage out, 12000"]
    }
    mark = audit_mark()
    services.vehicle_check_in(actor=supervisor, check=check, mileage_in=12042)
    assert actions_since(mark) == ["vehicle.returned"]
    assert Vehicle.objects.get(pk=van.pk).mileage == 12042
    assert refused(services.vehicle_check_in, actor=supervisor, check=check, mileage_in=12050) == {
        "mileage_in": ["The mileage in is already recorded"]
    }


def test_only_an_authorised_driver_may_check_a_vehicle_out(manager: User, other_supervisor: User, pdu_a: Pdu) -> None:
    van = vehicle(pdu_a)
    assert refused(
        services.vehicle_check_out, actor=other_supervisor, vehicle=van, roadworthy=True, defects="", mileage_out=12000
    ) == {"vehicle": ["You are not an authorised driver with a checked licence"]}
    assert refused(
        services.driver_authorise,
        actor=manager,
        driver=other_supervisor,
        licence_checked_on=PLANNING_DAY + timedelta(1),
        valid_until=PLANNING_DAY,
    ) == {
        "licence_checked_on": ["The licence check must be today or in the past"],
        "valid_until": ["The authorisation must end after the licence check"],
    }
    mark = audit_mark()
    authorise_driver(manager, other_supervisor, today=PLANNING_DAY)
    assert actions_since(mark) == ["driver.authorised"]
    assert selectors.driver_is_authorised(other_supervisor, on=PLANNING_DAY)
    assert not selectors.driver_is_authorised(other_supervisor, on=PLANNING_DAY + timedelta(days=366))


# ---------------------------------------------------------------------------------------------
# Individual placements


def test_a_timesheet_on_an_individual_placement_credits_the_ledger_once_a_day(
    coordinator: User, manager: User, pdu_a: Pdu, project: Project, person: Requirement
) -> None:
    placement = active_project(coordinator, manager, pdu_a, name="Charity shop", project_type="individual", capacity=1)
    owed = remaining(person)
    worked_on = PLANNING_DAY - timedelta(days=3)
    kwargs: dict[str, Any] = {"actor": coordinator, "requirement": person, "worked_on": worked_on}
    mark = audit_mark()
    timesheet = services.timesheet_record(**kwargs, project=placement, minutes=240, beneficiary_supervisor=" Jan Ward ")
    assert owed - remaining(person) == 240
    entry = timesheet.credited_entry
    assert entry is not None
    assert (entry.kind, entry.minutes, entry.occurred_on, entry.source) == (
        LedgerKind.WORK,
        240,
        worked_on,
        "individual_placement",
    )
    assert entry.reason == "Charity shop, supervised by Jan Ward"
    assert timesheet.beneficiary_supervisor == "Jan Ward"
    assert "ledger.work" in actions_since(mark)

    assert refused(
        services.timesheet_record, **kwargs, project=placement, minutes=60, beneficiary_supervisor="Jan Ward"
    ) == {"worked_on": ["Hours for this day are already recorded"]}
    assert refused(
        services.timesheet_record, **kwargs, project=project, minutes=60, beneficiary_supervisor="Jan Ward"
    ) == {"project": ["Timesheets are for individual placements"]}
    assert refused(
        services.timesheet_record,
        actor=coordinator,
        requirement=person,
        worked_on=PLANNING_DAY + timedelta(1),
        project=placement,
        minutes=0,
        beneficiary_supervisor="",
    ) == {
        "minutes": ["Enter the minutes worked that day, between 1 and 720"],
        "worked_on": ["The day worked must be today or in the past"],
        "beneficiary_supervisor": ["Enter the name of the beneficiary's supervisor who signed the timesheet"],
    }
    assert owed - remaining(person) == 240


def test_selectors_show_a_supervisor_only_their_own_sessions(
    coordinator: User, supervisor: User, other_supervisor: User, session: Session
) -> None:
    theirs = plan_session(coordinator, session.project, SESSION_DAY + timedelta(1), supervisor=other_supervisor)
    assert list(selectors.sessions_for(supervisor)) == [session]
    assert list(selectors.sessions_for(coordinator)) == [session, theirs]
    assert [s.pk for s in selectors.my_sessions(supervisor, on=SESSION_DAY)] == [session.pk]
    assert list(selectors.my_sessions(supervisor, on=PLANNING_DAY)) == []


def test_the_register_shows_only_what_the_session_needs(
    coordinator: User, practitioner: User, session: Session
) -> None:
    flagged = placeable_person(practitioner, flags=["self-harm"])
    book(coordinator, session, flagged)
    (row,) = selectors.register_rows(session)
    assert row.appointment.person == flagged.person
    assert row.needs.flags == ["Self-harm"]
    assert row.needs.assessed
