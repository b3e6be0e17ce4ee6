from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from payback.cases.notices import countersignature_overdue, countersignatures_overdue
from payback.core.commands import as_command
from payback.core.selectors import policy_book


class Command(BaseCommand):
    help = (
        "Tell the senior probation officers who may countersign each assessment waiting past the day its "
        "countersignature was due. Run it daily; running it again tells nobody twice."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        overdue = countersignatures_overdue(today=today, book=policy_book())
        told = 0
        with as_command():
            for item in overdue:
                told += countersignature_overdue(item)
        self.stdout.write(f"Countersignatures overdue on {today:%-d %B %Y}: {len(overdue)}. Seniors told now: {told}.")
