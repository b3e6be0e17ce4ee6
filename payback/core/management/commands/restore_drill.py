"""The restore drill: back up a database (pg_dump, custom format), restore the backup into a new
database, and compare every table's rows and the hours ledger's sums for each requirement. Fails
(exit status 1) unless they are identical. The new database is dropped afterwards (unless --keep);
the database backed up is only read."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from payback.core.restore import Database, DrillError, drill


class Command(BaseCommand):
    help = "Back up a database, restore it into a new one and compare them: identical, or it fails"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", help="the database to back up (a postgres:// address; default DATABASE_URL)")
        parser.add_argument("--target", required=True, help="the new database to restore into, on the same server")
        parser.add_argument("--backup", type=Path, help="where to write the backup (default var/backups/SOURCE.dump)")
        parser.add_argument("--keep", action="store_true", help="keep the restored database afterwards")
        parser.add_argument("--replace", action="store_true", help="drop the target first if it exists")

    def handle(self, *args: Any, source: str | None, target: str, backup: Path | None, **options: Any) -> None:
        database = Database.from_url(source) if source else Database.from_settings(settings.DATABASES["default"])
        path = backup or Path(settings.BASE_DIR) / "var" / "backups" / f"{database.name}.dump"
        try:
            report = drill(
                database, database.named(target), path, keep=options["keep"], replace_target=options["replace"]
            )
        except DrillError as error:
            raise CommandError(str(error)) from error
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError("The restored database differs from the backup: the backup cannot be trusted")
