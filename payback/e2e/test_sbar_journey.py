"""SBAR consultations in a real browser: a practitioner raises one on a case (first leaving a part
out), the senior probation officer who leads their team answers it from their list, and the
practitioner sees the answer on the case. Every page is checked with axe."""

import re

import pytest
from playwright.sync_api import Page, expect

from payback.staff.models import Pdu
from payback.staff.roles import SENIOR_PROBATION_OFFICER
from payback.staff.services import team_create, team_member_add
from payback.testing.builders import make_staff, new_case

from .conftest import assert_accessible, sign_in
from .steps import error_summary, expect_banner, heading, sign_out

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.browser]

TODAY = "2026-11-18"


@pytest.fixture
def team(pdu_a: Pdu) -> int:
    """Sue leads Tyne A, with Pat, whose case is Alex Consulted."""
    sue = make_staff("sue", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)
    pat = make_staff("pat", pdu=pdu_a)
    tyne = team_create(actor=sue, name="Tyne A", pdu=pdu_a, lead=sue)
    team_member_add(actor=sue, team=tyne, practitioner=pat)
    return new_case(pat, first_name="Alex", last_name="Consulted").pk


@pytest.mark.today(TODAY, at="10:00")
def test_a_practitioner_consults_their_senior_who_answers(page: Page, team: int) -> None:
    sign_in(page, "pat")
    page.goto(f"/cases/{team}/")
    page.get_by_role("link", name="Raise an SBAR consultation").click()
    expect(heading(page)).to_have_text("Raise an SBAR consultation")
    expect(page.get_by_text("The consultation goes to Sue Tester")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Situation").fill("Missed two sessions since his mother went into hospital")
    page.get_by_label("Background").fill("Good compliance until October")
    page.get_by_label("Recommendation").fill("Move him to Saturday sessions")
    page.get_by_role("button", name="Send the consultation").click()
    expect(error_summary(page)).to_contain_text("Enter your assessment")
    assert_accessible(page)
    page.get_by_label("Assessment").fill("Caring duties, not defiance")
    page.get_by_role("button", name="Send the consultation").click()
    expect(page).to_have_url(re.compile(rf"/cases/{team}/$"))
    expect_banner(page, "SBAR consultation sent to Sue Tester")
    expect(page.get_by_test_id("sbar-decision")).to_have_text("Waiting for an answer")
    sign_out(page)

    sign_in(page, "sue")
    page.goto("/cases/consultations/")
    expect(heading(page)).to_have_text("Consultations to answer")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Alex Consulted")).click()
    expect(heading(page)).to_have_text("Answer the SBAR consultation")
    expect(page.get_by_text("Caring duties, not defiance")).to_be_visible()
    page.get_by_role("button", name="Send the answer").click()
    expect(error_summary(page)).to_contain_text("Enter your decision or advice")
    assert_accessible(page)
    page.get_by_label("Decision or advice").fill("Agreed: Saturday sessions from next week")
    page.get_by_role("button", name="Send the answer").click()
    expect_banner(page, "Consultation answered")
    page.goto("/cases/consultations/")
    expect(page.get_by_test_id("sbar-queue")).to_contain_text("Nothing is waiting for you.")
    sign_out(page)

    sign_in(page, "pat")
    page.goto(f"/cases/{team}/")
    expect(page.get_by_test_id("sbar-decision")).to_contain_text("Agreed: Saturday sessions from next week")
    expect(page.get_by_test_id("sbar-decision")).to_contain_text("Sue Tester")
    assert_accessible(page)
