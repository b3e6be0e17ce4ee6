"""The North East's staff for the home pages (Wednesday 18 November 2026), the same roles in London
whose work must never be counted here, and builders for each kind of work, made through the real
services."""

import re
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from payback.cases.assessment import services as assessment_services
from payback.cases.models import Requirement
from payback.delivery.models import Appointment, Session
from payback.projects.models import Project
from payback.staff.models import Pdu, Team, User
from payback.staff.roles import OPERATIONS_MANAGER, PLACEMENT_COORDINATOR, SENIOR_PROBATION_OFFICER, SUPERVISOR
from payback.staff.services import team_create, team_member_add
from payback.testing.builders import (
    active_project,
    book,
    frozen_today,
    line,
    make_staff,
    placeable_person,
    plan_session,
    submit,
)

TODAY = date(2026, 11, 18)  # a Wednesday


@pytest.fixture(autouse=True)
def fresh_counts() -> Iterator[None]:
    """The menu's counts are kept for a minute: each test counts afresh."""
    cache.clear()
    yield
    cache.clear()


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def work_order(page: str) -> list[str]:
    """The kinds of work listed on the page, in the order shown."""
    return re.findall(r'data-testid="work-([a-z_]+)"', page)


def item_of(page: str, key: str) -> str:
    """The text of one kind of work on the page."""
    found = re.search(rf'data-testid="work-{key}">(.*?)</div>', page)
    assert found is not None, f"no {key} on the page"
    return found.group(1)


@pytest.fixture
def senior(pdu_a: Pdu) -> User:
    return make_staff("sophie", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)


@pytest.fixture
def team(senior: User, practitioner: User) -> Team:
    team = team_create(actor=senior, name="Tyne A", pdu=senior.pdu, lead=senior)
    team_member_add(actor=senior, team=team, practitioner=practitioner)
    return team


@pytest.fixture
def project(coordinator: User, manager: User, pdu_a: Pdu) -> Project:
    return active_project(coordinator, manager, pdu_a, name="Towpath clearance")


@pytest.fixture
def london(pdu_b: Pdu) -> dict[str, User]:
    """The same roles in London: nothing of theirs is counted in the North East."""
    roles = {
        "practitioner": "Probation practitioner",
        "coordinator": PLACEMENT_COORDINATOR,
        "manager": OPERATIONS_MANAGER,
        "supervisor": SUPERVISOR,
    }
    return {key: make_staff(f"london-{key}", role=role, pdu=pdu_b) for key, role in roles.items()}


@pytest.fixture
def london_project(london: dict[str, User], pdu_b: Pdu) -> Project:
    return active_project(london["coordinator"], london["manager"], pdu_b, name="Thames foreshore")


def fail_on(day: date, requirement: Requirement, project: Project, *, planner: User, supervisor: User) -> Appointment:
    """The person booked on a session on `day` (a Monday, Wednesday or Saturday, when they are free)
    and absent without a good reason: a possible failure for their practitioner to decide."""
    with frozen_today(day - timedelta(days=2)) as clock:
        session = plan_session(planner, project, day, supervisor=supervisor)
        [appointment] = book(planner, session, requirement)
        clock.today = day
        submit(supervisor, session, [line(appointment, "unacceptable_absence")])
    appointment.refresh_from_db()
    return appointment


def person(practitioner: User, last_name: str, *, sentenced: date = date(2026, 9, 1), **fields: Any) -> Requirement:
    return placeable_person(practitioner, sentence_date=sentenced, last_name=last_name, **fields)


def break_a_rule(practitioner: User, requirement: Requirement, session: Session, *, planner: User) -> Appointment:
    """Booked on a Wednesday session, then reassessed as free on Mondays only: the booking now breaks a rule."""
    [appointment] = book(planner, session, requirement)
    draft = assessment_services.assessment_start(actor=practitioner, person=requirement.person)
    assessment_services.assessment_update(
        actor=practitioner,
        assessment=draft,
        values={"availability": {"mon": ["morning", "afternoon"]}},
        risk_flags=None,
    )
    assessment_services.assessment_submit(actor=practitioner, assessment=draft)
    appointment.refresh_from_db()
    assert appointment.conflict
    return appointment


def joined(user: User, day: date) -> User:
    user.date_joined = timezone.make_aware(datetime.combine(day, time(9)))
    user.save(update_fields=["date_joined"])
    return user
