"""A small world for enforcement: a practitioner's case of 100 hours with work planned, and the
staff who run it. Each test moves the services' "today" with the clock."""

from collections.abc import Callable, Iterator
from datetime import date

import pytest

from payback.cases.models import Requirement
from payback.core.models import PolicyVersion
from payback.delivery.models import Appointment, Session
from payback.enforcement.selectors import FailureSource, failure_source_get
from payback.projects.models import Project
from payback.staff.models import Pdu, User
from payback.staff.roles import OPERATIONS_MANAGER, PLACEMENT_COORDINATOR, SENIOR_PROBATION_OFFICER
from payback.testing.builders import (
    Clock,
    active_project,
    book,
    frozen_today,
    line,
    make_staff,
    plan_session,
    submit,
)

SCHEME = {"threshold_percent": 25, "minutes_per_hour": 30, "cap_percent": 25}


@pytest.fixture
def clock() -> Iterator[Clock]:
    with frozen_today(date(2026, 5, 25)) as frozen:
        yield frozen


@pytest.fixture
def earned_reduction(db: None) -> None:
    PolicyVersion.objects.create(
        key="earned_reduction", effective_from=date(2021, 1, 1), value=dict(SCHEME), reason="s.37 commences"
    )


@pytest.fixture
def spo(pdu_a: Pdu) -> User:
    return make_staff("sunita", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)


@pytest.fixture
def coordinator(pdu_a: Pdu) -> User:
    return make_staff("cora", role=PLACEMENT_COORDINATOR, pdu=pdu_a)


@pytest.fixture
def project(coordinator: User, pdu_a: Pdu) -> Project:
    manager = make_staff("mo", role=OPERATIONS_MANAGER, pdu=pdu_a)
    return active_project(coordinator, manager, pdu_a)


@pytest.fixture
def on_session(
    clock: Clock, coordinator: User, supervisor: User, project: Project
) -> Callable[[Requirement, date, str], Appointment]:
    """Plan a session on `day`, book the person, and record `outcome` on the day itself."""

    def record(requirement: Requirement, day: date, outcome: str) -> Appointment:
        was = clock.today
        session: Session = plan_session(coordinator, project, day, supervisor=supervisor)
        (appointment,) = book(coordinator, session, requirement)
        clock.today = day
        submit(supervisor, session, [line(appointment, outcome)])
        clock.today = max(was, day)
        appointment.refresh_from_db()
        return appointment

    return record


def source_of(user: User, appointment: Appointment) -> FailureSource:
    return failure_source_get(user, f"A{appointment.pk}")
