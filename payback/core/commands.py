"""What the service's management commands share: the changes a command makes are recorded in the
audit trail as made by a command, and a command about one member of staff names them by username."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from .context import Origin, reset_origin, set_origin

if TYPE_CHECKING:  # core sits below staff: the user model is named for the type checker only
    from payback.staff.models import User


@contextmanager
def as_command() -> Iterator[None]:
    """Within it, the audit trail records each change as made by a management command."""
    token = set_origin(Origin(channel="command"))
    try:
        yield
    finally:
        reset_origin(token)


def staff_member(username: str) -> "User":
    """The member of staff with this username; the command stops, saying so, when there is none."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No member of staff has the username {username!r}")
    return user  # type: ignore[return-value]


class StaffMemberCommand(BaseCommand):
    """A command that makes one change for one member of staff, named by their username: `change`
    makes it and says what was done."""

    username_help = "The member of staff"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help=self.username_help)

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = staff_member(username)
        with as_command():
            done = self.change(user)
        self.stdout.write(done)

    def change(self, user: "User") -> str:
        raise NotImplementedError
