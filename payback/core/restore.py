"""The backup, and the drill that proves it restores: take a backup (pg_dump's custom format) of a
database, restore it into a new database, and compare the two: the rows of every table and the
hours ledger's sums for each requirement (and each kind of entry) must be identical, or the drill
fails naming what differs.

The counts are taken in the same snapshot of the database as the backup (pg_dump
``--snapshot``), so the drill holds on a database in use. Passwords go to pg_dump and pg_restore in
their environment, never on a command line."""

import os
import re
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import psycopg
from psycopg import sql

DATABASE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# The hours ledger: minutes by requirement and kind of entry.
LEDGER_SUMS = "SELECT requirement_id, kind, SUM(minutes), COUNT(*) FROM cases_ledgerentry GROUP BY requirement_id, kind"
TABLES = (
    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname"
)


class DrillError(Exception):
    pass


@dataclass(frozen=True)
class Database:
    """Where a PostgreSQL database is, and who connects to it."""

    name: str
    host: str = "127.0.0.1"
    port: int = 5432
    user: str = "postgres"
    password: str = ""

    @classmethod
    def from_url(cls, url: str) -> "Database":
        parts = urlsplit(url)
        if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
            raise DrillError(f"Not a PostgreSQL address: {parts.scheme}://…")
        return cls(
            name=unquote(parts.path.lstrip("/")),
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=unquote(parts.username or "postgres"),
            password=unquote(parts.password or ""),
        )

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> "Database":
        return cls(
            name=settings["NAME"],
            host=settings.get("HOST") or "127.0.0.1",
            port=int(settings.get("PORT") or 5432),
            user=settings.get("USER") or "postgres",
            password=settings.get("PASSWORD") or "",
        )

    def named(self, name: str) -> "Database":
        return replace(self, name=name)

    def env(self) -> dict[str, str]:
        """The environment for pg_dump and pg_restore."""
        return {
            **os.environ,
            "PGHOST": self.host,
            "PGPORT": str(self.port),
            "PGUSER": self.user,
            "PGPASSWORD": self.password,
            "PGDATABASE": self.name,
        }

    def connect(self, **kwargs: Any) -> psycopg.Connection[Any]:
        return psycopg.connect(
            host=self.host, port=self.port, user=self.user, password=self.password, dbname=self.name, **kwargs
        )

    def __str__(self) -> str:
        return f"{self.name} on {self.host}:{self.port}"


@dataclass
class Snapshot:
    """Rows in every table, and the ledger's minutes (and entries) by requirement and kind."""

    rows: dict[str, int]
    ledger: dict[tuple[int, str], tuple[int, int]]


@dataclass
class DrillReport:
    source: str
    target: str
    backup: Path
    backup_bytes: int = 0
    backup_seconds: float = 0.0
    restore_seconds: float = 0.0
    compare_seconds: float = 0.0
    tables: int = 0
    rows: int = 0
    requirements: int = 0
    ledger_minutes: int = 0
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences

    def lines(self) -> list[str]:
        return [
            f"Source:   {self.source}",
            f"Backup:   {self.backup} ({self.backup_bytes / 1_048_576:.1f} MiB) in {self.backup_seconds:.1f} s",
            f"Restored: {self.target} in {self.restore_seconds:.1f} s",
            f"Compared: {self.tables} tables, {self.rows:,} rows; ledger of {self.requirements:,} requirements, "
            f"{self.ledger_minutes:,} minutes, in {self.compare_seconds:.1f} s",
            "Identical: yes" if self.ok else f"Identical: NO ({len(self.differences)} differences)",
            *(f"  - {d}" for d in self.differences[:50]),
        ]


def take_snapshot(cursor: Any) -> Snapshot:
    cursor.execute(TABLES)
    tables = [row[0] for row in cursor.fetchall()]
    rows = {}
    for table in tables:
        cursor.execute(sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(table)))
        rows[table] = cursor.fetchone()[0]
    ledger: dict[tuple[int, str], tuple[int, int]] = {}
    if "cases_ledgerentry" in rows:
        cursor.execute(LEDGER_SUMS)
        ledger = {(r, k): (int(minutes), int(entries)) for r, k, minutes, entries in cursor.fetchall()}
    return Snapshot(rows=rows, ledger=ledger)


def differences(before: Snapshot, after: Snapshot) -> list[str]:
    """What differs between the database backed up and the one restored, in words."""
    found = []
    for table in sorted(set(before.rows) | set(after.rows)):
        was, now = before.rows.get(table), after.rows.get(table)
        if was != now:
            found.append(f"{table}: {_rows(was)} backed up, {_rows(now)} restored")
    for requirement, kind in sorted(set(before.ledger) | set(after.ledger)):
        kept, restored = before.ledger.get((requirement, kind)), after.ledger.get((requirement, kind))
        if kept != restored:
            was_text, now_text = _minutes(kept), _minutes(restored)
            found.append(f"ledger of requirement {requirement} ({kind}): {was_text} backed up, {now_text} restored")
    return found


def _rows(count: int | None) -> str:
    return "no table" if count is None else f"{count:,} rows"


def _minutes(total: tuple[int, int] | None) -> str:
    return "nothing" if total is None else f"{total[0]:,} minutes in {total[1]:,} entries"


def _run(command: list[str], database: Database) -> float:
    started = time.monotonic()
    finished = subprocess.run(command, env=database.env(), capture_output=True, text=True, check=False)  # noqa: S603
    if finished.returncode != 0:
        raise DrillError(f"{command[0]} failed: {finished.stderr.strip()[-2000:]}")
    return time.monotonic() - started


@contextmanager
def snapshot_of(source: Database) -> Iterator[tuple[str, Snapshot]]:
    """A snapshot of the source held open (its id, for pg_dump) and its counts, taken in it."""
    with source.connect() as connection:
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with connection.transaction(), connection.cursor() as cursor:
            row = cursor.execute("SELECT pg_export_snapshot()").fetchone()
            if row is None:
                raise DrillError(f"{source} did not give a snapshot to back up")
            yield str(row[0]), take_snapshot(cursor)


def backup(source: Database, path: Path, *, snapshot_id: str | None = None) -> float:
    """pg_dump's custom format (compressed, restorable table by table, in parallel); the seconds it took."""
    path.parent.mkdir(parents=True, exist_ok=True)
    command = ["pg_dump", "--format=custom", "--compress=6", f"--file={path}"]
    if snapshot_id:
        command.append(f"--snapshot={snapshot_id}")
    return _run(command, source)


def _maintenance(database: Database) -> psycopg.Connection[Any]:
    return database.named("postgres").connect(autocommit=True)


def database_exists(database: Database) -> bool:
    with _maintenance(database) as connection:
        return (
            connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database.name]).fetchone() is not None
        )


def create_database(database: Database) -> None:
    with _maintenance(database) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database.name)))


def drop_database(database: Database) -> None:
    with _maintenance(database) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database.name)))


def restore(path: Path, target: Database, *, jobs: int = 2) -> float:
    """Restore a backup into `target` (a new, empty database), without the source's owners or grants:
    the restoring role owns what it restores. The seconds it took."""
    command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--jobs={jobs}"]
    return _run([*command, f"--dbname={target.name}", str(path)], target)


def _check_target(source: Database, target: Database, *, replace_target: bool) -> None:
    if not DATABASE_NAME.match(target.name):
        raise DrillError(f"{target.name!r} is not a database name this drill makes (lower case, digits, _)")
    if (target.host, target.port, target.name) == (source.host, source.port, source.name):
        raise DrillError("The drill restores into a new database, never into the one backed up")
    if database_exists(target):
        if not replace_target:
            raise DrillError(f"{target} exists already: name a new database (or pass --replace)")
        drop_database(target)


def drill(
    source: Database, target: Database, backup_path: Path, *, keep: bool = False, replace_target: bool = False
) -> DrillReport:
    """Back up `source`, restore it into `target` (created here, dropped after unless `keep`), and compare."""
    _check_target(source, target, replace_target=replace_target)
    report = DrillReport(source=str(source), target=str(target), backup=backup_path)
    with snapshot_of(source) as (snapshot_id, before):
        report.backup_seconds = backup(source, backup_path, snapshot_id=snapshot_id)
    report.backup_bytes = backup_path.stat().st_size
    create_database(target)
    try:
        report.restore_seconds = restore(backup_path, target)
        started = time.monotonic()
        with target.connect() as connection, connection.cursor() as cursor:
            after = take_snapshot(cursor)
        report.compare_seconds = time.monotonic() - started
    finally:
        if not keep:
            drop_database(target)
    report.tables, report.rows = len(before.rows), sum(before.rows.values())
    report.requirements = len({requirement for requirement, _ in before.ledger})
    report.ledger_minutes = sum(minutes for minutes, _ in before.ledger.values())
    report.differences = differences(before, after)
    return report
