"""The enforcement pages: deciding a failure from the register through the forms, evidence files
checked by their contents and kept from anyone outside the area, the senior's overdue list, and a
court outcome recorded from the case."""

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from payback.cases.models import CaseStatus, Requirement
from payback.delivery.models import Appointment
from payback.enforcement.models import Action, Decision, Evidence, EvidenceRequest
from payback.staff.models import User
from payback.testing.builders import Clock, placeable_person

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]

OnSession = Callable[[Requirement, date, str], Appointment]
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def day(prefix: str, value: date) -> dict[str, str]:
    return {f"{prefix}_0": str(value.day), f"{prefix}_1": str(value.month), f"{prefix}_2": str(value.year)}


def key_of(client: Client, url: str) -> str:
    found = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', client.get(url).content.decode())
    assert found is not None
    return found.group(1)


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, {"idempotency_key": key_of(client, url), **data})


def test_a_failure_is_asked_about_evidenced_and_decided_through_the_pages(
    clock: Clock, practitioner: User, on_session: OnSession
) -> None:
    person = placeable_person(practitioner, hours=100)
    absence = on_session(person, date(2026, 6, 1), "unacceptable_absence")
    client = client_for(practitioner)
    clock.today = date(2026, 6, 2)
    page = text_of(client.get("/enforcement/to-decide/"))
    assert "Alex Smith" in page and "Unacceptable absence" in page and "8 Jun 2026" in page
    ref = f"A{absence.pk}"

    asked = post(client, f"/enforcement/failures/{ref}/ask/", {"method": "phone", **day("asked_on", date(2026, 6, 2))})
    assert asked.status_code == 302
    assert EvidenceRequest.objects.get().due_on == date(2026, 6, 9)

    upload = SimpleUploadedFile("gp-note.pdf", PDF, content_type="application/pdf")
    url = f"/enforcement/failures/{ref}/evidence/"
    added = client.post(
        url,
        {
            "idempotency_key": key_of(client, url),
            "description": "GP's note",
            "file": upload,
            **day("received_on", date(2026, 6, 2)),
        },
    )
    assert added.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.content_type, evidence.size_bytes) == ("application/pdf", len(PDF))
    download = client.get(f"/enforcement/evidence/{evidence.pk}/file/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]

    decide = f"/enforcement/failures/{ref}/decide/"
    form = text_of(client.get(decide))
    assert "the rules give: <strong>Warning</strong>" in form
    decided = post(client, decide, {"verdict": "unacceptable", "reason": "The note does not cover the day", "step": ""})
    assert decided.status_code == 302
    assert Decision.objects.get().verdict == "unacceptable"
    assert Action.objects.get().step == "warning"
    assert "Nothing to decide." in text_of(client.get("/enforcement/to-decide/"))
    case_page = text_of(client.get(f"/enforcement/cases/{person.pk}/"))
    assert "Warning letter" in case_page and "Unacceptable" in case_page


def test_bad_input_names_the_field_and_saves_nothing(clock: Clock, practitioner: User, on_session: OnSession) -> None:
    person = placeable_person(practitioner, hours=100)
    absence = on_session(person, date(2026, 6, 1), "unacceptable_absence")
    client = client_for(practitioner)
    url = f"/enforcement/failures/A{absence.pk}/evidence/"
    not_a_pdf = SimpleUploadedFile("note.pdf", b"MZ\x90\x00 this is a program", content_type="application/pdf")
    page = client.post(
        url,
        {
            "idempotency_key": key_of(client, url),
            "description": "Note",
            "file": not_a_pdf,
            **day("received_on", date(2026, 5, 25)),
        },
    )
    assert page.status_code == 200
    assert "The selected file must be a PDF, JPG or PNG" in text_of(page)
    with_settings = client.post(
        f"/enforcement/failures/A{absence.pk}/decide/",
        {
            "idempotency_key": key_of(client, f"/enforcement/failures/A{absence.pk}/decide/"),
            "verdict": "",
            "reason": "",
        },
    )
    assert "Select whether the failure is acceptable" in text_of(with_settings)
    assert "Enter the reason for the decision" in text_of(with_settings)
    assert not Evidence.objects.exists() and not Decision.objects.exists()


def test_someone_outside_the_area_gets_not_found(
    clock: Clock, practitioner: User, other_region_practitioner: User, on_session: OnSession
) -> None:
    person = placeable_person(practitioner, hours=100)
    absence = on_session(person, date(2026, 6, 1), "unacceptable_absence")
    client = client_for(other_region_practitioner)
    for url in (
        f"/enforcement/failures/A{absence.pk}/",
        f"/enforcement/failures/A{absence.pk}/decide/",
        f"/enforcement/cases/{person.pk}/",
        f"/enforcement/cases/{person.pk}/court-outcome/",
        f"/enforcement/cases/{person.pk}/breach-pack/",
    ):
        assert client.get(url).status_code == 404, url
    assert "Nothing to decide." in text_of(client.get("/enforcement/to-decide/?whose=all"))


def test_a_senior_sees_the_teams_overdue_decisions(
    clock: Clock, practitioner: User, spo: User, on_session: OnSession
) -> None:
    person = placeable_person(practitioner, hours=100)
    on_session(person, date(2026, 6, 1), "unacceptable_absence")
    client = client_for(spo)
    clock.today = date(2026, 6, 8)  # the evidence date itself: not yet overdue
    assert "0 overdue" in text_of(client.get("/enforcement/overdue-decisions/"))
    clock.today = date(2026, 6, 9)
    page = text_of(client.get("/enforcement/overdue-decisions/"))
    assert "1 overdue" in page and "Alex Smith" in page and "Overdue" in page
    assert client_for(practitioner).get("/enforcement/overdue-decisions/").status_code == 403


def test_a_court_outcome_is_recorded_from_the_case(clock: Clock, practitioner: User) -> None:
    person = placeable_person(practitioner, hours=100)
    client = client_for(practitioner)
    clock.today = date(2026, 6, 10)
    url = f"/enforcement/cases/{person.pk}/court-outcome/"
    refused = post(
        client,
        url,
        {"kind": "extension", "court": "Leeds", "outcome": "extended", **day("hearing_on", date(2026, 6, 10))},
    )
    assert "Enter the new date by which the hours must be completed" in text_of(refused)
    done = post(
        client,
        url,
        {
            "kind": "extension",
            "court": "Leeds Magistrates' Court",
            "outcome": "extended",
            **day("hearing_on", date(2026, 6, 10)),
            **day("extended_until", date(2027, 6, 1)),
        },
    )
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.extended_until == date(2027, 6, 1)
    assert person.status not in (CaseStatus.REVOKED, CaseStatus.COMPLETED)
    assert "Time to complete extended" in text_of(client.get(f"/enforcement/cases/{person.pk}/"))


def test_the_letter_templates_are_shown_to_the_head_of_unpaid_work(head_of_upw: User, practitioner: User) -> None:
    page = text_of(client_for(head_of_upw).get("/enforcement/letters/templates/"))
    assert "Warning letter" in page and "we must send you back to court" in page
    assert "You have finished your unpaid work" in page
    sample = client_for(head_of_upw).get("/enforcement/letters/templates/breach.pdf")
    assert sample.status_code == 200 and sample.content.startswith(b"%PDF-")


def test_a_further_requirement_is_added_from_the_case(clock: Clock, practitioner: User) -> None:
    person = placeable_person(practitioner, hours=100)
    client = client_for(practitioner)
    url = f"/enforcement/cases/{person.pk}/requirements/new/"
    refused = post(client, url, {"hours": "20", "runs": "consecutive"})
    assert "Hours ordered must be between 40 and 300" in text_of(refused)
    done = post(client, url, {"hours": "60", "runs": "consecutive"})
    assert done.status_code == 302
    assert Requirement.objects.filter(order=person.order).count() == 2
