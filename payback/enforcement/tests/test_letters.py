"""Letters: a warning or breach step writes its letter, kept on the case as a PDF with its words,
sent once the change is committed (to the outbox folder in tests; through Notify with a key)."""

from collections.abc import Callable
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command

from payback.cases.models import Requirement
from payback.delivery.models import Appointment
from payback.enforcement import services
from payback.enforcement.models import Letter, LetterStatus
from payback.enforcement.tests.conftest import source_of
from payback.staff.models import User
from payback.testing.builders import Clock, book, placeable_person, plan_session

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]

OnSession = Callable[[Requirement, date, str], Appointment]


def test_a_warning_writes_a_plain_english_letter_sent_after_the_commit(
    clock: Clock, practitioner: User, on_session: OnSession, django_capture_on_commit_callbacks: Any
) -> None:
    person = placeable_person(practitioner, hours=100)
    absence = on_session(person, date(2026, 6, 1), "unacceptable_absence")
    clock.today = date(2026, 6, 10)
    with django_capture_on_commit_callbacks(execute=True):
        services.failure_decide(
            actor=practitioner, source=source_of(practitioner, absence), verdict="unacceptable", reason="No evidence"
        )
    letter = Letter.objects.get()
    assert (letter.kind, letter.status, letter.sent_via) == ("warning", LetterStatus.SENT, "outbox")
    assert (
        "If you miss work again, or break the rules again, before 10 June 2027, we must send you back to court."
        in letter.text
    )
    assert "On 1 June 2026 you did not do your unpaid work" in letter.text
    with letter.pdf.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert (Path(settings.LETTERS_OUTBOX) / f"{letter.reference}.pdf").exists()


def test_a_letter_that_cannot_be_sent_is_kept_to_send_again(
    clock: Clock, practitioner: User, on_session: OnSession
) -> None:
    person = placeable_person(practitioner, hours=100)
    absence = on_session(person, date(2026, 6, 1), "unacceptable_absence")
    clock.today = date(2026, 6, 10)
    services.failure_decide(
        actor=practitioner, source=source_of(practitioner, absence), verdict="unacceptable", reason="No evidence"
    )
    letter = Letter.objects.get()
    assert letter.status == LetterStatus.WAITING  # the transaction never committed: nothing sent
    with mock.patch("payback.enforcement.letters.sending.OutboxFolder.send", side_effect=OSError("disk full")):
        failed = services.letter_send(letter_id=letter.pk)
    assert (failed.status, failed.send_error) == (LetterStatus.FAILED, "disk full")
    assert services.letter_send(letter_id=letter.pk).status == LetterStatus.SENT


def test_with_a_notify_key_the_letter_goes_to_notify(
    clock: Clock, practitioner: User, on_session: OnSession, settings: Any
) -> None:
    person = placeable_person(practitioner, hours=100)
    absence = on_session(person, date(2026, 6, 1), "unacceptable_absence")
    clock.today = date(2026, 6, 10)
    services.failure_decide(
        actor=practitioner, source=source_of(practitioner, absence), verdict="unacceptable", reason="No evidence"
    )
    settings.NOTIFY_API_KEY = "test-11111111-1111-1111-1111-111111111111-22222222-2222-2222-2222-222222222222"
    with mock.patch(
        "notifications_python_client.notifications.NotificationsAPIClient.send_precompiled_letter_notification",
        return_value={"id": "740e5834-3a29-46b4-9a6f-16142fde533a"},
    ) as notify:
        letter = services.letter_send(letter_id=Letter.objects.get().pk)
    assert (letter.sent_via, letter.notify_id) == ("notify", "740e5834-3a29-46b4-9a6f-16142fde533a")
    assert notify.call_args.kwargs["reference"] == letter.reference


def test_an_appointment_letter_says_when_and_where(
    clock: Clock, practitioner: User, coordinator: User, supervisor: User, project: Any
) -> None:
    person = placeable_person(practitioner, hours=100)
    session = plan_session(coordinator, project, date(2026, 6, 3), supervisor=supervisor)
    (appointment,) = book(coordinator, session, person)
    letter = services.appointment_letter_issue(actor=practitioner, appointment=appointment)
    assert "Come to Towpath clearance on Wednesday 3 June 2026. Be there by 09:00." in letter.text


def test_letters_not_sent_are_sent_by_the_command_once(clock: Clock, practitioner: User, on_session: OnSession) -> None:
    person = placeable_person(practitioner, hours=100)
    absence = on_session(person, date(2026, 6, 1), "unacceptable_absence")
    clock.today = date(2026, 6, 10)
    services.failure_decide(
        actor=practitioner, source=source_of(practitioner, absence), verdict="unacceptable", reason="No evidence"
    )
    out = StringIO()
    with mock.patch("payback.enforcement.letters.sending.OutboxFolder.send", side_effect=OSError("disk full")):
        call_command("send_letters", stdout=out)
    assert out.getvalue().strip() == "Letters sent: 0. Still could not be sent: 1."
    call_command("send_letters", stdout=out)
    assert out.getvalue().strip().endswith("Letters sent: 1. Still could not be sent: 0.")
    assert Letter.objects.get().status == LetterStatus.SENT
    call_command("send_letters", stdout=(again := StringIO()))
    assert again.getvalue().strip() == "Letters sent: 0. Still could not be sent: 0."
