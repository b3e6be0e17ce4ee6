"""The person's own API: signing in with a code for a token of their own, which works only there (and
a member of staff's token does not); answers about the person alone; bad input named by field."""

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from payback.api.api import api
from payback.api.tests.client import token_for
from payback.enforcement import services as enforcement
from payback.portal.models import AbsenceReport, ContactChange
from payback.staff.models import User

from .conftest import PDF, World, last_code, sent

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]
API = "/api/v1/my"


def post(path: str, body: Any, token: str | None = None, **headers: str) -> Any:
    auth = {"Authorization": f"Bearer {token}"} if token else {}
    return Client().post(f"{API}{path}", json.dumps(body), content_type="application/json", headers={**auth, **headers})


def get(path: str, token: str | None) -> Any:
    return Client().get(f"{API}{path}", headers={"Authorization": f"Bearer {token}"} if token else {})


def token_of(world: World, outbox: Path) -> str:
    person = world.jo.person
    started = post("/sign-in", {"crn": person.crn.lower(), "date_of_birth": person.date_of_birth.isoformat()})
    assert started.status_code == 202
    finished = post("/sign-in/code", {"challenge": started.json()["challenge"], "code": last_code(outbox)})
    assert finished.status_code == 200, finished.content
    token: str = finished.json()["token"]
    assert token.startswith("pp_")
    return token


def test_a_person_signs_in_and_reads_their_own_hours_and_sessions(world: World, outbox: Path) -> None:
    token = token_of(world, outbox)
    summary = get("/summary", token).json()
    assert summary["first_name"] == "Jo"
    (hours,) = summary["hours"]
    assert (hours["ordered_minutes"], hours["worked_minutes"], hours["remaining_minutes"]) == (6000, 60, 5940)
    assert hours["finish_by"] == "2027-03-02"
    (session,) = summary["next_sessions"]
    assert session["id"] == world.booking.pk and session["pick_up_point"] == "Haymarket bus station"
    assert session["pick_up_time"] == "08:30:00" and "Food for your lunch" in session["bring"]


def test_the_answer_to_a_sign_in_is_the_same_for_a_case_number_that_does_not_exist(world: World, outbox: Path) -> None:
    person = world.jo.person
    real = post("/sign-in", {"crn": person.crn, "date_of_birth": person.date_of_birth.isoformat()})
    made_up = post("/sign-in", {"crn": "Z999999", "date_of_birth": person.date_of_birth.isoformat()})
    assert real.status_code == made_up.status_code == 202
    assert set(real.json()) == set(made_up.json()) and real.json()["message"] == made_up.json()["message"]
    assert len(real.json()["challenge"]) == len(made_up.json()["challenge"])
    assert len(sent(outbox)) == 1
    wrong = post("/sign-in/code", {"challenge": made_up.json()["challenge"], "code": last_code(outbox)})
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "code"


def test_wrong_codes_are_named_then_locked_out(world: World, outbox: Path, settings: Any) -> None:
    settings.PORTAL_SIGN_IN = {"wrong_codes_per_crn": 3}
    person = world.jo.person
    challenge = post("/sign-in", {"crn": person.crn, "date_of_birth": person.date_of_birth.isoformat()}).json()
    for _ in range(3):
        answer = post("/sign-in/code", {"challenge": challenge["challenge"], "code": "000000"})
        assert answer.status_code == 400 and "not right" in answer.json()["errors"][0]["message"]
    locked = post("/sign-in/code", {"challenge": challenge["challenge"], "code": last_code(outbox)})
    assert locked.status_code == 429 and "tried too many times" in locked.json()["detail"]
    again = post("/sign-in", {"crn": person.crn, "date_of_birth": person.date_of_birth.isoformat()})
    assert again.status_code == 429


def test_a_staff_token_is_refused_here_and_a_person_token_everywhere_else(
    world: World, outbox: Path, practitioner: User
) -> None:
    staff_token = token_for(practitioner)
    assert get("/summary", staff_token).status_code == 401
    assert get("/summary", None).status_code == 401
    person_token = token_of(world, outbox)
    refused = Client().get("/api/v1/people", headers={"Authorization": f"Bearer {person_token}"})
    assert refused.status_code == 401
    assert Client().get("/api/v1/people", headers={"Authorization": f"Bearer {staff_token}"}).status_code == 200


def test_a_token_stops_working_when_unused_and_on_signing_out(world: World, outbox: Path) -> None:
    token = token_of(world, outbox)
    with time_machine.travel(timezone.now() + timedelta(minutes=21)):
        assert get("/summary", token).status_code == 401
    token = token_of(world, outbox)
    assert post("/sign-out", {}, token).status_code == 204
    assert get("/summary", token).status_code == 401


def absence(token: str, appointment: int, key: str | None = "a-1", **fields: Any) -> Any:
    data = {"appointment": appointment, "reason": "medical", "details": "Flu", **fields}
    headers = {"Authorization": f"Bearer {token}", **({"Idempotency-Key": key} if key else {})}
    return Client().post(f"{API}/absences", data, headers=headers)


def test_reporting_an_absence_with_a_file_once_and_only_for_ones_own_session(world: World, outbox: Path) -> None:
    token = token_of(world, outbox)
    assert absence(token, world.other_booking.pk).status_code == 404
    bad = absence(token, world.booking.pk, file=SimpleUploadedFile("x.pdf", b"GIF89a", content_type="application/pdf"))
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "file"
    assert absence(token, world.booking.pk, key=None).status_code == 400
    assert not AbsenceReport.objects.exists()
    made = absence(token, world.booking.pk, file=SimpleUploadedFile("n.pdf", PDF, content_type="application/pdf"))
    assert made.status_code == 201 and made.json()["file_sent"] is True
    again = absence(token, world.booking.pk, file=SimpleUploadedFile("n.pdf", PDF, content_type="application/pdf"))
    assert again.status_code == 201 and again.json()["id"] == made.json()["id"]
    assert AbsenceReport.objects.count() == 1
    assert get("/summary", token).json()["next_sessions"][0]["told_us_cannot_come"] is True


def test_contact_details_and_how_messages_are_sent(world: World, outbox: Path) -> None:
    token = token_of(world, outbox)
    assert get("/contact", token).json()["messages_by"] == "text"
    refused = post("/contact/messages", {"messages_by": "email"}, token)
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "channel"
    sent_change = post("/contact-changes", {"email": "jo@example.com"}, token, **{"Idempotency-Key": "c-1"})
    assert sent_change.status_code == 201 and sent_change.json()["status"] == "waiting"
    replayed = post("/contact-changes", {"email": "jo@example.com"}, token, **{"Idempotency-Key": "c-1"})
    assert replayed.json()["id"] == sent_change.json()["id"] and ContactChange.objects.count() == 1
    assert get("/contact", token).json()["waiting_change"]["email"] == "jo@example.com"


def test_letters_are_the_persons_own(world: World, outbox: Path) -> None:
    mine = enforcement.appointment_letter_issue(actor=world.practitioner, appointment=world.booking)
    theirs = enforcement.appointment_letter_issue(actor=world.practitioner, appointment=world.other_booking)
    for letter in (mine, theirs):
        enforcement.letter_send(letter_id=letter.pk)
    letters = get("/letters", token_of(world, outbox)).json()
    assert [letter["id"] for letter in letters] == [mine.pk]
    assert letters[0]["title"] == "Letter about your appointment" and letters[0]["issued_on"] == str(date(2026, 11, 18))


def test_the_persons_schemas_have_names_of_their_own_in_the_document() -> None:
    """No schema of the person's API takes the name of a staff schema (the document would show one
    shape for both)."""
    schemas = api.get_openapi_schema()["components"]["schemas"]
    assert {"wear", "bring", "told_us_cannot_come"} <= set(schemas["MySessionOut"]["properties"])
    assert "register_version" in schemas["SessionOut"]["properties"]
    assert "title" in schemas["MyLetterOut"]["properties"]
