from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from payback.core.commands import as_command, staff_member
from payback.staff.models import API_TOKEN_DAYS, ApiToken
from payback.staff.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a member of staff. The token is printed once: only its hash is kept."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The member of staff the client acts as")
        parser.add_argument("name", help="What the token is for, like 'nDelius sync'")
        parser.add_argument(
            "--days", type=int, default=API_TOKEN_DAYS, help=f"How long it works (default {API_TOKEN_DAYS} days)"
        )

    def handle(self, *args: Any, username: str, name: str, days: int, **options: Any) -> None:
        name = name.strip()
        max_length = ApiToken._meta.get_field("name").max_length or 100
        if not name or len(name) > max_length:
            raise CommandError(f"Give the token a name of 1 to {max_length} characters")
        user = staff_member(username)
        try:
            with as_command():
                token, raw = api_token_create(actor=None, user=user, name=name, days=days)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stderr.write(
            f"API token {token.name!r} for {user.username}, working until "
            f"{timezone.localtime(token.expires_at):%d %B %Y %H:%M}. Copy it now: it is not shown again."
        )
        self.stdout.write(raw)
