"""The weekly allocation in a real browser: a placement coordinator runs the plan for next week and
watches its progress while the worker makes it, moves one person by hand (a move that breaks a
rule is refused with the rule named), publishes, and the supervisor sees who is coming on their
session page. Every distinct page is checked with axe at 1280 and 375 pixels wide."""

import re
import signal
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.core.management import call_command
from playwright.sync_api import Page, expect

from payback.allocation.models import AllocationRun, RunStatus
from payback.allocation.tests.weeks import SmallWeek, small_week
from payback.delivery.models import Appointment
from payback.staff.models import Pdu
from payback.testing.builders import active_project, plan_session

from .conftest import assert_accessible, sign_in
from .steps import error_summary, expect_banner, heading, menu, sign_out

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def queued_tasks(settings: Any) -> Iterator[None]:
    """Tasks wait in the database for the worker, as in production (the test settings run them at once)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    yield


def run_the_worker() -> None:
    """`manage.py db_worker --batch`: run what is queued, then stop. It installs its own signal
    handlers, which are put back afterwards."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


@pytest.mark.browser
def test_a_coordinator_plans_the_week_changes_it_by_hand_and_publishes(
    page: Page, pdu_a: Pdu, queued_tasks: None, mailoutbox: list[EmailMessage]
) -> None:
    week: SmallWeek = small_week(pdu_a)
    park = active_project(week.coordinator, week.manager, pdu_a, name="Park planting")
    park_monday = plan_session(week.coordinator, park, week.monday, supervisor=week.female_supervisor, capacity=6)
    adams = week.men[0]

    # The coordinator runs the plan for next week
    sign_in(page, "cora")
    menu(page, "Allocation")
    expect(heading(page)).to_have_text("Allocation")
    assert_accessible(page)
    page.get_by_label("Week").select_option(week.monday.isoformat())
    page.get_by_role("button", name="Run the plan").click()

    # ... and sees its progress while it waits for the worker
    expect(heading(page)).to_have_text(f"Plan for the week of {week.monday.day} {week.monday:%B %Y}")
    expect(page.get_by_test_id("run-status")).to_have_text("Queued")
    progress = page.get_by_label("Progress")
    expect(progress).to_be_visible()
    expect(progress).to_have_attribute("value", "0")
    expect(page.get_by_test_id("stage")).to_have_text("Waiting for the planner to start")
    assert_accessible(page)
    run_the_worker()
    run = AllocationRun.objects.get()
    assert run.status == RunStatus.DONE, run.message

    # The page follows the progress by itself and shows the plan once it is ready
    expect(page.get_by_test_id("run-status")).to_have_text("Ready to review")
    expect(page.get_by_test_id("plan-summary")).to_contain_text("3 of 4 people placed")
    grid = page.get_by_test_id("grid")
    expect(grid.get_by_test_id(f"person-{week.woman.person_id}").get_by_test_id("reason")).to_contain_text(  # type: ignore[union-attr]
        "omen-only"
    )
    assert_accessible(page)

    # A move that breaks a rule is refused, naming the rule
    grid.get_by_role("link", name="Alex Adams").click()
    expect(heading(page)).to_have_text("Alex Adams")
    assert_accessible(page)
    monday_label = f"Mon {week.monday.day} {week.monday:%b}"
    tuesday = week.monday + timedelta(days=1)
    page.get_by_label("Session", exact=True).select_option(
        label=f"Towpath clearance, Tue {tuesday.day} {tuesday:%b}, 09:00 to 16:00"
    )
    placed_monday = (adams.person_id, week.monday_session.pk) in run.assignments
    source = "Towpath clearance" if placed_monday else "Park planting"
    page.get_by_label(re.compile(f"^{source}, {monday_label}, 09:00 to 16:00: move them from it$")).check()
    page.get_by_role("button", name="Make the change").click()
    summary = error_summary(page)
    expect(summary).to_contain_text("Refused: Availability: Alex Adams is not free on Tuesdays")
    assert_accessible(page)

    # A move within the rules is made, and recorded
    target = "Park planting" if placed_monday else "Towpath clearance"
    page.get_by_label("Session", exact=True).select_option(label=f"{target}, {monday_label}, 09:00 to 16:00")
    page.get_by_label(re.compile(f"^{source}, {monday_label}, 09:00 to 16:00: move them from it$")).check()
    page.get_by_role("button", name="Make the change").click()
    expect_banner(page, f"Alex Adams moved to {target} on {monday_label}")
    expect(page.get_by_test_id("edits")).to_contain_text(f"Moved Alex Adams from {source}")

    # Publishing books the appointments
    page.get_by_role("link", name="Publish the plan").click()
    expect(heading(page)).to_have_text("Publish the plan")
    assert_accessible(page)
    page.get_by_role("button", name="Publish and book the appointments").click()
    expect_banner(page, "Plan published")
    expect(page.get_by_test_id("run-status")).to_have_text("Published")
    assert_accessible(page)
    run.refresh_from_db()
    booked = {(a.person_id, a.session_id) for a in Appointment.objects.filter(cancelled_at__isnull=True)}
    assert booked == set(run.assignments)
    moved_to = park_monday.pk if placed_monday else week.monday_session.pk
    assert (adams.person_id, moved_to) in booked
    assert any(m.to == ["sam@probation.example.gov.uk"] for m in mailoutbox)

    # The capacity planner, while signed in as the coordinator
    page.goto("/allocation/capacity/")
    expect(heading(page)).to_have_text("Capacity planner")
    assert_accessible(page)
    sign_out(page)

    # The supervisor sees who is coming on the session page
    sign_in(page, "sam")
    page.goto(f"/sessions/{week.wednesday_session.pk}/")
    expect(heading(page)).to_have_text("Towpath clearance")
    people = page.get_by_test_id("person")
    expect(people).to_have_count(3)
    for man in week.men:
        expect(page.get_by_role("heading", name=re.compile(man.person.full_name))).to_be_visible()
    assert_accessible(page)
