import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from payback.core.commands import as_command
from payback.projects.services import survey_send_due, surveys_due


class Command(BaseCommand):
    help = (
        "Email a feedback survey to the beneficiary of each project due one today: at the end of the "
        "project, and on each anniversary of its start while it is active. Run it daily; running it "
        "again sends nothing twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--site",
            default=os.environ.get("SERVICE_URL", ""),
            help="The service's address for the links, like https://payback.example.gov.uk (default: SERVICE_URL)",
        )

    def handle(self, *args: Any, site: str, **options: Any) -> None:
        if not site.startswith(("https://", "http://")):
            raise CommandError(
                "Give the service's address for the links with --site, like https://payback.example.gov.uk"
            )
        today = timezone.localdate()
        due = surveys_due(today)
        self.stdout.write(f"Surveys due on {today:%-d %B %Y}: {len(due)}")
        sent = 0
        with as_command():
            for item in due:
                about = f"{item.project.name} ({item.project.pdu.name}), {item.kind.replace('_', ' ')}"
                try:
                    survey = survey_send_due(due=item, site=site)
                except ValidationError as error:
                    self.stdout.write(f"  Not sent: {about}: {' '.join(error.messages)}")
                    continue
                sent += 1
                self.stdout.write(f"  Sent: {about}, to {survey.sent_to}")
        self.stdout.write(f"Surveys sent: {sent}. Not sent: {len(due) - sent}.")
