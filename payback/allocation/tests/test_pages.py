"""Allocation pages through the Django test client: run the plan for a small PDU (the task runs at
once under the test settings), review the grid, change it by hand, publish, and see the list on
the supervisor's session page; a stale plan, a breaking edit and a week with no sessions each get a
clear message; another region's run is not found; the capacity planner and its what-ifs."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from payback.allocation import services
from payback.allocation.models import AllocationRun, RunStatus
from payback.api.tests.client import ApiClient, token_for
from payback.cases.services import requirement_change_status
from payback.delivery import services as delivery_services
from payback.delivery.models import Appointment
from payback.staff.models import Pdu
from payback.staff.roles import OPERATIONS_MANAGER
from payback.testing.builders import make_staff

from .weeks import SmallWeek, small_week

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def week(pdu_a: Pdu) -> SmallWeek:
    return small_week(pdu_a)


def run_by_page(week: SmallWeek, client: Client, *, monday: Any = None) -> AllocationRun:
    response = client.post(
        reverse("allocation:index"),
        {"pdu": week.pdu.pk, "week_start": (monday or week.monday).isoformat(), "time_limit": "10"},
    )
    assert response.status_code == 302, text_of(response)
    run = AllocationRun.objects.latest("pk")
    assert response["Location"] == reverse("allocation:run", args=[run.pk])
    return run


def test_a_coordinator_runs_the_plan_and_reviews_the_grid(week: SmallWeek) -> None:
    client = client_for(week.coordinator)
    page = client.get(reverse("allocation:index"))
    assert page.status_code == 200
    assert "Run the plan for a week" in text_of(page)
    assert 'href="/allocation/"' in text_of(client.get("/"))  # in the menu
    run = run_by_page(week, client)
    page = text_of(client.get(reverse("allocation:run", args=[run.pk])))
    assert "Ready to review" in page
    assert "3 of 4 people placed" in page
    assert "Alex Adams" in page and "Grace Hill" in page
    assert "Women-only" in page or "women-only" in page  # Grace's reason
    # Each person's row names the sessions they are placed on (not a cell for every session)
    assert re.search(r'data-testid="placed-on">(Park planting|Towpath clearance), (Mon|Tue|Wed|Thu|Fri) \d+ ', page)
    assert 'data-testid="placed-on">None</td>' in page  # Grace
    assert re.search(r"Run by</dt>.*Cora Tester, ", page)
    assert "% of the best possible" in page
    status = client.get(reverse("allocation:status", args=[run.pk])).json()
    assert status == {
        "id": run.pk,
        "status": "done",
        "status_label": "Ready to review",
        "progress": 100,
        "stage": "Done",
        "message": "",
        "finished": True,
    }


def test_a_queued_run_shows_its_progress_and_works_without_javascript(week: SmallWeek) -> None:
    run = AllocationRun.objects.create(
        pdu=week.pdu, week_start=week.monday, created_by=week.coordinator, progress=25, stage="Solving"
    )
    page = text_of(client_for(week.coordinator).get(reverse("allocation:run", args=[run.pk])))
    assert '<progress id="run-progress" class="payback-progress" max="100" value="25">25%</progress>' in page
    assert "Solving" in page
    assert "Refresh the page to see the progress" in page
    assert "payback/allocation-progress.js" in page and "data-allocation-status" in page
    assert 'style="' not in page


def test_a_week_with_no_sessions_gets_a_clear_message(week: SmallWeek) -> None:
    client = client_for(week.coordinator)
    run = run_by_page(week, client, monday=week.monday + timedelta(weeks=3))
    page = text_of(client.get(reverse("allocation:run", args=[run.pk])))
    assert "The plan could not be made" in page
    assert f"There are no planned sessions for {week.pdu.name}" in page
    assert "plan sessions for the week first" in page


def test_a_hand_edit_that_breaks_a_rule_is_refused_naming_it(week: SmallWeek) -> None:
    client = client_for(week.coordinator)
    run = run_by_page(week, client)
    man = week.men[0].person_id
    url = reverse("allocation:person", args=[run.pk, man])
    page = text_of(client.get(url))
    assert "Their sessions" in page and "Place on a session" in page
    refused = client.post(url, {"to_session": week.tuesday_session.pk, "from_session": week.monday_session.pk})
    assert refused.status_code == 200
    body = text_of(refused)
    assert "There is a problem" in body
    assert "Refused: Availability: Alex Adams is not free on Tuesdays" in body
    run.refresh_from_db()
    assert run.edits == []
    # Grace asked for women-only work: adding her to the mixed group is refused too.
    refused = client.post(
        reverse("allocation:person", args=[run.pk, week.woman.person_id]), {"to_session": week.monday_session.pk}
    )  # type: ignore[union-attr]
    assert "Refused: Placement preference: Grace Hill asked for women-only work" in text_of(refused)
    # Removing, pinning and adding back are allowed, and recorded.
    removed = client.post(reverse("allocation:remove", args=[run.pk, man]), {"session": week.wednesday_session.pk})
    assert removed.status_code == 302
    added = client.post(url, {"to_session": week.wednesday_session.pk})
    assert added.status_code == 302
    pinned = client.post(reverse("allocation:pin", args=[run.pk, man]), {"session": week.monday_session.pk, "pin": "1"})
    assert pinned.status_code == 302
    page = text_of(client.get(reverse("allocation:run", args=[run.pk])))
    assert "Removed Alex Adams from Towpath clearance" in page
    assert "Added Alex Adams to Towpath clearance" in page
    assert "Pinned Alex Adams on Towpath clearance" in page
    assert "Pinned</strong>" in page


def test_publish_books_the_appointments_and_the_supervisor_sees_the_list(week: SmallWeek) -> None:
    client = client_for(week.coordinator)
    run = run_by_page(week, client)
    confirm = text_of(client.get(reverse("allocation:publish", args=[run.pk])))
    assert "Publishing books 6 appointments on 3 sessions" in confirm
    response = client.post(reverse("allocation:publish", args=[run.pk]))
    assert response.status_code == 302
    assert Appointment.objects.filter(cancelled_at__isnull=True).count() == 6
    page = text_of(client.get(reverse("allocation:run", args=[run.pk]), follow=True))
    assert "Plan published: 6 appointments booked; 1 supervisor told by email" in page
    assert "Re-plan the week" in page
    assert len(mail.outbox) == 1 and "Alex Brown" in mail.outbox[0].body
    session_page = text_of(client_for(week.supervisor).get(reverse("delivery:session", args=[week.monday_session.pk])))
    assert "Who is expected" in session_page
    for man in week.men:
        assert man.person.full_name in session_page


def test_a_stale_plan_is_refused_with_the_conflicts_and_nothing_booked(week: SmallWeek) -> None:
    client = client_for(week.coordinator)
    run = run_by_page(week, client)
    requirement_change_status(
        actor=week.practitioner, requirement=week.men[2], to_status="backlog", reason="Window passed"
    )
    delivery_services.session_stand_down(actor=week.manager, session=week.monday_session, reason="weather")
    response = client.post(reverse("allocation:publish", args=[run.pk]))
    assert response.status_code == 200
    body = text_of(response)
    assert "the data has changed since the plan was made, so nothing was booked" in body
    assert "Alex Clarke (Towpath clearance on Wed" in body and "backlog" in body
    assert "Alex Adams (Towpath clearance on Mon" in body and "The session is stood down" in body
    assert Appointment.objects.count() == 0
    page = text_of(client.get(reverse("allocation:run", args=[run.pk])))
    assert "The plan could not be published" in page and "Alex Clarke" in page


def test_another_regions_run_is_not_found_and_supervisors_are_kept_out(week: SmallWeek, pdu_b: Pdu) -> None:
    run = services.allocation_run_start(actor=week.coordinator, pdu=week.pdu, week_start=week.monday, time_limit=5)
    outsider = client_for(make_staff("lon", role=OPERATIONS_MANAGER, pdu=pdu_b))
    for url in (
        reverse("allocation:run", args=[run.pk]),
        reverse("allocation:status", args=[run.pk]),
        reverse("allocation:person", args=[run.pk, week.men[0].person_id]),
        reverse("allocation:publish", args=[run.pk]),
    ):
        assert outsider.get(url).status_code == 404, url
    assert outsider.post(reverse("allocation:publish", args=[run.pk])).status_code == 404
    refused = outsider.post(
        reverse("allocation:index"), {"pdu": week.pdu.pk, "week_start": week.monday.isoformat(), "time_limit": "10"}
    )
    assert "Choose a PDU in your area" in text_of(refused)
    assert client_for(week.supervisor).get(reverse("allocation:index")).status_code == 403
    run.refresh_from_db()
    assert run.status == RunStatus.DONE


def test_the_capacity_planner_shows_hours_and_what_a_change_does(week: SmallWeek) -> None:
    client = client_for(week.coordinator)
    page = text_of(client.get(reverse("allocation:capacity")))
    assert "Capacity planner" in page
    assert "<svg" in page and "Bar chart of hours of session capacity" in page
    assert "396h owed by 4 people" in page
    assert "4 people cannot finish on time at this rate" in page
    saturday = text_of(client.get(reverse("allocation:capacity"), {"pdu": week.pdu.pk, "scenario": "saturday"}))
    assert "Add a session every Saturday (6 places, 7 hours): 0 at risk (4 fewer)" in saturday
    closes = text_of(
        client.get(
            reverse("allocation:capacity"),
            {"pdu": week.pdu.pk, "scenario": "project_closes", "project": week.project.pk},
        )
    )
    assert "Towpath clearance closes: 4 at risk (no change)" in closes
    missing = text_of(client.get(reverse("allocation:capacity"), {"pdu": week.pdu.pk, "scenario": "project_closes"}))
    assert "Choose the project that closes" in missing


# ---------------------------------------------------------------------------------------------
# The API


def test_the_api_runs_reads_edits_and_publishes_a_plan(week: SmallWeek, pdu_b: Pdu) -> None:
    api = ApiClient(token_for(week.coordinator))
    started = api.post("/allocation/runs", {"pdu": week.pdu.pk, "week_start": week.monday.isoformat()})
    assert started.status_code == 202, started.json()
    run = started.json()
    assert (run["status"], run["progress"], run["pdu"], run["created_by"]) == ("done", 100, "NE01", "Cora Tester")
    status = api.get(f"/allocation/runs/{run['id']}").json()
    assert status["status"] == "done" and status["score"] <= status["bound"] + 1e-6
    plan = api.get(f"/allocation/runs/{run['id']}/plan").json()
    assert [s["id"] for s in plan["sessions"]] == [
        week.monday_session.pk,
        week.tuesday_session.pk,
        week.wednesday_session.pk,
    ]
    people = {p["crn"]: p for p in plan["people"]}
    grace = people[week.woman.person.crn]  # type: ignore[union-attr]
    assert grace["sessions"] == [] and "women-only" in grace["reason"].lower()
    adams = people[week.men[0].person.crn]
    assert adams["sessions"] == [week.monday_session.pk, week.wednesday_session.pk] and adams["reason"] is None
    refused = api.post(
        f"/allocation/runs/{run['id']}/hand-edits",
        {
            "action": "move",
            "person": adams["id"],
            "session": week.monday_session.pk,
            "to_session": week.tuesday_session.pk,
        },
    )
    assert refused.status_code == 400
    assert refused.json() == {
        "errors": [{"field": "to_session", "message": "Refused: Availability: Alex Adams is not free on Tuesdays"}]
    }
    edited = api.post(
        f"/allocation/runs/{run['id']}/hand-edits",
        {"action": "remove", "person": adams["id"], "session": week.monday_session.pk},
    )
    assert edited.status_code == 200
    assert edited.json()["edits"][0]["summary"].startswith("Removed Alex Adams from Towpath clearance")
    published = api.post(f"/allocation/runs/{run['id']}/publish")
    assert published.status_code == 200, published.json()
    assert published.json()["status"] == "published" and published.json()["published_by"] == "Cora Tester"
    assert Appointment.objects.filter(cancelled_at__isnull=True).count() == 5
    again = api.post(f"/allocation/runs/{run['id']}/publish")
    assert again.status_code == 400
    # Another region's caller cannot see the run, nor plan a PDU outside their area.
    outsider = ApiClient(token_for(make_staff("lon", role=OPERATIONS_MANAGER, pdu=pdu_b)))
    assert outsider.get(f"/allocation/runs/{run['id']}").status_code == 404
    assert outsider.get(f"/allocation/runs/{run['id']}/plan").status_code == 404
    refused = outsider.post("/allocation/runs", {"pdu": week.pdu.pk, "week_start": week.monday.isoformat()})
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "pdu"
    assert ApiClient(token_for(week.supervisor)).get(f"/allocation/runs/{run['id']}").status_code == 403


def test_the_api_refuses_a_stale_plan_naming_each_conflict(week: SmallWeek) -> None:
    api = ApiClient(token_for(week.coordinator))
    run = api.post("/allocation/runs", {"pdu": week.pdu.pk, "week_start": week.monday.isoformat()}).json()
    delivery_services.session_stand_down(actor=week.manager, session=week.wednesday_session, reason="weather")
    refused = api.post(f"/allocation/runs/{run['id']}/publish")
    assert refused.status_code == 400
    errors = refused.json()["errors"]
    assert {e["field"] for e in errors} == {"publish"}
    assert errors[0]["message"].startswith("Not published: the data has changed")
    assert len(errors) == 4 and all("stood down" in e["message"] for e in errors[1:])
    assert Appointment.objects.count() == 0
    assert api.get(f"/allocation/runs/{run['id']}").json()["conflicts"] == [e["message"] for e in errors[1:]]
