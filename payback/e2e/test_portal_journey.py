"""The person doing unpaid work, in a real browser on a phone (375 by 812 pixels): they sign in with
the code texted to them (a wrong code first), see their hours and their next session with its
pick-up, tell us they were ill for the session they missed with a photo of their sick note (a file
that is not a photo first), and sign out; their practitioner sees the report on the case and adds
it to the evidence for the decision, where it is listed with its file. Every distinct page is
checked with axe at 1280 and 375 pixels wide."""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from payback.cases.models import Requirement
from payback.delivery.models import Appointment
from payback.enforcement.models import Evidence
from payback.staff.models import Pdu, User
from payback.staff.roles import SUPERVISOR
from payback.testing.builders import (
    EVERY_DAY,
    active_project,
    authorise_driver,
    book,
    frozen_today,
    line,
    make_staff,
    placeable_person,
    plan_session,
    submit,
    vehicle,
)
from payback.testing.outside import coordinator_and_manager, messages_outbox

from .conftest import assert_accessible, sign_in
from .outside import enter_code, sign_out
from .steps import error_summary, expect_banner, fill_date, heading

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.browser]

TODAY = date(2026, 11, 18)  # a Wednesday
PHONE: ViewportSize = {"width": 375, "height": 812}
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


@dataclass
class Story:
    practitioner: User
    jo: Requirement
    missed: Appointment  # Monday 16 November, recorded as an unacceptable absence
    outbox: Path


@pytest.fixture
def story(pdu_a: Pdu, settings: Any, tmp_path: Path) -> Story:
    outbox = messages_outbox(settings, tmp_path)
    practitioner = make_staff("pat", pdu=pdu_a)
    coordinator, manager = coordinator_and_manager(pdu_a)
    supervisor = make_staff("sid", role=SUPERVISOR, pdu=pdu_a)
    authorise_driver(manager, supervisor, today=TODAY)
    project = active_project(coordinator, manager, pdu_a)
    with frozen_today(date(2026, 3, 3)):
        jo = placeable_person(
            practitioner, first_name="Jo", last_name="Rivers", phone="07700 900123", availability=EVERY_DAY
        )
    with frozen_today(date(2026, 11, 9)):
        monday = plan_session(coordinator, project, date(2026, 11, 16), supervisor=supervisor)
        (missed,) = book(coordinator, monday, jo)
    with frozen_today(date(2026, 11, 16)):
        submit(supervisor, monday, [line(missed, "unacceptable_absence")])
    tomorrow = plan_session(coordinator, project, TODAY + timedelta(days=1), supervisor=supervisor, van=vehicle(pdu_a))
    book(coordinator, tomorrow, jo)
    return Story(practitioner, jo, missed, outbox)


@pytest.mark.today(TODAY.isoformat(), at="10:00")
def test_a_person_signs_in_with_a_code_reports_being_ill_and_the_practitioner_sees_it_as_evidence(
    page: Page, story: Story, tmp_path: Path
) -> None:
    page.set_viewport_size(PHONE)
    person = story.jo.person

    # Signing in: the case number and date of birth, then the code texted to the case's phone
    page.goto("/my/")
    expect(heading(page)).to_have_text("Sign in to Community Payback")
    assert_accessible(page)
    page.get_by_label("Case number (CRN)").fill(person.crn.lower())
    fill_date(page, "Date of birth", person.date_of_birth)
    page.get_by_role("button", name="Send me a code").click()
    enter_code(page, story.outbox, "text-sign-in-*.txt", "07700 900123")

    # Their hours and next session
    expect(heading(page)).to_have_text("Your Community Payback")
    expect(page.get_by_test_id("left")).to_have_text("99 hours")
    expect(page.get_by_test_id("finish-by")).to_have_text("2 March 2027")
    session = page.get_by_test_id("session")
    expect(session).to_contain_text("Thursday 19 November")
    expect(session).to_contain_text("9am to 4pm")
    expect(page.get_by_test_id("pick-up")).to_have_text("We pick you up from Haymarket bus station at 8:30am.")
    expect(page.get_by_test_id("missed")).to_contain_text("You missed your session on Monday 16 November")
    assert_accessible(page)

    # Telling us they were ill, with a photo of the sick note (a file that is not a photo first)
    page.get_by_role("link", name="Tell us why you could not come").click()
    expect(heading(page)).to_have_text("Tell us why you could not come")
    assert_accessible(page)
    page.get_by_label("I am ill or hurt").check()
    page.get_by_label("Tell us what has happened").fill("I had a high temperature and stayed in bed.")
    not_a_photo = tmp_path / "note.png"
    not_a_photo.write_bytes(b"this is not a picture")
    page.get_by_label("Add a photo or PDF (optional)").set_input_files(str(not_a_photo))
    page.get_by_role("button", name="Send").click()
    expect(error_summary(page)).to_contain_text("The file must be a PDF, JPG or PNG")
    assert_accessible(page)
    photo = tmp_path / "sick-note.png"
    photo.write_bytes(PNG)
    page.get_by_label("Add a photo or PDF (optional)").set_input_files(str(photo))
    page.get_by_role("button", name="Send").click()
    expect_banner(page, "Thank you. We have told your probation officer.")
    expect(heading(page)).to_have_text("Your sessions")
    assert_accessible(page)
    sign_out(page)
    assert_accessible(page)

    # The practitioner sees it on the case and adds it to the evidence for the decision
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "pat")
    page.goto(f"/cases/{story.jo.pk}/")
    expect(page.get_by_test_id("told-us-online")).to_contain_text("1 thing to look at")
    page.get_by_role("link", name="See what Jo told us online").click()
    expect(page.get_by_test_id("report")).to_contain_text("Medical: I had a high temperature and stayed in bed.")
    assert_accessible(page)
    page.get_by_role("button", name="Add to the evidence").click()
    expect_banner(page, "Added to the evidence")
    expect(heading(page)).to_have_text("Unacceptable absence on 16 November 2026")
    evidence = page.get_by_test_id("evidence")
    expect(evidence).to_contain_text("Sent online by the person on 18 November 2026: Medical.")
    expect(evidence.get_by_role("link", name=re.compile("download the file"))).to_be_visible()
    assert_accessible(page)
    saved = Evidence.objects.get()
    assert saved.content_type == "image/png" and saved.failure.appointment_id == story.missed.pk
