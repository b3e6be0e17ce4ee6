"""The person's pages: what they see (only their own), telling us they cannot come with a photo or
PDF, new contact details; and the practitioner's side: the case page's panel, confirming details,
and the report becoming evidence for the decision."""

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from payback.cases.models import Person
from payback.cases.services import ledger_credit_work
from payback.core.models import AuditEvent
from payback.delivery.models import Appointment
from payback.enforcement import services as enforcement
from payback.enforcement.models import Evidence, Letter
from payback.portal.models import AbsenceReport, ChangeStatus, ContactChange
from payback.staff.models import User
from payback.testing.builders import frozen_today

from .conftest import PDF, PNG, TODAY, World, missed_on, sign_in, text_of, words_of

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]


@pytest.fixture
def jo(world: World, outbox: Path) -> Client:
    return sign_in(Client(), world.jo.person, outbox)


def staff(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def letter_to(practitioner: User, appointment: Appointment) -> Letter:
    letter = enforcement.appointment_letter_issue(actor=practitioner, appointment=appointment)
    return enforcement.letter_send(letter_id=letter.pk)


def report(client: Client, appointment_id: int, key: str = "k-1", **fields: Any) -> Any:
    data = {"reason": "medical", "details": "I have flu", "idempotency_key": key, **fields}
    return client.post(f"/my/sessions/{appointment_id}/cannot-come/", data)


def test_the_home_page_shows_hours_the_date_to_finish_by_and_the_next_session(world: World, jo: Client) -> None:
    page = words_of(jo.get("/my/"))
    assert "Hours you must do 100 hours" in page
    assert "Hours you have worked 1 hour" in page  # the induction counts
    assert "Hours left to do 99 hours" in page
    assert "Finish by 2 March 2027" in page
    assert "Thursday 19 November" in page and "9am to 4pm" in page
    assert "We pick you up from Haymarket bus station at 8:30am." in page
    assert "Sam" not in page and world.other.person.crn not in page


def test_earned_reduction_is_explained_in_plain_words(world: World, jo: Client, earned_reduction: None) -> None:
    with frozen_today(date(2026, 6, 1)):
        ledger_credit_work(
            actor=world.practitioner,
            requirement=world.jo,
            minutes=30 * 60,
            occurred_on=date(2026, 3, 9),
            source="earlier_work",
            reason="Earlier work",
        )
    page = words_of(jo.get("/my/"))
    # 31 hours worked with the induction: 6 beyond the 25-hour threshold earn 3 hours off.
    assert "Time taken off 3 hours" in page and "Hours left to do 66 hours" in page
    assert "When you have worked 25 hours, each hour you work after that takes 30 minutes off" in page
    assert "You can earn up to 25 hours off in total." in page
    assert "you only need to work about" in page


def test_the_sessions_page_says_what_to_wear_and_bring(world: World, jo: Client) -> None:
    page = text_of(jo.get("/my/sessions/"))
    assert "Long trousers (not shorts or a short skirt)" in page
    assert "Food for your lunch" in page and "A coat for the weather" in page
    assert f"/my/sessions/{world.booking.pk}/cannot-come/" in page


def test_a_person_sees_only_their_own_sessions_letters_and_reports(world: World, jo: Client) -> None:
    assert jo.get(f"/my/sessions/{world.other_booking.pk}/cannot-come/").status_code == 404
    assert report(jo, world.other_booking.pk).status_code == 404
    letter = letter_to(world.practitioner, world.other_booking)
    assert jo.get(f"/my/letters/{letter.pk}/").status_code == 404
    assert "Letter about your appointment" not in text_of(jo.get("/my/letters/"))
    assert not AbsenceReport.objects.exists()


def test_a_letter_sent_to_the_person_is_shown_with_its_words(world: World, jo: Client) -> None:
    letter = letter_to(world.practitioner, world.booking)
    page = text_of(jo.get("/my/letters/"))
    assert "Letter about your appointment" in page
    assert letter.text.split("\n")[0] in text_of(jo.get(f"/my/letters/{letter.pk}/"))


def test_telling_us_with_a_photo_reaches_the_practitioner_once_however_often_it_is_sent(
    world: World, jo: Client
) -> None:
    photo = SimpleUploadedFile("note.png", PNG, content_type="image/png")
    response = report(jo, world.booking.pk, file=photo)
    assert response["Location"] == "/my/sessions/"
    again = report(jo, world.booking.pk, file=SimpleUploadedFile("note.png", PNG, content_type="image/png"))
    assert again["Location"] == "/my/sessions/"  # the same submit replayed: nothing more
    saved = AbsenceReport.objects.get()
    assert (saved.reason, saved.content_type, saved.size_bytes) == ("medical", "image/png", len(PNG))
    assert AuditEvent.objects.filter(action="portal.absence_reported").count() == 1
    assert "You told us you cannot come" in text_of(jo.get("/my/sessions/"))
    # Another submit (a new key) for the same session is refused with a clear message.
    page = text_of(report(jo, world.booking.pk, key="k-2"))
    assert "You have already told us about this session" in page
    assert AbsenceReport.objects.count() == 1


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("note.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"), "must be a PDF"),
        (SimpleUploadedFile("empty.jpg", b"", content_type="image/jpeg"), None),
    ],
)
def test_a_file_that_is_not_a_photo_or_pdf_is_refused_and_nothing_is_kept(
    world: World, jo: Client, upload: Any, message: str | None
) -> None:
    response = report(jo, world.booking.pk, file=upload)
    assert response.status_code == 200
    page = text_of(response)
    assert "There is a problem" in page
    if message:
        assert "The file must be a PDF, JPG or PNG" in page
    assert not AbsenceReport.objects.exists()


def test_a_file_too_large_is_refused_naming_the_field(world: World, jo: Client, settings: Any) -> None:
    settings.EVIDENCE_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 2048, content_type="application/pdf")
    page = text_of(report(jo, world.booking.pk, file=big))
    assert "The file must be smaller than" in page and 'href="#id_file"' in page
    assert not AbsenceReport.objects.exists()


def test_missing_answers_are_named_on_their_fields(world: World, jo: Client) -> None:
    page = text_of(jo.post(f"/my/sessions/{world.booking.pk}/cannot-come/", {"idempotency_key": "k"}))
    assert "Select why you cannot come" in page and "Tell us what has happened" in page


def test_a_missed_session_can_be_explained_and_becomes_evidence_for_the_decision(
    world: World, jo: Client, practitioner: User
) -> None:
    missed = missed_on(world, TODAY - timedelta(days=2))
    assert "You missed your session on Monday 16 November" in text_of(jo.get("/my/"))
    report(jo, missed.pk, file=SimpleUploadedFile("note.pdf", PDF, content_type="application/pdf"))
    saved = AbsenceReport.objects.get()
    pat = staff(practitioner)
    assert "1 thing to look at" in text_of(pat.get(f"/cases/{world.jo.pk}/"))
    page = text_of(pat.get(f"/my/staff/people/{world.jo.person.crn}/"))
    assert "Medical: I have flu" in page and "Add to the evidence" in page
    assert pat.get(f"/my/staff/reports/{saved.pk}/file/").status_code == 200
    response = pat.post(f"/my/staff/people/{world.jo.person.crn}/", {"report": saved.pk})
    assert response["Location"] == f"/enforcement/failures/A{missed.pk}/"
    evidence = Evidence.objects.get()
    assert evidence.content_type == "application/pdf" and evidence.received_on == TODAY
    assert evidence.description.startswith("Sent online by the person on 18 November 2026: Medical. I have flu")
    failure_page = text_of(pat.get(f"/enforcement/failures/A{missed.pk}/"))
    assert "Sent online by the person" in failure_page and "download the file" in failure_page
    # Adding it again changes nothing.
    pat.post(f"/my/staff/people/{world.jo.person.crn}/", {"report": saved.pk})
    assert Evidence.objects.count() == 1


def test_a_report_before_the_session_waits_until_the_register_records_the_absence(
    world: World, jo: Client, practitioner: User
) -> None:
    report(jo, world.booking.pk)
    page = text_of(staff(practitioner).get(f"/my/staff/people/{world.jo.person.crn}/"))
    assert "When the register records this session as missed" in page
    response = staff(practitioner).post(
        f"/my/staff/people/{world.jo.person.crn}/", {"report": AbsenceReport.objects.get().pk}
    )
    assert response.status_code == 302 and not Evidence.objects.exists()


def test_staff_of_another_region_cannot_see_what_the_person_told_us(
    world: World, jo: Client, other_region_practitioner: User
) -> None:
    report(jo, world.booking.pk, file=SimpleUploadedFile("note.pdf", PDF, content_type="application/pdf"))
    outsider = staff(other_region_practitioner)
    assert outsider.get(f"/my/staff/people/{world.jo.person.crn}/").status_code == 404
    assert outsider.get(f"/my/staff/reports/{AbsenceReport.objects.get().pk}/file/").status_code == 404


def test_new_contact_details_change_the_case_once_the_practitioner_confirms_them(
    world: World, jo: Client, practitioner: User
) -> None:
    page = text_of(jo.post("/my/contact/change/", {"phone": "07700 900999", "idempotency_key": "c-1"}, follow=True))
    assert "Your probation officer will check your new details" in page
    assert "We are still checking" not in page and "You sent us new details" in page
    change = ContactChange.objects.get()
    assert Person.objects.get(pk=world.jo.person_id).phone == "07700 900123"  # not yet
    pat = staff(practitioner)
    crn = world.jo.person.crn
    page = text_of(
        pat.post(f"/my/staff/people/{crn}/", {"change": change.pk, f"change-{change.pk}-decision": "decline"})
    )
    assert "Enter why the change is not being made" in page
    pat.post(f"/my/staff/people/{crn}/", {"change": change.pk, f"change-{change.pk}-decision": "confirm"})
    change.refresh_from_db()
    assert change.status == ChangeStatus.CONFIRMED and change.decided_by == practitioner
    assert Person.objects.get(pk=world.jo.person_id).phone == "07700 900999"
    assert AuditEvent.objects.filter(action="person.contact_changed", actor=practitioner).exists()


def test_bad_contact_details_are_named_and_nothing_is_sent(world: World, jo: Client) -> None:
    page = text_of(
        jo.post(
            "/my/contact/change/",
            {"phone": "call me", "email": "jo@", "address": "1 New Street", "idempotency_key": "c"},
        )
    )
    assert "Enter a phone number, like 07700 900 982" in page
    assert "Enter an email address, like name@example.com" in page
    assert "Enter the postcode of your new address" in page
    assert not ContactChange.objects.exists()
    page = text_of(jo.post("/my/contact/change/", {"idempotency_key": "c"}))
    assert "Tell us at least one new detail" in page


def test_email_can_be_chosen_only_when_we_have_an_email(world: World, jo: Client) -> None:
    page = text_of(jo.post("/my/contact/messages/", {"channel": "email"}))
    assert "We do not have an email address for you" in page
    assert jo.post("/my/contact/messages/", {"channel": "text"})["Location"] == "/my/contact/"
