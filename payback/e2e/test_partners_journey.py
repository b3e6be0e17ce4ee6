"""A beneficiary's named contact, in a real browser on a phone (375 by 812 pixels): invited by the
coordinator, they sign in with the code emailed to them (a wrong code first), see the person on
their placement by first name with what they need to know, and sign a timesheet for Monday (first
without confirming it); the hours appear on the case's ledger, which the practitioner sees. Every
distinct page is checked with axe at 1280 and 375 pixels wide."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from payback.cases.models import Assessment, AssessmentStatus, Requirement
from payback.partners import services
from payback.staff.models import Pdu
from payback.testing.builders import (
    EVERY_DAY,
    active_project,
    book,
    frozen_today,
    make_staff,
    placeable_person,
    plan_session,
    remaining,
)
from payback.testing.outside import coordinator_and_manager, messages_outbox

from .conftest import assert_accessible, sign_in
from .outside import enter_code, sign_out
from .steps import error_summary, expect_banner, fill_date, heading

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.browser]

TODAY = date(2026, 11, 18)  # a Wednesday
MONDAY = date(2026, 11, 16)
PHONE: ViewportSize = {"width": 375, "height": 812}


@dataclass
class Story:
    jo: Requirement
    outbox: Path


@pytest.fixture
def story(pdu_a: Pdu, settings: Any, tmp_path: Path) -> Story:
    outbox = messages_outbox(settings, tmp_path)
    practitioner = make_staff("pat", pdu=pdu_a)
    coordinator, manager = coordinator_and_manager(pdu_a)
    with frozen_today(date(2026, 3, 3)):
        shop = active_project(coordinator, manager, pdu_a, name="Charity shop", project_type="individual", capacity=1)
        jo = placeable_person(practitioner, first_name="Jo", last_name="Rivers", availability=EVERY_DAY)
    Assessment.objects.filter(person=jo.person, status=AssessmentStatus.CURRENT).update(
        disability_adjustments="Needs a seat for tasks longer than an hour"
    )
    with frozen_today(date(2026, 11, 9)):
        book(coordinator, plan_session(coordinator, shop, MONDAY, supervisor=None, capacity=1), jo)
    services.contact_invite(
        actor=coordinator,
        beneficiary=shop.beneficiary,
        name="Alex Ward",
        email="alex@shop.example",
        link="http://testserver/partners/sign-in/",
    )
    return Story(jo, outbox)


@pytest.mark.today(TODAY.isoformat(), at="10:00")
def test_a_contact_signs_in_signs_a_timesheet_and_the_hours_appear_on_the_case(
    page: Page, story: Story, pdu_a: Pdu
) -> None:
    page.set_viewport_size(PHONE)
    owed = remaining(story.jo)

    # Signing in: the email address, then the code emailed to it (a wrong one first)
    page.goto("/partners/")
    expect(heading(page)).to_have_text("Sign in to Community Payback for organisations")
    assert_accessible(page)
    page.get_by_label("Email address").fill("Alex@Shop.example")
    page.get_by_role("button", name="Email me a code").click()
    enter_code(page, story.outbox, "email-partner-sign-in-*.txt", "alex@shop.example")

    # Their organisation's placement, and the person on it by first name with what to know
    expect(heading(page)).to_have_text("Charity shop Trust")
    expect(page.get_by_test_id("placement")).to_contain_text("Jo")
    expect(page.get_by_test_id("placement")).not_to_contain_text("Rivers")
    assert_accessible(page)
    page.get_by_role("link", name="Timesheets for Charity shop").click()
    expect(heading(page)).to_have_text("Charity shop")
    expect(page.get_by_test_id("needs")).to_have_text("Needs a seat for tasks longer than an hour")
    assert_accessible(page)

    # Signing Monday's timesheet (first without confirming it)
    page.get_by_role("link", name="Sign a timesheet for Jo").click()
    expect(heading(page)).to_have_text("Sign a timesheet for Jo")
    assert_accessible(page)
    fill_date(page, "Day worked", MONDAY)
    page.get_by_label("Time they started").fill("09:00")
    page.get_by_label("Time they finished").fill("13:30")
    page.get_by_label("Breaks, in minutes").fill("30")
    page.get_by_label("Tasks they did").fill("Sorted donations and priced books")
    page.get_by_role("button", name="Sign the timesheet").click()
    expect(error_summary(page)).to_contain_text("Confirm the hours are right to sign the timesheet")
    assert_accessible(page)
    page.get_by_label("I confirm these hours are right and I am signing this timesheet, as Alex Ward").check()
    page.get_by_role("button", name="Sign the timesheet").click()
    expect_banner(page, "Timesheet signed: 09:00 to 13:30, 30 minutes of breaks: 4 hours for Jo")
    expect(page.get_by_test_id("timesheets")).to_contain_text("Mon 16 Nov 2026, Jo: 09:00 to 13:30")
    assert_accessible(page)
    sign_out(page)

    # The hours are on the case
    assert owed - remaining(story.jo) == 240
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "pat")
    page.goto(f"/cases/{story.jo.pk}/hours/")
    ledger = page.get_by_test_id("ledger")
    expect(ledger).to_contain_text("Charity shop, signed online by Alex Ward")
    expect(ledger.get_by_role("row").filter(has_text="signed online by Alex Ward")).to_contain_text("240")
    assert_accessible(page)
