"""Beneficiary feedback in a real browser: a placement coordinator sends a survey from the project's
page; the beneficiary's contact opens the emailed link signed out, is told what is missing, answers
and is thanked; the link then shows it was used; and the coordinator reads the answers on the
project's page. Every distinct page is checked with axe at 1280 and 375 pixels wide."""

import re
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.core.mail import EmailMessage
from playwright.sync_api import Page, expect

from payback.projects.models import BeneficiarySurvey, Project
from payback.staff.models import Pdu
from payback.staff.roles import OPERATIONS_MANAGER, PLACEMENT_COORDINATOR
from payback.testing.builders import active_project, make_staff

from .conftest import assert_accessible, sign_in
from .steps import error_summary, expect_banner, heading, sign_out, summary_value

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.browser]

TODAY = "2026-11-18"


def radio(page: Page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question, exact=True).get_by_label(answer, exact=True).check()


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> Iterator[None]:
    """The survey counts answers per address in the cache, which the live server shares."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def project(pdu_a: Pdu) -> Project:
    coordinator = make_staff("cora", role=PLACEMENT_COORDINATOR, pdu=pdu_a)
    manager = make_staff("mo", role=OPERATIONS_MANAGER, pdu=pdu_a)
    return active_project(coordinator, manager, pdu_a)


@pytest.mark.today(TODAY, at="10:00")
def test_a_beneficiary_answers_the_survey_signed_out(
    page: Page, project: Project, mailoutbox: list[EmailMessage]
) -> None:
    # The coordinator asks the beneficiary for feedback from the project's page
    sign_in(page, "cora")
    page.goto(f"/projects/{project.pk}/")
    feedback = page.get_by_test_id("surveys")
    expect(feedback).to_contain_text("No feedback surveys have been sent yet")
    page.get_by_role("button", name="Send a feedback survey now").click()
    expect_banner(page, "Feedback survey sent to sam@trust.example")
    expect(feedback).to_contain_text("Waiting for an answer")
    assert_accessible(page)
    sign_out(page)

    (message,) = mailoutbox
    found = re.search(r"https?://[^/\s]+(/feedback/[A-Za-z0-9_-]+/)", str(message.body))
    assert found, message.body
    link = found.group(1)

    # The contact opens the link, signed out, and sends without answering
    page.goto(link)
    expect(heading(page)).to_have_text("Tell us what you think of the work")
    expect(page.get_by_test_id("identity")).to_have_count(0)
    about = page.get_by_test_id("survey-about")
    expect(summary_value(about, "Project")).to_have_text("Towpath clearance")
    expect(summary_value(about, "Done for")).to_have_text("Towpath clearance Trust")
    assert_accessible(page)
    page.get_by_role("button", name="Send feedback").click()
    summary = error_summary(page)
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Select how satisfied you are with the work overall",
            "Select how good the quality of the work was",
            "Select yes if you would have people on Community Payback work for you again",
        ]
    )
    expect(page).to_have_title(re.compile(r"^Error: Tell us what you think of the work"))
    assert_accessible(page)

    # ...then answers
    radio(page, "Overall, how satisfied are you with the work done for you?", "Very satisfied")
    radio(page, "How good was the quality of the work?", "Good")
    radio(page, "Would you have people on Community Payback work for you again?", "Yes")
    page.get_by_label("Is there anything else you would like to tell us? (optional)").fill(
        "The towpath is clear again. The group were polite and worked hard."
    )
    page.get_by_label("Your name (optional)").fill("Sam Reed")
    page.get_by_role("button", name="Send feedback").click()

    expect(page.locator(".govuk-panel__title")).to_have_text("Feedback sent")
    expect(page.get_by_test_id("project-name")).to_have_text("Towpath clearance")
    assert_accessible(page)
    survey = BeneficiarySurvey.objects.get()
    assert (survey.overall_satisfaction, survey.work_quality, survey.would_have_again) == (5, 4, True)
    assert survey.answered_by == "Sam Reed"

    # Opening the link again shows that it was used
    response = page.goto(link)
    assert response is not None and response.status == 410
    expect(heading(page)).to_have_text("This survey has already been answered")
    expect(page.get_by_test_id("gone-reason")).to_contain_text("were sent on 18 November 2026")
    assert_accessible(page)

    # The coordinator reads the answers on the project's page
    sign_in(page, "cora")
    page.goto(f"/projects/{project.pk}/")
    expect(feedback).to_contain_text("Answered")
    expect(summary_value(feedback, "Overall satisfaction")).to_have_text("Very satisfied (5 out of 5)")
    expect(summary_value(feedback, "Quality of the work")).to_have_text("Good (4 out of 5)")
    expect(summary_value(feedback, "Would have people on Community Payback again")).to_have_text("Yes")
    expect(summary_value(feedback, "Answered")).to_have_text("18 November 2026 by Sam Reed")
    assert_accessible(page)

    # and the beneficiary's page lists the survey
    page.get_by_role("link", name="Towpath clearance Trust").click()
    surveys = page.get_by_test_id("beneficiary-surveys")
    expect(surveys.locator("tbody tr")).to_have_count(1)
    expect(surveys.locator("tbody tr")).to_contain_text("Very satisfied")
    assert_accessible(page)
