"""Bring the management information up to date: the recent days and today's stocks, or (with
--rebuild) every day from the first record. The service asks for a refresh itself when a page finds
the figures more than 15 minutes old; run this from a scheduler to keep them fresh regardless."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from payback.insight.services import figures_rebuild, figures_refresh


class Command(BaseCommand):
    help = "Count the management information figures again (recent days, or every day with --rebuild)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="Count every day from the first record")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()

        live = self.stdout.isatty()

        def progress(stage: str, done: int, total: int) -> None:
            line = f"{stage:<8} {done:>4} of {total} months  {time.perf_counter() - started:6.1f} s"
            if live:
                self.stdout.write("\r" + line, ending="")
                self.stdout.flush()
            elif done == total or done % 6 == 0:
                self.stdout.write(line)

        refresh = figures_rebuild(progress=progress) if options["rebuild"] else figures_refresh()
        if options["rebuild"] and live:
            self.stdout.write("")
        self.stdout.write(
            f"Counted {refresh.first_day:%d %b %Y} to {refresh.last_day:%d %b %Y}: {refresh.cells:,} figures "
            f"in {time.perf_counter() - started:.1f} s"
        )
