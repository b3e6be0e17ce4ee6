"""Nominations and projects in a real browser: a member of the public nominates work, a placement
coordinator acknowledges and accepts it and assesses the project, an operations manager approves
the assessment and the coordinator makes the project active; and a nomination rejected with a
reason. Every distinct page is checked with axe at 1280 and 375 pixels wide."""

import re
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from payback.projects.models import Nomination, NominationStatus, Project, ProjectStatus
from payback.projects.services import nomination_submit
from payback.staff.models import Pdu, Scope, User
from payback.staff.roles import OPERATIONS_MANAGER, PLACEMENT_COORDINATOR

from .conftest import assert_accessible, sign_in
from .steps import error_summary, expect_banner, fill_date, heading, long_date, menu, sign_out, summary_value

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

POSTCODE_ERROR = "Enter a real postcode, like NE1 4ST"
WORK = "Clear litter and cut back brambles along the riverside path"
PLACE = "Jesmond Dene, the path from the Millfield entrance to the old mill"
BENEFITS = "Everyone who walks the path, and the school groups that visit the dene"
PROJECT = "Jesmond Dene path clearance"
CHARITY = "Friends of Jesmond Dene"
TASKS = ["Toolbox talk and set up", "Clear litter from the riverside path", "Cut back brambles by the old mill"]


def radio(page: Page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question, exact=True).get_by_label(answer, exact=True).check()


def nomination_row(page: Page, reference: str) -> Locator:
    return page.get_by_test_id("nominations").locator("tbody tr").filter(has_text=reference)


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> Iterator[None]:
    """The public form counts submissions per address in the cache, which the live server shares."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def coordinator(make_user: Callable[..., User], pdu_a: Pdu) -> User:
    return make_user("cora", role=PLACEMENT_COORDINATOR, pdu=pdu_a)


@pytest.mark.browser
def test_a_public_nomination_becomes_an_approved_active_project(
    page: Page,
    coordinator: User,
    pdu_a: Pdu,
    make_user: Callable[..., User],
    mailoutbox: list[EmailMessage],
) -> None:
    make_user("max", role=OPERATIONS_MANAGER, scope=Scope.REGION, region=pdu_a.region)
    today = timezone.localdate()

    # A member of the public, not signed in, nominates the work
    page.goto("/nominate/")
    expect(heading(page)).to_have_text("Nominate work for Community Payback")
    expect(page.get_by_test_id("identity")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Start now").click()

    expect(heading(page)).to_have_text("About you")
    page.get_by_label("Full name").fill("Jo Bloggs")
    page.get_by_label("Email address").fill("jo.bloggs@example.com")
    radio(page, "Are you nominating on behalf of a group or organisation?", "Yes")
    page.get_by_label("Name of the group or organisation").fill(CHARITY)
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()

    expect(heading(page)).to_have_text("What needs doing?")
    page.get_by_label("Describe the work").fill(WORK)
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()

    # a postcode that is not one is refused, and what was typed is kept
    expect(heading(page)).to_have_text("Where is the work?")
    page.get_by_label("Describe the place").fill(PLACE)
    page.get_by_label("Postcode").fill("NE99")
    page.get_by_label("Which area is the work in?").select_option(label=pdu_a.name)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error: Where is the work\?"))
    summary = error_summary(page)
    expect(summary.get_by_role("link")).to_have_text([POSTCODE_ERROR])
    expect(summary.get_by_role("link")).to_have_attribute("href", "#id_postcode")
    expect(page.locator("#id_postcode-error")).to_have_text(f"Error: {POSTCODE_ERROR}")
    expect(page.get_by_label("Describe the place")).to_have_value(PLACE)
    expect(page.get_by_label("Which area is the work in?")).to_have_value(str(pdu_a.pk))
    assert_accessible(page)
    summary.get_by_role("link").click()
    expect(page.get_by_label("Postcode")).to_be_focused()
    page.get_by_label("Postcode").fill("ne2 2nj")
    page.get_by_role("button", name="Continue").click()

    expect(heading(page)).to_have_text("Who would benefit from the work?")
    page.get_by_label("Describe who would benefit").fill(BENEFITS)
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()

    expect(heading(page)).to_have_text("How did you hear about Community Payback?")
    radio(page, "Choose one", "Saw Community Payback working")
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()

    expect(heading(page)).to_have_text("Check your answers before sending your nomination")
    answers = page.get_by_test_id("answers")
    expect(summary_value(answers, "Full name")).to_have_text("Jo Bloggs")
    expect(summary_value(answers, "Phone number")).to_have_text("Not given")
    expect(summary_value(answers, "Nominating for a group or organisation")).to_have_text(CHARITY)
    expect(summary_value(answers, "What needs doing")).to_have_text(WORK)
    expect(summary_value(answers, "Postcode")).to_have_text("NE2 2NJ")
    expect(summary_value(answers, "Area")).to_have_text(f"{pdu_a.name} ({pdu_a.region.name})")
    expect(summary_value(answers, "How you heard about Community Payback")).to_have_text(
        "Saw Community Payback working"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Send nomination").click()

    expect(page.locator(".govuk-panel__title")).to_have_text("Nomination sent")
    reference = page.get_by_test_id("reference").inner_text()
    assert re.fullmatch(r"NOM-[A-Z2-9]{6}", reference), reference
    assert_accessible(page)
    nomination = Nomination.objects.get(reference=reference)
    assert (nomination.pdu, nomination.postcode, nomination.status) == (pdu_a, "NE2 2NJ", NominationStatus.NEW)

    # The placement coordinator finds it in the register, due for acknowledgement
    sign_in(page, "cora")
    menu(page, "Nominations")
    expect(heading(page)).to_have_text("Nominations")
    row = nomination_row(page, reference)
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(4)).to_have_text(f"Due {nomination.acknowledge_by.day} {nomination.acknowledge_by:%b}")
    expect(row.locator("td").nth(5)).to_have_text("New")
    assert_accessible(page)

    row.get_by_role("link", name=reference).click()
    expect(heading(page)).to_have_text(reference)
    details = page.get_by_test_id("nomination-details")
    expect(summary_value(details, "What needs doing")).to_have_text(WORK)
    expect(summary_value(details, "Means of referral")).to_have_text("Public nomination form")
    assert_accessible(page)
    page.get_by_role("button", name="Acknowledge by email").click()
    expect_banner(page, "Acknowledgement sent to jo.bloggs@example.com")
    expect(page.locator(".payback-tags .govuk-tag")).to_have_text(["Acknowledged", "Acknowledged"])
    expect(page.get_by_role("button", name="Acknowledge by email")).to_have_count(0)
    assert [message.to for message in mailoutbox] == [["jo.bloggs@example.com"]]
    assert reference in mailoutbox[0].subject

    # Accept it for a new beneficiary: a draft project
    page.get_by_role("link", name="Accept", exact=True).click()
    expect(heading(page)).to_have_text("Accept the nomination")
    page.get_by_label("Organisation name").fill(CHARITY)
    radio(page, "Type of organisation", "Charity")
    page.get_by_label("Contact name").fill("Jo Bloggs")
    page.get_by_label("Contact email address (optional)").fill("jo.bloggs@example.com")
    page.get_by_label("Project name").fill(PROJECT)
    assert_accessible(page)
    page.get_by_role("button", name="Accept and start a draft project").click()

    expect_banner(page, f"Nomination {reference} accepted: draft project {PROJECT}")
    expect(heading(page)).to_have_text(PROJECT)
    project = Project.objects.get(name=PROJECT)
    expect(page).to_have_url(re.compile(rf"/projects/{project.pk}/$"))
    project_details = page.get_by_test_id("project-details")
    expect(summary_value(project_details, "Status")).to_have_text("Draft")
    expect(summary_value(project_details, "Beneficiary")).to_contain_text("Memorandum not signed")
    expect(summary_value(project_details, "Postcode")).to_have_text("NE2 2NJ")
    expect(summary_value(project_details, "Nominated")).to_have_text(reference)
    assert_accessible(page)

    # The project assessment, recommended for approval
    page.get_by_role("button", name="Start the assessment").click()
    expect(heading(page)).to_have_text("Project assessment")
    page.get_by_label("Hazards on the site").fill("Uneven ground, the river bank, thorns")
    page.get_by_label("How each risk is controlled").fill("Gloves and boots; nobody within 2 metres of the bank")
    welfare = page.get_by_role("group", name="Welfare facilities on site or arranged nearby")
    for facility in ("Toilets", "Shelter", "Drinking water"):
        welfare.get_by_label(facility).check()
    radio(page, "Can the work go ahead in all weathers?", "Yes")
    page.get_by_label("How many people can be placed at once?").fill("6")
    page.get_by_role("group", name="Who may not be placed on this project?").get_by_label("Not near children").check()
    radio(page, "Is the project for women only?", "No")
    for question in (
        "Would the work replace paid employment?",
        "Would the work make a profit for anyone?",
        "Does the work involve personal care?",
        "Does the work involve supervising children or vulnerable adults?",
    ):
        radio(page, question, "No")
    page.get_by_label("Recommendation").fill("Low risk with the controls; a well-used path the community values")
    assert_accessible(page)
    page.get_by_role("button", name="Recommend for approval").click()
    expect_banner(page, "Project assessment sent to an operations manager for approval")
    expect(page.get_by_text("The assessment is waiting for an operations manager's decision.")).to_be_visible()
    expect(summary_value(page.get_by_test_id("latest-assessment"), "Latest")).to_contain_text(
        "Recommended, awaiting approval"
    )

    # An operations manager for the region approves it
    sign_out(page)
    sign_in(page, "max")
    menu(page, "Approvals")
    approvals = page.get_by_test_id("approvals").locator("tbody tr")
    expect(approvals).to_have_count(1)
    expect(approvals.locator("td")).to_have_text([PROJECT, pdu_a.name, "Cora Tester", re.compile(r"\d")])
    assert_accessible(page)
    approvals.get_by_role("link", name=PROJECT).click()
    expect(heading(page)).to_have_text("Decide on the project assessment")
    expect(summary_value(page, "May not be placed")).to_have_text("Not near children")
    expect(summary_value(page, "Would the work replace paid employment?")).to_have_text("No")
    radio(page, "Your decision", "Approve: the project can go ahead")
    assert_accessible(page)
    page.get_by_role("button", name="Save decision").click()
    expect_banner(page, f"Project assessment for {PROJECT} approved")
    expect(page.get_by_text("Nothing is waiting for your decision.")).to_be_visible()

    # The coordinator records the memorandum, the days and hours and the tasks, then activates it
    sign_out(page)
    sign_in(page, "cora")
    page.goto(f"/projects/{project.pk}/")
    expect(summary_value(project_details, "Status")).to_have_text("Assessed")
    expect(summary_value(page.get_by_test_id("latest-assessment"), "May not be placed")).to_have_text(
        "Not near children"
    )

    page.get_by_role("link", name="Change status").click()
    radio(page, "New status", "Active: sessions can be planned on it")
    page.get_by_label("Reason").fill("Ready to start")
    page.get_by_role("button", name="Change status").click()
    expect(error_summary(page).get_by_role("link")).to_have_text(
        ["The beneficiary has not signed the memorandum of understanding"]
    )
    assert_accessible(page)

    page.get_by_role("link", name=f"Back to {PROJECT}").click()
    summary_value(project_details, "Beneficiary").get_by_role("link", name=CHARITY).click()
    expect(heading(page)).to_have_text(CHARITY)
    expect(summary_value(page, "Memorandum of understanding")).to_contain_text("Not signed")
    assert_accessible(page)
    page.get_by_role("link", name="Change details").click()
    expect(heading(page)).to_have_text(f"Change {CHARITY}")
    signed = today - timedelta(days=2)
    fill_date(page, "Date the memorandum of understanding was signed", signed)
    assert_accessible(page)
    page.get_by_role("button", name="Save changes").click()
    expect_banner(page, f"Beneficiary {CHARITY} updated")
    expect(summary_value(page, "Memorandum of understanding")).to_have_text(f"Signed {long_date(signed)}")

    page.get_by_test_id("beneficiary-projects").get_by_role("link", name=PROJECT).click()
    page.get_by_role("link", name="Change details").click()
    expect(heading(page)).to_have_text("Change the project details")
    days = page.get_by_role("group", name="Days the project can run")
    days.get_by_label("Saturday").check()
    days.get_by_label("Sunday").check()
    page.get_by_label("Start time").fill("09:00")
    page.get_by_label("Finish time").fill("16:00")
    assert_accessible(page)
    page.get_by_role("button", name="Save changes").click()
    expect_banner(page, f"Project {PROJECT} updated")
    expect(summary_value(project_details, "Days")).to_have_text("Saturday, Sunday")
    expect(summary_value(project_details, "Hours")).to_have_text("09:00 to 16:00")
    expect(summary_value(project_details, "Beneficiary")).not_to_contain_text("Memorandum not signed")

    page.get_by_role("link", name="Set tasks").click()
    expect(heading(page)).to_have_text("Work schedule")
    page.get_by_label("Tasks, one per line, in the order they are done").fill("\n".join(TASKS))
    assert_accessible(page)
    page.get_by_role("button", name="Save work schedule").click()
    expect_banner(page, "Work schedule saved")
    expect(page.get_by_test_id("tasks").locator("li")).to_have_text(TASKS)

    page.get_by_role("link", name="Change status").click()
    radio(page, "New status", "Active: sessions can be planned on it")
    page.get_by_label("Reason").fill("Memorandum signed and the work schedule agreed")
    page.get_by_role("button", name="Change status").click()
    expect_banner(page, f"Project {PROJECT} is now active")
    expect(page.locator(".payback-tags .govuk-tag")).to_have_text(["Active"])
    expect(summary_value(project_details, "Status")).to_have_text("Active")
    assert_accessible(page)
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACTIVE

    menu(page, "Nominations")
    expect(nomination_row(page, reference).locator("td").nth(5)).to_have_text("Accepted")


@pytest.mark.browser
def test_a_coordinator_rejects_a_nomination_with_a_reason(page: Page, coordinator: User, pdu_a: Pdu) -> None:
    nomination, _ = nomination_submit(
        nominator_name="Sam Jones",
        nominator_email="sam.jones@example.com",
        nominator_phone="",
        organisation="",
        on_behalf_of_group=False,
        work_description="Paint the fence around my back garden",
        location="12 Acacia Avenue",
        postcode="NE3 1AA",
        who_benefits="My family",
        heard_about="word_of_mouth",
        pdu=pdu_a,
    )
    reference = nomination.reference

    sign_in(page, "cora")
    menu(page, "Nominations")
    row = nomination_row(page, reference)
    expect(row.locator("td").nth(5)).to_have_text("New")
    row.get_by_role("link", name=reference).click()
    page.get_by_role("link", name="Reject", exact=True).click()
    expect(heading(page)).to_have_text("Reject the nomination")

    # without a reason or an explanation it is refused
    page.get_by_role("button", name="Reject the nomination").click()
    expect(page).to_have_title(re.compile(r"^Error: Reject nomination"))
    expect(error_summary(page).get_by_role("link")).to_have_text(
        [
            "Select the reason for rejecting the nomination",
            "Explain the decision, so it can be given to the nominator",
        ]
    )
    assert_accessible(page)

    radio(page, "Why is the nomination rejected?", "Benefits a private individual, not the community")
    page.get_by_label("Explain the decision").fill("The work is on a private garden, so it cannot be unpaid work")
    page.get_by_role("button", name="Reject the nomination").click()
    expect_banner(page, f"Nomination {reference} rejected")
    expect(page.locator(".payback-tags .govuk-tag").first).to_have_text("Rejected")
    expect(summary_value(page, "Reason")).to_have_text("Benefits a private individual, not the community")
    expect(summary_value(page, "Explanation")).to_have_text(
        "The work is on a private garden, so it cannot be unpaid work"
    )
    expect(page.get_by_role("link", name="Accept", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Reject", exact=True)).to_have_count(0)

    page.get_by_role("link", name="Nominations", exact=True).first.click()
    expect(nomination_row(page, reference).locator("td").nth(5)).to_have_text("Rejected")
    page.get_by_label("Status").select_option(label="Rejected")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_test_id("result-count")).to_have_text("1 nomination")
    expect(nomination_row(page, reference)).to_have_count(1)
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.REJECTED
