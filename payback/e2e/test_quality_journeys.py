"""Quality assurance in a real browser: an operations manager opens Quality, sees a supervisor's
observation overdue, records the observation (after being told what is missing), then makes an
unannounced spot check of today's session. Every distinct page is checked with axe."""

from datetime import date, datetime, time

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from payback.quality.models import SpotCheck, SupervisorObservation
from payback.quality.rules import OBSERVATION_AREAS, SPOT_CHECK_ITEMS
from payback.staff.models import Pdu
from payback.staff.roles import OPERATIONS_MANAGER, PLACEMENT_COORDINATOR, SUPERVISOR
from payback.testing.builders import active_project, make_staff, plan_session

from .conftest import assert_accessible, sign_in
from .steps import error_summary, expect_banner, fill_date, heading, menu

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.browser]

TODAY = date(2026, 11, 18)


@pytest.fixture
def world(pdu_a: Pdu) -> None:
    coordinator = make_staff("cora", role=PLACEMENT_COORDINATOR, pdu=pdu_a)
    manager = make_staff("mo", role=OPERATIONS_MANAGER, pdu=pdu_a)
    supervisor = make_staff("sid", role=SUPERVISOR, pdu=pdu_a)
    supervisor.date_joined = timezone.make_aware(datetime.combine(date(2025, 3, 3), time(9)))
    supervisor.save(update_fields=["date_joined"])
    project = active_project(coordinator, manager, pdu_a, name="Towpath clearance")
    plan_session(coordinator, project, TODAY, supervisor=supervisor)


def answer(page: Page, question: str, choice: str) -> None:
    page.get_by_role("group", name=question, exact=True).get_by_label(choice, exact=True).check()


@pytest.mark.today(TODAY.isoformat(), at="11:00")
def test_an_operations_manager_records_an_observation_and_a_spot_check(page: Page, world: None) -> None:
    sign_in(page, "mo")
    menu(page, "Quality")
    expect(heading(page)).to_have_text("Quality assurance")
    expect(page.get_by_test_id("observations-due")).to_contain_text("Overdue")
    assert_accessible(page)

    # The observation: a missing strength is named, then it is recorded
    page.get_by_test_id("observations-due").get_by_role("link", name="Sid Tester").click()
    expect(heading(page)).to_have_text("Record an observation of a supervisor")
    assert_accessible(page)
    fill_date(page, "Date of the observation", TODAY)
    for _, area in OBSERVATION_AREAS:
        answer(page, area, "Good")
    page.get_by_role("button", name="Record the observation").click()
    expect(error_summary(page)).to_contain_text("Enter strengths")
    assert_accessible(page)
    page.get_by_label("Strengths").fill("Clear toolbox talk; firm but fair with the group")
    page.get_by_label("Points to develop (optional)").fill("Give breaks at set times")
    page.get_by_role("button", name="Record the observation").click()
    expect_banner(page, "Observation of Sid Tester recorded")
    expect(page.get_by_test_id("observations-due")).to_contain_text("Nothing overdue or due soon")

    # The spot check of today's session
    page.get_by_test_id("sessions-today").get_by_role("link").click()
    expect(heading(page)).to_have_text("Record a spot check")
    assert_accessible(page)
    for _, question in SPOT_CHECK_ITEMS:
        answer(page, question, "Yes")
    answer(page, "Was the right personal protective equipment (PPE) worn?", "No")
    page.get_by_role("button", name="Record the spot check").click()
    expect(error_summary(page)).to_contain_text("Enter what was found where an answer is no")
    assert_accessible(page)
    page.get_by_label("What was found (optional)").fill("Two people without gloves")
    page.get_by_role("button", name="Record the spot check").click()
    expect_banner(page, "Spot check of Towpath clearance recorded")
    expect(page.get_by_test_id("spot-checks")).to_contain_text("Towpath clearance")
    assert_accessible(page)

    observation = SupervisorObservation.objects.get()
    assert (observation.observed_on, observation.rating_safety) == (TODAY, "good")
    check = SpotCheck.objects.get()
    assert (check.ppe_worn, check.toolbox_talk_given, check.findings) == (False, True, "Two people without gloves")
