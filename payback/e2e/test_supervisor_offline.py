"""The supervisor's day without signal, in a real browser on a phone (375 by 812 pixels): the
supervisor opens "My sessions today" with signal, loses it (the browser offline), records the
before-work checks (with the tools counted out), closes the register, reports an incident and
counts the tools back in; the pages say what is saved on the phone and not yet sent. With signal
again everything is sent, once each, and nothing from the day is left on the phone. Every
distinct page is checked with axe at 1280 and 375 pixels wide."""

import re
from dataclasses import dataclass
from datetime import time

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from payback.core.models import AuditEvent
from payback.delivery.models import (
    Appointment,
    IdempotentRequest,
    Incident,
    RiskConcern,
    Session,
    SessionStatus,
    ToolCount,
)
from payback.staff.models import Pdu
from payback.staff.roles import OPERATIONS_MANAGER, PLACEMENT_COORDINATOR, SUPERVISOR
from payback.testing.builders import active_project, book, make_staff, placeable_person, plan_session

from .conftest import sign_in
from .steps import heading, sign_out
from .test_supervisor_day import check, clock_at, on_a_phone, register_card

# Data must be committed for the live server to see it; the flush after each test empties the
# rows the migrations load, so they are put back.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# What the phone keeps, read in the page: the day's caches, the forms waiting in IndexedDB, and
# register entries in local storage.
KEPT_ON_THE_PHONE = """async () => {
  const caches_ = (await caches.keys()).filter((name) => name.startsWith('payback-day-'));
  const waiting = await new Promise((resolve) => {
    const opened = indexedDB.open('workbox-background-sync');
    opened.onsuccess = () => {
      const db = opened.result;
      if (!db.objectStoreNames.contains('requests')) { db.close(); resolve(0); return; }
      const counted = db.transaction('requests').objectStore('requests').count();
      counted.onsuccess = () => { db.close(); resolve(counted.result); };
    };
  });
  const drafts = Object.keys(localStorage).filter((key) => key.startsWith('payback-register-'));
  return { caches: caches_, waiting, drafts };
}"""


@dataclass
class Day:
    session: Session
    lee: Appointment
    cath: Appointment


@pytest.fixture
def day(pdu_a: Pdu) -> Day:
    """Today's session at the towpath, 09:00 to 16:00, with two people booked on it."""
    practitioner = make_staff("pat", pdu=pdu_a)
    coordinator = make_staff("cora", role=PLACEMENT_COORDINATOR, pdu=pdu_a)
    manager = make_staff("mo", role=OPERATIONS_MANAGER, pdu=pdu_a)
    supervisor = make_staff("sam", role=SUPERVISOR, pdu=pdu_a)
    project = active_project(coordinator, manager, pdu_a)
    session = plan_session(
        coordinator, project, timezone.localdate(), supervisor=supervisor, start=time(9), end=time(16)
    )
    lee = placeable_person(practitioner, first_name="Lee", last_name="Archer")
    cath = placeable_person(practitioner, first_name="Cath", last_name="Cole")
    lee_booked, cath_booked = book(coordinator, session, lee, cath)
    return Day(session, lee_booked, cath_booked)


def offline_status(page: Page) -> Locator:
    return page.locator("[data-offline-status]")


def waiting(page: Page) -> Locator:
    return page.locator("[data-offline-waiting] li")


@pytest.mark.browser
@pytest.mark.today("2026-11-18", at="10:00")
def test_a_supervisor_records_the_day_without_signal_and_everything_is_sent_once(page: Page, day: Day) -> None:
    on_a_phone(page)
    sign_in(page, "sam")

    # In the morning, with signal: opening "My sessions today" keeps the day on the phone.
    page.goto("/sessions/today/")
    expect(heading(page)).to_have_text("My sessions today")
    expect(offline_status(page)).to_contain_text("Today's sessions are kept on this phone", timeout=20_000)
    check(page)

    # On site, no signal.
    page.context.set_offline(True)
    page.get_by_role("link", name="Open session at Towpath clearance").click()
    expect(heading(page)).to_have_text("Towpath clearance")
    expect(page.get_by_text("This is the copy of this page kept on this phone")).to_be_visible()
    expect(page.get_by_test_id("person")).to_have_count(2)

    page.get_by_role("link", name="Record before-work checks").click()
    expect(heading(page)).to_have_text("Before-work checks")
    page.get_by_label("I have given the toolbox talk").check()
    page.get_by_label("Hazards seen today").fill("Wet, slippery towpath")
    page.get_by_label("Controls").fill("Boots with grip, nobody within 2 m of the edge")
    page.get_by_label("Go: it is safe to work").check()
    page.get_by_label("Tools counted out").fill("Spade, 6\nRake, 4")
    page.get_by_role("button", name="Save checks").click()

    expect(heading(page)).to_have_text("Towpath clearance")
    expect(offline_status(page)).to_contain_text("Saved on this phone, not yet sent: 1 thing")
    expect(waiting(page)).to_have_text(
        [re.compile(r"^Before-work checks \(Towpath clearance, 09:00\), saved at \d\d:\d\d$")]
    )
    check(page)

    # The register, closed without signal.
    page.get_by_role("link", name="Open the register").click()
    expect(heading(page)).to_have_text("Register")
    register_card(page, "Lee Archer").get_by_label("Attended – complied").check()
    register_card(page, "Lee Archer").get_by_label("Start time").fill("10:30")
    register_card(page, "Cath Cole").get_by_label("Attended – complied").check()
    page.get_by_label("I confirm every outcome is right and the register can be closed").check()
    check(page)
    page.get_by_role("button", name="Close register").click()
    expect(heading(page)).to_have_text("Towpath clearance")
    expect(offline_status(page)).to_contain_text("Saved on this phone, not yet sent: 2 things")

    # An incident, reported without signal.
    page.get_by_role("link", name="Report an incident or near miss").click()
    expect(heading(page)).to_have_text("Report an incident or near miss")
    page.get_by_label("Where did it happen?").fill("Lock 4, Ouseburn towpath")
    page.get_by_label("What happened?").fill("A rake was left across the path; Cath Cole tripped but was not hurt")
    page.get_by_role("group", name="Was it a near miss?").get_by_label("Yes").check()
    page.get_by_role("group", name="Were the emergency services called?").get_by_label("No").check()
    check(page)
    page.get_by_role("button", name="Send the report").click()
    expect(heading(page)).to_have_text("Towpath clearance")
    expect(offline_status(page)).to_contain_text("Saved on this phone, not yet sent: 3 things")

    # The tools counted out have not reached the service: they are counted back in as written.
    page.get_by_role("link", name="Count tools back in").click()
    expect(heading(page)).to_have_text("Count tools back in")
    page.get_by_label("Tools counted back in").fill("Spade, 6\nRake, 3")
    page.get_by_label("Damaged tools (if any)").fill("Spade, 1")
    page.get_by_label("What happened (if any are missing or damaged)").fill("A rake left at lock 4, a spade snapped")
    check(page)
    page.get_by_role("button", name="Save tools").click()
    expect(heading(page)).to_have_text("Towpath clearance")
    expect(offline_status(page)).to_contain_text("Saved on this phone, not yet sent: 4 things")
    expect(waiting(page)).to_have_text(
        [
            re.compile(r"^Before-work checks \(Towpath clearance, 09:00\)"),
            re.compile(r"^Register, to close \(Towpath clearance, 09:00\)"),
            re.compile(r"^Incident report \(Towpath clearance, 09:00\)"),
            re.compile(r"^Tools counted back in \(Towpath clearance, 09:00\)"),
        ]
    )
    check(page)

    # Nothing has reached the service yet.
    session = Session.objects.get(pk=day.session.pk)
    assert (session.status, session.checks_recorded_at) == (SessionStatus.PLANNED, None)
    assert not Incident.objects.exists()

    # Signal again: everything is sent, once each.
    page.context.set_offline(False)
    expect(offline_status(page)).to_contain_text("Sent: everything is sent", timeout=20_000)
    sent = page.locator("[data-offline-sent] li")
    expect(sent).to_have_count(4)
    expect(sent.nth(0)).to_contain_text("Before-work checks recorded (Towpath clearance, 09:00), sent at")
    expect(sent.nth(1)).to_contain_text("Register closed: 12 hours 30 minutes credited in all")
    expect(sent.nth(2)).to_contain_text("Near miss reported: the operations manager has been told")
    expect(sent.nth(3)).to_contain_text("Tools counted back in (Towpath clearance, 09:00), sent at")
    expect(waiting(page)).to_have_count(0)
    check(page)

    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED and session.checks_recorded_at is not None
    tools = ToolCount.objects.filter(session=session).values_list(
        "tool", "counted_out", "counted_in", "damaged", "note"
    )
    assert {tool[0]: tool[1:] for tool in tools} == {
        "Spade": (6, 6, 1, "A rake left at lock 4, a spade snapped"),
        "Rake": (4, 3, 0, "A rake left at lock 4, a spade snapped"),
    }
    assert Incident.objects.filter(session=session, near_miss=True).count() == 1
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("session.checks") == 1
    assert actions.count("session.tools_in") == 1
    assert actions.count("incident.reported") == 1
    assert IdempotentRequest.objects.filter(user__username="sam").count() == 4
    assert [a.outcome for a in Appointment.objects.filter(session=session).order_by("person__last_name")] == [
        "attended_complied",
        "attended_complied",
    ]

    # The day's registers are sent: nothing personal is left on the phone.
    kept = page.evaluate(KEPT_ON_THE_PHONE)
    assert kept == {"caches": [], "waiting": 0, "drafts": []}


@pytest.mark.browser
@pytest.mark.today("2026-11-18", at="11:00")
def test_a_report_the_service_sends_back_is_corrected_and_sent_once(page: Page, day: Day) -> None:
    on_a_phone(page)
    sign_in(page, "sam")
    page.goto("/sessions/today/")
    expect(offline_status(page)).to_contain_text("Today's sessions are kept on this phone", timeout=20_000)

    page.context.set_offline(True)
    page.get_by_role("link", name="Open session at Towpath clearance").click()
    page.get_by_role("link", name="Raise a risk concern about Lee Archer").click()
    expect(heading(page)).to_have_text("Raise a risk concern")
    page.get_by_label("Drugs or alcohol").check()
    page.get_by_label("What did you see or hear?").fill("Smelt of alcohol at pick-up")
    check(page)
    page.get_by_role("button", name="Send the concern").click()
    expect(offline_status(page)).to_contain_text("Saved on this phone, not yet sent: 1 thing")

    # A report sent without what happened: the service can only refuse it once it arrives.
    page.get_by_role("link", name="Report an incident or near miss").click()
    page.get_by_label("Where did it happen?").fill("Lock 4, Ouseburn towpath")
    page.get_by_role("group", name="Was it a near miss?").get_by_label("Yes").check()
    page.get_by_role("group", name="Were the emergency services called?").get_by_label("No").check()
    page.get_by_role("button", name="Send the report").click()
    expect(offline_status(page)).to_contain_text("Saved on this phone, not yet sent: 2 things")

    page.context.set_offline(False)
    expect(offline_status(page)).to_contain_text("Not accepted", timeout=20_000)
    expect(page.locator("[data-offline-sent] li")).to_have_text(
        [re.compile(r"^Concern about Lee Archer sent to Pat Tester \(Towpath clearance, 09:00\), sent at")]
    )
    returned = page.locator("[data-offline-returned] li")
    expect(returned).to_have_text([re.compile(r"^Incident report \(Towpath clearance, 09:00\): Open it to see what")])
    check(page)
    assert RiskConcern.objects.count() == 1 and not Incident.objects.exists()

    # The form comes back with what was typed and what is missing; corrected, it is sent once.
    returned.get_by_role("link", name="Check and send again").click()
    expect(heading(page)).to_have_text("Report an incident or near miss")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Describe what happened")
    expect(page.get_by_label("Where did it happen?")).to_have_value("Lock 4, Ouseburn towpath")
    page.get_by_label("What happened?").fill("A rake was left across the path; Cath Cole tripped but was not hurt")
    page.get_by_role("button", name="Send the report").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Near miss reported")
    expect(page.locator("[data-offline-returned] li")).to_have_count(0)
    assert Incident.objects.count() == 1 and RiskConcern.objects.count() == 1

    # Signing out leaves nothing of the day on the phone, nor the service worker.
    sign_out(page)
    assert page.evaluate(KEPT_ON_THE_PHONE) == {"caches": [], "waiting": 0, "drafts": []}
    assert page.evaluate("async () => (await navigator.serviceWorker.getRegistrations()).length") == 0


@pytest.mark.browser
@pytest.mark.today("2026-11-18", at="08:15")
def test_a_register_kept_before_the_session_starts_opens_for_recording_at_the_start(page: Page, day: Day) -> None:
    version = Session.objects.get(pk=day.session.pk).register_version
    page.clock.install()
    on_a_phone(page)
    sign_in(page, "sam")
    page.goto("/sessions/today/")
    expect(offline_status(page)).to_contain_text("Today's sessions are kept on this phone", timeout=20_000)

    page.context.set_offline(True)
    page.get_by_role("link", name="Open session at Towpath clearance").click()
    page.get_by_role("link", name="Open the register").click()
    expect(page.get_by_test_id("register-not-yet")).to_contain_text("The register can be completed from 09:00")
    expect(page.get_by_role("button", name="Save register")).to_have_count(0)

    # An hour on, still without signal: the copy opens for recording.
    page.clock.fast_forward("01:00:00")
    expect(page.get_by_test_id("register-not-yet")).to_have_count(0)
    register_card(page, "Lee Archer").get_by_label("Attended – complied").check()
    check(page)
    page.get_by_role("button", name="Save register").click()
    expect(offline_status(page)).to_contain_text("Saved on this phone, not yet sent: 1 thing")

    with clock_at("10:00"):
        page.context.set_offline(False)
        expect(page.locator("[data-offline-sent] li")).to_have_text([re.compile(r"^Register saved \(Towpath")])
    lee = Appointment.objects.get(pk=day.lee.pk)
    assert lee.outcome == "attended_complied"
    assert Session.objects.get(pk=day.session.pk).register_version == version + 1  # saved once
