"""Sending an email or a text message: through GOV.UK Notify where a Notify key is configured,
otherwise into the messages folder, one file a message, which is what development and the tests use.

Both channels answer the same two calls, so staff notifications (emails) and messages to people on
probation (texts) are sent the same way, whichever channel is configured."""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Sent:
    via: str
    notify_id: str = ""


class MessageGateway(Protocol):
    def send_email(self, *, to: str, subject: str, body: str, reference: str) -> Sent: ...

    def send_text(self, *, to: str, body: str, reference: str) -> Sent: ...


def _file_name(reference: str) -> str:
    """A reference made safe as a file name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", reference).strip(".-") or "message"


class OutboxFolder:
    """Writes each message to a file in a folder, named by its channel and reference."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _write(self, name: str, text: str) -> Sent:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / name).write_text(text, encoding="utf-8")
        return Sent(via="outbox")

    def send_email(self, *, to: str, subject: str, body: str, reference: str) -> Sent:
        return self._write(f"email-{_file_name(reference)}.txt", f"To: {to}\nSubject: {subject}\n\n{body}\n")

    def send_text(self, *, to: str, body: str, reference: str) -> Sent:
        return self._write(f"text-{_file_name(reference)}.txt", f"To: {to}\n\n{body}\n")


class Notify:
    """GOV.UK Notify: one email template whose subject and body are `((subject))` and `((body))`, and
    one text message template whose body is `((body))`."""

    def __init__(self, api_key: str, *, email_template_id: str, sms_template_id: str) -> None:
        from notifications_python_client.notifications import NotificationsAPIClient

        self.client = NotificationsAPIClient(api_key)
        self.email_template_id = email_template_id
        self.sms_template_id = sms_template_id

    @staticmethod
    def _template(template_id: str, setting: str) -> str:
        if not template_id:
            raise ImproperlyConfigured(f"Set {setting} to the GOV.UK Notify template to send with")
        return template_id

    @staticmethod
    def _sent(answer: object) -> Sent:
        return Sent(via="notify", notify_id=str(answer.get("id", "")) if isinstance(answer, dict) else "")

    def send_email(self, *, to: str, subject: str, body: str, reference: str) -> Sent:
        answer = self.client.send_email_notification(
            email_address=to,
            template_id=self._template(self.email_template_id, "NOTIFY_EMAIL_TEMPLATE_ID"),
            personalisation={"subject": subject, "body": body},
            reference=reference,
        )
        return self._sent(answer)

    def send_text(self, *, to: str, body: str, reference: str) -> Sent:
        answer = self.client.send_sms_notification(
            phone_number=to,
            template_id=self._template(self.sms_template_id, "NOTIFY_SMS_TEMPLATE_ID"),
            personalisation={"body": body},
            reference=reference,
        )
        return self._sent(answer)


def message_gateway() -> MessageGateway:
    """GOV.UK Notify when a key is configured, the messages folder otherwise."""
    if settings.NOTIFY_API_KEY:
        return Notify(
            settings.NOTIFY_API_KEY,
            email_template_id=settings.NOTIFY_EMAIL_TEMPLATE_ID,
            sms_template_id=settings.NOTIFY_SMS_TEMPLATE_ID,
        )
    return OutboxFolder(Path(settings.MESSAGES_OUTBOX))
