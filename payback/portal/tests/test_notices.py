"""The practitioner is told, once, when the person tells us online that they cannot come or sends
new contact details; a case with no practitioner goes to the PDU's senior probation officers. The
notification names the person by first name and case number only. The session's page and its
register show the supervisor who said they cannot come."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from payback.cases.models import Person
from payback.notifications.models import Category, Notification
from payback.staff.models import Pdu, User
from payback.staff.roles import SENIOR_PROBATION_OFFICER
from payback.testing.builders import make_staff

from .conftest import PNG, World, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]


@pytest.fixture
def jo(world: World, outbox: Path) -> Client:
    return sign_in(Client(), world.jo.person, outbox)


def cannot_come(client: Client, world: World, key: str) -> None:
    photo = SimpleUploadedFile("note.png", PNG, content_type="image/png")
    data = {"reason": "medical", "details": "I have flu", "idempotency_key": key, "file": photo}
    assert client.post(f"/my/sessions/{world.booking.pk}/cannot-come/", data).status_code == 302


def test_the_practitioner_is_told_once_that_the_person_cannot_come(
    world: World, jo: Client, practitioner: User
) -> None:
    cannot_come(jo, world, "k-1")
    cannot_come(jo, world, "k-1")  # the same submit again
    told = Notification.objects.get()
    person = world.jo.person
    assert (told.recipient, told.category) == (practitioner, Category.TOLD_US_ONLINE)
    assert told.link == f"/my/staff/people/{person.crn}/"
    assert told.subject == f"Cannot come to a session: Jo ({person.crn})"
    assert "19 November 2026" in told.body and "photo or PDF" in told.body
    assert person.last_name not in told.body + told.subject
    assert str(person.date_of_birth.year) not in told.body


def test_the_practitioner_is_told_of_new_contact_details_to_check(world: World, jo: Client, practitioner: User) -> None:
    jo.post("/my/contact/change/", {"phone": "07700 900999", "idempotency_key": "c-1"})
    told = Notification.objects.get()
    assert told.recipient == practitioner
    assert told.subject.startswith("New contact details to check: Jo")
    assert "07700 900999" not in told.body  # the details themselves are read in the service


def test_a_case_with_no_practitioner_goes_to_the_pdus_senior_probation_officers(
    world: World, jo: Client, pdu_a: Pdu, practitioner: User
) -> None:
    senior = make_staff("sena", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)
    Person.objects.filter(pk=world.jo.person_id).update(practitioner=None)
    cannot_come(jo, world, "k-1")
    assert [n.recipient for n in Notification.objects.all()] == [senior]


def test_the_session_and_its_register_show_who_said_they_cannot_come(world: World, jo: Client) -> None:
    cannot_come(jo, world, "k-1")
    supervisor = Client()
    supervisor.force_login(world.supervisor)
    for page in (f"/sessions/{world.session.pk}/", f"/sessions/{world.session.pk}/register/"):
        html = supervisor.get(page).content.decode()
        assert html.count('data-testid="said-cannot-come"') == 1, page
        assert "Said they cannot come</strong> Medical" in html, page
    # Sam, on another session, said nothing.
    world.other_booking.refresh_from_db()
    assert world.other_booking.said_cannot_come_at is None
