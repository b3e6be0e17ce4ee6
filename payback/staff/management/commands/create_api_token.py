from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from payback.core.context import Origin, reset_origin, set_origin
from payback.staff.models import ApiToken, User
from payback.staff.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a member of staff. The token is printed once: only its hash is kept."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The member of staff the client acts as")
        parser.add_argument("name", help="What the token is for, like 'nDelius sync'")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        name = name.strip()
        max_length = ApiToken._meta.get_field("name").max_length or 100
        if not name or len(name) > max_length:
            raise CommandError(f"Give the token a name of 1 to {max_length} characters")
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No member of staff has the username {username!r}")
        origin = set_origin(Origin(channel="command"))
        try:
            token, raw = api_token_create(actor=None, user=user, name=name)
        finally:
            reset_origin(origin)
        self.stderr.write(f"API token {token.name!r} for {user.username}. Copy it now: it is not shown again.")
        self.stdout.write(raw)
