"""The supervisor's day in a real browser on a phone (375 by 812 pixels): the before-work checks, a
register with a late arrival and someone sent home, closing it, and the practitioner seeing the
credit and the failure; a stand-down and the people to rebook; an incident reaching the
operations manager; a register that cannot be closed before the session starts. Each test chooses
its day (a working Wednesday) and time. Every distinct page is checked with axe at 1280 and 375
pixels wide."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, ViewportSize, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from payback.cases.models import Requirement
from payback.delivery.models import Session
from payback.projects.models import Project
from payback.staff.models import Pdu, User
from payback.staff.roles import OPERATIONS_MANAGER, PLACEMENT_COORDINATOR, SUPERVISOR
from payback.testing.builders import (
    active_project,
    authorise_driver,
    book,
    make_staff,
    placeable_person,
    plan_session,
    vehicle,
)

from .conftest import assert_accessible, sign_in
from .steps import expect_banner, heading, sign_out

# Data must be committed for the live server to see it; the flush after each test empties the
# rows the migrations load, so they are put back.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE: ViewportSize = {"width": 375, "height": 812}
WORKING_DAY = "2026-11-18"  # a Wednesday


@contextmanager
def clock_at(hh_mm: str) -> Iterator[None]:
    """Move the clock on to a time of the same day (UK time); it keeps ticking from there."""
    moment = datetime.combine(timezone.localdate(), time.fromisoformat(hh_mm), tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(moment, tick=True):
        yield


@dataclass
class Day:
    practitioner: User
    coordinator: User
    manager: User
    supervisor: User
    project: Project
    session: Session
    late: Requirement
    sent_home: Requirement
    complied: Requirement


@pytest.fixture
def day(pdu_a: Pdu) -> Day:
    """Today's session at the towpath with a van, its supervisor authorised to drive it, and three
    placeable people of one practitioner booked on it."""
    today = timezone.localdate()
    practitioner = make_staff("pat", pdu=pdu_a)
    coordinator = make_staff("cora", role=PLACEMENT_COORDINATOR, pdu=pdu_a)
    manager = make_staff("mo", role=OPERATIONS_MANAGER, pdu=pdu_a)
    supervisor = make_staff("sam", role=SUPERVISOR, pdu=pdu_a)
    authorise_driver(manager, supervisor, today=today)
    project = active_project(coordinator, manager, pdu_a)
    session = plan_session(
        coordinator, project, today, supervisor=supervisor, start=time(9), end=time(16), van=vehicle(pdu_a)
    )
    late = placeable_person(practitioner, first_name="Lee", last_name="Archer")
    sent_home = placeable_person(practitioner, first_name="Sid", last_name="Baker")
    complied = placeable_person(practitioner, first_name="Cath", last_name="Cole")
    book(coordinator, session, late, sent_home, complied)
    return Day(practitioner, coordinator, manager, supervisor, project, session, late, sent_home, complied)


def on_a_phone(page: Page) -> None:
    page.set_viewport_size(PHONE)


def check(page: Page) -> None:
    """axe at both widths, then back to the phone."""
    assert_accessible(page)
    on_a_phone(page)


def menu(page: Page, name: str) -> None:
    """The service navigation folds behind its "Menu" button on a phone: open it first. Its script
    resets the menu when the width changes (as assert_accessible does), so press until it shows
    (and load the page again at phone width if it does not), then follow the link."""
    navigation = page.get_by_role("navigation", name="Menu")
    toggle = navigation.get_by_role("button", name="Menu")
    link = navigation.get_by_role("link", name=name, exact=True)
    for attempt in range(8):
        if not link.is_visible():
            # Press only a closed menu: pressing again while a slow page opens it would close it.
            if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
                toggle.click()
            try:
                link.wait_for(state="visible", timeout=2_000)
            except PlaywrightTimeoutError:
                if attempt % 2 == 1:
                    page.reload()
                continue
        try:
            target = link.get_attribute("href") or ""
            link.click(timeout=2_000)
            # A click the menu's script swallowed (it redraws as the width settles) goes nowhere: try again.
            page.wait_for_url(re.compile(re.escape(target) + r"(\?.*)?$"), timeout=5_000)
            return
        except PlaywrightTimeoutError:
            continue
    raise AssertionError(f"The menu would not show {name} on {page.url}")


def register_card(page: Page, name: str) -> Locator:
    return page.get_by_test_id("register-person").filter(has=page.get_by_role("heading", name=name, exact=True))


def table_row(page: Page, test_id: str, text: str) -> Locator:
    return page.get_by_test_id(test_id).locator("tbody tr").filter(has_text=text)


def open_hours(page: Page, requirement: Requirement) -> None:
    page.goto(reverse("cases:summary", args=[requirement.pk]))
    sections = page.get_by_role("navigation", name="Case sections")
    sections.get_by_role("link", name="Hours").click()
    expect(sections.get_by_role("link", name="Hours")).to_have_attribute("aria-current", "page")


@pytest.mark.browser
@pytest.mark.today(WORKING_DAY, at="08:30")
def test_a_supervisor_runs_the_day_and_the_practitioner_sees_the_credit_and_the_failure(page: Page, day: Day) -> None:
    on_a_phone(page)
    sign_in(page, "sam")
    menu(page, "My sessions")
    expect(heading(page)).to_have_text("My sessions today")
    card = page.get_by_test_id("today-session")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Towpath clearance")
    expect(card).to_contain_text("Checks to do")
    expect(card).to_contain_text("3 booked of 6")
    check(page)

    card.get_by_role("link", name="Open session at Towpath clearance").click()
    expect(heading(page)).to_have_text("Towpath clearance")
    expect(page.get_by_test_id("session-status")).to_have_text("Planned")
    expect(page.get_by_test_id("person")).to_have_count(3)
    check(page)

    # Before work: toolbox talk, dynamic risk assessment, tools out
    page.get_by_role("link", name="Record before-work checks").click()
    expect(heading(page)).to_have_text("Before-work checks")
    check(page)
    page.get_by_label("I have given the toolbox talk").check()
    page.get_by_label("I have given the site induction to everyone new to this site").check()
    page.get_by_label("Hazards seen today").fill("Wet, slippery towpath; nettles by lock 4")
    page.get_by_label("Controls").fill("Boots with grip, gloves, nobody within 2 m of the edge")
    page.get_by_label("Go: it is safe to work").check()
    page.get_by_label("Tools counted out").fill("Spade, 6\nRake, 4")
    page.get_by_role("button", name="Save checks").click()
    expect_banner(page, "Before-work checks recorded")
    expect(page.get_by_test_id("checks-done")).to_contain_text("toolbox talk given, site induction given; go")
    expect(page.get_by_test_id("tools")).to_contain_text("Rake: 4 out")
    expect(page.get_by_test_id("tools")).to_contain_text("Spade: 6 out")

    # The register, at the end of the day: admitted late, sent home at noon for behaviour,
    # attended and complied
    with clock_at("16:15"):
        close_the_register(page)
        check_the_practitioners_view(page, day)


def close_the_register(page: Page) -> None:
    page.reload()
    page.get_by_role("link", name="Open the register").click()
    expect(heading(page)).to_have_text("Register")
    check(page)
    late = register_card(page, "Lee Archer")
    late.get_by_label("Attended – complied").check()
    late.get_by_label("Start time").fill("10:30")
    late.get_by_label("Note (optional)").fill("Bus was late")
    sent_home = register_card(page, "Sid Baker")
    sent_home.get_by_label("Sent home – behaviour").check()
    sent_home.get_by_label("Finish time").fill("12:00")
    sent_home.get_by_label("Behaviour", exact=True).select_option(label="Poor")
    sent_home.get_by_label("Note (optional)").fill("Swore at another member of the party after two warnings")
    register_card(page, "Cath Cole").get_by_label("Attended – complied").check()
    page.get_by_role("button", name="Close register").click()
    # Closing asks for a confirmation first
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Confirm that every outcome is right before closing the register"
    )
    expect(register_card(page, "Sid Baker").get_by_label("Finish time")).to_have_value("12:00")
    page.get_by_label("I confirm every outcome is right and the register can be closed").check()
    page.get_by_role("button", name="Close register").click()

    # 5 h 30 + 3 h + 7 h
    expect_banner(page, "Register closed: 15 hours 30 minutes credited in all")
    expect(page.get_by_test_id("session-status")).to_have_text("Closed")
    expect(page.get_by_role("heading", name="Hours earned")).to_be_visible()
    expect(table_row(page, "earned", "Lee Archer")).to_contain_text("5 hours 30 minutes")
    expect(table_row(page, "earned", "Sid Baker")).to_contain_text("Sent home – behaviour")
    expect(table_row(page, "earned", "Sid Baker")).to_contain_text("3 hours")
    expect(table_row(page, "earned", "Cath Cole")).to_contain_text("7 hours")
    check(page)
    sign_out(page)


def check_the_practitioners_view(page: Page, day: Day) -> None:
    # The practitioner sees the credit on the Hours tab ...
    sign_in(page, "pat")
    open_hours(page, day.late)
    expect(heading(page)).to_have_text("Lee Archer")
    work = table_row(page, "ledger", "Towpath clearance: Attended – complied")
    expect(work).to_have_count(1)
    expect(work.locator("td").nth(1)).to_have_text("Work")
    expect(work.locator("td").nth(2)).to_have_text("330")
    check(page)
    open_hours(page, day.sent_home)
    expect(table_row(page, "ledger", "Towpath clearance: Sent home – behaviour").locator("td").nth(2)).to_have_text(
        "180"
    )

    # ... and the failure on "To decide", with its evidence date
    menu(page, "To decide")
    expect(heading(page)).to_have_text("To decide")
    rows = page.get_by_test_id("to-decide").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Sid Baker")
    expect(rows.first).to_contain_text("Sent home – behaviour")
    expect(rows.first).to_contain_text("Swore at another member of the party")
    expect(rows.first.locator("td").nth(2)).to_have_text(re.compile(r"^\d{1,2} \w{3} \d{4}$"))
    check(page)


@pytest.mark.browser
@pytest.mark.today(WORKING_DAY, at="10:00")
def test_a_planner_stands_a_session_down_and_the_person_is_credited_and_to_rebook(page: Page, day: Day) -> None:
    other = plan_session(day.coordinator, day.project, timezone.localdate(), supervisor=None)
    person = placeable_person(day.practitioner, first_name="Ray", last_name="Dunn")
    book(day.coordinator, other, person)

    on_a_phone(page)
    sign_in(page, "cora")
    page.goto(reverse("delivery:session", args=[other.pk]))
    expect(heading(page)).to_have_text("Towpath clearance")
    page.get_by_role("link", name="Stand the session down").click()
    expect(heading(page)).to_have_text("Stand the session down")
    expect(page.get_by_text("Everyone booked (1) is stood down, credited 1 hour")).to_be_visible()
    check(page)
    page.get_by_label("Weather").check()
    page.get_by_role("button", name="Stand the session down").click()

    expect_banner(page, "Session stood down: everyone booked is credited 1 hour and is on the list to rebook")
    expect(page.get_by_test_id("session-status")).to_have_text("Stood down")
    expect(page.get_by_test_id("stood-down")).to_contain_text("Stood down: weather")
    stood_down = table_row(page, "earned", "Ray Dunn")
    expect(stood_down).to_contain_text("Stood down by the service")
    expect(stood_down).to_contain_text("To rebook")
    expect(stood_down).to_contain_text("1 hour")
    check(page)

    page.goto(reverse("delivery:list"))
    page.get_by_role("link", name="People to rebook after a stand-down").click()
    expect(heading(page)).to_have_text("People to rebook")
    rows = page.get_by_test_id("to-rebook").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Ray Dunn")
    expect(rows.first).to_contain_text(person.person.crn)
    check(page)
    sign_out(page)

    sign_in(page, "pat")
    open_hours(page, person)
    credit = table_row(page, "ledger", "Stood down: weather")
    expect(credit).to_have_count(1)
    expect(credit.locator("td").nth(1)).to_have_text("Stand-down credit")
    expect(credit.locator("td").nth(2)).to_have_text("60")
    check(page)


@pytest.mark.browser
@pytest.mark.today(WORKING_DAY, at="11:00")
def test_a_supervisor_reports_an_incident_and_the_operations_manager_sees_it(page: Page, day: Day) -> None:
    on_a_phone(page)
    sign_in(page, "sam")
    page.goto(reverse("delivery:session", args=[day.session.pk]))
    page.get_by_role("link", name="Report an incident or near miss").click()
    expect(heading(page)).to_have_text("Report an incident or near miss")
    check(page)
    page.get_by_label("Where did it happen?").fill("Lock 4, Ouseburn towpath")
    page.get_by_label("What happened?").fill("A spade slipped and cut Cath Cole's shin")
    page.get_by_role("group", name="Was it a near miss?").get_by_label("No").check()
    page.get_by_label("Who was involved?").fill("Cath Cole")
    page.get_by_label("Injuries").fill("A shallow cut to the left shin, cleaned and dressed")
    page.get_by_role("group", name="Were the emergency services called?").get_by_label("No").check()
    page.get_by_label("What was done straight away?").fill("First aid; the spade was taken out of use")
    page.get_by_role("button", name="Send the report").click()

    expect_banner(page, "Incident reported: the operations manager has been told")
    expect(heading(page)).to_have_text("Towpath clearance")
    expect(page.get_by_text(re.compile(r"incident at Lock 4, Ouseburn towpath \(\w"))).to_be_visible()
    sign_out(page)

    sign_in(page, "mo")
    menu(page, "Incidents")
    expect(heading(page)).to_have_text("Incidents")
    rows = page.get_by_test_id("incidents").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Towpath clearance")
    expect(rows.first).to_contain_text("A spade slipped and cut Cath Cole's shin")
    expect(rows.first.get_by_test_id("paperwork-tag")).to_contain_text("Paperwork due")
    check(page)


@pytest.mark.browser
@pytest.mark.today(WORKING_DAY, at="08:15")
def test_the_register_of_a_session_that_has_not_started_cannot_be_closed(page: Page, day: Day) -> None:
    assert timezone.localdate() == date(2026, 11, 18)
    on_a_phone(page)
    sign_in(page, "sam")
    page.goto(reverse("delivery:session", args=[day.session.pk]))
    expect(heading(page)).to_have_text("Towpath clearance")
    expect(page.get_by_test_id("register-not-yet")).to_have_text(
        "The register can be completed from 09:00 on 18 November 2026."
    )
    page.get_by_role("link", name="Open the register").click()
    expect(heading(page)).to_have_text("Register")
    expect(page.get_by_test_id("register-not-yet")).to_contain_text(
        "The register can be completed from 09:00 on 18 November 2026"
    )
    expect(page.get_by_test_id("register-not-yet")).to_contain_text("the register cannot be closed until then")
    expect(page.get_by_test_id("register-person")).to_have_count(3)
    expect(page.get_by_role("button", name="Close register")).to_have_count(0)
    expect(page.get_by_role("button", name="Save register")).to_have_count(0)
    expect(page.get_by_role("radio")).to_have_count(0)
    check(page)
    day.session.refresh_from_db()
    assert (day.session.status, day.session.closed_at) == ("planned", None)
