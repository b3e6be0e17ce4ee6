"""Check the kept management information against a count made afresh from the ledger, the
appointments and the sessions. Exits with status 1, listing each difference, if they disagree."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from payback.insight.services import recount


class Command(BaseCommand):
    help = "Check that the kept figures equal a full recount from the records"

    def handle(self, *args: Any, **options: Any) -> None:
        differences = recount()
        for line in differences[:200]:
            self.stdout.write(line)
        if differences:
            raise CommandError(
                f"{len(differences):,} figures differ from a full recount: run refresh_figures --rebuild"
            )
        self.stdout.write("The kept figures equal a full recount.")
