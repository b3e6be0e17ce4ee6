"""Nothing is recorded before it happens, through the API: register outcomes only from the session's
start, closing only with `confirm: true`, and a future session's stand-down credit only on its date."""

import uuid
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from payback.cases.models import LedgerEntry, Requirement
from payback.delivery.models import Appointment, Session
from payback.delivery.stand_down_credits import post_due_stand_down_credits
from payback.staff.models import Pdu, User
from payback.testing.builders import (
    active_project,
    book,
    counts,
    placeable_person,
    plan_session,
    remaining,
    version_of,
)

from .client import ApiClient, Response

pytestmark = pytest.mark.django_db

Api = Callable[[User | None], ApiClient]
LONDON = ZoneInfo("Europe/London")
WEDNESDAY = date(2026, 11, 18)


@pytest.fixture
def person(practitioner: User) -> Requirement:
    return placeable_person(practitioner)


@pytest.fixture
def session(coordinator: User, manager: User, supervisor: User, pdu_a: Pdu, person: Requirement) -> Session:
    project = active_project(coordinator, manager, pdu_a)
    planned = plan_session(coordinator, project, WEDNESDAY, supervisor=supervisor)
    book(coordinator, planned, person)
    return planned


def body(session: Session, *, close: bool = False, **extra: Any) -> dict[str, Any]:
    (appointment,) = Appointment.objects.filter(session=session)
    return {
        "idempotency_key": str(uuid.uuid4()),
        "expected_version": version_of(session),
        "close": close,
        "lines": [{"appointment_id": appointment.pk, "outcome": "attended_complied"}],
        **extra,
    }


def errors(response: Response) -> list[tuple[str | None, str]]:
    return [(error["field"], error["message"]) for error in response.json()["errors"]]


@pytest.mark.today("2026-11-18", at="08:00")
def test_register_outcomes_before_the_start_are_refused_saying_when(
    api_as: Api, supervisor: User, session: Session
) -> None:
    client = api_as(supervisor)
    before = counts()
    for close in (False, True):
        response = client.post(f"/sessions/{session.pk}/register", body(session, close=close, confirm=close))
        assert response.status_code == 400
        assert errors(response) == [("session", "The register can be completed from 09:00 on 18 November 2026")]
    assert counts() == before
    assert Appointment.objects.get(session=session).outcome == ""
    with time_machine.travel(datetime.combine(WEDNESDAY, time(9), tzinfo=LONDON), tick=False):
        response = client.post(f"/sessions/{session.pk}/register", body(session))
    assert response.status_code == 200, response.content


@pytest.mark.today("2026-11-18", at="16:15")
def test_closing_the_register_needs_confirm(
    api_as: Api, supervisor: User, session: Session, person: Requirement
) -> None:
    client = api_as(supervisor)
    owed = remaining(person)
    for unconfirmed in (body(session, close=True), body(session, close=True, confirm=False)):
        response = client.post(f"/sessions/{session.pk}/register", unconfirmed)
        assert response.status_code == 400
        assert [field for field, _ in errors(response)] == ["confirm"]
    assert Session.objects.get(pk=session.pk).status == "planned"
    assert remaining(person) == owed

    saved = client.post(f"/sessions/{session.pk}/register", body(session))  # saving needs no confirmation
    assert (saved.status_code, saved.json()["closed"]) == (200, False)
    closed = client.post(f"/sessions/{session.pk}/register", body(session, close=True, confirm=True))
    assert (closed.status_code, closed.json()["closed"]) == (200, True)
    assert owed - remaining(person) == 420


@pytest.mark.today("2026-11-16", at="10:00")
def test_standing_a_future_session_down_credits_on_its_date(
    api_as: Api, manager: User, session: Session, person: Requirement
) -> None:
    client = api_as(manager)
    owed = remaining(person)
    response = client.post(f"/sessions/{session.pk}/stand-down", {"reason": "weather"})
    assert response.status_code == 200, response.content
    assert [(a["outcome"], a["credited_minutes"]) for a in response.json()["appointments"]] == [("stood_down", 0)]
    assert remaining(person) == owed
    assert not LedgerEntry.objects.filter(kind="stand_down").exists()

    with time_machine.travel(datetime.combine(WEDNESDAY, time(0, 5), tzinfo=LONDON), tick=False):
        post_due_stand_down_credits()
        detail = client.get(f"/sessions/{session.pk}").json()
    assert [(a["outcome"], a["credited_minutes"]) for a in detail["appointments"]] == [("stood_down", 60)]
    assert owed - remaining(person) == 60
    assert LedgerEntry.objects.get(kind="stand_down").occurred_on == WEDNESDAY
