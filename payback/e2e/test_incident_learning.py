"""Learning from incidents in a real browser: an operations manager closes an incident with what was
learned and a finding that the project's risk assessment must be reviewed, then reads the
region's learning and records it shared at a team meeting. Every distinct page is checked with axe
at 1280 and 375 pixels wide."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from payback.delivery import services
from payback.delivery.models import Incident, LearningShared
from payback.projects.models import Project
from payback.staff.models import Pdu
from payback.staff.roles import OPERATIONS_MANAGER, PLACEMENT_COORDINATOR, SUPERVISOR
from payback.testing.builders import active_project, make_staff

from .conftest import assert_accessible, sign_in
from .steps import error_summary, expect_banner, fill_date, heading, menu, summary_value

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.browser]

TODAY = "2026-11-18"  # a Wednesday


@pytest.fixture
def incident(pdu_a: Pdu) -> Incident:
    coordinator = make_staff("cora", role=PLACEMENT_COORDINATOR, pdu=pdu_a)
    manager = make_staff("mo", role=OPERATIONS_MANAGER, pdu=pdu_a)
    supervisor = make_staff("sid", role=SUPERVISOR, pdu=pdu_a)
    project = active_project(coordinator, manager, pdu_a)
    return services.incident_report(
        actor=supervisor,
        project=project,
        occurred_at=timezone.now() - timedelta(hours=3),
        location="By the lock gates",
        what_happened="A strimmer threw a stone at a passer-by on the footpath",
    )


@pytest.mark.today(TODAY, at="15:00")
def test_an_operations_manager_closes_an_incident_and_shares_its_learning(page: Page, incident: Incident) -> None:
    sign_in(page, "mo")
    menu(page, "Incidents")
    expect(heading(page)).to_have_text("Incidents")
    assert_accessible(page)
    page.get_by_test_id("incidents").get_by_role("link").first.click()
    expect(heading(page)).to_contain_text("Incident, 18 November 2026")
    assert_accessible(page)

    # Closing: the review's box ticked without saying what it must look at is refused
    page.get_by_label("The incident paperwork is complete").check()
    page.get_by_label("Investigation", exact=True).fill("Spoke to the supervisor and both people working nearby")
    page.get_by_label("Outcome", exact=True).fill("The strimmer's guard was cracked and has been replaced")
    page.get_by_label("Learning to share").fill("Check every strimmer guard at the toolbox talk")
    page.get_by_label("The investigation found that the project's risk assessment must be reviewed").check()
    page.get_by_role("button", name="Save and close the incident").click()
    expect(error_summary(page)).to_contain_text("Say what the risk assessment review must look at")
    assert_accessible(page)
    page.get_by_label("What must the risk assessment review look at?").fill("Distance kept from the footpath")
    page.get_by_role("button", name="Save and close the incident").click()
    expect_banner(page, "Incident closed")
    expect(summary_value(page, "Risk assessment review")).to_contain_text("Review not done yet")
    expect(summary_value(page, "Risk assessment review")).to_contain_text("Distance kept from the footpath")
    project = Project.objects.get(pk=incident.project_id)
    assert project.review_needed and project.review_reason.endswith("Distance kept from the footpath")
    assert_accessible(page)

    # The region's learning
    menu(page, "Incidents")
    page.get_by_role("link", name="Learning from incidents").click()
    expect(heading(page)).to_have_text("Learning from incidents")
    learning = page.get_by_test_id("learning")
    expect(learning).to_contain_text("Check every strimmer guard at the toolbox talk")
    expect(learning.get_by_test_id("review")).to_contain_text("Review not done yet")
    expect(learning.get_by_test_id("shared")).to_have_text("Not yet shared")
    assert_accessible(page)

    # Shared at a team meeting: a meeting in the future is refused, naming the date
    learning.get_by_role("link", name="Record that it was shared at a team meeting").click()
    expect(heading(page)).to_have_text("Record the learning shared at a team meeting")
    assert_accessible(page)
    fill_date(page, "Date of the team meeting", date(2026, 11, 19))
    page.get_by_role("button", name="Record the meeting").click()
    expect(error_summary(page)).to_contain_text("The team meeting must be today or in the past")
    assert_accessible(page)
    fill_date(page, "Date of the team meeting", date(2026, 11, 18))
    page.get_by_label("Notes (optional)").fill("All the supervisors were there")
    page.get_by_role("button", name="Record the meeting").click()
    expect_banner(page, "Learning recorded as shared at the team meeting on 18 November 2026")
    expect(page.get_by_test_id("learning").get_by_test_id("shared")).to_contain_text("18 November 2026")
    expect(page.get_by_test_id("learning").get_by_test_id("shared")).to_contain_text("All the supervisors were there")
    assert_accessible(page)
    assert LearningShared.objects.filter(incident=incident).count() == 1
