"""A small world for the person's service: Jo Rivers, placeable, with a phone number, booked on a
session tomorrow with a van pick-up; and Sam Other, another person in the same PDU. Codes and
messages go to a messages folder of each test's own. Today is Wednesday 18 November 2026."""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from payback.cases.models import Person, Requirement
from payback.core.models import PolicyVersion
from payback.delivery.models import Appointment, Session
from payback.projects.models import Project
from payback.staff.models import Pdu, User
from payback.staff.roles import SUPERVISOR
from payback.testing.builders import (
    EVERY_DAY,
    active_project,
    authorise_driver,
    book,
    frozen_today,
    line,
    make_staff,
    placeable_person,
    plan_session,
    submit,
    vehicle,
)
from payback.testing.outside import CODE, coordinator_and_manager, last_code, messages_outbox, sent, signed_in

__all__ = ["CODE", "last_code", "sent"]

TODAY = date(2026, 11, 18)  # a Wednesday
TOMORROW = TODAY + timedelta(days=1)
SCHEME = {"threshold_percent": 25, "minutes_per_hour": 30, "cap_percent": 25}
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass
class World:
    practitioner: User
    coordinator: User
    supervisor: User
    project: Project
    session: Session  # tomorrow, with a van from Haymarket bus station
    jo: Requirement
    booking: Appointment  # Jo on tomorrow's session
    other: Requirement  # Sam Other, same PDU, booked next week
    other_booking: Appointment


@pytest.fixture
def outbox(settings: Any, tmp_path: Path) -> Path:
    return messages_outbox(settings, tmp_path)


@pytest.fixture
def world(pdu_a: Pdu, practitioner: User, outbox: Path) -> World:
    coordinator, manager = coordinator_and_manager(pdu_a)
    supervisor = make_staff("sid", role=SUPERVISOR, pdu=pdu_a)
    authorise_driver(manager, supervisor, today=TODAY)
    project = active_project(coordinator, manager, pdu_a)
    with frozen_today(date(2026, 3, 3)):
        jo = placeable_person(
            practitioner, first_name="Jo", last_name="Rivers", phone="07700 900123", availability=EVERY_DAY
        )
        other = placeable_person(
            practitioner,
            first_name="Sam",
            last_name="Other",
            phone="07700 900456",
            date_of_birth=date(1985, 1, 2),
            availability=EVERY_DAY,
        )
    session = plan_session(coordinator, project, TOMORROW, supervisor=supervisor, van=vehicle(pdu_a))
    (booking,) = book(coordinator, session, jo)
    later = plan_session(coordinator, project, TODAY + timedelta(days=7), supervisor=supervisor)
    (other_booking,) = book(coordinator, later, other)
    return World(practitioner, coordinator, supervisor, project, session, jo, booking, other, other_booking)


@pytest.fixture
def earned_reduction(db: None) -> None:
    PolicyVersion.objects.create(
        key="earned_reduction", effective_from=date(2021, 1, 1), value=dict(SCHEME), reason="s.37 commences"
    )


def dob(value: date, prefix: str = "date_of_birth") -> dict[str, str]:
    return {f"{prefix}_0": str(value.day), f"{prefix}_1": str(value.month), f"{prefix}_2": str(value.year)}


def ask_for_code(client: Client, person: Person, *, born: date | None = None, crn: str | None = None) -> Any:
    return client.post("/my/sign-in/", {"crn": crn or person.crn, **dob(born or person.date_of_birth)})


def sign_in(client: Client, person: Person, outbox: Path) -> Client:
    """Sign in as the person, through the pages, with the code sent to them."""
    return signed_in(client, "/my/", {"crn": person.crn, **dob(person.date_of_birth)}, outbox)


def missed_on(world: World, day: date, requirement: Requirement | None = None) -> Appointment:
    """A session on `day` (in the past) that the register records the person as missing, without a reason."""
    with frozen_today(day - timedelta(days=7)):
        session = plan_session(world.coordinator, world.project, day, supervisor=world.supervisor)
        (appointment,) = book(world.coordinator, session, requirement or world.jo)
    with frozen_today(day):
        submit(world.supervisor, session, [line(appointment, "unacceptable_absence")])
    appointment.refresh_from_db()
    return appointment


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def words_of(response: Any) -> str:
    """What the page says, without its markup."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))
