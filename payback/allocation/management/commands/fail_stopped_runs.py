"""Mark failed the allocation runs whose worker died (see payback.allocation.liveness). Every task
worker does this after each heartbeat; this is the same, once, for an operator."""

from typing import Any

from django.core.management.base import BaseCommand

from payback.allocation.liveness import fail_stopped_runs


class Command(BaseCommand):
    help = "Mark failed the allocation runs whose worker died, so that they can be run again"

    def handle(self, *args: Any, **options: Any) -> None:
        failed = fail_stopped_runs()
        self.stdout.write(
            f"{len(failed)} run{'s' if len(failed) != 1 else ''} marked failed"
            + (f": {', '.join(map(str, failed))}" if failed else "")
        )
