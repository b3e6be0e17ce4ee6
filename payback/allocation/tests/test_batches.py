"""A week planned for every PDU of a region, through its pages (the runs made at once under the test
settings): who may start one, the page of each region's runs with their progress, the status the
page follows, running failed plans again, and the PDUs left out."""

import re
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from payback.allocation import batches, services
from payback.allocation.models import AllocationBatch, AllocationRun, BatchScope, RunStatus
from payback.staff.models import Pdu, Region, Scope, User
from payback.staff.roles import OPERATIONS_MANAGER

from .weeks import SmallWeek, small_week

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def week(pdu_a: Pdu) -> SmallWeek:
    return small_week(pdu_a)


@pytest.fixture
def head(make_user: Callable[..., User]) -> User:
    return make_user("nina", role=OPERATIONS_MANAGER, scope=Scope.NATIONAL)


def start_by_page(client: Client, week: SmallWeek, *, region: Region | None) -> AllocationBatch:
    response = client.post(
        reverse("allocation:batches"),
        {"region": region.pk if region else "", "week_start": week.monday.isoformat(), "time_limit": "10"},
    )
    assert response.status_code == 302, text_of(response)
    batch = AllocationBatch.objects.latest("pk")
    assert response["Location"] == reverse("allocation:batch", args=[batch.pk])
    return batch


def test_a_head_plans_a_region_and_follows_each_pdu(week: SmallWeek, head: User) -> None:
    client = client_for(head)
    assert "Plan a week for every PDU" in text_of(client.get(reverse("allocation:index")))
    form = text_of(client.get(reverse("allocation:batches")))
    assert "Every region" in form and "North East" in form
    batch = start_by_page(client, week, region=week.pdu.region)
    assert (batch.scope, batch.region, batch.created_by) == (BatchScope.REGION, week.pdu.region, head)
    pdus = Pdu.objects.filter(region=week.pdu.region)
    assert batch.runs.count() == pdus.count() > 1  # one run a PDU of the region
    made = batch.runs.get(pdu=week.pdu)
    assert made.status == RunStatus.DONE and made.task_id

    page = text_of(client.get(reverse("allocation:batch", args=[batch.pk])))
    assert "North East" in page
    assert f"{pdus.count()} of {pdus.count()} plans finished, {pdus.count() - 1} failed" in page
    row = re.search(rf'data-testid="run-{made.pk}".*?</tr>', page)
    assert row is not None
    assert "Ready to review" in row.group() and "100%" in row.group() and "3 of 4" in row.group()
    assert "allocation-batch.js" not in page  # all finished: nothing to follow
    assert "Run every failed plan again" in page

    status = client.get(reverse("allocation:batch-status", args=[batch.pk]))
    assert "no-store" in status["Cache-Control"]
    payload = status.json()
    assert payload["finished"] is True and payload["failed"] == pdus.count() - 1
    mine = next(run for run in payload["runs"] if run["id"] == made.pk)
    assert (mine["status"], mine["progress"], mine["placed"], mine["people"]) == ("done", 100, 3, 4)
    assert mine["gap"] is not None and 0 <= mine["gap"] <= 100


def test_a_run_in_the_making_shows_its_progress_and_the_page_follows_it(week: SmallWeek, head: User) -> None:
    with mock.patch.object(services, "run_allocation"):  # queued: no worker has taken them yet
        batch = batches.allocation_batch_start(actor=head, week_start=week.monday, region=week.pdu.region)
    run = batch.runs.get(pdu=week.pdu)
    AllocationRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, progress=25, stage="Solving: 4 people")
    page = text_of(client_for(head).get(reverse("allocation:batch", args=[batch.pk])))
    assert "allocation-batch.js" in page and f'data-batch-status="/allocation/weeks/{batch.pk}/status/"' in page
    assert "Solving: 4 people" in page and 'value="25"' in page
    assert "Refresh the page to see the progress" in page  # without JavaScript
    payload = client_for(head).get(reverse("allocation:batch-status", args=[batch.pk])).json()
    assert payload["finished"] is False and payload["summary"].startswith("0 of ")


def test_failed_plans_are_run_again_in_the_same_batch(week: SmallWeek, head: User, pdu_a2: Pdu) -> None:
    batch = batches.allocation_batch_start(actor=head, week_start=week.monday, region=week.pdu.region)
    failed = batch.runs.get(pdu=pdu_a2)
    assert failed.status == RunStatus.FAILED and failed.message  # no sessions that week
    client = client_for(head)
    response = client.post(reverse("allocation:batch-retry", args=[batch.pk]), {"run": failed.pk})
    assert response.status_code == 302
    again = batch.runs.filter(pdu=pdu_a2).latest("pk")
    assert again.pk != failed.pk and again.parent == failed and again.batch == batch
    assert AllocationRun.objects.get(pk=failed.pk).status == RunStatus.SUPERSEDED
    page = text_of(client.get(reverse("allocation:batch", args=[batch.pk])))
    assert f'data-testid="run-{again.pk}"' in page and f'data-testid="run-{failed.pk}"' not in page

    done = batch.runs.get(pdu=week.pdu)
    refused = client.post(reverse("allocation:batch-retry", args=[batch.pk]), {"run": done.pk}, follow=True)
    assert "Only a failed run of these plans can be run again" in text_of(refused)
    still_failed = [r for r in batches.latest_runs(batch, head) if r.status == RunStatus.FAILED]
    response = client.post(reverse("allocation:batch-retry", args=[batch.pk]), follow=True)
    assert f"{len(still_failed)} plans started again" in text_of(response)
    assert not any(r.pk in {f.pk for f in still_failed} for r in batches.latest_runs(batch, head))


def test_pdus_being_planned_or_published_are_left_out_and_named(week: SmallWeek, head: User, pdu_a2: Pdu) -> None:
    with mock.patch.object(services, "run_allocation"):
        services.allocation_run_start(actor=head, pdu=pdu_a2, week_start=week.monday)
    published = services.allocation_run_start(actor=week.coordinator, pdu=week.pdu, week_start=week.monday)
    services.allocation_publish(actor=week.coordinator, run=published)
    batch = batches.allocation_batch_start(actor=head, week_start=week.monday, region=week.pdu.region)
    assert batch.skipped == [  # in the order of the PDUs' names
        {"pdu": week.pdu.name, "reason": batches.PUBLISHED},
        {"pdu": pdu_a2.name, "reason": services.BEING_MADE},
    ]
    assert not batch.runs.filter(pdu__in=[week.pdu, pdu_a2]).exists()
    page = text_of(client_for(head).get(reverse("allocation:batch", args=[batch.pk])))
    assert f"{pdu_a2.name}: {services.BEING_MADE}" in page and f"{week.pdu.name}: {batches.PUBLISHED}" in page


def test_only_regional_and_national_staff_start_one_and_only_in_their_area(
    week: SmallWeek, make_user: Callable[..., User], pdu_b: Pdu
) -> None:
    assert client_for(week.coordinator).get(reverse("allocation:batches")).status_code == 403
    assert "Plan a week for every PDU" not in text_of(client_for(week.coordinator).get(reverse("allocation:index")))
    with pytest.raises(ValidationError) as refused:
        batches.allocation_batch_start(actor=week.coordinator, week_start=week.monday)
    assert refused.value.message_dict == {"region": [batches.ACROSS_PDUS]}

    regional = make_user("rhea", role=OPERATIONS_MANAGER, scope=Scope.REGION, region=week.pdu.region)
    with pytest.raises(ValidationError) as refused:
        batches.allocation_batch_start(actor=regional, week_start=week.monday, region=pdu_b.region)
    assert refused.value.message_dict == {"region": ["Choose your own region"]}
    form = text_of(client_for(regional).get(reverse("allocation:batches")))
    assert "Every region" not in form and "London" not in form
    batch = batches.allocation_batch_start(actor=regional, week_start=week.monday)
    assert batch.region == week.pdu.region and not batch.runs.exclude(pdu__region=week.pdu.region).exists()

    # The coordinator sees the batch, with their own PDU's run only.
    regions = batches.by_region(batch, week.coordinator)
    assert [row.run.pdu for group in regions for row in group.rows] == [week.pdu]
    assert client_for(week.coordinator).get(reverse("allocation:batch", args=[batch.pk])).status_code == 200


def test_a_week_that_cannot_be_planned_is_refused_by_name(week: SmallWeek, head: User) -> None:
    response = client_for(head).post(
        reverse("allocation:batches"), {"region": "", "week_start": "2020-01-06", "time_limit": "10"}
    )
    assert response.status_code == 200 and "Choose a week from the list" in text_of(response)
    with pytest.raises(ValidationError) as refused:
        batches.allocation_batch_start(actor=head, week_start=week.monday, time_limit=500)
    assert refused.value.message_dict == {"time_limit": ["Choose a time limit between 1 and 120 seconds"]}
    assert not AllocationBatch.objects.exists()
