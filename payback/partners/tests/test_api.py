"""The contact's own API: signing in with an emailed code for a token of their own (`bp_…`), which
works only there (a member of staff's token and a person's do not); answers about their own
organisation alone (anything else 404); a timesheet posted twice with one key recorded once; a
removed contact's token refused at once."""

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from payback.api.tests.client import token_for
from payback.delivery.models import IndividualPlacementTimesheet, RiskConcern
from payback.partners import services
from payback.testing.builders import remaining

from .conftest import World, last_code

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]
API = "/api/v1/partners"


def post(path: str, body: Any, token: str | None = None, **headers: str) -> Any:
    auth = {"Authorization": f"Bearer {token}"} if token else {}
    return Client().post(f"{API}{path}", json.dumps(body), content_type="application/json", headers={**auth, **headers})


def get(path: str, token: str | None) -> Any:
    return Client().get(f"{API}{path}", headers={"Authorization": f"Bearer {token}"} if token else {})


def token_of(email: str, outbox: Path) -> str:
    started = post("/sign-in", {"email": email})
    assert started.status_code == 202
    finished = post("/sign-in/code", {"challenge": started.json()["challenge"], "code": last_code(outbox)})
    assert finished.status_code == 200, finished.content
    token: str = finished.json()["token"]
    assert token.startswith("bp_")
    return token


def sheet(world: World, **overrides: Any) -> dict[str, Any]:
    return {
        "person": world.jo.pk,
        "worked_on": "2026-11-16",
        "started_at": "09:00",
        "ended_at": "12:00",
        "break_minutes": 0,
        "tasks": "Sorted donations",
        **overrides,
    }


def test_a_contact_reads_only_their_own_organisation(world: World, outbox: Path) -> None:
    token = token_of("alex@shop.example", outbox)
    assert [p["name"] for p in get("/projects", token).json()] == ["Charity shop"]
    (placement,) = get("/placements", token).json()
    (person,) = placement["people"]
    assert person["first_name"] == "Jo" and set(person) == {"id", "first_name", "needs", "days"}
    assert [s["project"] for s in get("/sessions", token).json()] == ["Charity shop"]
    assert get(f"/placements/{world.shop.pk}", token).status_code == 200
    assert get(f"/placements/{world.bank.pk}", token).status_code == 404
    assert (
        post(
            f"/placements/{world.bank.pk}/timesheets",
            sheet(world, person=world.sam.pk),
            token,
            **{"Idempotency-Key": "a"},
        ).status_code
        == 404
    )
    assert (
        post(
            f"/placements/{world.shop.pk}/timesheets",
            sheet(world, person=world.sam.pk),
            token,
            **{"Idempotency-Key": "b"},
        ).status_code
        == 404
    )
    bea = token_of("bea@bank.example", outbox)
    created = post(
        f"/placements/{world.bank.pk}/timesheets", sheet(world, person=world.sam.pk), bea, **{"Idempotency-Key": "c"}
    )
    assert created.status_code == 201, created.content
    assert get(f"/timesheets/{created.json()['id']}", token).status_code == 404
    assert get(f"/timesheets/{created.json()['id']}", bea).json()["first_name"] == "Sam"
    assert (
        post(
            "/reports",
            {
                "kind": "incident",
                "project": world.bank.pk,
                "details": "x",
                "occurred_at": "2026-11-18T09:00:00",
                "idempotency_key": "d",
            },
            token,
        ).status_code
        == 404
    )


def test_a_timesheet_posted_twice_with_one_key_is_recorded_once(world: World, outbox: Path) -> None:
    token = token_of("alex@shop.example", outbox)
    owed = remaining(world.jo)
    first = post(f"/placements/{world.shop.pk}/timesheets", sheet(world), token, **{"Idempotency-Key": "k1"})
    again = post(f"/placements/{world.shop.pk}/timesheets", sheet(world), token, **{"Idempotency-Key": "k1"})
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert first.json()["minutes"] == 180 and first.json()["signed_by"] == "Alex Ward"
    assert IndividualPlacementTimesheet.objects.count() == 1 and owed - remaining(world.jo) == 180
    changed = post(
        f"/placements/{world.shop.pk}/timesheets", sheet(world, tasks="Other"), token, **{"Idempotency-Key": "k1"}
    )
    assert changed.status_code == 400
    assert changed.json()["errors"][0]["field"] == "idempotency_key"
    overlap = post(
        f"/placements/{world.shop.pk}/timesheets",
        sheet(world, started_at="11:00", ended_at="13:00"),
        token,
        **{"Idempotency-Key": "k2"},
    )
    assert overlap.status_code == 400 and overlap.json()["errors"][0]["field"] == "started_at"
    no_day = post(
        f"/placements/{world.shop.pk}/timesheets",
        sheet(world, worked_on="2026-11-17"),
        token,
        **{"Idempotency-Key": "k3"},
    )
    assert no_day.status_code == 400
    assert no_day.json()["errors"] == [
        {"field": "worked_on", "message": "Jo has no placement here on 17 November 2026"}
    ]
    missing = post(f"/placements/{world.shop.pk}/timesheets", sheet(world, worked_on="2026-11-18"), token)
    assert missing.status_code == 400 and missing.json()["errors"][0]["field"] == "idempotency_key"
    assert IndividualPlacementTimesheet.objects.count() == 1 and owed - remaining(world.jo) == 180


def test_a_concern_is_sent_once_for_its_key(world: World, outbox: Path) -> None:
    token = token_of("alex@shop.example", outbox)
    body = {
        "kind": "concern",
        "project": world.shop.pk,
        "person": world.jo.pk,
        "details": "Seemed low",
        "idempotency_key": "c1",
    }
    first, again = post("/reports", body, token), post("/reports", body, token)
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert RiskConcern.objects.count() == 1


def test_other_tokens_are_refused_here_and_this_token_elsewhere(world: World, outbox: Path) -> None:
    assert get("/projects", token_for(world.coordinator)).status_code == 401
    assert get("/projects", "pp_" + "x" * 43).status_code == 401
    token = token_of("alex@shop.example", outbox)
    assert Client().get("/api/v1/people", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert Client().get("/api/v1/my/summary", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_removed_contacts_token_stops_at_once_and_sign_out_ends_a_token(world: World, outbox: Path) -> None:
    token = token_of("alex@shop.example", outbox)
    assert get("/projects", token).status_code == 200
    services.contact_remove(actor=world.coordinator, contact=world.alex)
    assert get("/projects", token).status_code == 401
    bea = token_of("bea@bank.example", outbox)
    assert post("/sign-out", {}, bea).status_code == 204
    assert get("/projects", bea).status_code == 401


def test_wrong_codes_are_named_and_too_many_are_429(world: World, outbox: Path) -> None:
    started = post("/sign-in", {"email": "alex@shop.example"}).json()
    code = last_code(outbox)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    answer = post("/sign-in/code", {"challenge": started["challenge"], "code": wrong})
    assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == "code"
    for _ in range(4):
        post("/sign-in", {"email": "alex@shop.example"})
    assert post("/sign-in", {"email": "alex@shop.example"}).status_code == 429
