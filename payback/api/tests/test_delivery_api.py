"""Sessions, the register, stand-downs, incidents and risk concerns through the API: what is saved,
what is refused (naming the field, saving nothing), that a repeated register submit credits once,
who may do what and what stays out of scope."""

import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any
from unittest import mock

import pytest
from django.core import mail

from payback.cases.models import Requirement
from payback.core.models import AuditEvent
from payback.delivery.models import Appointment, IdempotentRequest, Incident, RiskConcern, Session
from payback.notifications.models import Notification
from payback.projects.models import Project
from payback.staff.models import Pdu, User
from payback.staff.roles import OPERATIONS_MANAGER, SUPERVISOR
from payback.testing.builders import (
    EVERY_DAY,
    Clock,
    active_project,
    book,
    counts,
    frozen_today,
    new_case,
    placeable_person,
    plan_session,
    remaining,
    version_of,
)

from .client import API, ApiClient, Response

pytestmark = pytest.mark.django_db

Api = Callable[[User | None], ApiClient]
PLANNING_DAY = date(2026, 12, 21)  # a Monday
SESSION_DAY = date(2026, 12, 23)


@pytest.fixture(autouse=True)
def clock() -> Iterator[Clock]:
    with frozen_today(PLANNING_DAY) as frozen:
        yield frozen


@pytest.fixture
def project(coordinator: User, manager: User, pdu_a: Pdu) -> Project:
    return active_project(coordinator, manager, pdu_a)


@pytest.fixture
def session(coordinator: User, project: Project, supervisor: User) -> Session:
    return plan_session(coordinator, project, SESSION_DAY, supervisor=supervisor)


@pytest.fixture
def people(practitioner: User) -> list[Requirement]:
    return [placeable_person(practitioner, last_name=name) for name in ("Adams", "Brown")]


@pytest.fixture
def booked(clock: Clock, coordinator: User, session: Session, people: list[Requirement]) -> list[Appointment]:
    """Both people booked on Monday; the register is then marked on the Wednesday of the session."""
    appointments = book(coordinator, session, *people)
    clock.today = SESSION_DAY
    return appointments


@pytest.fixture
def london(make_user: Callable[..., User], pdu_b: Pdu) -> User:
    return make_user("lon", role=OPERATIONS_MANAGER, pdu=pdu_b)


def saved() -> dict[str, int]:
    # Making a client's token is audited too: only the delivery records count here.
    return {**counts(), "AuditEvent": AuditEvent.objects.exclude(action__startswith="staff.").count()}


@contextmanager
def nothing_saved() -> Iterator[None]:
    before = saved(), len(mail.outbox)
    yield
    assert (saved(), len(mail.outbox)) == before


def fields(response: Response) -> list[str | None]:
    return [error["field"] for error in response.json()["errors"]]


def post(client: ApiClient, path: str, body: Any, **headers: str) -> Response:
    return client.client.post(
        f"{API}{path}", json.dumps(body), content_type="application/json", headers={**client.headers, **headers}
    )


def register(session: Session, lines: list[dict[str, Any]], *, close: bool = False, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "idempotency_key": str(uuid.uuid4()),
        "expected_version": version_of(session),
        "close": close,
        "lines": lines,
    }
    if close:
        body["confirm"] = True
    body.update(extra)
    return body


# ---------------------------------------------------------------------------------------------
# Sessions


def test_sessions_list_filters_and_a_supervisor_sees_their_own(
    api_as: Api,
    manager: User,
    coordinator: User,
    supervisor: User,
    project: Project,
    session: Session,
    booked: list[Appointment],
    make_user: Callable[..., User],
    pdu_a: Pdu,
    london: User,
) -> None:
    uncovered = plan_session(coordinator, project, date(2026, 12, 28), supervisor=None)
    other = make_user("otto", role=SUPERVISOR, pdu=pdu_a)
    theirs = plan_session(coordinator, project, date(2026, 12, 30), supervisor=other)
    planner = api_as(manager)

    listed = planner.get("/sessions").json()
    assert listed["count"] == 3
    assert [s["id"] for s in listed["items"]] == [session.pk, uncovered.pk, theirs.pk]
    assert listed["items"][0] == {
        "id": session.pk,
        "project": {"id": project.pk, "name": "Towpath clearance"},
        "date": "2026-12-23",
        "start_time": "09:00",
        "end_time": "16:00",
        "status": "planned",
        "supervisor": "Sam Tester",
        "needs_cover": False,
        "capacity": 6,
        "booked": 2,
    }
    between = planner.get("/sessions", date_from="2026-12-24", date_to="2026-12-29").json()
    assert [s["id"] for s in between["items"]] == [uncovered.pk]
    assert [s["id"] for s in planner.get("/sessions", needs_cover="true").json()["items"]] == [uncovered.pk]
    assert planner.get("/sessions", project=project.pk).json()["count"] == 3
    assert planner.get("/sessions", project=project.pk + 1000).json()["count"] == 0

    assert [s["id"] for s in api_as(supervisor).get("/sessions").json()["items"]] == [session.pk]
    assert api_as(london).get("/sessions").json()["count"] == 0


def test_a_session_shows_its_register(
    api_as: Api, supervisor: User, session: Session, people: list[Requirement], booked: list[Appointment]
) -> None:
    body = api_as(supervisor).get(f"/sessions/{session.pk}").json()

    assert body["register_version"] == version_of(session) == 2  # each booking changes the register
    assert (body["status"], body["vehicle"], body["go_decision"], body["closed_at"]) == ("planned", None, None, None)
    adams = body["appointments"][0]
    assert adams == {
        "id": booked[0].pk,
        "requirement_id": people[0].pk,
        "crn": people[0].person.crn,
        "person_name": people[0].person.full_name,
        "outcome": None,
        "absence_reason": None,
        "arrived_at": None,
        "left_at": None,
        "penalty_minutes": 0,
        "work_quality": None,
        "behaviour": None,
        "note": "",
        "evidence_due": None,
        "credited_minutes": 0,
    }
    assert [a["person_name"] for a in body["appointments"]] == ["Alex Adams", "Alex Brown"]


def test_booking_a_person(api_as: Api, coordinator: User, session: Session, people: list[Requirement]) -> None:
    response = api_as(coordinator).post(f"/sessions/{session.pk}/appointments", {"requirement_id": people[0].pk})

    assert response.status_code == 201, response.content
    body = response.json()
    appointment = Appointment.objects.get(pk=body["id"])
    assert (appointment.session_id, appointment.requirement_id) == (session.pk, people[0].pk)
    assert (body["crn"], body["outcome"], body["credited_minutes"]) == (people[0].person.crn, None, 0)
    assert version_of(session) == 1


def test_a_refused_booking_lists_every_reason_and_saves_nothing(
    api_as: Api,
    coordinator: User,
    practitioner: User,
    session: Session,
    make_case: Callable[..., Requirement],
    pdu_b: Pdu,
) -> None:
    not_ready = new_case(practitioner)
    london_case = make_case(pdu=pdu_b)
    client = api_as(coordinator)
    with nothing_saved():
        refused = client.post(f"/sessions/{session.pk}/appointments", {"requirement_id": not_ready.pk})
        elsewhere = client.post(f"/sessions/{session.pk}/appointments", {"requirement_id": london_case.pk})
    assert refused.status_code == 400, refused.content
    assert len(fields(refused)) >= 2 and set(fields(refused)) == {"requirement"}
    messages = " ".join(error["message"] for error in refused.json()["errors"])
    assert "induct" in messages.lower() and "assessment" in messages.lower()
    assert (elsewhere.status_code, fields(elsewhere)) == (400, ["requirement_id"])


# ---------------------------------------------------------------------------------------------
# The register


def test_saving_then_closing_the_register_credits_the_hours(
    api_as: Api, supervisor: User, session: Session, people: list[Requirement], booked: list[Appointment]
) -> None:
    adams, brown = booked
    owed = [remaining(p) for p in people]
    client = api_as(supervisor)

    saved = client.post(
        f"/sessions/{session.pk}/register",
        register(session, [{"appointment_id": adams.pk, "outcome": "attended_complied", "arrived_at": "09:30"}]),
    )
    assert saved.status_code == 200, saved.content
    assert saved.json() == {
        "session_id": session.pk,
        "version": 3,
        "closed": False,
        "lines": [
            {
                "appointment_id": adams.pk,
                "person": "Alex Adams",
                "outcome": "attended_complied",
                "credited_minutes": 0,
                "note": "",
            },
            {"appointment_id": brown.pk, "person": "Alex Brown", "outcome": None, "credited_minutes": 0, "note": ""},
        ],
        "replayed": False,
    }
    assert remaining(people[0]) == owed[0]

    lines = [
        {"appointment_id": adams.pk, "outcome": "attended_complied", "arrived_at": "09:30", "work_quality": "good"},
        {"appointment_id": brown.pk, "outcome": "sent_home_behaviour", "left_at": "12:00", "note": "Swearing"},
    ]
    closed = client.post(f"/sessions/{session.pk}/register", register(session, lines, close=True))

    assert closed.status_code == 200, closed.content
    result = closed.json()
    assert (result["version"], result["closed"], result["replayed"]) == (4, True, False)
    assert [(x["outcome"], x["credited_minutes"]) for x in result["lines"]] == [
        ("attended_complied", 390),
        ("sent_home_behaviour", 180),
    ]
    assert [owed[i] - remaining(p) for i, p in enumerate(people)] == [390, 180]
    detail = client.get(f"/sessions/{session.pk}").json()
    assert (detail["status"], detail["register_version"]) == ("closed", 4)
    assert [(a["outcome"], a["arrived_at"], a["left_at"], a["credited_minutes"]) for a in detail["appointments"]] == [
        ("attended_complied", "09:30", None, 390),
        ("sent_home_behaviour", None, "12:00", 180),
    ]
    assert detail["appointments"][0]["work_quality"] == "good"
    assert detail["appointments"][1]["evidence_due"] is not None  # a possible failure to comply


def test_the_same_register_submitted_100_times_credits_once(
    api_as: Api, supervisor: User, session: Session, people: list[Requirement], booked: list[Appointment]
) -> None:
    adams, brown = booked
    owed = [remaining(p) for p in people]
    lines = [
        {"appointment_id": adams.pk, "outcome": "attended_complied"},
        {"appointment_id": brown.pk, "outcome": "attended_complied", "arrived_at": "10:15"},
    ]
    body = register(session, lines, close=True)
    client = api_as(supervisor)

    first = client.post(f"/sessions/{session.pk}/register", body)
    assert first.status_code == 200, first.content
    assert first.json()["replayed"] is False
    after_first = saved()
    answers = [client.post(f"/sessions/{session.pk}/register", body) for _ in range(99)]

    assert {a.status_code for a in answers} == {200}
    assert all(a.json() == {**first.json(), "replayed": True} for a in answers)
    assert saved() == after_first
    assert IdempotentRequest.objects.filter(key=body["idempotency_key"]).count() == 1
    assert [owed[i] - remaining(p) for i, p in enumerate(people)] == [420, 345]
    assert [p.ledger.filter(source="session").count() for p in people] == [1, 1]
    assert version_of(session) == body["expected_version"] + 1


def test_the_key_may_come_in_the_idempotency_key_header(
    api_as: Api, supervisor: User, session: Session, booked: list[Appointment]
) -> None:
    client = api_as(supervisor)
    body = register(session, [{"appointment_id": booked[0].pk, "outcome": "unacceptable_absence"}])
    key = body.pop("idempotency_key")

    first = post(client, f"/sessions/{session.pk}/register", body, **{"Idempotency-Key": key})
    again = client.post(f"/sessions/{session.pk}/register", {**body, "idempotency_key": key})

    assert first.status_code == 200, first.content
    assert again.json() == {**first.json(), "replayed": True}
    assert IdempotentRequest.objects.get().key == key
    with nothing_saved():
        differ = post(
            client, f"/sessions/{session.pk}/register", {**body, "idempotency_key": "a"}, **{"Idempotency-Key": "b"}
        )
        missing = client.post(f"/sessions/{session.pk}/register", body)
        reused = client.post(
            f"/sessions/{session.pk}/register", {**body, "idempotency_key": key, "close": True, "confirm": True}
        )
    assert (differ.status_code, fields(differ)) == (400, ["idempotency_key"])
    assert (missing.status_code, fields(missing)) == (400, ["idempotency_key"])
    assert (reused.status_code, fields(reused)) == (400, ["idempotency_key"])  # the same key for another submit


def test_a_submit_from_a_stale_copy_is_a_conflict(
    api_as: Api, supervisor: User, manager: User, session: Session, booked: list[Appointment]
) -> None:
    adams, _ = booked
    opened = version_of(session)
    office = api_as(manager).post(
        f"/sessions/{session.pk}/register",
        register(session, [{"appointment_id": adams.pk, "outcome": "acceptable_absence", "absence_reason": "medical"}]),
    )
    assert office.status_code == 200

    with nothing_saved():
        stale = api_as(supervisor).post(
            f"/sessions/{session.pk}/register",
            register(session, [{"appointment_id": adams.pk, "outcome": "attended_complied"}], expected_version=opened),
        )

    assert stale.status_code == 409, stale.content
    assert stale.json() == {
        "detail": f"The register has changed since you opened it (now version {opened + 1})",
        "current_version": opened + 1,
    }
    adams.refresh_from_db()
    assert adams.outcome == "acceptable_absence"


@pytest.mark.parametrize(
    ("line", "status", "field"),
    [
        ({"outcome": "attended_complied", "arrived_at": "14:00", "left_at": "10:00"}, 400, "lines.0.left_at"),
        ({"outcome": "attended_complied", "arrived_at": "08:00"}, 400, "lines.0.arrived_at"),
        ({"outcome": "sent_home_behaviour"}, 400, "lines.0.left_at"),
        ({"outcome": "attended_complied", "penalty_minutes": 500}, 400, "lines.0.penalty_minutes"),
        ({"outcome": "unacceptable_absence", "arrived_at": "09:00"}, 400, "lines.0.arrived_at"),
        ({"outcome": "acceptable_absence"}, 400, "lines.0.absence_reason"),
        ({"outcome": "attended_complied", "arrived_at": "9:30"}, 422, "arrived_at"),
        ({"outcome": "attended_complied", "left_at": "15:30:00"}, 422, "left_at"),
        ({"outcome": "turned_up"}, 422, "outcome"),
        ({"outcome": "attended_complied", "penalty_minutes": -5}, 422, "penalty_minutes"),
        ({"outcome": "attended_complied", "credited_minutes": 420}, 422, "credited_minutes"),
    ],
)
def test_a_refused_line_names_its_field_and_saves_nothing(
    api_as: Api,
    supervisor: User,
    session: Session,
    booked: list[Appointment],
    line: dict[str, Any],
    status: int,
    field: str,
) -> None:
    client = api_as(supervisor)
    body = register(session, [{"appointment_id": booked[0].pk, **line}], close=True)
    with nothing_saved():
        response = client.post(f"/sessions/{session.pk}/register", body)
    assert response.status_code == status, response.content
    assert fields(response) == [field]
    assert version_of(session) == body["expected_version"]


def test_an_outcome_for_someone_not_booked_is_refused(
    api_as: Api,
    supervisor: User,
    coordinator: User,
    project: Project,
    session: Session,
    practitioner: User,
    booked: list[Appointment],
    clock: Clock,
) -> None:
    clock.today = PLANNING_DAY
    elsewhere = plan_session(coordinator, project, date(2026, 12, 24), supervisor=None)
    (stranger,) = book(coordinator, elsewhere, placeable_person(practitioner, last_name="Cole", availability=EVERY_DAY))
    clock.today = SESSION_DAY
    lines = [
        {"appointment_id": stranger.pk, "outcome": "attended_complied"},
        {"appointment_id": booked[0].pk, "outcome": "attended_complied"},
    ]
    with nothing_saved():
        response = api_as(supervisor).post(f"/sessions/{session.pk}/register", register(session, lines, close=True))
    assert (response.status_code, fields(response)) == (400, ["lines.0.appointment_id"])
    assert Appointment.objects.filter(outcome="").count() == 3


def test_closing_needs_everyone_and_a_closed_register_cannot_be_closed_again(
    api_as: Api, supervisor: User, session: Session, booked: list[Appointment]
) -> None:
    adams, brown = booked
    client = api_as(supervisor)
    path = f"/sessions/{session.pk}/register"
    with nothing_saved():
        partial = client.post(
            path, register(session, [{"appointment_id": adams.pk, "outcome": "attended_complied"}], close=True)
        )
    assert (partial.status_code, fields(partial)) == (400, ["close"])

    everyone = [
        {"appointment_id": adams.pk, "outcome": "attended_complied"},
        {"appointment_id": brown.pk, "outcome": "rescheduled"},
    ]
    assert client.post(path, register(session, everyone, close=True)).status_code == 200
    with nothing_saved():
        twice = client.post(path, register(session, everyone, close=True))
    assert (twice.status_code, fields(twice)) == (400, ["session"])


def test_work_killed_between_the_register_and_the_ledger_leaves_nothing(
    api_as: Api, supervisor: User, session: Session, people: list[Requirement], booked: list[Appointment]
) -> None:
    client = api_as(supervisor)
    lines = [{"appointment_id": a.pk, "outcome": "attended_complied"} for a in booked]
    body = register(session, lines, close=True)
    with (
        nothing_saved(),
        mock.patch(
            "payback.delivery.services.register.ledger_credit_work_noted", side_effect=RuntimeError("power cut")
        ),
    ):
        response = client.post(f"/sessions/{session.pk}/register", body)
    assert response.status_code == 500
    assert response.json() == {"detail": "Something went wrong: try again later"}
    assert not Appointment.objects.exclude(outcome="").exists()
    assert Session.objects.get(pk=session.pk).status == "planned"

    retried = client.post(f"/sessions/{session.pk}/register", body)  # the same submit, retried, goes through
    assert (retried.status_code, retried.json()["replayed"]) == (200, False)


# ---------------------------------------------------------------------------------------------
# Stand-downs


def test_standing_a_session_down(
    api_as: Api, manager: User, session: Session, people: list[Requirement], booked: list[Appointment]
) -> None:
    owed = [remaining(p) for p in people]
    client = api_as(manager)
    with nothing_saved():
        no_detail = client.post(f"/sessions/{session.pk}/stand-down", {"reason": "other"})
    assert (no_detail.status_code, fields(no_detail)) == (400, ["detail"])

    response = client.post(f"/sessions/{session.pk}/stand-down", {"reason": "weather", "detail": "Flooded towpath"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["stand_down_reason"], body["stand_down_detail"]) == (
        "stood_down",
        "weather",
        "Flooded towpath",
    )
    credited = [owed[i] - remaining(p) for i, p in enumerate(people)]
    assert credited[0] > 0 and credited[0] == credited[1]
    assert [(a["outcome"], a["credited_minutes"]) for a in body["appointments"]] == [("stood_down", credited[0])] * 2
    with nothing_saved():
        again = client.post(f"/sessions/{session.pk}/stand-down", {"reason": "weather"})
    assert (again.status_code, fields(again)) == (400, ["session"])


# ---------------------------------------------------------------------------------------------
# Incidents


def incident(project: Project, **changes: Any) -> dict[str, Any]:
    return {
        "project_id": project.pk,
        "occurred_at": "2026-03-10T11:20:00",
        "location": "Towpath by the lock",
        "what_happened": "A volunteer slipped on the bank",
        "injuries": "Grazed hand",
        "immediate_action": "First aid given",
        **changes,
    }


def test_reporting_an_incident(
    api_as: Api,
    supervisor: User,
    manager: User,
    project: Project,
    session: Session,
    booked: list[Appointment],
    django_capture_on_commit_callbacks: Any,
) -> None:
    manager.email = "manny@example.org"
    manager.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(supervisor).post("/incidents", incident(project, session_id=session.pk))

    assert response.status_code == 201, response.content
    body = response.json()
    saved = Incident.objects.get(pk=body["id"])
    assert (saved.session_id, saved.reported_by_id) == (session.pk, supervisor.pk)
    assert body["project"] == {"id": project.pk, "name": "Towpath clearance"}
    assert (body["status"], body["near_miss"], body["reported_by"]) == ("reported", False, "Sam Tester")
    assert body["occurred_at"] == "2026-03-10T11:20:00Z"  # UK time in winter is UTC
    # The region's operations manager is told, and emailed once the report is saved.
    emailed = Notification.objects.values_list("recipient__email", "category", "email_status")
    assert list(emailed) == [("manny@example.org", "incident", "sent")]
    project.refresh_from_db()
    assert project.review_needed
    assert api_as(manager).get(f"/incidents/{saved.pk}").json() == body


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"occurred_at": "2099-01-01T10:00:00Z"}, 400, "occurred_at"),
        ({"what_happened": "   "}, 400, "what_happened"),
        ({"project_id": 10**9}, 400, "project_id"),
        ({"session_id": 10**9}, 400, "session_id"),
        ({"what_happened": ""}, 422, "what_happened"),
        ({"occurred_at": "1066-10-14T10:00:00Z"}, 422, "occurred_at"),
        ({"reported_by": 1}, 422, "reported_by"),
    ],
)
def test_a_refused_incident_names_the_field_and_saves_nothing(
    api_as: Api, supervisor: User, project: Project, changes: dict[str, Any], status: int, field: str
) -> None:
    client = api_as(supervisor)
    with nothing_saved():
        response = client.post("/incidents", incident(project, **changes))
    assert response.status_code == status, response.content
    assert fields(response) == [field]


def test_an_incident_on_a_session_of_another_project_is_refused(
    api_as: Api, manager: User, coordinator: User, project: Project, session: Session, pdu_a: Pdu
) -> None:
    other = active_project(coordinator, manager, pdu_a, name="Park benches")
    client = api_as(manager)
    with nothing_saved():
        response = client.post("/incidents", incident(other, session_id=session.pk))
    assert (response.status_code, fields(response)) == (400, ["session_id"])


# ---------------------------------------------------------------------------------------------
# Risk concerns


def test_raising_and_acknowledging_a_risk_concern(
    api_as: Api,
    supervisor: User,
    practitioner: User,
    session: Session,
    people: list[Requirement],
    booked: list[Appointment],
) -> None:
    crn = people[0].person.crn
    raised = api_as(supervisor).post(
        "/risk-concerns",
        {"crn": crn.lower(), "category": "wellbeing", "details": "Seemed very low", "session_id": session.pk},
    )
    assert raised.status_code == 201, raised.content
    body = raised.json()
    concern = RiskConcern.objects.get(pk=body["id"])
    assert (concern.person_id, concern.session_id, concern.raised_by_id) == (
        people[0].person_id,
        session.pk,
        supervisor.pk,
    )
    assert (body["crn"], body["category"], body["acknowledged_at"]) == (crn, "wellbeing", None)

    without_session = api_as(supervisor).post("/risk-concerns", {"crn": crn, "category": "other", "details": "Limping"})
    assert without_session.status_code == 201, without_session.content

    client = api_as(practitioner)
    assert client.get(f"/risk-concerns/{concern.pk}").json() == body
    acknowledged = client.post(f"/risk-concerns/{concern.pk}/acknowledge", {"action_taken": "Phoned him; GP referral"})
    assert acknowledged.status_code == 200, acknowledged.content
    assert (acknowledged.json()["acknowledged_by"], acknowledged.json()["action_taken"]) == (
        "Pat Tester",
        "Phoned him; GP referral",
    )
    with nothing_saved():
        again = client.post(f"/risk-concerns/{concern.pk}/acknowledge", {"action_taken": "Again"})
    assert (again.status_code, fields(again)) == (400, ["concern"])


def test_a_supervisor_raises_concerns_only_about_people_on_their_sessions(
    api_as: Api, supervisor: User, practitioner: User, session: Session, booked: list[Appointment]
) -> None:
    somebody = new_case(practitioner)
    client = api_as(supervisor)
    with nothing_saved():
        not_theirs = client.post("/risk-concerns", {"crn": somebody.person.crn, "category": "other", "details": "x"})
        not_booked = client.post(
            "/risk-concerns",
            {"crn": somebody.person.crn, "category": "other", "details": "x", "session_id": session.pk},
        )
        blank = client.post("/risk-concerns", {"crn": booked[0].person.crn, "category": "other", "details": "  "})
    assert (not_theirs.status_code, fields(not_theirs)) == (400, ["crn"])
    assert (not_booked.status_code, fields(not_booked)) == (400, ["crn"])
    assert (blank.status_code, fields(blank)) == (400, ["details"])


# ---------------------------------------------------------------------------------------------
# Who may do what, and where


def test_another_regions_records_are_404(
    api_as: Api,
    london: User,
    make_user: Callable[..., User],
    pdu_b: Pdu,
    supervisor: User,
    project: Project,
    session: Session,
    booked: list[Appointment],
) -> None:
    reported = api_as(supervisor).post("/incidents", incident(project)).json()["id"]
    concern = (
        api_as(supervisor)
        .post("/risk-concerns", {"crn": booked[0].person.crn, "category": "other", "details": "Tired"})
        .json()["id"]
    )
    client = api_as(london)
    london_practitioner = api_as(make_user("lpp", pdu=pdu_b))
    with nothing_saved():
        responses = [
            client.get(f"/sessions/{session.pk}"),
            client.post(f"/sessions/{session.pk}/register", register(session, [])),
            client.post(f"/sessions/{session.pk}/appointments", {"requirement_id": booked[0].requirement_id}),
            client.post(f"/sessions/{session.pk}/stand-down", {"reason": "weather"}),
            client.get(f"/incidents/{reported}"),
            london_practitioner.get(f"/risk-concerns/{concern}"),
            london_practitioner.post(f"/risk-concerns/{concern}/acknowledge", {"action_taken": "Called"}),
        ]
        refused = [
            client.post("/incidents", incident(project)),
            client.post("/risk-concerns", {"crn": booked[0].person.crn, "category": "other", "details": "x"}),
        ]
    for response in responses:
        assert (response.status_code, response.json()) == (404, {"detail": "Not found"})
    assert [(r.status_code, fields(r)) for r in refused] == [(400, ["project_id"]), (400, ["crn"])]


def test_a_supervisor_runs_only_their_own_sessions(
    api_as: Api, make_user: Callable[..., User], pdu_a: Pdu, session: Session, booked: list[Appointment]
) -> None:
    other = api_as(make_user("otto", role=SUPERVISOR, pdu=pdu_a))
    with nothing_saved():
        assert other.get(f"/sessions/{session.pk}").status_code == 404
        assert other.post(f"/sessions/{session.pk}/register", register(session, [])).status_code == 404


def test_permissions(
    api_as: Api,
    supervisor: User,
    coordinator: User,
    practitioner: User,
    head_of_upw: User,
    project: Project,
    session: Session,
    booked: list[Appointment],
) -> None:
    concern = (
        api_as(supervisor)
        .post("/risk-concerns", {"crn": booked[0].person.crn, "category": "other", "details": "Tired"})
        .json()["id"]
    )
    reported = api_as(supervisor).post("/incidents", incident(project)).json()["id"]
    as_supervisor, as_coordinator = api_as(supervisor), api_as(coordinator)
    as_practitioner, as_head = api_as(practitioner), api_as(head_of_upw)
    path = f"/sessions/{session.pk}"
    with nothing_saved():
        forbidden = [
            as_practitioner.get("/sessions"),
            as_practitioner.get(path),
            as_head.get("/sessions"),
            as_coordinator.post(f"{path}/register", register(session, [])),  # plans, but does not run sessions
            as_supervisor.post(f"{path}/appointments", {"requirement_id": booked[0].requirement_id}),
            as_supervisor.post(f"{path}/stand-down", {"reason": "weather"}),
            as_practitioner.post("/incidents", incident(project)),
            as_practitioner.get(f"/incidents/{reported}"),
            as_coordinator.post("/risk-concerns", {"crn": booked[0].person.crn, "category": "other", "details": "x"}),
            as_supervisor.get(f"/risk-concerns/{concern}"),
            as_supervisor.post(f"/risk-concerns/{concern}/acknowledge", {"action_taken": "Called"}),
        ]
    for response in forbidden:
        assert response.status_code == 403, response.request
        assert set(response.json()) == {"detail"}
    assert api_as(None).get("/sessions").status_code == 401
    assert as_coordinator.get(path).status_code == 200
    assert as_coordinator.get(f"/incidents/{reported}").status_code == 200


def test_the_document_declares_the_conflict_and_the_idempotency_key_header(api_as: Api, practitioner: User) -> None:
    client = api_as(practitioner)
    schema = client.client.get(f"{API}/openapi.json", headers=client.headers).json()
    operation = schema["paths"][f"{API}/sessions/{{id}}/register"]["post"]
    assert sorted(operation["responses"]) == ["200", "400", "401", "403", "404", "409", "422"]
    conflict = operation["responses"]["409"]["content"]["application/json"]["schema"]
    assert conflict == {"$ref": "#/components/schemas/ConflictOut"}
    assert ("header", "Idempotency-Key") in {(p["in"], p["name"]) for p in operation["parameters"]}
