"""Import the ONS Postcode Directory (ONSPD): the CSV, or the ZIP as downloaded from the ONS Open
Geography Portal. Adds new postcodes and updates known ones (run it again with each release);
rows without a place are skipped. See docs/places.md."""

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from payback.places.onspd import PostcodeFileError
from payback.places.services import postcodes_import


class Command(BaseCommand):
    help = "Import the ONS Postcode Directory (ONSPD CSV, or its ZIP) into the postcode table"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="ONSPD_*.csv, or the ONSPD ZIP")

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        started = time.perf_counter()
        live = self.stdout.isatty()
        shown = [-1]

        def progress(done: int, total: int, postcodes: int) -> None:
            share = min(1.0, done / max(total, 1))
            line = (
                f"Postcodes [{'#' * int(share * 30):<30}] {share * 100:5.1f}%  {postcodes:>10,} postcodes"
                f"  {time.perf_counter() - started:6.1f} s"
            )
            if live:
                self.stdout.write("\r" + line, ending="")
                self.stdout.flush()
            elif int(share * 10) > shown[0]:
                shown[0] = int(share * 10)
                self.stdout.write(line)

        try:
            result = postcodes_import(path, progress=progress)
        except PostcodeFileError as error:
            raise CommandError(f"{path}: {error}") from error
        if live:
            self.stdout.write("")
        self.stdout.write(
            f"Imported {result.imported:,} postcodes ({result.terminated:,} terminated) from {path.name} "
            f"in {time.perf_counter() - started:.1f} s; skipped {result.skipped:,} without a place"
        )
