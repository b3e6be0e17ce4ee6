from typing import Any

from django.core.management.base import BaseCommand

from payback.core.commands import as_command
from payback.enforcement.services import letters_send_waiting


class Command(BaseCommand):
    help = (
        "Send the letters still waiting, or that could not be sent before (through GOV.UK Notify when "
        "NOTIFY_API_KEY is set, otherwise to the outbox folder). Run it often; a letter is sent once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with as_command():
            sent, failing = letters_send_waiting()
        self.stdout.write(f"Letters sent: {sent}. Still could not be sent: {failing}.")
