"""List the demo sign-ins (defined in `payback.demo.accounts`; `seed_demo` creates them)."""

from typing import Any

from django.core.management.base import BaseCommand

from payback.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, SIGN_IN_URL
from payback.staff.models import User


class Command(BaseCommand):
    help = "List the demo sign-ins (usernames, role, scope) and the shared demo password."

    def handle(self, *args: Any, **options: Any) -> None:
        users = {
            user.username: user
            for user in User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])
            .select_related("pdu", "region")
            .prefetch_related("groups")
        }
        rows = [("Username", "Role", "Scope", "Shows")]
        missing = 0
        for account in DEMO_ACCOUNTS:
            user = users.get(account.username)
            if user is None:
                missing += 1
                rows.append((account.username, account.role, "(not created yet)", account.shows))
            else:
                rows.append((user.username, user.role_label, user.scope_label, account.shows))
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo sign-ins"))
        for index, row in enumerate(rows):
            self.stdout.write("  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
            if index == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))
        self.stdout.write("")
        self.stdout.write(f"  Password for every demo account: {DEMO_PASSWORD}")
        self.stdout.write(f"  Sign in at {SIGN_IN_URL}")
        if missing:
            self.stdout.write(self.style.WARNING("  Some accounts do not exist yet: run manage.py seed_demo first."))
        self.stdout.write("")
