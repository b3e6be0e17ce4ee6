"""Nothing is recorded before it happens: the before-work checks only on the session's day, register
outcomes only from the session's start (UK time), closing only once confirmed, and a stand-down
credit only from the session's date. Through the services, the pages and the daily command."""

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from payback.cases.models import LedgerEntry, LedgerKind, Requirement
from payback.delivery import services
from payback.delivery.models import Appointment, IdempotentRequest, Outcome, Session, SessionStatus
from payback.delivery.stand_down_credits import post_due_stand_down_credits
from payback.projects.models import Project
from payback.staff.models import Pdu, User
from payback.testing.builders import (
    active_project,
    book,
    counts,
    leave_owing,
    line,
    placeable_person,
    plan_session,
    remaining,
    version_of,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
UTC = ZoneInfo("UTC")
WEDNESDAY = date(2026, 11, 18)


@contextmanager
def at(day: date, clock: str, tz: ZoneInfo = LONDON) -> Iterator[None]:
    """Move the clock to a moment (UK time unless another zone is given)."""
    with time_machine.travel(datetime.combine(day, time.fromisoformat(clock), tzinfo=tz), tick=False):
        yield


@pytest.fixture
def project(coordinator: User, manager: User, pdu_a: Pdu) -> Project:
    return active_project(coordinator, manager, pdu_a)


@pytest.fixture
def person(practitioner: User) -> Requirement:
    return placeable_person(practitioner)


@pytest.fixture
def session(coordinator: User, project: Project, supervisor: User, person: Requirement) -> Session:
    """Wednesday 18 November 2026, 09:00 to 16:00, with one person booked."""
    planned = plan_session(coordinator, project, WEDNESDAY, supervisor=supervisor)
    book(coordinator, planned, person)
    return planned


def refusal(service: Any, /, *args: Any, **kwargs: Any) -> dict[str, list[str]]:
    """Call something that must be refused; check that it saved nothing and return its errors."""
    before = counts()
    with pytest.raises(ValidationError) as caught:
        service(*args, **kwargs)
    assert counts() == before
    return caught.value.message_dict


def record_checks(supervisor: User, session: Session) -> Session:
    return services.session_record_checks(
        actor=supervisor,
        session=session,
        toolbox_talk_given=True,
        site_induction_given=True,
        hazards_seen="",
        controls="",
        go=True,
        tools_out={"Spade": 4},
    )


def submit(supervisor: User, session: Session, *, close: bool = False) -> services.RegisterResult:
    (appointment,) = session.appointments.all()
    return services.register_submit(
        actor=supervisor,
        session=session,
        expected_version=version_of(session),
        idempotency_key=str(uuid.uuid4()),
        lines=[line(appointment, Outcome.ATTENDED_COMPLIED)],
        close=close,
    )


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# ---------------------------------------------------------------------------------------------
# Before-work checks: on the session's day only


@pytest.mark.today("2026-11-17", at="16:00")
def test_before_work_checks_are_recorded_only_on_the_sessions_day(supervisor: User, session: Session) -> None:
    assert refusal(record_checks, supervisor, session) == {
        "session": ["The before-work checks can be recorded on 18 November 2026, the day of the session"]
    }
    with at(date(2026, 11, 18), "06:30"):  # on the day, before the start: that is when they are done
        assert record_checks(supervisor, session).checks_recorded_at is not None
    with at(date(2026, 11, 19), "09:00"):
        assert refusal(record_checks, supervisor, session) == {
            "session": ["The before-work checks could only be recorded on the day of the session, 18 November 2026"]
        }


@pytest.mark.today("2026-07-14", at="10:00")
def test_the_checks_day_is_the_uk_day_not_utc(
    coordinator: User, project: Project, supervisor: User, person: Requirement
) -> None:
    """In British Summer Time 23:30 UTC is already 00:30 the next day in London."""
    summer = plan_session(coordinator, project, date(2026, 7, 15), supervisor=supervisor)
    with at(date(2026, 7, 14), "22:59", tz=UTC):  # 23:59 on the 14th in London
        assert refusal(record_checks, supervisor, summer)["session"] == [
            "The before-work checks can be recorded on 15 July 2026, the day of the session"
        ]
    with at(date(2026, 7, 14), "23:30", tz=UTC):
        assert record_checks(supervisor, summer).checks_recorded_at is not None
    with at(date(2026, 7, 15), "23:30", tz=UTC):  # 00:30 on the 16th in London
        assert refusal(record_checks, supervisor, summer)["session"] == [
            "The before-work checks could only be recorded on the day of the session, 15 July 2026"
        ]


@pytest.mark.today("2026-11-17", at="10:00")
def test_the_checks_page_says_when_they_can_be_recorded(supervisor: User, session: Session) -> None:
    client = client_for(supervisor)
    page = text_of(client.get(f"/sessions/{session.pk}/"))
    assert "The before-work checks can be recorded on 18 November 2026, the day of the session." in page
    assert "Record before-work checks" not in page
    response = client.get(f"/sessions/{session.pk}/before-work/", follow=True)
    assert "The before-work checks can be recorded on 18 November 2026, the day of the session" in text_of(response)
    posted = client.post(
        f"/sessions/{session.pk}/before-work/",
        {"toolbox_talk_given": "on", "go": "go", "tools_out": "Spade, 4"},
    )
    assert posted.status_code == 200
    assert "The before-work checks can be recorded on 18 November 2026" in text_of(posted)
    session.refresh_from_db()
    assert session.checks_recorded_at is None


# ---------------------------------------------------------------------------------------------
# The register: from the session's start time


@pytest.mark.today("2026-11-18", at="08:00")
def test_register_outcomes_are_recorded_only_from_the_sessions_start(
    supervisor: User, session: Session, person: Requirement
) -> None:
    owed = remaining(person)
    for clock in ("08:00", "08:59"):
        with at(WEDNESDAY, clock):
            for close in (False, True):
                assert refusal(submit, supervisor, session, close=close) == {
                    "session": ["The register can be completed from 09:00 on 18 November 2026"]
                }
    with at(WEDNESDAY, "09:00"):
        assert submit(supervisor, session).closed is False
    with at(WEDNESDAY, "16:10"):
        assert submit(supervisor, session, close=True).closed is True
    assert owed - remaining(person) == 420


@pytest.mark.today("2026-11-17", at="18:00")
def test_the_register_of_a_session_tomorrow_is_refused(supervisor: User, session: Session) -> None:
    assert refusal(submit, supervisor, session) == {
        "session": ["The register can be completed from 09:00 on 18 November 2026"]
    }


@pytest.mark.today("2026-07-15", at="07:00")
def test_the_start_is_compared_on_the_uk_clock(
    coordinator: User, project: Project, supervisor: User, person: Requirement
) -> None:
    """In British Summer Time 08:30 UTC is 09:30 in London: the register of a 09:00 session is open."""
    summer = plan_session(coordinator, project, date(2026, 7, 15), supervisor=supervisor)
    book(coordinator, summer, person)
    with at(date(2026, 7, 15), "07:59", tz=UTC):  # 08:59 in London
        assert refusal(submit, supervisor, summer)["session"] == [
            "The register can be completed from 09:00 on 15 July 2026"
        ]
    with at(date(2026, 7, 15), "08:30", tz=UTC):
        assert submit(supervisor, summer).closed is False


@pytest.mark.today("2026-11-18", at="08:15")
def test_the_register_page_says_when_it_can_be_completed_and_cannot_be_closed(
    supervisor: User, session: Session
) -> None:
    client = client_for(supervisor)
    assert "The register can be completed from 09:00 on 18 November 2026." in text_of(
        client.get(f"/sessions/{session.pk}/")
    )
    page = client.get(f"/sessions/{session.pk}/register/")
    text = text_of(page)
    assert "The register can be completed from 09:00 on 18 November 2026" in text
    assert "Close register" not in text and 'name="action"' not in text
    (appointment,) = session.appointments.all()
    # A register page opened earlier and sent now is refused too, saying when.
    response = client.post(
        f"/sessions/{session.pk}/register/",
        {
            "idempotency_key": "early",
            "version": version_of(session),
            "action": "close",
            "confirm": "on",
            "appointment": [str(appointment.pk)],
            f"a{appointment.pk}-outcome": "attended_complied",
        },
    )
    assert response.status_code == 200
    assert "The register can be completed from 09:00 on 18 November 2026" in text_of(response)
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED
    assert Appointment.objects.get(pk=appointment.pk).outcome == ""


@pytest.mark.today("2026-11-18", at="16:30")
def test_closing_the_register_in_the_page_needs_the_confirmation(supervisor: User, session: Session) -> None:
    client = client_for(supervisor)
    (appointment,) = session.appointments.all()
    page = client.get(f"/sessions/{session.pk}/register/")
    assert "I confirm every outcome is right and the register can be closed" in text_of(page)
    data = {
        "idempotency_key": page.context["meta"].initial["idempotency_key"],
        "version": page.context["meta"].initial["version"],
        "action": "close",
        "appointment": [str(appointment.pk)],
        f"a{appointment.pk}-outcome": "attended_complied",
    }
    refused = client.post(f"/sessions/{session.pk}/register/", data)
    assert refused.status_code == 200
    text = text_of(refused)
    assert '<a href="#id_confirm">Confirm that every outcome is right before closing the register</a>' in text
    assert 'id="id_confirm-error"' in text
    session.refresh_from_db()
    assert (session.status, session.register_version) == (SessionStatus.PLANNED, version_of(session))
    assert not LedgerEntry.objects.filter(source="session").exists()

    closed = client.post(f"/sessions/{session.pk}/register/", {**data, "confirm": "on"})
    assert closed.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED
    assert LedgerEntry.objects.filter(source="session").count() == 1


# ---------------------------------------------------------------------------------------------
# Stand-down credits: from the session's date


@pytest.mark.today("2026-11-16", at="10:00")
def test_standing_down_ahead_records_it_and_the_credit_posts_on_the_sessions_date(
    coordinator: User, session: Session, person: Requirement
) -> None:
    owed = remaining(person)
    services.session_stand_down(actor=coordinator, session=session, reason="weather")

    (appointment,) = Appointment.objects.filter(session=session)
    assert (appointment.outcome, appointment.credited_entry) == (Outcome.STOOD_DOWN, None)
    assert Session.objects.get(pk=session.pk).status == SessionStatus.STOOD_DOWN
    assert remaining(person) == owed  # nothing counts before the day
    assert not person.ledger.filter(kind=LedgerKind.STAND_DOWN).exists()
    with at(date(2026, 11, 17), "23:59"):
        assert post_due_stand_down_credits().people == 0
        assert remaining(person) == owed

    with at(WEDNESDAY, "00:10"):
        posted = post_due_stand_down_credits()
        assert (posted.people, posted.minutes) == (1, 60)
        entry = person.ledger.get(kind=LedgerKind.STAND_DOWN)
        assert (entry.minutes, entry.occurred_on, entry.source_ref) == (60, WEDNESDAY, str(appointment.pk))
        assert entry.created_by == coordinator
        assert remaining(person) == owed - 60
        appointment.refresh_from_db()
        assert appointment.credited_entry == entry
        # Run again, the same day or later: nothing more.
        assert post_due_stand_down_credits().people == 0
    with at(date(2026, 11, 25), "00:10"):
        assert post_due_stand_down_credits().people == 0
    assert person.ledger.filter(kind=LedgerKind.STAND_DOWN).count() == 1
    assert IdempotentRequest.objects.filter(scope="stand_down_credit").count() == 1


@pytest.mark.today("2026-11-18", at="07:00")
def test_standing_down_on_the_day_credits_at_once_and_the_daily_run_adds_nothing(
    coordinator: User, session: Session, person: Requirement
) -> None:
    owed = remaining(person)
    services.session_stand_down(actor=coordinator, session=session, reason="no_vehicle")
    assert owed - remaining(person) == 60
    assert person.ledger.get(kind=LedgerKind.STAND_DOWN).occurred_on == WEDNESDAY
    assert post_due_stand_down_credits().people == 0
    assert person.ledger.filter(kind=LedgerKind.STAND_DOWN).count() == 1


@pytest.mark.today("2026-11-16", at="10:00")
def test_a_stand_down_credit_due_when_nothing_is_owed_any_more_is_decided_once(
    coordinator: User, practitioner: User, session: Session, person: Requirement
) -> None:
    services.session_stand_down(actor=coordinator, session=session, reason="weather")
    leave_owing(practitioner, person, 0)  # the hours were finished elsewhere before the day came
    with at(WEDNESDAY, "00:10"):
        assert post_due_stand_down_credits().people == 0
        assert not person.ledger.filter(kind=LedgerKind.STAND_DOWN).exists()
        assert IdempotentRequest.objects.get(scope="stand_down_credit").response["credited_minutes"] == 0


@pytest.mark.today("2026-11-16", at="10:00")
def test_the_daily_command_posts_the_credits_that_are_due(
    coordinator: User, session: Session, person: Requirement
) -> None:
    owed = remaining(person)
    services.session_stand_down(actor=coordinator, session=session, reason="weather")
    with at(WEDNESDAY, "00:10"):
        out = StringIO()
        call_command("post_stand_down_credits", stdout=out)
        assert out.getvalue().strip() == "Stand-down credits posted for 1 person: 1 hour in all."
        out = StringIO()
        call_command("post_stand_down_credits", stdout=out)
        assert out.getvalue().strip() == "Stand-down credits posted for 0 people: 0 minutes in all."
    assert owed - remaining(person) == 60


@pytest.mark.today("2026-11-16", at="10:00")
def test_the_stand_down_page_says_the_credit_posts_on_the_sessions_date(
    manager: User, session: Session, person: Requirement
) -> None:
    client = client_for(manager)
    url = f"/sessions/{session.pk}/stand-down/"
    assert (
        "Everyone booked (1) is stood down, credited 1 hour on 18 November 2026, the day of the session, "
        "under the stand-down policy" in text_of(client.get(url))
    )
    owed = remaining(person)
    page = text_of(client.post(url, {"reason": "weather"}, follow=True))
    assert (
        "Session stood down: everyone booked is credited 1 hour on 18 November 2026, the day of the session, "
        "and is on the list to rebook" in page
    )
    assert "The stand-down credit posts on 18 November 2026, the day of the session" in page
    assert remaining(person) == owed
