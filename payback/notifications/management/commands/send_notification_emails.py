from typing import Any

from django.core.management.base import BaseCommand

from payback.core.commands import as_command
from payback.notifications.services import notifications_email_waiting


class Command(BaseCommand):
    help = (
        "Email every notification still waiting to be emailed, or that could not be sent before. "
        "Running it again emails nothing twice."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with as_command():
            sent, failing = notifications_email_waiting()
        self.stdout.write(f"Notifications emailed: {sent}. Still failing: {failing}.")
