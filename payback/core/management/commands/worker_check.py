"""Queue a check for the task worker and wait for it to run: proof, after a deployment, that a
worker is taking tasks from the queue."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tasks import TaskResultStatus

from payback.core.tasks import worker_check


class Command(BaseCommand):
    help = "Queue a check for the task worker and wait (up to --wait seconds) until it has run"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--wait", type=float, default=30.0, help="seconds to wait for the worker (default 30)")

    def handle(self, *args: Any, wait: float, **options: Any) -> None:
        started = time.monotonic()
        result = worker_check.enqueue()
        while not result.is_finished and time.monotonic() - started < wait:
            time.sleep(0.5)
            result.refresh()
        took = time.monotonic() - started
        if result.status == TaskResultStatus.SUCCESSFUL:
            self.stdout.write(f"The task worker ran the check {result.id} in {took:.1f} s")
            return
        if result.status == TaskResultStatus.FAILED:
            raise CommandError(f"The check {result.id} failed in the task worker: see its logs")
        raise CommandError(
            f"No task worker ran the check {result.id} within {wait:g} s: is manage.py run_worker running?"
        )
