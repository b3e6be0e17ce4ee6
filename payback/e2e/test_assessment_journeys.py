"""Induction and the UPW assessment in a real browser: a practitioner books and records an
induction and completes the assessment question flow, a senior probation officer countersigns the
high-risk assessment, the person becomes ready for placement, and a supervisor sees only what the
session needs. Every distinct page is checked with axe at 1280 and 375 pixels wide."""

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from payback.cases.models import Assessment, AssessmentStatus, Requirement
from payback.staff.models import Pdu, User
from payback.staff.roles import SENIOR_PROBATION_OFFICER

from .conftest import assert_accessible, sign_in
from .steps import error_summary, expect_banner, fill_date, heading, menu, sign_out, summary_value

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

AVAILABILITY_ERROR = "Select at least one day and part of the day when the person is available"
WAITING_FOR_COUNTERSIGNATURE = "The assessment is waiting for a senior probation officer's countersignature"
HEALTH = "Cannot kneel for long: knee injury"
DISABILITY = "Kneeling pad and a seat within reach"
NEURODIVERSITY = "Written instructions for each task"
SKILLS = "Stained-glass restoration"
EXPERIENCE = "Eleven years as a ship's cook"
RISK_NOTES = "Threatened a neighbour with a kitchen knife"


def continue_(page: Page) -> None:
    page.get_by_role("button", name="Save and continue").click()


def expect_step(page: Page, step: int, title: str) -> None:
    expect(heading(page)).to_have_text(title)
    expect(page.locator(".govuk-caption-l")).to_have_text(re.compile(rf"step {step} of 9$"))


def radio(page: Page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question, exact=True).get_by_label(answer, exact=True).check()


@pytest.mark.browser
def test_induction_assessment_and_countersignature_make_the_person_ready_for_placement(
    page: Page,
    practitioner: User,
    supervisor: User,
    pdu_a: Pdu,
    make_user: Callable[..., User],
    make_case: Callable[..., Requirement],
) -> None:
    today = timezone.localdate()
    make_user("sid", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)
    case = make_case(
        first_name="Maryam",
        last_name="Haddad",
        sex="female",
        sentence_date=today - timedelta(days=1),
        hours=100,
        practitioner=practitioner,
    )
    crn = case.person.crn

    # The practitioner opens the case's assessment tab: nothing done yet
    sign_in(page, "pat")
    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("navigation", name="Case sections").get_by_role("link", name="Assessment").click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/assessment/$"))
    placeability = page.get_by_test_id("placeability")
    expect(placeability).to_contain_text("Not ready for placement")
    expect(placeability.locator("li")).to_have_text(
        ["Not inducted yet: record an attended induction", "No completed UPW assessment and risk picture"]
    )
    assert_accessible(page)

    # Book the induction for this morning, then record that she attended for 90 minutes
    page.get_by_role("link", name="Book induction").click()
    expect(heading(page)).to_have_text("Book induction")
    fill_date(page, "Date of the induction", today)
    page.get_by_label("Start time").fill("09:30")
    page.get_by_label("Where", exact=True).fill("Newcastle probation office")
    assert_accessible(page)
    page.get_by_role("button", name="Book induction").click()
    expect_banner(page, f"Induction booked for {today.day} {today:%B %Y} at 09:30")
    inductions = page.get_by_role("region", name="Induction appointments")
    expect(inductions.locator("tbody tr")).to_have_count(1)
    expect(inductions.locator("tbody td").nth(2)).to_have_text("Booked")

    inductions.get_by_role("link", name=re.compile("^Record outcome")).click()
    expect(heading(page)).to_have_text("Record the induction outcome")
    radio(page, "What happened?", "Attended")
    page.get_by_label("Minutes the induction lasted (if attended)").fill("90")
    assert_accessible(page)
    page.get_by_role("button", name="Save outcome").click()
    expect_banner(page, "Induction outcome recorded")
    expect(inductions.locator("tbody td").nth(2)).to_have_text("Attended (1 hour 30 minutes)")
    expect(page.get_by_role("link", name="Book induction")).to_have_count(0)
    expect(placeability.locator("li")).to_have_text(["No completed UPW assessment and risk picture"])

    # The assessment, page by page; the first page is sent with nothing ticked
    page.get_by_role("button", name="Start assessment").click()
    expect_step(page, 1, "When is the person available to work?")
    continue_(page)
    expect(page).to_have_title(re.compile(r"^Error: When is the person available to work\?"))
    summary = error_summary(page)
    expect(summary.get_by_role("link")).to_have_text([AVAILABILITY_ERROR])
    expect(summary.get_by_role("link")).to_have_attribute("href", "#id_mon_parts-0")
    expect(page.locator("#id_mon_parts-error")).to_have_text(f"Error: {AVAILABILITY_ERROR}")
    assert_accessible(page)
    summary.get_by_role("link").click()
    monday = page.get_by_role("group", name="Monday", exact=True)
    expect(monday.get_by_label("Morning")).to_be_focused()

    page.get_by_label("If not available all of Monday, why not").select_option(label="Caring")
    tuesday = page.get_by_role("group", name="Tuesday", exact=True)
    tuesday.get_by_label("Morning").check()
    tuesday.get_by_label("Afternoon").check()
    saturday = page.get_by_role("group", name="Saturday", exact=True)
    for part in ("Morning", "Afternoon", "Evening"):
        saturday.get_by_label(part).check()
    continue_(page)

    expect_step(page, 2, "Health, disability and neurodiversity")
    page.get_by_label("Health and physical limitations").fill(HEALTH)
    page.get_by_label("Adjustments for disabilities").fill(DISABILITY)
    page.get_by_label("Adjustments for neurodiversity").fill(NEURODIVERSITY)
    assert_accessible(page)
    continue_(page)

    expect_step(page, 3, "Language")
    page.get_by_label("First language").fill("Arabic")
    radio(page, "Does the person need an interpreter for essential information?", "No")
    assert_accessible(page)
    continue_(page)

    expect_step(page, 4, "Religious observance")
    page.get_by_label("Prayer times during the working day").fill("13:15 and 16:00")
    page.get_by_role("group", name="Days the person cannot work for religious reasons").get_by_label("Friday").check()
    assert_accessible(page)
    continue_(page)

    # asked because she is recorded as a woman
    expect_step(page, 5, "Placement preference")
    radio(page, "Where would she prefer to work?", "Women-only group")
    assert_accessible(page)
    continue_(page)

    expect_step(page, 6, "Travel")
    radio(page, "How will the person travel to work?", "Public transport")
    page.get_by_label("Longest journey the person can make, in minutes").fill("45")
    assert_accessible(page)
    continue_(page)

    expect_step(page, 7, "Skills, experience and clothing")
    page.get_by_label("Skills").fill(SKILLS)
    page.get_by_label("Relevant experience").fill(EXPERIENCE)
    page.get_by_label("Clothing size").fill("14")
    page.get_by_label("Boot size").fill("6")
    assert_accessible(page)
    continue_(page)

    expect_step(page, 8, "Types of placement")
    radio(page, "Is group work unsuitable for the person?", "No")
    placements = page.get_by_role("group", name="Types of placement the person is suitable for")
    placements.get_by_label("Group placement").check()
    placements.get_by_label("Individual placement").check()
    assert_accessible(page)
    continue_(page)

    expect_step(page, 9, "Risk")
    radio(page, "Risk of serious harm", "High")
    page.get_by_role("group", name="Specific risk flags").get_by_label("Arson").check()
    fill_date(page, "Date the risk was assessed", today)
    page.get_by_label("Notes on risk for placement").fill(RISK_NOTES)
    assert_accessible(page)
    continue_(page)

    # Check your answers, then submit: high risk waits for a countersignature
    expect(heading(page)).to_have_text("Check your answers")
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/assessment/\d+/check/$"))
    expect(summary_value(page, "Availability")).to_contain_text("Monday: not available (otherwise: caring)")
    expect(summary_value(page, "Availability")).to_contain_text("Tuesday: morning, afternoon")
    expect(summary_value(page, "Availability")).to_contain_text("Saturday: morning, afternoon, evening")
    expect(summary_value(page, "Health and physical limitations")).to_have_text(HEALTH)
    expect(summary_value(page, "Interpreter")).to_have_text("Not needed")
    expect(summary_value(page, "Days that cannot be worked")).to_have_text("Friday")
    expect(summary_value(page, "Placement preference")).to_have_text("Women-only group")
    expect(summary_value(page, "Longest journey")).to_have_text("45 minutes")
    expect(summary_value(page, "Suitable placements")).to_have_text("Group placement, Individual placement")
    expect(summary_value(page, "Risk of serious harm")).to_have_text("High")
    expect(summary_value(page, "Risk flags")).to_have_text("Arson")
    expect(page.get_by_text("a senior probation officer must countersign the assessment")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Submit assessment").click()

    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/assessment/$"))
    expect_banner(page, "Assessment submitted: it needs a senior probation officer's countersignature")
    expect(page.locator(".govuk-warning-text")).to_contain_text("Version 1 is awaiting countersignature")
    expect(placeability).to_contain_text("Not ready for placement")
    expect(placeability.locator("li")).to_have_text([WAITING_FOR_COUNTERSIGNATURE])
    expect(page.get_by_role("button", name="Start a new version")).to_have_count(0)
    assert_accessible(page)
    assert Assessment.objects.get(person=case.person).status == AssessmentStatus.AWAITING_COUNTERSIGNATURE

    # A senior probation officer in the same PDU countersigns it
    sign_out(page)
    sign_in(page, "sid")
    menu(page, "To countersign")
    expect(heading(page)).to_have_text("Assessments to countersign")
    queue = page.get_by_test_id("countersign-queue").locator("tbody tr")
    expect(queue).to_have_count(1)
    expect(queue.locator("td")).to_have_text([f"Maryam Haddad ({crn})", "High", "Pat Tester", re.compile(r"\d")])
    assert_accessible(page)

    queue.get_by_role("link", name=f"Maryam Haddad ({crn})").click()
    expect(heading(page)).to_have_text("Countersign the assessment")
    expect(page.locator(".govuk-caption-l")).to_have_text(f"Maryam Haddad ({crn}), version 1 by Pat Tester")
    expect(summary_value(page, "Notes on risk")).to_have_text(RISK_NOTES)
    radio(page, "Your decision", "Countersign")
    assert_accessible(page)
    page.get_by_role("button", name="Save decision").click()
    expect_banner(page, "Assessment for Maryam Haddad countersigned")
    expect(queue).to_have_text(["Nothing is waiting for you."])

    # The practitioner sees the person is ready for placement
    sign_out(page)
    sign_in(page, "pat")
    page.goto(f"/cases/{case.pk}/assessment/")
    expect(placeability).to_contain_text("Ready for placement")
    expect(placeability).to_contain_text("Inducted, assessed and with hours to work.")
    expect(placeability.locator("li")).to_have_count(0)
    expect(page.get_by_role("heading", level=3)).to_contain_text(
        re.compile(r"Current assessment: version 1, completed .* by Pat Tester, countersigned by Sid Tester")
    )
    expect(summary_value(page.get_by_test_id("assessment-summary"), "Skills")).to_have_text(SKILLS)
    assert_accessible(page)

    # A supervisor sees what the session needs of someone on their session, and not the rest of
    # the assessment
    from payback.cases.tests.test_assessment_pages import booked_on_a_session_of

    booked_on_a_session_of(supervisor, case)
    sign_out(page)
    sign_in(page, "sam")
    page.goto(f"/cases/people/{crn}/session-needs/")
    expect(heading(page)).to_have_text("Maryam Haddad")
    needs = page.get_by_test_id("session-needs")
    adjustments = summary_value(needs, "Adjustments")
    for text in (HEALTH, DISABILITY, NEURODIVERSITY):
        expect(adjustments).to_contain_text(text)
    expect(summary_value(needs, "Prayer times")).to_have_text("13:15 and 16:00")
    expect(summary_value(needs, "Days they cannot work")).to_have_text("Friday")
    expect(summary_value(needs, "Placement preference")).to_have_text("Women-only group")
    expect(summary_value(needs, "Risk flags on site")).to_have_text("Arson")
    body = page.locator("main")
    for private in (SKILLS, EXPERIENCE, RISK_NOTES, "Public transport", "High"):
        expect(body).not_to_contain_text(private)
    assert_accessible(page)
