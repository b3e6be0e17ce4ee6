"""The supervisor's day without signal, through the Django test client: the service worker and
the list of today's pages it keeps, each form of the day sent twice with its idempotency key
(as the phone does when the first answer was lost) recording once, and signing out clearing what
the phone kept."""

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone

from payback.cases.models import Requirement
from payback.delivery.models import (
    Appointment,
    IdempotentRequest,
    Incident,
    RiskConcern,
    Session,
    SessionStatus,
    ToolCount,
)
from payback.staff.models import Pdu, User
from payback.testing.builders import (
    actions_since,
    active_project,
    audit_mark,
    book,
    counts,
    placeable_person,
    plan_session,
)

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18", at="10:30")]

KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"


@dataclass
class Day:
    session: Session
    appointment: Appointment
    client: Client


@pytest.fixture
def day(supervisor: User, coordinator: User, manager: User, practitioner: User, pdu_a: Pdu) -> Day:
    """Today's session, 09:00 to 16:00, with one person booked; the supervisor signed in."""
    project = active_project(coordinator, manager, pdu_a)
    session = plan_session(coordinator, project, timezone.localdate(), supervisor=supervisor)
    person: Requirement = placeable_person(practitioner, first_name="Lee", last_name="Archer")
    (appointment,) = book(coordinator, session, person)
    client = Client()
    client.force_login(supervisor)
    return Day(session, appointment, client)


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# ---------------------------------------------------------------------------------------------
# The service worker and the day it keeps


def test_the_service_worker_is_served_for_the_sessions_pages_loading_workbox_from_the_service(
    client: Client,
) -> None:
    response = client.get("/sessions/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/sessions/"
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert '"scope": "/sessions/"' in body and '"day": "/sessions/today/offline/"' in body
    scripts = re.findall(r'"(/assets/[^"]+\.js)"', body)
    assert scripts == [
        "/assets/workbox/workbox-core.prod.js",
        "/assets/workbox/workbox-routing.prod.js",
        "/assets/workbox/workbox-strategies.prod.js",
        "/assets/workbox/workbox-background-sync.prod.js",
        "/assets/delivery/offline-worker.js",
    ]
    # Every script it loads is one of the service's own static files, none from another site.
    for script in scripts:
        assert finders.find(script.removeprefix("/assets/")), script
    assert "https://" not in body
    assert finders.find("workbox/workbox-window.prod.mjs")
    assert client.post("/sessions/sw.js").status_code == 405


def test_the_policy_lets_the_service_run_its_own_worker_only(client: Client) -> None:
    policy = client.get("/sessions/sw.js")["Content-Security-Policy"]
    assert "worker-src 'self'" in policy
    assert re.search(r"script-src 'self'( 'nonce-[^']+')?(;|$)", policy)  # no other site's scripts


def test_the_day_kept_on_the_phone_is_every_page_of_todays_open_sessions(day: Day) -> None:
    pk, aid = day.session.pk, day.appointment.pk
    response = day.client.get("/sessions/today/offline/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    kept = response.json()
    assert kept["day"] == "2026-11-18" and kept["done"] is False and kept["csrf"]
    assert kept["sessions"] == [{"id": pk, "label": "Towpath clearance, 09:00"}]
    assert kept["pages"] == [
        "/sessions/today/",
        f"/sessions/{pk}/",
        f"/sessions/{pk}/before-work/",
        f"/sessions/{pk}/register/?kept=phone",
        f"/sessions/{pk}/tools-in/?kept=phone",
        f"/sessions/{pk}/incident/",
        f"/sessions/{pk}/people/{aid}/concern/",
    ]
    # Once tools are counted out, counting them back in is kept as the page itself.
    ToolCount.objects.create(session=day.session, tool="Spade", counted_out=6)
    pages = day.client.get("/sessions/today/offline/").json()["pages"]
    assert f"/sessions/{pk}/tools-in/" in pages and f"/sessions/{pk}/tools-in/?kept=phone" not in pages


def test_once_todays_registers_are_closed_nothing_is_kept(day: Day) -> None:
    Session.objects.filter(pk=day.session.pk).update(status=SessionStatus.CLOSED)
    kept = day.client.get("/sessions/today/offline/").json()
    assert (kept["done"], kept["sessions"], kept["pages"]) == (True, [], ["/sessions/today/"])


def test_the_day_is_kept_only_for_someone_who_runs_sessions(practitioner: User, client: Client) -> None:
    assert client.get("/sessions/today/offline/").status_code == 302  # to sign in
    client.force_login(practitioner)
    assert client.get("/sessions/today/offline/").status_code == 403


def test_each_page_of_the_day_says_what_is_kept_on_the_phone_and_its_forms_carry_a_key(day: Day) -> None:
    pk, aid = day.session.pk, day.appointment.pk
    for url in ("today/", f"{pk}/", f"{pk}/before-work/", f"{pk}/register/", f"{pk}/incident/"):
        page = text_of(day.client.get(f"/sessions/{url}"))
        assert 'role="status" data-offline-status' in page, url
        assert "delivery/offline.js" in page, url
    assert "data-offline-today" in text_of(day.client.get("/sessions/today/"))
    for url in (f"{pk}/before-work/", f"{pk}/incident/", f"{pk}/people/{aid}/concern/"):
        page = text_of(day.client.get(f"/sessions/{url}"))
        assert re.search(r'<input type="hidden" name="idempotency_key" value="[0-9a-f]{32}"', page), url


@pytest.mark.today("2026-11-18", at="07:30")
def test_a_register_kept_in_the_morning_opens_for_recording_at_the_start_time(day: Day) -> None:
    shown = text_of(day.client.get(f"/sessions/{day.session.pk}/register/"))
    assert "data-register-later" not in shown and 'name="action"' not in shown
    page = text_of(day.client.get(f"/sessions/{day.session.pk}/register/?kept=phone"))
    assert "The register can be completed from 09:00" in page
    # 90 minutes to go: the form is there, inert, for the page's script to show at 09:00.
    later = re.search(r'<template data-register-later data-opens-in="(\d+)">(.*?)</template>', page)
    assert later is not None
    assert 5390 <= int(later.group(1)) <= 5400
    assert 'name="action" value="close"' in later.group(2)


def test_signing_out_clears_what_the_phone_kept(supervisor: User, client: Client) -> None:
    client.force_login(supervisor)
    response = client.post("/sign-out/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'


# ---------------------------------------------------------------------------------------------
# Each form sent again records once


def sent_twice(client: Client, url: str, data: dict[str, Any]) -> list[Any]:
    """The same submit, twice, as the phone sends it again when the first answer was lost."""
    return [client.post(url, data, follow=True) for _ in range(2)]


def assert_both_answered(responses: list[Any], message: str) -> None:
    for response in responses:
        assert response.redirect_chain and response.redirect_chain[-1][1] == 302
        assert message in text_of(response)


CHECKS = {
    "idempotency_key": KEY,
    "toolbox_talk_given": "on",
    "hazards_seen": "Wet towpath",
    "controls": "Boots with grip",
    "go": "go",
    "tools_out": "Spade, 6",
}


def test_the_before_work_checks_sent_again_are_recorded_once(day: Day) -> None:
    mark = audit_mark()
    before = counts()
    responses = sent_twice(day.client, f"/sessions/{day.session.pk}/before-work/", CHECKS)
    assert_both_answered(responses, "Before-work checks recorded")
    assert actions_since(mark) == ["session.checks"]
    after = counts()
    assert after["ToolCount"] == before["ToolCount"] + 1
    assert after["IdempotentRequest"] == before["IdempotentRequest"] + 1
    assert IdempotentRequest.objects.get(key=KEY).scope == "session.checks"


def test_the_same_key_with_different_checks_is_refused_naming_the_key(day: Day) -> None:
    url = f"/sessions/{day.session.pk}/before-work/"
    day.client.post(url, CHECKS)
    mark = audit_mark()
    response = day.client.post(url, {**CHECKS, "hazards_seen": "Nettles"})
    assert response.status_code == 200
    assert "This idempotency key was used for a different request" in text_of(response)
    assert actions_since(mark) == []
    day.session.refresh_from_db()
    assert day.session.hazards_seen == "Wet towpath"


def test_tools_counted_in_sent_again_are_recorded_once(day: Day) -> None:
    tool = ToolCount.objects.create(session=day.session, tool="Spade", counted_out=6)
    mark = audit_mark()
    data = {"idempotency_key": KEY, f"t{tool.pk}-counted_in": "5", f"t{tool.pk}-note": "One left at the lock"}
    responses = sent_twice(day.client, f"/sessions/{day.session.pk}/tools-in/", data)
    assert_both_answered(responses, "Tools counted back in")
    assert actions_since(mark) == ["session.tools_in"]
    tool.refresh_from_db()
    assert (tool.counted_in, tool.note) == (5, "One left at the lock")


def test_an_incident_report_sent_again_is_one_incident(day: Day) -> None:
    now = timezone.localtime()
    data = {
        "idempotency_key": KEY,
        "occurred_on_0": now.day,
        "occurred_on_1": now.month,
        "occurred_on_2": now.year,
        "occurred_time": "10:05",
        "location": "By the lock gates",
        "what_happened": "A strimmer threw a stone",
        "near_miss": "yes",
        "emergency_services_called": "no",
    }
    responses = sent_twice(day.client, f"/sessions/{day.session.pk}/incident/", data)
    assert_both_answered(responses, "Near miss reported: the operations manager has been told")
    assert Incident.objects.count() == 1
    assert actions_since(0).count("incident.reported") == 1


def test_a_risk_concern_sent_again_is_one_concern(day: Day) -> None:
    url = f"/sessions/{day.session.pk}/people/{day.appointment.pk}/concern/"
    data = {"idempotency_key": KEY, "category": "drugs_alcohol", "details": "Smelt of alcohol at pick-up"}
    responses = sent_twice(day.client, url, data)
    assert_both_answered(responses, "Concern about Lee Archer sent to")
    assert RiskConcern.objects.count() == 1


def test_a_register_sent_again_is_recorded_once(day: Day) -> None:
    register = day.client.get(f"/sessions/{day.session.pk}/register/")
    meta = register.context["meta"].initial
    a = day.appointment.pk
    data = {
        "idempotency_key": meta["idempotency_key"],
        "version": meta["version"],
        "action": "save",
        "appointment": [str(a)],
        f"a{a}-outcome": "attended_complied",
        f"a{a}-arrived_at": "",
        f"a{a}-left_at": "",
    }
    mark = audit_mark()
    responses = sent_twice(day.client, f"/sessions/{day.session.pk}/register/", data)
    assert_both_answered(responses, "Register saved")
    assert Session.objects.get(pk=day.session.pk).register_version == meta["version"] + 1
    assert len(actions_since(mark)) == 1


def test_a_submit_without_a_key_is_still_recorded(day: Day) -> None:
    url = f"/sessions/{day.session.pk}/people/{day.appointment.pk}/concern/"
    response = day.client.post(url, {"category": "other", "details": "Said he was sleeping rough"})
    assert response.status_code == 302
    assert RiskConcern.objects.get().details == "Said he was sleeping rough"
