"""The application's database role: it owns nothing, cannot truncate, alter or switch triggers off,
never changes the append-only records, and the running ledger sums on each requirement only ever hold
the sums of its ledger."""

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from psycopg import errors, sql

from payback.cases.models import Requirement
from payback.cases.services import ledger_record_court_variation, ledger_record_travel, ledger_totals_rebuild
from payback.core.db_roles import grant_app_role
from payback.core.models import AuditEvent
from payback.staff.models import User

pytestmark = pytest.mark.django_db
PASSWORD = "app-role-test-password"


def _connect(**overrides: Any) -> psycopg.Connection:
    settings = connection.settings_dict
    params = {
        "host": settings["HOST"] or "127.0.0.1",
        "port": settings["PORT"] or 5432,
        "dbname": settings["NAME"],
        "user": settings["USER"],
        "password": settings["PASSWORD"] or None,
        "autocommit": True,
    }
    params.update(overrides)
    return psycopg.connect(**{k: v for k, v in params.items() if v is not None})


@pytest.fixture
def app_role() -> Iterator[str]:
    """The application role of this test database, granted by the owner as `manage.py db_roles` does."""
    role = f"payback_app_{connection.settings_dict['NAME']}"[:63]
    with _connect() as owner:
        with owner.cursor() as cursor:
            granted = grant_app_role(cursor, role=role, password=PASSWORD)
        assert "cases_ledgerentry" in granted["SELECT INSERT"]
        try:
            yield role
        finally:
            owner.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
            owner.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE cases_ledgerentry",
        "TRUNCATE cases_casestatuschange",
        "TRUNCATE core_auditevent",
        "TRUNCATE cases_requirement",
        "ALTER TABLE cases_ledgerentry DISABLE TRIGGER ALL",
        "ALTER TABLE cases_requirement DISABLE TRIGGER USER",
        "DROP TRIGGER cases_requirement_ledger_sums_on_update ON cases_requirement",
        "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only",
        "DROP TRIGGER cases_ledgerentry_append_only ON cases_ledgerentry",
        "SET session_replication_role = replica",
        "DELETE FROM cases_ledgerentry",
        "UPDATE cases_ledgerentry SET minutes = minutes * 2",
        "DELETE FROM cases_casestatuschange",
        "UPDATE core_auditevent SET summary = ''",
        "DELETE FROM core_auditevent",
        "DELETE FROM django_migrations",
        "CREATE TABLE payback_sneaky (id int)",
        "CREATE TRIGGER sneaky BEFORE INSERT ON cases_ledgerentry EXECUTE FUNCTION payback_refuse_change()",
    ],
)
def test_signed_in_as_the_application_role_the_database_refuses(app_role: str, statement: str) -> None:
    with _connect(user=app_role, password=PASSWORD) as app:
        assert app.execute("SELECT current_user").fetchone() == (app_role,)
        with pytest.raises(errors.InsufficientPrivilege):
            app.execute(statement)


def test_the_application_role_reads_and_adds_records_and_owns_nothing(app_role: str) -> None:
    with _connect(user=app_role, password=PASSWORD) as app:
        for table in ("cases_ledgerentry", "cases_requirement", "core_auditevent", "staff_user", "django_session"):
            app.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        owned = app.execute(
            "SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)"
        )
        assert owned.fetchone() == (0,)
        privileges = app.execute(
            "SELECT has_table_privilege('cases_ledgerentry', 'INSERT'),"
            " has_table_privilege('cases_ledgerentry', 'UPDATE'),"
            " has_table_privilege('cases_requirement', 'TRUNCATE'),"
            " has_table_privilege('staff_user', 'UPDATE')"
        ).fetchone()
        assert privileges == (True, False, False, True)


@pytest.fixture
def as_app_role(app_role: str) -> Iterator[None]:
    """This test's own connection (and its open transaction) switched to the application role."""
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(app_role)).as_string(cursor.cursor))
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def _refused(statement: str, params: list[Any] | None = None) -> str:
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # run the checks a commit would
    return str(caught.value)


@pytest.mark.today("2026-11-18")
def test_service_writes_work_as_the_application_role_and_the_totals_cannot_be_forged(
    app_role: str, make_case: Callable[..., Requirement], practitioner: User, as_app_role: None
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone() == (app_role,)
    requirement = make_case()
    ledger_record_travel(
        actor=practitioner, requirement=requirement, minutes=90, occurred_on=date(2026, 11, 16), reason="Bus"
    )
    ledger_record_court_variation(
        actor=practitioner, requirement=requirement, minutes=-600, occurred_on=date(2026, 11, 17), reason="Varied"
    )
    requirement.refresh_from_db()
    assert (requirement.credited_minutes, requirement.variation_minutes) == (90, -600)
    assert AuditEvent.objects.filter(subject__endswith=str(requirement.person_id)).count() >= 3

    pk = requirement.pk
    for forged in (
        "UPDATE cases_requirement SET credited_minutes = 6000 WHERE id = %s",
        "UPDATE cases_requirement SET variation_minutes = 0 WHERE id = %s",
        "UPDATE cases_requirement SET credited_minutes = credited_minutes + 1 WHERE id = %s",
    ):
        assert "must equal the sums of its ledger" in _refused(forged, [pk])
    assert "permission denied" in _refused("DELETE FROM cases_ledgerentry WHERE requirement_id = %s", [pk])
    assert "permission denied" in _refused("TRUNCATE cases_requirement")

    # a requirement's other columns change freely, and saving one read before an entry keeps its sums
    stale = Requirement.objects.get(pk=pk)
    ledger_record_travel(
        actor=practitioner, requirement=requirement, minutes=30, occurred_on=date(2026, 11, 18), reason="Train"
    )
    stale.earning_stopped_on = date(2026, 11, 18)
    stale.save()
    requirement.refresh_from_db()
    assert (requirement.credited_minutes, requirement.earning_stopped_on) == (120, date(2026, 11, 18))

    # the rebuild writes the sums again from the ledger, consistently, from nothing or from wrong
    with transaction.atomic():
        assert ledger_totals_rebuild(requirement_ids=[pk]) == 1
    requirement.refresh_from_db()
    assert (requirement.credited_minutes, requirement.variation_minutes) == (120, -600)


def test_a_requirement_cannot_be_inserted_with_sums_its_ledger_does_not_hold(
    app_role: str, make_case: Callable[..., Requirement], as_app_role: None
) -> None:
    existing = make_case()
    statement = (
        "INSERT INTO cases_requirement (order_id, person_id, ordered_minutes, status, induction_due,"
        " assessment_due, created_at, credited_minutes, variation_minutes) SELECT order_id, person_id,"
        " ordered_minutes, status, induction_due, assessment_due, created_at, 60, 0 FROM cases_requirement"
        " WHERE id = %s"
    )
    assert "must equal the sums of its ledger" in _refused(statement, [existing.pk])


def test_the_command_refuses_to_make_the_owner_the_application_role() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
    with pytest.raises(CommandError, match="must not be the role that owns the tables"):
        call_command("db_roles", role=owner)
