"""Teams in a real browser: a senior probation officer sees their team, reallocates a case from one
of their practitioners to another with the reason and sees it in the case's history; a practitioner's
caseload shows their own cases until they ask for everyone's. Every page is checked with axe."""

import re

import pytest
from playwright.sync_api import Page, expect

from payback.staff.models import Pdu
from payback.staff.roles import SENIOR_PROBATION_OFFICER
from payback.staff.services import team_create, team_member_add
from payback.testing.builders import make_staff, new_case

from .conftest import assert_accessible, sign_in
from .steps import error_summary, expect_banner, heading, menu, summary_value

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.browser]

TODAY = "2026-11-18"


@pytest.fixture
def team(pdu_a: Pdu) -> None:
    """Sue leads Tyne A: Pat (with Alex Moved and Bea Kept) and Col (with Cal Theirs)."""
    sue = make_staff("sue", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)
    pat, col = make_staff("pat", pdu=pdu_a), make_staff("col", pdu=pdu_a)
    tyne = team_create(actor=sue, name="Tyne A", pdu=pdu_a, lead=sue)
    for member in (pat, col):
        team_member_add(actor=sue, team=tyne, practitioner=member)
    new_case(pat, first_name="Alex", last_name="Moved")
    new_case(pat, first_name="Bea", last_name="Kept")
    new_case(col, first_name="Cal", last_name="Theirs")


@pytest.mark.today(TODAY, at="10:00")
def test_a_senior_reallocates_a_case_within_their_team(page: Page, team: None) -> None:
    sign_in(page, "sue")
    page.goto("/teams/")
    expect(heading(page)).to_have_text("Teams")
    assert_accessible(page)
    page.get_by_role("link", name="Tyne A").click()
    expect(page.get_by_test_id("members").locator("li")).to_have_text(["Col Tester", "Pat Tester"])
    assert_accessible(page)

    menu(page, "Caseload")
    page.get_by_label("Whose cases").select_option(label="My team")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_test_id("result-count")).to_have_text("3 cases")
    page.get_by_role("link", name="Moved, Alex").click()
    expect(summary_value(page, "Practitioner")).to_contain_text("Pat Tester")
    page.get_by_role("link", name="Reallocate the case").click()
    expect(heading(page)).to_have_text("Reallocate the case")
    assert_accessible(page)

    page.get_by_label("New practitioner").select_option(label="Col Tester (Tyne A)")
    page.get_by_role("button", name="Reallocate").click()
    expect(error_summary(page)).to_contain_text("Enter why the case is being reallocated")
    assert_accessible(page)
    page.get_by_label("Reason").fill("Pat is on long-term leave")
    page.get_by_role("button", name="Reallocate").click()

    expect(page).to_have_url(re.compile(r"/cases/\d+/$"))
    expect_banner(page, "Case reallocated to Col Tester")
    expect(summary_value(page, "Practitioner")).to_contain_text("Col Tester")
    history = page.get_by_test_id("allocations").locator("tbody tr")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text("Pat Tester")
    expect(history.first).to_contain_text("Pat is on long-term leave")
    expect(history.first).to_contain_text("Sue Tester")
    assert_accessible(page)


@pytest.mark.today(TODAY, at="10:00")
def test_a_practitioners_caseload_shows_their_own_cases_by_default(page: Page, team: None) -> None:
    sign_in(page, "pat")
    menu(page, "Caseload")
    expect(page.get_by_test_id("result-count")).to_have_text("2 cases")
    expect(page.get_by_label("Whose cases")).to_have_value("1")
    assert_accessible(page)
    page.get_by_label("Whose cases").select_option(label="Everyone's in my area")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_test_id("result-count")).to_have_text("3 cases")
    page.get_by_role("link", name="Clear filters").click()
    expect(page.get_by_test_id("result-count")).to_have_text("2 cases")
