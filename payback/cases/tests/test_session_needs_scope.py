"""A supervisor sees what a session needs to know only about people booked on sessions they run;
staff who see cases see it for anyone in their area."""

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from payback.cases.models import Requirement
from payback.delivery.models import Appointment, Session
from payback.staff.models import Pdu, User
from payback.staff.roles import OPERATIONS_MANAGER, PLACEMENT_COORDINATOR, SUPERVISOR
from payback.testing.builders import active_project, make_staff, plan_session

pytestmark = pytest.mark.django_db


def booked_on(session: Session, requirement: Requirement, *, cancelled: bool = False) -> Appointment:
    """A booking as the booking service leaves it (the booking rules are tested with the sessions)."""
    return Appointment.objects.create(
        session=session,
        requirement=requirement,
        person=requirement.person,
        date=session.date,
        booked_by=session.supervisor or requirement.person.practitioner or make_staff("booker"),
        cancelled_at=timezone.now() if cancelled else None,
    )


def status(user: User, requirement: Requirement) -> int:
    client = Client()
    client.force_login(user)
    return client.get(f"/cases/people/{requirement.person.crn}/session-needs/").status_code


@pytest.mark.today("2026-11-18")
def test_a_supervisor_sees_the_session_needs_only_of_people_on_their_own_sessions(
    make_case: Callable[..., Requirement], supervisor: User, pdu_a: Pdu
) -> None:
    coordinator = make_staff("cora", role=PLACEMENT_COORDINATOR, pdu=pdu_a)
    manager = make_staff("mo", role=OPERATIONS_MANAGER, pdu=pdu_a)
    other_supervisor = make_staff("sid", role=SUPERVISOR, pdu=pdu_a)
    project = active_project(coordinator, manager, pdu_a)
    mine = plan_session(coordinator, project, date(2026, 11, 19), supervisor=supervisor)
    theirs = plan_session(coordinator, project, date(2026, 11, 20), supervisor=other_supervisor)
    on_mine, on_theirs, cancelled, nowhere = (make_case(last_name=name) for name in ("Amos", "Bell", "Cox", "Dale"))
    booked_on(mine, on_mine)
    booked_on(theirs, on_theirs)
    booked_on(mine, cancelled, cancelled=True)

    assert status(supervisor, on_mine) == 200
    for hidden in (on_theirs, cancelled, nowhere):  # all in the supervisor's own PDU
        assert status(supervisor, hidden) == 404
    assert status(other_supervisor, on_theirs) == 200
    for anyone in (on_mine, on_theirs, cancelled, nowhere):
        assert status(coordinator, anyone) == 200
