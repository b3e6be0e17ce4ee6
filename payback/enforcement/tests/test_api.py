"""The enforcement API: the same services and scoping as the pages, every write idempotent."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from payback.api.tests.client import API, ApiClient, token_for
from payback.cases.models import CaseStatus, Requirement
from payback.delivery.models import Appointment
from payback.enforcement.models import Action, Decision, EvidenceRequest
from payback.staff.models import User
from payback.testing.builders import Clock, book, placeable_person, plan_session

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]

OnSession = Callable[[Requirement, date, str], Appointment]


def api(user: User) -> ApiClient:
    return ApiClient(token_for(user))


def test_a_failure_is_listed_asked_about_and_decided(clock: Clock, practitioner: User, on_session: OnSession) -> None:
    person = placeable_person(practitioner, hours=100)
    absence = on_session(person, date(2026, 6, 1), "unacceptable_absence")
    client = api(practitioner)
    clock.today = date(2026, 6, 2)
    (listed,) = client.get("/failures").json()
    ref = f"A{absence.pk}"
    assert (listed["ref"], listed["evidence_due"], listed["decision"]) == (ref, "2026-06-08", None)

    body = {"method": "text", "asked_on": "2026-06-02", "idempotency_key": "ask-1"}
    first = client.post(f"/failures/{ref}/evidence-requests", body)
    again = client.post(f"/failures/{ref}/evidence-requests", body)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and first.json()["due_on"] == "2026-06-09"
    assert EvidenceRequest.objects.count() == 1

    no_key = client.post(f"/failures/{ref}/evidence-requests", {"method": "text", "asked_on": "2026-06-02"})
    assert no_key.status_code == 400
    assert no_key.json()["errors"][0]["field"] == "idempotency_key"

    clock.today = date(2026, 6, 10)
    decided = client.post(
        f"/failures/{ref}/decision", {"verdict": "unacceptable", "reason": "No reply", "idempotency_key": "d-1"}
    )
    assert decided.status_code == 201 and decided.json()["verdict"] == "unacceptable"
    detail = client.get(f"/failures/{ref}").json()
    assert detail["step"]["step"] == "warning" and detail["step"]["rule_code"] == "first_failure"
    assert [r["method"] for r in detail["requests"]] == ["text"]

    second = client.post(
        f"/failures/{ref}/decision", {"verdict": "acceptable", "reason": "Changed", "idempotency_key": "d-2"}
    )
    assert second.status_code == 400 and second.json()["errors"][0]["field"] == "verdict"
    assert Decision.objects.count() == 1


def test_evidence_is_uploaded_as_a_form_with_its_file_checked(
    clock: Clock, practitioner: User, on_session: OnSession
) -> None:
    person = placeable_person(practitioner, hours=100)
    absence = on_session(person, date(2026, 6, 1), "unacceptable_absence")
    client = Client()
    headers = {"Authorization": f"Bearer {token_for(practitioner)}", "Idempotency-Key": "evidence-1"}
    url = f"{API}/failures/A{absence.pk}/evidence"
    bad = SimpleUploadedFile("x.png", b"GIF89a not really", content_type="image/png")
    refused = client.post(url, {"description": "Photo", "received_on": "2026-06-01", "file": bad}, headers=headers)
    assert refused.status_code == 400
    assert refused.json()["errors"] == [{"field": "file", "message": "The selected file must be a PDF, JPG or PNG"}]
    good = SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, content_type="image/png")
    made = client.post(url, {"description": "Photo", "received_on": "2026-06-01", "file": good}, headers=headers)
    assert made.status_code == 201
    assert (made.json()["content_type"], made.json()["size_bytes"]) == ("image/png", 72)


def test_breach_and_the_court_through_the_api(
    clock: Clock, practitioner: User, spo: User, on_session: OnSession
) -> None:
    person = placeable_person(practitioner, hours=100)
    client = api(practitioner)
    for day, decided_on, key in (
        (date(2026, 6, 1), date(2026, 6, 10), "a"),
        (date(2026, 7, 6), date(2026, 7, 14), "b"),
    ):
        appointment = on_session(person, day, "unacceptable_absence")
        clock.today = decided_on
        answer = client.post(
            f"/failures/A{appointment.pk}/decision",
            {"verdict": "unacceptable", "reason": "No evidence", "idempotency_key": key},
        )
        assert answer.status_code == 201
    record = client.get(f"/requirements/{person.pk}/enforcement").json()
    assert [s["step"] for s in record["steps"]] == ["warning", "breach"]
    assert record["status"] == CaseStatus.BREACH_IN_PROGRESS and record["open_breach"] is not None
    assert record["earning_stopped_on"] == "2026-06-01"

    clock.today = date(2026, 8, 3)
    over = client.post(
        f"/requirements/{person.pk}/court-outcomes",
        {
            "kind": "breach",
            "hearing_on": "2026-08-03",
            "court": "Newcastle Magistrates' Court",
            "outcome": "continues_extra_hours",
            "extra_minutes": 250 * 60,
            "idempotency_key": "court-1",
        },
    )
    assert over.status_code == 400 and over.json()["errors"][0]["field"] == "extra_minutes"
    heard = client.post(
        f"/requirements/{person.pk}/court-outcomes",
        {
            "kind": "breach",
            "hearing_on": "2026-08-03",
            "court": "Newcastle Magistrates' Court",
            "outcome": "continues_extra_hours",
            "extra_minutes": 20 * 60,
            "idempotency_key": "court-2",
        },
    )
    assert heard.status_code == 201 and heard.json()["ledger_entry"] is not None
    record = client.get(f"/requirements/{person.pk}/enforcement").json()
    assert record["open_breach"] is None and record["status"] == CaseStatus.WORKING  # the induction counted as work
    assert Action.objects.filter(step="breach").count() == 1


def test_outside_the_area_is_not_found(
    clock: Clock, practitioner: User, other_region_practitioner: User, on_session: OnSession
) -> None:
    person = placeable_person(practitioner, hours=100)
    absence = on_session(person, date(2026, 6, 1), "unacceptable_absence")
    client = api(other_region_practitioner)
    assert client.get(f"/failures/A{absence.pk}").status_code == 404
    assert client.get(f"/requirements/{person.pk}/enforcement").status_code == 404
    refused = client.post(
        f"/failures/A{absence.pk}/decision", {"verdict": "acceptable", "reason": "x", "idempotency_key": "k"}
    )
    assert refused.status_code == 404
    assert client.get("/failures").json() == []


def test_a_review_through_the_api(clock: Clock, practitioner: User) -> None:
    person = placeable_person(practitioner, hours=100)
    client = api(practitioner)
    clock.today = date(2026, 9, 2)
    listed = client.get(f"/requirements/{person.pk}/reviews").json()
    assert [(r["point_months"], r["due_on"], r["done"]) for r in listed["reviews"]] == [
        (6, "2026-09-02", False),
        (9, "2026-12-02", False),
    ]
    suggested = listed["figures_today"]["suggested_action"]
    done = client.post(f"/requirements/{person.pk}/reviews/6", {"action": suggested, "idempotency_key": "r-6"})
    assert done.status_code == 201 and done.json()["done"] is True
    early = client.post(f"/requirements/{person.pk}/reviews/9", {"action": suggested, "idempotency_key": "r-9"})
    assert early.status_code == 400 and early.json()["errors"][0]["field"] == "point_months"


def test_a_further_requirement_and_letters_through_the_api(
    clock: Clock, practitioner: User, coordinator: User, supervisor: User, project: Any
) -> None:
    person = placeable_person(practitioner, hours=200)
    client = api(practitioner)
    over = client.post(
        f"/requirements/{person.pk}/further-requirements", {"hours": 150, "concurrent": False, "idempotency_key": "f1"}
    )
    assert over.status_code == 400 and over.json()["errors"][0]["field"] == "hours"
    added = client.post(
        f"/requirements/{person.pk}/further-requirements", {"hours": 150, "concurrent": True, "idempotency_key": "f2"}
    )
    assert added.status_code == 201
    assert (added.json()["concurrent_with"], added.json()["status"]) == (person.pk, CaseStatus.AWAITING_PLACEMENT)

    session = plan_session(coordinator, project, date(2026, 6, 3), supervisor=supervisor)
    (appointment,) = book(coordinator, session, person)
    body = {"appointment": appointment.pk, "idempotency_key": "letter-1"}
    first = client.post(f"/requirements/{person.pk}/appointment-letters", body)
    again = client.post(f"/requirements/{person.pk}/appointment-letters", body)
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    (listed,) = client.get(f"/requirements/{person.pk}/letters").json()
    assert listed["kind"] == "appointment" and "Be there by 09:00" in listed["text"]
