"""Notifications in a real browser: an operations manager sets the duty senior for today (first
leaving the senior out), a supervisor's concern about a person's emotional wellbeing reaches the
duty senior as urgent, and the senior marks it read. Every page is checked with axe."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from payback.delivery.services import risk_concern_raise
from payback.staff.models import Pdu
from payback.staff.roles import OPERATIONS_MANAGER, SENIOR_PROBATION_OFFICER, SUPERVISOR
from payback.testing.builders import make_staff, new_case

from .conftest import assert_accessible, sign_in
from .steps import error_summary, expect_banner, fill_date, heading, sign_out

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.browser]

TODAY = date(2026, 11, 18)


@pytest.mark.today(TODAY.isoformat(), at="10:00")
def test_the_duty_senior_hears_of_an_urgent_concern_and_marks_it_read(page: Page, pdu_a: Pdu) -> None:
    make_staff("sue", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)
    make_staff("mo", role=OPERATIONS_MANAGER, pdu=pdu_a)
    sign_in(page, "mo")
    page.goto("/notifications/duty/")
    expect(heading(page)).to_have_text("Duty senior probation officer")
    assert_accessible(page)
    fill_date(page, "Date", TODAY)
    page.get_by_role("button", name="Set the duty senior").click()
    expect(error_summary(page)).to_contain_text("Select the senior probation officer")
    assert_accessible(page)
    page.get_by_label("Duty senior probation officer").select_option(label=f"Sue Tester, {pdu_a.name}")
    page.get_by_role("button", name="Set the duty senior").click()
    expect_banner(page, f"Sue Tester is the duty senior for {pdu_a.name} on 18 November 2026")
    expect(page.get_by_test_id("duty-rota")).to_contain_text("Wednesday 18 November 2026")
    sign_out(page)

    case = new_case(make_staff("pat", pdu=pdu_a), first_name="Jordan", crn="A123456")
    risk_concern_raise(
        actor=make_staff("sam", role=SUPERVISOR, pdu=pdu_a), person=case.person, category="wellbeing", details="Low"
    )
    sign_in(page, "sue")
    page.goto("/notifications/")
    expect(heading(page)).to_have_text("Notifications")
    listed = page.get_by_test_id("notifications")
    expect(listed).to_contain_text("Urgent")
    expect(listed).to_contain_text("Risk concern (emotional wellbeing) about Jordan (A123456)")
    assert_accessible(page)
    listed.get_by_role("button", name="Mark as read").click()
    expect_banner(page, "marked as read")
    expect(listed).to_contain_text("Read")
    assert_accessible(page)
