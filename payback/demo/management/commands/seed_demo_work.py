from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from payback.demo.common import DEFAULT_SEED
from payback.demo.management.commands.seed_demo import Unended
from payback.demo.population import SIZES
from payback.demo.work import seed_demo_work


class Command(BaseCommand):
    help = (
        "Add inductions, assessments, projects, nominations and sessions to the cases seeded by seed_demo. "
        "See docs/demo-data.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=list(SIZES), default="small")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"Random seed (default {DEFAULT_SEED})")

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        counts = seed_demo_work(
            size=options["size"], seed=options["seed"], out=Unended(self.stdout) if verbosity > 0 else None
        )
        if verbosity > 0:
            self.stdout.write(
                self.style.SUCCESS(
                    "Seeded the work: "
                    + ", ".join(f"{count:,} {name.replace('_', ' ')}" for name, count in counts.items())
                    + "."
                )
            )
