"""Telling staff once for each event, emailing them after the change commits (through the messages
folder or GOV.UK Notify), keeping a failure to email, marking read, and the duty senior."""

from datetime import date, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from payback.core.models import AuditEvent
from payback.notifications import selectors, services
from payback.notifications.gateway import Notify, OutboxFolder, message_gateway
from payback.notifications.models import Category, DutySenior, EmailStatus, Notification
from payback.staff.models import Pdu, User

from .conftest import messages_in, with_email

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]
TODAY = date(2026, 11, 18)


def tell(*recipients: User | None, key: str = "risk_concern:1", urgent: bool = False) -> list[Notification]:
    return services.notify(
        recipients,
        category=Category.RISK_CONCERN,
        key=key,
        subject="Risk concern (drugs or alcohol) about Alex (X123456)",
        body="A supervisor raised a concern about Alex (X123456).",
        link="/sessions/concerns/1/",
        urgent=urgent,
    )


# ---------------------------------------------------------------------------------------------
# Telling once


def test_the_same_event_raised_twice_tells_each_person_once(senior: User, practitioner: User) -> None:
    first = tell(senior, practitioner, senior, None)
    again = tell(senior, practitioner)
    assert [n.recipient for n in first] == [senior, practitioner]
    assert again == []
    assert Notification.objects.count() == 2
    # Another event is told again.
    assert len(tell(senior, key="risk_concern:2")) == 1


def test_someone_whose_account_is_switched_off_is_not_told(senior: User, other_senior: User) -> None:
    other_senior.is_active = False
    other_senior.save()
    assert [n.recipient for n in tell(senior, other_senior)] == [senior]


def test_a_link_must_be_a_path_in_the_service(senior: User) -> None:
    with pytest.raises(ValueError, match="path in the service"):
        services.notify([senior], category=Category.INCIDENT, key="k", subject="s", body="b", link="https://x.test/")
    with pytest.raises(ValueError, match="Unknown category"):
        services.notify([senior], category="gossip", key="k", subject="s", body="b")
    assert not Notification.objects.exists()


# ---------------------------------------------------------------------------------------------
# Emails


def test_the_email_is_written_to_the_messages_folder_once_the_change_commits(
    senior: User, practitioner: User, outbox: Path, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        [for_senior, for_practitioner] = tell(senior, practitioner, urgent=True)
        assert messages_in(outbox) == {}  # nothing is sent before the commit
    assert len(callbacks) == 1  # the practitioner has no email address
    for_senior.refresh_from_db()
    for_practitioner.refresh_from_db()
    assert for_senior.email_status == EmailStatus.SENT and for_senior.emailed_at is not None
    assert for_practitioner.email_status == EmailStatus.NO_ADDRESS
    text = messages_in(outbox)[f"email-notification-{for_senior.pk}.txt"]
    assert "To: sophie@probation.example" in text
    assert "Subject: Urgent: Risk concern (drugs or alcohol) about Alex (X123456)" in text
    assert "See it in Payback: /sessions/concerns/1/" in text


def test_a_failure_to_email_is_kept_and_sent_later(
    senior: User, outbox: Path, django_capture_on_commit_callbacks: Any
) -> None:
    broken = mock.Mock()
    broken.send_email.side_effect = ConnectionError("Notify is not answering")
    with (
        mock.patch("payback.notifications.services.message_gateway", return_value=broken),
        django_capture_on_commit_callbacks(execute=True),
    ):
        [notification] = tell(senior)
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.FAILED
    assert notification.email_error == "Notify is not answering"
    assert selectors.for_home(senior) == [notification]  # never lost

    assert services.notifications_email_waiting() == (1, 0)
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.SENT and notification.email_error == ""
    assert services.notifications_email_waiting() == (0, 0)  # nothing twice
    assert len(messages_in(outbox)) == 1


def test_the_outbox_folder_writes_one_file_a_message(tmp_path: Path) -> None:
    folder = OutboxFolder(tmp_path / "out")
    assert folder.send_email(to="a@b.example", subject="Hello", body="Body", reference="notification-7").via == "outbox"
    folder.send_text(to="07700900123", body="Your session is tomorrow", reference="text/../9")
    assert messages_in(tmp_path / "out") == {
        "email-notification-7.txt": "To: a@b.example\nSubject: Hello\n\nBody\n",
        "text-text-..-9.txt": "To: 07700900123\n\nYour session is tomorrow\n",
    }


def test_with_a_notify_key_emails_and_texts_go_through_notify_with_their_templates(settings: Any) -> None:
    settings.NOTIFY_API_KEY = "payback-test-key"
    settings.NOTIFY_EMAIL_TEMPLATE_ID = "email-template-id"
    settings.NOTIFY_SMS_TEMPLATE_ID = "sms-template-id"
    with mock.patch("notifications_python_client.notifications.NotificationsAPIClient") as client_class:
        client = client_class.return_value
        client.send_email_notification.return_value = {"id": "notify-1"}
        client.send_sms_notification.return_value = {"id": "notify-2"}
        gateway = message_gateway()
        assert isinstance(gateway, Notify)
        sent = gateway.send_email(to="a@b.example", subject="Hello", body="Body", reference="notification-7")
        texted = gateway.send_text(to="07700900123", body="Tomorrow", reference="text-9")
    client_class.assert_called_once_with("payback-test-key")
    client.send_email_notification.assert_called_once_with(
        email_address="a@b.example",
        template_id="email-template-id",
        personalisation={"subject": "Hello", "body": "Body"},
        reference="notification-7",
    )
    client.send_sms_notification.assert_called_once_with(
        phone_number="07700900123",
        template_id="sms-template-id",
        personalisation={"body": "Tomorrow"},
        reference="text-9",
    )
    assert (sent.via, sent.notify_id, texted.notify_id) == ("notify", "notify-1", "notify-2")


def test_notify_without_a_template_is_a_failure_to_send(settings: Any) -> None:
    settings.NOTIFY_API_KEY = "payback-test-key"
    settings.NOTIFY_EMAIL_TEMPLATE_ID = ""
    with (
        mock.patch("notifications_python_client.notifications.NotificationsAPIClient"),
        pytest.raises(ImproperlyConfigured, match="NOTIFY_EMAIL_TEMPLATE_ID"),
    ):
        message_gateway().send_email(to="a@b.example", subject="s", body="b", reference="r")


# ---------------------------------------------------------------------------------------------
# Reading


def test_the_home_page_shows_unread_first_then_urgent_then_newest(senior: User) -> None:
    old_urgent = tell(senior, key="a", urgent=True)[0]
    plain = tell(senior, key="b")[0]
    read_urgent = tell(senior, key="c", urgent=True)[0]
    newest = tell(senior, key="d")[0]
    services.mark_read(senior, [read_urgent.pk])
    assert selectors.for_home(senior) == [old_urgent, newest, plain, read_urgent]
    assert selectors.for_home(senior, limit=2) == [old_urgent, newest]
    assert selectors.unread_count(senior) == 3


def test_marking_read_touches_only_ones_own(senior: User, other_senior: User) -> None:
    [mine, theirs] = tell(senior, other_senior)
    assert services.mark_read(senior, [mine.pk, theirs.pk]) == 1
    assert services.mark_read(senior, [mine.pk]) == 0  # already read
    theirs.refresh_from_db()
    assert theirs.read_at is None and selectors.unread_count(other_senior) == 1
    assert services.mark_all_read(other_senior) == 1 and selectors.unread_count(other_senior) == 0


# ---------------------------------------------------------------------------------------------
# The duty senior


def test_without_a_duty_senior_every_senior_of_the_pdu_is_told(
    senior: User, other_senior: User, senior_next_door: User, pdu_a: Pdu
) -> None:
    assert selectors.duty_seniors(pdu_a, TODAY) == [other_senior, senior]  # by name: Simon, then Sophie
    services.duty_senior_set(actor=senior, pdu=pdu_a, on=TODAY, user=senior)
    assert selectors.duty_seniors(pdu_a, TODAY) == [senior]
    assert selectors.duty_seniors(pdu_a, TODAY + timedelta(days=1)) == [other_senior, senior]


def test_setting_the_duty_senior_again_replaces_them_and_is_audited(
    senior: User, other_senior: User, pdu_a: Pdu
) -> None:
    services.duty_senior_set(actor=senior, pdu=pdu_a, on=TODAY, user=senior)
    services.duty_senior_set(actor=senior, pdu=pdu_a, on=TODAY, user=senior)  # the same again: nothing changes
    services.duty_senior_set(actor=senior, pdu=pdu_a, on=TODAY, user=other_senior)
    assert list(DutySenior.objects.values_list("user__username", flat=True)) == ["simon"]
    events = AuditEvent.objects.filter(action="notifications.duty_senior_set").order_by("id")
    assert [e.subject for e in events] == [f"staff:{senior.pk}", f"staff:{other_senior.pk}"]
    assert events.last().before == {"user": "Sophie Tester"}  # type: ignore[union-attr]


def test_the_duty_senior_is_refused_naming_each_field(
    senior: User, senior_next_door: User, practitioner: User, pdu_a: Pdu, pdu_b: Pdu
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.duty_senior_set(actor=senior, pdu=pdu_a, on=TODAY - timedelta(days=1), user=senior_next_door)
    assert refused.value.message_dict == {
        "on": ["The date must be today or in the future"],
        "user": [f"Select a senior probation officer who works in {pdu_a.name}"],
    }
    with pytest.raises(ValidationError) as refused:
        services.duty_senior_set(actor=senior, pdu=pdu_b, on=TODAY, user=practitioner)
    assert set(refused.value.message_dict) == {"pdu", "user"}
    assert not DutySenior.objects.exists()


def test_an_email_address_is_needed_to_be_emailed(practitioner: User, make_user: Any, pdu_a: Pdu) -> None:
    [without] = tell(practitioner)
    assert without.email_status == EmailStatus.NO_ADDRESS
    [with_address] = tell(with_email(make_user("wendy", pdu=pdu_a)))
    assert with_address.email_status == EmailStatus.WAITING
