"""A senior probation officer's day in a real browser: the daily checklist shows their practitioner's
1:1 overdue, a high-risk case due a touch point and an SBAR consultation waiting; they record the 1:1
from the checklist and answer the consultation their practitioner raised. Every distinct page is
checked with axe at 1280 and 375 pixels."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from payback.cases.models import Assessment, AssessmentStatus, SbarAnswer
from payback.cases.services.sbar import sbar_raise
from payback.oversight.models import SupervisionMeeting
from payback.oversight.services import absence_record
from payback.staff.models import Pdu
from payback.staff.roles import SENIOR_PROBATION_OFFICER
from payback.staff.services import team_create, team_member_add
from payback.testing.builders import make_staff, new_case

from .conftest import assert_accessible, sign_in
from .steps import error_summary, expect_banner, fill_date, heading

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.browser]

TODAY = date(2026, 11, 18)


@pytest.fixture
def world(pdu_a: Pdu) -> None:
    """Sophie leads Pat, who joined on 6 January 2025 and has had no 1:1; Pat's high-risk case was
    sentenced on 19 October (a touch point was due on 16 November) and Pat has asked Sophie about it."""
    senior = make_staff("sophie", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)
    practitioner = make_staff("pat", pdu=pdu_a)
    practitioner.date_joined = timezone.make_aware(datetime.combine(date(2025, 1, 6), time(9)))
    practitioner.save(update_fields=["date_joined"])
    with time_machine.travel(datetime(2025, 1, 6, 9, tzinfo=ZoneInfo("Europe/London")), tick=False):
        team = team_create(actor=senior, name="Tyneside team", pdu=pdu_a, lead=senior)
        team_member_add(actor=senior, team=team, practitioner=practitioner)
    case = new_case(practitioner, sentence_date=date(2026, 10, 19), last_name="Hightower")
    Assessment.objects.create(
        person=case.person, version=1, status=AssessmentStatus.CURRENT, rosh_level="high", author=practitioner
    )
    sbar_raise(
        actor=practitioner,
        requirement=case,
        situation="Threatened his partner at the weekend",
        background="Domestic abuse perpetrator flag; compliant with work",
        assessment="Risk to his partner has risen",
        recommendation="Refer to MARAC and review the risk management plan today",
    )
    absence_record(
        actor=senior, staff=practitioner, first_day=date(2026, 11, 19), last_day=date(2026, 11, 20), kind="training"
    )


@pytest.mark.today(TODAY.isoformat(), at="09:00")
def test_a_senior_works_through_the_daily_checklist(page: Page, world: None) -> None:
    sign_in(page, "sophie")
    page.goto("/oversight/today/")
    expect(heading(page)).to_have_text("Today's checklist")
    expect(page.get_by_test_id("workloads")).to_contain_text("Pat Tester")
    expect(page.get_by_test_id("risk-points")).to_contain_text("touch point due 16 November 2026")
    expect(page.get_by_test_id("away-this-week")).to_contain_text("Pat Tester: training")
    expect(page.get_by_test_id("consultations")).to_contain_text("Alex Hightower")
    assert_accessible(page)

    # The 1:1, overdue since February 2025: the missing development notes are named, then it is recorded
    page.get_by_role("link", name="Record a 1:1 with Pat Tester").click()
    expect(heading(page)).to_have_text("Record a 1:1 supervision")
    fill_date(page, "Date of the meeting", TODAY)
    page.get_by_label("Wellbeing", exact=True).fill("Shaken by the weekend's events; support offered")
    page.get_by_role("button", name="Record the meeting").click()
    expect(error_summary(page)).to_contain_text("Enter notes on the practitioner's development")
    assert_accessible(page)
    page.get_by_label("Development", exact=True).fill("Domestic abuse training booked")
    page.get_by_role("button", name="Record the meeting").click()
    expect_banner(page, "1:1 supervision with Pat Tester recorded")

    # Back on the checklist the 1:1 is no longer overdue; the consultation is answered from it
    page.goto("/oversight/today/")
    expect(page.get_by_role("link", name="Record a 1:1 with Pat Tester")).to_have_count(0)
    page.get_by_role("link", name="Answer the consultation on Alex Hightower").click()
    expect(heading(page)).to_have_text("Answer the SBAR consultation")
    expect(page.get_by_text("Risk to his partner has risen")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Decision or advice").fill("Agreed: refer to MARAC today; touch point on Friday")
    page.get_by_role("button", name="Send the answer").click()
    expect_banner(page, "Consultation answered")
    expect(page.get_by_test_id("sbar-decision")).to_contain_text("Agreed: refer to MARAC today")

    page.goto("/oversight/today/")
    expect(page.get_by_test_id("consultations")).to_have_text("None")
    assert_accessible(page)

    meeting = SupervisionMeeting.objects.get()
    assert (meeting.held_on, meeting.development_notes) == (TODAY, "Domestic abuse training booked")
    assert SbarAnswer.objects.get().decision == "Agreed: refer to MARAC today; touch point on Friday"
