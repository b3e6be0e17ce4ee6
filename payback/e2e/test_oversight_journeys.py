"""Management oversight in a real browser: a senior probation officer opens Oversight, sees their
practitioner's 1:1 overdue and a high-risk case due a touch point, records the 1:1 (after being told
what is missing), then a touch point on the case. Every distinct page is checked with axe."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from payback.cases.models import Assessment, AssessmentStatus
from payback.oversight.models import SupervisionMeeting, TouchPoint
from payback.staff.models import Pdu
from payback.staff.roles import SENIOR_PROBATION_OFFICER
from payback.staff.services import team_create, team_member_add
from payback.testing.builders import make_staff, new_case

from .conftest import assert_accessible, sign_in
from .steps import error_summary, expect_banner, fill_date, heading, menu

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.browser]

TODAY = date(2026, 11, 18)


@pytest.fixture
def world(pdu_a: Pdu) -> None:
    senior = make_staff("sophie", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)
    practitioner = make_staff("pat", pdu=pdu_a)
    practitioner.date_joined = timezone.make_aware(datetime.combine(date(2025, 1, 6), time(9)))
    practitioner.save(update_fields=["date_joined"])
    with time_machine.travel(datetime(2025, 1, 6, 9, tzinfo=ZoneInfo("Europe/London")), tick=False):
        team = team_create(actor=senior, name="Tyneside team", pdu=pdu_a, lead=senior)
        team_member_add(actor=senior, team=team, practitioner=practitioner)
    case = new_case(practitioner, sentence_date=date(2026, 11, 2), last_name="Hightower")
    Assessment.objects.create(
        person=case.person, version=1, status=AssessmentStatus.CURRENT, rosh_level="high", author=practitioner
    )


@pytest.mark.today(TODAY.isoformat(), at="11:00")
def test_a_senior_records_a_one_to_one_and_a_touch_point(page: Page, world: None) -> None:
    sign_in(page, "sophie")
    menu(page, "Oversight")
    expect(heading(page)).to_have_text("Oversight")
    expect(page.get_by_test_id("practitioners")).to_contain_text("Overdue")
    expect(page.get_by_test_id("touch-points-due")).to_contain_text("30 November 2026")
    assert_accessible(page)

    # The 1:1: the missing development notes are named, then it is recorded
    page.get_by_role("link", name="1:1 with Pat Tester").click()
    expect(heading(page)).to_have_text("Record a 1:1 supervision")
    assert_accessible(page)
    fill_date(page, "Date of the meeting", TODAY)
    page.get_by_label("Wellbeing", exact=True).fill("Managing the caseload; asked for help with reports")
    page.get_by_role("button", name="Record the meeting").click()
    expect(error_summary(page)).to_contain_text("Enter notes on the practitioner's development")
    assert_accessible(page)
    page.get_by_label("Development", exact=True).fill("Court report training booked")
    page.get_by_role("button", name="Record the meeting").click()
    expect_banner(page, "1:1 supervision with Pat Tester recorded")
    # Six weeks after today
    expect(page.get_by_test_id("practitioners")).to_contain_text("30 December 2026")

    # The touch point on the high-risk case
    page.get_by_test_id("touch-points-due").get_by_role("link", name="Alex Hightower").click()
    expect(heading(page)).to_have_text("Record a touch point")
    assert_accessible(page)
    fill_date(page, "Date of the touch point", TODAY)
    page.get_by_label("Note", exact=True).fill("Discussed the risk management plan")
    page.get_by_role("button", name="Record the touch point").click()
    expect_banner(page, "Touch point on the case of Alex Hightower recorded")
    # Four weeks after today for a high risk
    expect(page.get_by_test_id("touch-points-due")).to_contain_text("16 December 2026")
    assert_accessible(page)

    meeting = SupervisionMeeting.objects.get()
    assert (meeting.held_on, meeting.development_notes) == (TODAY, "Court report training booked")
    assert TouchPoint.objects.get().note == "Discussed the risk management plan"
