"""A week for every PDU of a region in a real browser: a national head of operations plans the North
East's week, watches each PDU's plan being made (the page follows them by itself), sees which
failed and why, and runs a failed one again. Each page is checked with axe at 1280 and 375 pixels
wide."""

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from payback.allocation.models import AllocationBatch, AllocationRun, RunStatus
from payback.allocation.tests.weeks import small_week
from payback.staff.models import Pdu, Scope
from payback.staff.roles import OPERATIONS_MANAGER
from payback.testing.builders import make_staff

from .conftest import assert_accessible, sign_in
from .steps import expect_banner, heading
from .test_allocation_journey import queued_tasks, run_the_worker  # noqa: F401 - the fixture, and the worker

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def week_label(monday: date) -> str:
    return f"{monday.day} {monday:%B %Y}"


@pytest.mark.browser
@pytest.mark.usefixtures("queued_tasks")
def test_a_head_plans_a_regions_week_and_follows_each_pdu(page: Page, pdu_a: Pdu, pdu_a2: Pdu) -> None:
    week = small_week(pdu_a)
    make_staff("nina", role=OPERATIONS_MANAGER, scope=Scope.NATIONAL)
    pdus = Pdu.objects.filter(region=pdu_a.region).count()
    assert timezone.localdate() < week.monday

    sign_in(page, "nina")
    page.goto("/allocation/")
    page.get_by_role("link", name="Plan a week for every PDU").click()
    expect(heading(page)).to_have_text("Plan a week for every PDU")
    assert_accessible(page)
    page.get_by_label("Area").select_option(label="North East")
    page.get_by_label("Week", exact=True).select_option(week.monday.isoformat())
    page.get_by_role("button", name="Plan the week for every PDU").click()

    # Every PDU of the region waits for the workers...
    expect(heading(page)).to_have_text(f"Plans for the week of {week_label(week.monday)}")
    summary = page.get_by_test_id("batch-summary")
    expect(summary).to_have_text(f"0 of {pdus} plans finished, 0 failed")
    batch = AllocationBatch.objects.get()
    made = batch.runs.get(pdu=pdu_a)
    expect(page.get_by_test_id(f"run-{made.pk}")).to_contain_text("Queued")
    assert_accessible(page)

    # ... and the page follows them as the worker makes them, then offers the retries
    run_the_worker()
    expect(summary).to_have_text(f"{pdus} of {pdus} plans finished, {pdus - 1} failed")
    row = page.get_by_test_id(f"run-{made.pk}")
    expect(row).to_contain_text("Ready to review")
    expect(row).to_contain_text("3 of 4")
    expect(page.get_by_test_id("refresh")).to_have_count(0)  # reloaded: nothing left to follow
    failed = batch.runs.get(pdu=pdu_a2)
    expect(page.get_by_test_id(f"run-{failed.pk}")).to_contain_text(failed.message)
    assert_accessible(page)

    page.get_by_role("button", name=f"Run again for {pdu_a2.name}").click()
    expect_banner(page, "1 plan started again")
    again = batch.runs.filter(pdu=pdu_a2).latest("pk")
    assert again.parent_id == failed.pk and AllocationRun.objects.get(pk=failed.pk).status == RunStatus.SUPERSEDED
    expect(page.get_by_test_id(f"run-{again.pk}")).to_contain_text("Queued")

    page.get_by_role("link", name=pdu_a.name).click()
    expect(heading(page)).to_have_text(f"Plan for the week of {week_label(week.monday)}")
