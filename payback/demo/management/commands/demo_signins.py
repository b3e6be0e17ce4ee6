"""List the demo sign-ins (defined in `payback.demo.accounts`; `seed_demo` creates them)."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from payback.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, SIGN_IN_URL
from payback.demo.partners import demo_contact
from payback.demo.portal import demo_person
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
        self._person()
        self._contact()

    def _person(self) -> None:
        """The person doing unpaid work who can sign in at /my/ (see payback/demo/portal.py)."""
        person = demo_person(today=timezone.localdate())
        self.stdout.write(self.style.MIGRATE_HEADING("A person doing unpaid work"))
        if person is None:
            self.stdout.write("  None has a session booked: run manage.py seed_demo (or make seed) again.")
        else:
            day = person.date_of_birth
            born = f"{day.day} {day:%B %Y} (type {day.day} {day.month} {day.year})"
            self.stdout.write(f"  {person.full_name}: case number {person.crn}, date of birth {born}")
            self.stdout.write(f"  Sign in at {SIGN_IN_URL.removesuffix('sign-in/')}my/ : the code is texted to")
            self.stdout.write("  var/messages/ (text-sign-in-….txt) while no GOV.UK Notify key is set")
        self.stdout.write("")

    def _contact(self) -> None:
        """The beneficiary's contact who can sign in at /partners/ (see payback/demo/partners.py)."""
        contact = demo_contact()
        self.stdout.write(self.style.MIGRATE_HEADING("A beneficiary's contact"))
        if contact is None:
            self.stdout.write("  None yet: run manage.py seed_demo (or make seed) again.")
        else:
            self.stdout.write(f"  {contact.name} of {contact.beneficiary.name}: email {contact.email}")
            self.stdout.write(f"  Sign in at {SIGN_IN_URL.removesuffix('sign-in/')}partners/ : the code is emailed to")
            self.stdout.write("  var/messages/ (email-partner-sign-in-….txt) while no GOV.UK Notify key is set")
        self.stdout.write("")
