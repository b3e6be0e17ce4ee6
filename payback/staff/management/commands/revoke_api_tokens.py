from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from payback.core.context import Origin, reset_origin, set_origin
from payback.staff.models import User
from payback.staff.services import api_tokens_revoke_all


class Command(BaseCommand):
    help = "Stop every working API token of a member of staff at once (the records stay, for the audit trail)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The member of staff whose tokens stop working")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No member of staff has the username {username!r}")
        origin = set_origin(Origin(channel="command"))
        try:
            revoked = api_tokens_revoke_all(actor=None, user=user)
        finally:
            reset_origin(origin)
        self.stdout.write(f"Revoked {revoked} API token{'' if revoked == 1 else 's'} of {user.username}")
