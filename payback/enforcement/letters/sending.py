"""Sending a letter: through GOV.UK Notify (as a precompiled PDF letter) where a Notify key is
configured, otherwise into the outbox folder, which is what development and the tests use."""

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings


@dataclass(frozen=True)
class Sent:
    via: str
    notify_id: str = ""


class LetterSender(Protocol):
    def send(self, *, reference: str, pdf: bytes) -> Sent: ...


class OutboxFolder:
    """Writes each letter to a folder, named by its reference."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, *, reference: str, pdf: bytes) -> Sent:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / f"{reference}.pdf").write_bytes(pdf)
        return Sent(via="outbox")


class Notify:
    """GOV.UK Notify: the PDF is sent as a precompiled letter, printed and posted by Notify."""

    def __init__(self, api_key: str) -> None:
        from notifications_python_client.notifications import NotificationsAPIClient

        self.client = NotificationsAPIClient(api_key)

    def send(self, *, reference: str, pdf: bytes) -> Sent:
        answer = self.client.send_precompiled_letter_notification(reference=reference, pdf_file=io.BytesIO(pdf))
        return Sent(via="notify", notify_id=str(answer.get("id", "")))


def letter_sender() -> LetterSender:
    if settings.NOTIFY_API_KEY:
        return Notify(settings.NOTIFY_API_KEY)
    return OutboxFolder(Path(settings.LETTERS_OUTBOX))
