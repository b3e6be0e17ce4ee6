"""A small PDU's week built through the real services, for the adapter and page tests: a
coordinator, a manager, a practitioner, two supervisors, one group project and one individual
placement, sessions next week, and people ready to be placed. The postcode directory holds the
places test fixture: the men live at NE6 1BU, the project is at NE1 4BX (2.4 km away), and the
woman has no postcode recorded."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from payback.cases.models import Requirement
from payback.delivery.models import Session
from payback.places.services import postcodes_import
from payback.places.tests.conftest import FIXTURE
from payback.projects.models import Project
from payback.staff.models import Pdu, User
from payback.staff.roles import OPERATIONS_MANAGER, PLACEMENT_COORDINATOR, SUPERVISOR
from payback.testing.builders import (
    active_project,
    make_staff,
    placeable_person,
    plan_session,
)


def next_monday(today: date | None = None) -> date:
    today = today or timezone.localdate()
    return today - timedelta(days=today.weekday()) + timedelta(weeks=1)


@dataclass
class SmallWeek:
    pdu: Pdu
    monday: date
    coordinator: User
    manager: User
    practitioner: User
    supervisor: User
    female_supervisor: User
    project: Project
    monday_session: Session
    wednesday_session: Session
    tuesday_session: Session
    men: list[Requirement] = field(default_factory=list)
    woman: Requirement | None = None


def small_week(pdu: Pdu, *, men: int = 3) -> SmallWeek:
    """Three men free Monday, Wednesday (all day) and Saturday morning; a woman who asked for
    women-only work; group sessions on Monday, Tuesday and Wednesday next week."""
    monday = next_monday()
    sentenced = timezone.localdate() - timedelta(days=60)
    coordinator = make_staff("cora", role=PLACEMENT_COORDINATOR, pdu=pdu)
    manager = make_staff("max", role=OPERATIONS_MANAGER, pdu=pdu)
    practitioner = make_staff("pat", pdu=pdu)
    supervisor = make_staff("sam", role=SUPERVISOR, pdu=pdu, gender="male")
    supervisor.email = "sam@probation.example.gov.uk"
    supervisor.save(update_fields=["email"])
    female_supervisor = make_staff("fiona", role=SUPERVISOR, pdu=pdu, gender="female")
    postcodes_import(FIXTURE)
    project = active_project(coordinator, manager, pdu, name="Towpath clearance")
    project.postcode = "NE1 4BX"
    project.save(update_fields=["postcode"])
    week = SmallWeek(
        pdu=pdu,
        monday=monday,
        coordinator=coordinator,
        manager=manager,
        practitioner=practitioner,
        supervisor=supervisor,
        female_supervisor=female_supervisor,
        project=project,
        monday_session=plan_session(coordinator, project, monday, supervisor=supervisor, capacity=6),
        tuesday_session=plan_session(
            coordinator, project, monday + timedelta(days=1), supervisor=supervisor, capacity=6
        ),
        wednesday_session=plan_session(
            coordinator, project, monday + timedelta(days=2), supervisor=supervisor, capacity=6
        ),
    )
    names = ["Adams", "Brown", "Clarke", "Davies", "Evans", "Fisher"]
    for index in range(men):
        week.men.append(
            placeable_person(practitioner, sentence_date=sentenced, last_name=names[index], postcode="NE6 1BU")
        )
    week.woman = placeable_person(
        practitioner, sentence_date=sentenced, first_name="Grace", last_name="Hill", sex="female"
    )
    return week
