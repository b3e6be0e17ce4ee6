"""Messages to the person about their sessions: the reminder the day before (never twice), and a
notice when a session is stood down or a booking cancelled, by text or email as they prefer."""

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from payback.delivery import services as delivery
from payback.portal.messages import called_off, message_make
from payback.portal.models import ContactPreference, MessageKind, MessageStatus, PersonMessage

from .conftest import TODAY, World, missed_on, sent

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]


def remind() -> str:
    out = StringIO()
    call_command("send_session_reminders", stdout=out)
    return out.getvalue()


def test_a_person_booked_tomorrow_is_reminded_once_with_where_when_and_the_pick_up(world: World, outbox: Path) -> None:
    assert "Reminders: 1 sent" in remind()
    (name, text) = next(iter(sent(outbox).items()))
    assert name == f"text-person-message-{PersonMessage.objects.get().pk}.txt"
    assert text.startswith("To: 07700 900123")
    assert "tomorrow, Thursday 19 November, from 9am to 4pm at Towpath clearance" in text
    assert "We pick you up from Haymarket bus station at 8:30am." in text
    assert "Wear long trousers" in text and "/my/" in text
    # Running it again sends nothing more; Sam's session next week is not reminded today.
    assert "Reminders: 0 sent" in remind()
    assert len(sent(outbox)) == 1
    assert PersonMessage.objects.get().status == MessageStatus.SENT


def test_the_reminder_goes_by_email_when_the_person_prefers_it(world: World, outbox: Path) -> None:
    person = world.jo.person
    person.email = "jo@example.com"
    person.save(update_fields=["email"])
    ContactPreference.objects.create(person=person, channel="email")
    remind()
    (name, text) = next(iter(sent(outbox).items()))
    assert name.startswith("email-person-message-") and "To: jo@example.com" in text
    assert "Subject: Your Community Payback session tomorrow" in text


def test_a_reminder_that_could_not_be_sent_is_sent_the_next_time_and_only_then(
    world: World, outbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> None:
        raise ConnectionError("Notify is down")

    monkeypatch.setattr("payback.portal.messages.gateway_send", broken)
    assert "0 sent, 1 could not be sent" in remind()
    message = PersonMessage.objects.get()
    assert message.status == MessageStatus.FAILED and "Notify is down" in message.error
    monkeypatch.undo()
    assert "Reminders: 1 sent" in remind()
    assert len(sent(outbox)) == 1


def test_a_person_we_cannot_reach_is_recorded_as_such(world: World, outbox: Path) -> None:
    person = world.jo.person
    person.phone = ""
    person.save(update_fields=["phone"])
    assert "1 not needed" in remind()
    assert PersonMessage.objects.get().status == MessageStatus.NO_ADDRESS and not sent(outbox)


def test_standing_a_session_down_tells_each_person_booked_once(world: World, outbox: Path) -> None:
    delivery.session_stand_down(actor=world.coordinator, session=world.session, reason="weather")
    message = PersonMessage.objects.get()
    assert message.kind == MessageKind.STOOD_DOWN and message.status == MessageStatus.SENT
    text = sent(outbox)[f"text-person-message-{message.pk}.txt"]
    assert "your session on Thursday 19 November at Towpath clearance is cancelled. Do not go." in text
    # No reminder for a session stood down.
    assert "Reminders: 0 sent" in remind() and PersonMessage.objects.count() == 1


def test_a_cancelled_booking_tells_the_person_not_to_go_and_a_reminder_made_before_is_not_sent(
    world: World, outbox: Path
) -> None:
    reminder, _ = message_make(world.booking, MessageKind.REMINDER)
    delivery.appointment_cancel(actor=world.coordinator, appointment=world.booking, reason="Moved to Saturday")
    notice = PersonMessage.objects.get(kind=MessageKind.CANCELLED)
    assert "has been moved or cancelled. Do not go on that day." in notice.body
    remind()
    reminder.refresh_from_db()
    assert reminder.status == MessageStatus.NOT_NEEDED
    assert list(sent(outbox)) == [f"text-person-message-{notice.pk}.txt"]


def test_nothing_is_sent_about_a_session_already_past(world: World, outbox: Path) -> None:
    past = missed_on(world, TODAY.replace(day=10))
    PersonMessage.objects.all().delete()
    assert called_off(appointment_ids=[past.pk], why="cancelled") == []
    assert not PersonMessage.objects.exists()
