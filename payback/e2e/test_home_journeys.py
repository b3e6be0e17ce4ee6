"""Home pages in a real browser: a practitioner signs in and sees what needs them today, the
overdue decision first, with the menu's count read aloud, and follows it to the failure; their
senior signs in, sees the consultation waiting and follows it to answer it. Every page is checked
with axe at 1280 and 375 pixels wide."""

import re
from dataclasses import dataclass
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from payback.cases.services import sbar_raise
from payback.delivery.models import Appointment
from payback.home.tests.builders import fail_on, person
from payback.staff.models import Pdu
from payback.staff.roles import OPERATIONS_MANAGER, PLACEMENT_COORDINATOR, SENIOR_PROBATION_OFFICER, SUPERVISOR
from payback.staff.services import team_create, team_member_add
from payback.testing.builders import active_project, make_staff

from .conftest import assert_accessible, sign_in
from .steps import heading, sign_out

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.browser]

TODAY = "2026-11-18"  # a Wednesday


@dataclass
class Story:
    failure: Appointment  # Ashby, absent on Monday 9 November: the evidence was due on the 16th
    consulted: int  # the case Pat consulted Sue about


@pytest.fixture
def story(pdu_a: Pdu) -> Story:
    """Sue leads Pat's team; Pat has a decision overdue and asked Sue about another case."""
    sue = make_staff("sue", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)
    pat = make_staff("pat", pdu=pdu_a)
    team_member_add(actor=sue, team=team_create(actor=sue, name="Tyne A", pdu=pdu_a, lead=sue), practitioner=pat)
    coordinator = make_staff("cora", role=PLACEMENT_COORDINATOR, pdu=pdu_a)
    supervisor = make_staff("sam", role=SUPERVISOR, pdu=pdu_a)
    project = active_project(coordinator, make_staff("mo", role=OPERATIONS_MANAGER, pdu=pdu_a), pdu_a)
    failure = fail_on(date(2026, 11, 9), person(pat, "Ashby"), project, planner=coordinator, supervisor=supervisor)
    consulted = person(pat, "Consulted")
    sbar_raise(
        actor=pat,
        requirement=consulted,
        situation="Missed two sessions since his mother went into hospital",
        background="Good compliance until October",
        assessment="Caring duties, not defiance",
        recommendation="Move him to Saturday sessions",
    )
    return Story(failure=failure, consulted=consulted.pk)


@pytest.mark.today(TODAY, at="09:30")
def test_a_practitioner_and_their_senior_start_from_what_needs_them(page: Page, story: Story) -> None:
    sign_in(page, "pat")
    expect(heading(page)).to_have_text("What needs you today")
    expect(page.get_by_test_id("today")).to_have_text("Wednesday 18 November 2026")
    decisions = page.get_by_test_id("work-decisions")
    expect(decisions.get_by_test_id("urgency")).to_have_text("1 overdue")
    expect(decisions).to_contain_text("Evidence due 16 November 2026")
    # The overdue decision comes first; the menu says how many there are to decide, in words too.
    expect(page.locator('[data-testid^="work-"]').first).to_have_attribute("data-testid", "work-decisions")
    to_decide = page.get_by_role("link", name="To decide", exact=True)
    badge = page.get_by_role("navigation", name="Menu").locator("li", has=to_decide).get_by_test_id("badge")
    expect(badge.locator('[aria-hidden="true"]')).to_have_text("1")
    expect(badge.locator(".govuk-visually-hidden")).to_have_text("(1 to decide)")
    assert_accessible(page)

    decisions.get_by_role("link", name="Alex Ashby: unacceptable absence").click()
    expect(page).to_have_url(re.compile(rf"/enforcement/failures/A{story.failure.pk}/$"))
    expect(heading(page)).to_have_text("Unacceptable absence on 9 November 2026")
    assert_accessible(page)
    sign_out(page)

    sign_in(page, "sue")
    expect(heading(page)).to_have_text("What needs you today")
    consultations = page.get_by_test_id("work-consultations")
    expect(consultations.get_by_test_id("count")).to_have_text("1 consultation")
    expect(page.get_by_test_id("work-overdue")).to_contain_text("Alex Ashby")
    expect(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Consultations")).to_be_visible()
    assert_accessible(page)

    consultations.get_by_role("link", name="Alex Consulted").click()
    expect(page).to_have_url(re.compile(rf"/cases/{story.consulted}/consultations/answer/$"))
    expect(heading(page)).to_have_text("Answer the SBAR consultation")
    assert_accessible(page)
