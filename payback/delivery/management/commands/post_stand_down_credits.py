from typing import Any

from django.core.management.base import BaseCommand

from payback.core.commands import as_command
from payback.core.formatting import format_minutes
from payback.delivery.stand_down_credits import post_due_stand_down_credits


class Command(BaseCommand):
    help = (
        "Post the stand-down credits whose session date has come (sessions stood down ahead). "
        "Run it daily; running it again posts nothing twice."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with as_command():
            posted = post_due_stand_down_credits()
        self.stdout.write(
            f"Stand-down credits posted for {posted.people} "
            f"{'person' if posted.people == 1 else 'people'}: {format_minutes(posted.minutes)} in all."
        )
