from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from payback.core.context import Origin, reset_origin, set_origin
from payback.staff.models import User
from payback.staff.two_factor import devices_reset


class Command(BaseCommand):
    help = "Remove a member of staff's authenticator app (a lost phone): they set up a new one at their next sign-in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The member of staff whose authenticator app is removed")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No member of staff has the username {username!r}")
        origin = set_origin(Origin(channel="command"))
        try:
            devices_reset(actor=None, user=user)
        finally:
            reset_origin(origin)
        self.stdout.write(f"Authenticator app of {user.username} removed: a new one is set up at the next sign-in")
