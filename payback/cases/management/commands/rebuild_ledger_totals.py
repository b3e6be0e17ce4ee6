from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from payback.cases.services import ledger_totals_rebuild, requirement_due_dates_rebuild


class Command(BaseCommand):
    help = "Rebuild every requirement's ledger totals from the ledger, and its stored completion dates."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            totals = ledger_totals_rebuild()
            dates = requirement_due_dates_rebuild()
        self.stdout.write(f"Rebuilt ledger totals for {totals} requirements and completion dates for {dates}.")
