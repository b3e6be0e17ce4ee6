"""Enforcement in a real browser: the practitioner takes a failure from "To decide", records the
evidence with its file, decides it unacceptable and the warning follows; a second failure within
12 months gives breach; the court extends the order and work resumes. A senior probation officer
sees their area's overdue decisions. Every distinct page is checked with axe at 1280 and 375
pixels wide."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from payback.cases.models import CaseStatus, Requirement
from payback.delivery.models import Appointment
from payback.enforcement.models import Action, Letter
from payback.staff.models import Pdu, User
from payback.staff.roles import OPERATIONS_MANAGER, PLACEMENT_COORDINATOR, SENIOR_PROBATION_OFFICER, SUPERVISOR
from payback.testing.builders import (
    EVERY_DAY,
    active_project,
    book,
    frozen_today,
    line,
    make_staff,
    placeable_person,
    plan_session,
    submit,
)

from .conftest import assert_accessible, sign_in
from .steps import error_summary, expect_banner, fill_date, heading, menu

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.browser]

TODAY = "2026-11-18"  # a Wednesday
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@dataclass
class Story:
    practitioner: User
    person: Requirement
    first: Appointment  # 9 November: evidence was due on the 16th
    second: Appointment  # Saturday 7 November: due on the 13th


def absent_on(coordinator: User, supervisor: User, project: object, person: Requirement, day: date) -> Appointment:
    with frozen_today(date(2026, 11, 2)):
        session = plan_session(coordinator, project, day, supervisor=supervisor)  # type: ignore[arg-type]
        (appointment,) = book(coordinator, session, person)
    with frozen_today(day):
        submit(supervisor, session, [line(appointment, "unacceptable_absence")])
    appointment.refresh_from_db()
    return appointment


@pytest.fixture
def story(pdu_a: Pdu) -> Story:
    practitioner = make_staff("pat", pdu=pdu_a)
    coordinator = make_staff("cora", role=PLACEMENT_COORDINATOR, pdu=pdu_a)
    manager = make_staff("mo", role=OPERATIONS_MANAGER, pdu=pdu_a)
    supervisor = make_staff("sid", role=SUPERVISOR, pdu=pdu_a)
    make_staff("sunita", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)
    project = active_project(coordinator, manager, pdu_a)
    with frozen_today(date(2026, 3, 3)):
        person = placeable_person(practitioner, first_name="Jo", last_name="Rivers", availability=EVERY_DAY)
    first = absent_on(coordinator, supervisor, project, person, date(2026, 11, 9))
    second = absent_on(coordinator, supervisor, project, person, date(2026, 11, 7))
    return Story(practitioner, person, first, second)


def check(page: Page) -> None:
    assert_accessible(page)


def open_failure(page: Page, day: str) -> None:
    menu(page, "To decide")
    expect(heading(page)).to_have_text("To decide")
    page.get_by_test_id("to-decide").locator("tbody tr").filter(has_text=day).get_by_role("link").click()


@pytest.mark.today(TODAY, at="10:00")
def test_a_practitioner_takes_a_failure_from_evidence_to_court(page: Page, story: Story, tmp_path: Path) -> None:
    sign_in(page, "pat")
    open_failure(page, "9 Nov 2026")
    expect(heading(page)).to_have_text("Unacceptable absence on 9 November 2026")
    check(page)

    # The evidence, with its file
    page.get_by_role("link", name="Record evidence received").click()
    page.get_by_role("button", name="Save evidence").click()
    expect(error_summary(page)).to_contain_text("Enter what the evidence is")
    check(page)
    page.get_by_label("What is the evidence?").fill("Text message saying the bus did not come")
    fill_date(page, "Date received", date(2026, 11, 17))
    screenshot = tmp_path / "message.pdf"
    screenshot.write_bytes(PDF)
    page.get_by_label("Upload a copy (optional)").set_input_files(str(screenshot))
    page.get_by_role("button", name="Save evidence").click()
    expect_banner(page, "Evidence recorded")
    expect(page.get_by_test_id("evidence")).to_contain_text("Text message saying the bus did not come")

    # The decision: unacceptable, and the rules give a warning
    page.get_by_role("link", name="Decide", exact=True).click()
    expect(page.get_by_test_id("rule-step")).to_contain_text("Warning")
    check(page)
    page.get_by_label("Unacceptable").check()
    page.get_by_label("Reason for the decision").fill("Other buses ran that morning")
    page.get_by_role("button", name="Save decision").click()
    expect_banner(page, "Decision recorded")
    expect(page.get_by_test_id("step")).to_contain_text("Warning letter")

    # The second failure, within 12 months of the warning: breach is mandatory
    open_failure(page, "7 Nov 2026")
    page.get_by_role("link", name="Decide", exact=True).click()
    expect(page.get_by_test_id("rule-step")).to_contain_text("Breach")
    page.get_by_label("Unacceptable").check()
    page.get_by_label("Reason for the decision").fill("No explanation given")
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_test_id("step")).to_contain_text("Breach action")

    # The case's enforcement: breach open, the letters, the court's outcome
    page.get_by_role("link", name="Jo Rivers").first.click()
    expect(page.get_by_role("strong").filter(has_text="Breach in progress")).to_be_visible()
    expect(page.get_by_test_id("letters")).to_contain_text("Breach notification")
    check(page)
    page.get_by_role("link", name="Record a court outcome").click()
    page.get_by_label("Breach").check()
    fill_date(page, "Date of the hearing", date(2026, 11, 18))
    page.get_by_label("Court", exact=True).fill("Newcastle Magistrates' Court")
    page.get_by_label("Time to complete extended").check()
    fill_date(page, "New date to complete by (if extended)", date(2027, 6, 30))
    check(page)
    page.get_by_role("button", name="Save court outcome").click()
    expect_banner(page, "Court outcome recorded")
    expect(page.get_by_test_id("court-outcomes")).to_contain_text("Time to complete extended")
    check(page)

    story.person.refresh_from_db()
    assert story.person.status == CaseStatus.WORKING  # work resumes
    assert story.person.extended_until == date(2027, 6, 30)
    assert list(Action.objects.values_list("step", flat=True)) == ["warning", "breach"]
    assert set(Letter.objects.values_list("kind", flat=True)) == {"warning", "breach"}


@pytest.mark.today(TODAY, at="10:00")
def test_a_senior_sees_the_overdue_decision(page: Page, story: Story) -> None:
    sign_in(page, "sunita")
    menu(page, "Overdue decisions")
    expect(heading(page)).to_have_text("Overdue decisions")
    rows = page.get_by_test_id("to-decide").first.locator("tbody tr")
    expect(rows).to_have_count(2)  # evidence was due on the 13th and the 16th
    expect(rows.first).to_contain_text("Jo Rivers")
    expect(rows.first).to_contain_text("13 Nov 2026")
    expect(rows.first).to_contain_text("Overdue")
    expect(rows.first).to_contain_text("Pat Tester")
    check(page)
