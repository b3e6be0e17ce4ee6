"""A small world for the beneficiaries' contacts. Two organisations, each with an individual placement
in the same PDU: the Charity shop Trust (Alex Ward its contact), where Jo Rivers was booked on
Monday 16 November and is booked tomorrow; and the Food bank Trust (Bea Shaw its contact), where
Sam Other was booked on Monday. Codes and invitations go to a messages folder of each test's own.
Today is Wednesday 18 November 2026."""

import html
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from payback.cases.models import Requirement
from payback.delivery.models import Appointment
from payback.partners import services
from payback.partners.models import BeneficiaryContact
from payback.projects.models import Project
from payback.staff.models import Pdu, User
from payback.testing.builders import (
    EVERY_DAY,
    active_project,
    book,
    frozen_today,
    placeable_person,
    plan_session,
)
from payback.testing.outside import CODE, coordinator_and_manager, last_code, messages_outbox, sent, signed_in

__all__ = ["CODE", "last_code", "sent"]

TODAY = date(2026, 11, 18)  # a Wednesday
MONDAY = date(2026, 11, 16)
TOMORROW = TODAY + timedelta(days=1)


@dataclass
class World:
    coordinator: User
    shop: Project  # the Charity shop Trust's individual placement
    bank: Project  # the Food bank Trust's
    jo: Requirement  # on the shop's placement on Monday and tomorrow
    sam: Requirement  # on the bank's on Monday
    monday: Appointment  # Jo's, on the shop's placement
    alex: BeneficiaryContact  # the shop's contact
    bea: BeneficiaryContact  # the bank's contact


@pytest.fixture
def outbox(settings: Any, tmp_path: Path) -> Path:
    return messages_outbox(settings, tmp_path)


@pytest.fixture
def world(pdu_a: Pdu, practitioner: User, outbox: Path) -> World:
    coordinator, manager = coordinator_and_manager(pdu_a)
    with frozen_today(date(2026, 3, 3)):
        shop = active_project(coordinator, manager, pdu_a, name="Charity shop", project_type="individual", capacity=1)
        bank = active_project(coordinator, manager, pdu_a, name="Food bank", project_type="individual", capacity=1)
        jo = placeable_person(practitioner, first_name="Jo", last_name="Rivers", availability=EVERY_DAY)
        sam = placeable_person(
            practitioner, first_name="Sam", last_name="Other", date_of_birth=date(1985, 1, 2), availability=EVERY_DAY
        )
    with frozen_today(date(2026, 11, 9)):
        (monday,) = book(coordinator, plan_session(coordinator, shop, MONDAY, supervisor=None, capacity=1), jo)
        book(coordinator, plan_session(coordinator, bank, MONDAY, supervisor=None, capacity=1), sam)
    book(coordinator, plan_session(coordinator, shop, TOMORROW, supervisor=None, capacity=1), jo)
    link = "http://testserver/partners/sign-in/"
    alex = services.contact_invite(
        actor=coordinator, beneficiary=shop.beneficiary, name="Alex Ward", email="Alex@Shop.example", link=link
    )
    bea = services.contact_invite(
        actor=coordinator, beneficiary=bank.beneficiary, name="Bea Shaw", email="bea@bank.example", link=link
    )
    return World(coordinator, shop, bank, jo, sam, monday, alex, bea)


def sign_in(client: Client, email: str, outbox: Path) -> Client:
    """Sign in as the contact, through the pages, with the code emailed to them."""
    return signed_in(client, "/partners/", {"email": email}, outbox)


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def timesheet_form(day: date = MONDAY, **overrides: str) -> dict[str, str]:
    return {
        "idempotency_key": "sheet-1",
        "worked_on_0": str(day.day),
        "worked_on_1": str(day.month),
        "worked_on_2": str(day.year),
        "started_at": "09:00",
        "ended_at": "13:30",
        "break_minutes": "30",
        "tasks": "Sorted donations and priced books",
        "note": "",
        "confirm": "on",
        **overrides,
    }
