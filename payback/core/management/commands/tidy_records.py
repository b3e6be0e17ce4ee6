from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from payback.core.tidy import Kept, tidy


class Command(BaseCommand):
    help = "Delete records kept only for a while (sign-in codes, sign-in counts, expired tokens) once past their time"

    def handle(self, *args: Any, **options: Any) -> None:
        def said(kind: Kept, count: int) -> None:
            self.stdout.write(f"{kind.label} (kept {kind.days} days): {count:,} deleted")

        deleted = tidy(now=timezone.now(), on_progress=said)
        self.stdout.write(f"Done: {sum(deleted.values()):,} records deleted")
