"""Write the monthly national return (an Excel workbook) for a calendar month."""

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from payback.insight.exports import workbook
from payback.insight.returns import national_return


class Command(BaseCommand):
    help = "Write the monthly national return for a month (YYYY-MM) to an Excel workbook"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("month", help="The month, as YYYY-MM")
        parser.add_argument("--out", required=True, help="Where to write the workbook (.xlsx)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = date.fromisoformat(f"{options['month']}-01")
        except ValueError:
            raise CommandError("month: give the month as YYYY-MM, like 2026-11") from None
        tables = national_return(month)
        workbook(tables).save(Path(options["out"]))
        self.stdout.write(f"Wrote the national return for {month:%B %Y} ({len(tables)} tables) to {options['out']}")
