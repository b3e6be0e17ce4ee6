from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.utils import timezone

from payback.cases.models import Person
from payback.demo.common import DEFAULT_SEED, DemoDataError
from payback.demo.enforcement import seed_demo_enforcement
from payback.demo.notifications import seed_demo_notifications
from payback.demo.oversight import seed_demo_oversight
from payback.demo.partners import seed_demo_partner
from payback.demo.people import seed_demo, status_counts
from payback.demo.population import SIZES


class Unended:
    """The command's output without the newline Django adds to every write, so a progress
    bar can redraw its line."""

    def __init__(self, wrapper: OutputWrapper) -> None:
        self.wrapper = wrapper

    def write(self, text: str, /) -> None:
        self.wrapper.write(text, ending="")

    def flush(self) -> None:
        self.wrapper.flush()

    def isatty(self) -> bool:
        return self.wrapper.isatty()


class Command(BaseCommand):
    help = "Build realistic demo data: staff in every role and cases with their history. See docs/demo-data.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--size",
            choices=list(SIZES),
            default="small",
            help="; ".join(f"{name}: {description}" for name, description in SIZES.items()),
        )
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if any person is already recorded")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"Random seed (default {DEFAULT_SEED})")
        parser.add_argument(
            "--no-copy",
            action="store_true",
            help="On PostgreSQL, write the ledger and history with bulk_create instead of COPY (slower)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Person.objects.exists():
            self.stdout.write("Demo data not seeded: people are already recorded (--if-empty).")
            return
        verbosity = options["verbosity"]
        try:
            result = seed_demo(
                size=options["size"],
                seed=options["seed"],
                use_copy=False if options["no_copy"] else None,
                out=Unended(self.stdout) if verbosity > 0 else None,
            )
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        if verbosity > 0:
            self.stdout.write(self.style.SUCCESS(result.summary()))
        # Then the work: inductions, assessments, projects and sessions for the cases just seeded.
        call_command(
            "seed_demo_work",
            size=options["size"],
            seed=options["seed"],
            verbosity=verbosity,
            stdout=self.stdout._out,
        )
        # Then enforcement on the seeded registers, through the enforcement services.
        done = seed_demo_enforcement(
            seed=options["seed"], today=timezone.localdate(), out=Unended(self.stdout) if verbosity > 0 else None
        )
        if verbosity > 0:
            self.stdout.write(
                self.style.SUCCESS("Enforcement: " + ", ".join(f"{n:,} {what}" for what, n in done.items()))
            )
        seed_demo_notifications(today=timezone.localdate())  # concerns, the duty senior, countersignatures overdue
        seed_demo_oversight(seed=options["seed"], today=timezone.localdate())  # 1:1s, touch points, absences, SBAR
        seed_demo_partner(today=timezone.localdate())  # a beneficiary's contact who signs in at /partners/
        # Then the management information, counted from everything above.
        call_command("refresh_figures", rebuild=True, verbosity=verbosity, stdout=self.stdout._out)
        if verbosity > 1:
            for status, count in sorted(status_counts().items(), key=lambda item: -item[1]):
                self.stdout.write(f"  {status:<22} {count:>8,}")
