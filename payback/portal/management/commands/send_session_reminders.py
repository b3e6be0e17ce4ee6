"""Text (or email) each person booked on tomorrow's sessions a reminder, once. Run once a day; running
it again, or after a failure to send, sends only what was not sent."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from payback.core.commands import as_command
from payback.portal.messages import person_message_send, reminders_for
from payback.portal.models import MessageStatus


class Command(BaseCommand):
    help = "Send each person booked on tomorrow's sessions a reminder (once). See docs/people.md."

    def handle(self, *args: Any, **options: Any) -> None:
        with as_command():
            waiting = reminders_for(today=timezone.localdate())
            outcomes = [person_message_send(message_id=message.pk).status for message in waiting]
        sent = sum(1 for status in outcomes if status == MessageStatus.SENT)
        failed = sum(1 for status in outcomes if status == MessageStatus.FAILED)
        others = len(outcomes) - sent - failed
        self.stdout.write(
            f"Reminders: {sent} sent, {failed} could not be sent (tried again next time), {others} not needed"
        )
