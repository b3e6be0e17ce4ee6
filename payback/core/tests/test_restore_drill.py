"""The restore drill on small data: the test database (reference data, a few cases and their
ledgers) backed up with pg_dump, restored into a new database and compared, table by table and
requirement by requirement; and a restored database that differs fails the drill."""

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg import sql

from payback.cases.models import Requirement
from payback.cases.services import ledger_credit_work
from payback.core.restore import Database, DrillError, Snapshot, differences, drill, drop_database, take_snapshot
from payback.staff.models import User

# pg_dump reads what is committed: the test commits its cases (and puts the reference data back after).
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def source() -> Database:
    return Database.from_settings(connection.settings_dict)


@pytest.fixture
def target(source: Database) -> Database:
    restored = source.named(f"{source.name}_restored")
    drop_database(restored)
    return restored


@pytest.fixture
def cases(make_case: Callable[..., Requirement], practitioner: User) -> list[Requirement]:
    made = [make_case(hours=40), make_case(hours=60)]
    for requirement, minutes in ((made[0], 120), (made[0], 45), (made[1], 300)):
        ledger_credit_work(
            actor=practitioner, requirement=requirement, minutes=minutes, occurred_on=date(2026, 6, 1), source="s"
        )
    return made


@committed
def test_the_drill_restores_every_row_and_every_ledger_sum(
    source: Database, target: Database, cases: list[Requirement], tmp_path: Path
) -> None:
    out = io.StringIO()
    call_command("restore_drill", "--target", target.name, "--backup", str(tmp_path / "b.dump"), stdout=out)
    report = out.getvalue()
    assert "Identical: yes" in report
    assert f"ledger of {Requirement.objects.count()} requirements, 465 minutes" in report
    assert (tmp_path / "b.dump").stat().st_size > 0
    with source.named("postgres").connect() as maintenance:
        exists = maintenance.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target.name]).fetchone()
    assert exists is None  # the restored database is dropped afterwards


@committed
def test_a_restored_database_that_differs_fails_the_drill(
    source: Database, target: Database, cases: list[Requirement], tmp_path: Path
) -> None:
    report = drill(source, target, tmp_path / "b.dump", keep=True)
    assert report.ok and report.tables > 50 and report.rows > 0
    try:
        with target.connect() as restored:
            restored.execute("ALTER TABLE cases_ledgerentry DISABLE TRIGGER USER")
            restored.execute(
                sql.SQL("DELETE FROM cases_ledgerentry WHERE requirement_id = %s AND minutes = 45"), [cases[0].pk]
            )
            restored.execute("DELETE FROM core_workerheartbeat")
            restored.execute(
                "INSERT INTO core_workerheartbeat (worker_id, hostname, pid, started_at, beaten_at) "
                "VALUES ('w', 'h', 1, now(), now())"
            )
        with source.connect() as kept, kept.cursor() as a, target.connect() as back, back.cursor() as b:
            found = differences(take_snapshot(a), take_snapshot(b))
    finally:
        drop_database(target)
    assert found == [
        "cases_ledgerentry: 3 rows backed up, 2 rows restored",
        "core_workerheartbeat: 0 rows backed up, 1 rows restored",
        f"ledger of requirement {cases[0].pk} (work): 165 minutes in 2 entries backed up, "
        "120 minutes in 1 entries restored",
    ]


@pytest.mark.django_db
def test_the_drill_never_restores_over_the_source_or_an_existing_database(source: Database, tmp_path: Path) -> None:
    with pytest.raises(DrillError, match="never into the one backed up"):
        drill(source, source, tmp_path / "b.dump")
    with pytest.raises(CommandError, match="exists already"):
        call_command("restore_drill", "--target", "postgres", "--backup", str(tmp_path / "b.dump"))


def test_differences_name_each_table_and_requirement() -> None:
    before = Snapshot(rows={"a": 2, "b": 1}, ledger={(7, "work"): (60, 1)})
    after = Snapshot(rows={"a": 2, "c": 5}, ledger={})
    assert differences(before, after) == [
        "b: 1 rows backed up, no table restored",
        "c: no table backed up, 5 rows restored",
        "ledger of requirement 7 (work): 60 minutes in 1 entries backed up, nothing restored",
    ]
    assert differences(before, before) == []
