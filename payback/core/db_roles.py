"""Two database roles: the owner, which runs migrations, and the application role, which serves requests.

The application role owns nothing, so it can neither alter a table nor switch its triggers off,
and it is never granted TRUNCATE. It reads and writes what the service needs, but the append-only
records (the hours ledger, status changes, the audit trail) only ever take new rows.
"""

from collections.abc import Iterable
from typing import Any

from psycopg import sql

APP_ROLE = "payback_app"
# Written once, never changed or removed (triggers refuse UPDATE and DELETE as well).
APPEND_ONLY_TABLES = ("cases_ledgerentry", "cases_casestatuschange", "core_auditevent")
# Only the migration role writes these.
READ_ONLY_TABLES = ("django_migrations",)


class RoleError(Exception):
    pass


def _tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname"
    )
    return [row[0] for row in cursor.fetchall()]


def _owned_by(cursor: Any, role: str) -> list[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_roles r ON r.oid = c.relowner WHERE n.nspname = current_schema() AND r.rolname = %s "
        "ORDER BY c.relname",
        [role],
    )
    return [row[0] for row in cursor.fetchall()]


def _ensure_role(cursor: Any, role: str, password: str | None) -> bool:
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    if cursor.fetchone():
        if password:
            cursor.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(role), sql.Literal(password)))
        return False
    statement = sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS").format(
        sql.Identifier(role)
    )
    if password:
        statement = sql.SQL("{} PASSWORD {}").format(statement, sql.Literal(password))
    cursor.execute(statement)
    return True


def grant_app_role(cursor: Any, *, role: str = APP_ROLE, password: str | None = None) -> dict[str, list[str]]:
    """Create the application role if it is missing and give it exactly the privileges it needs on
    every table of the current schema. Run as the owner of the tables, after every migration; safe to
    run again. Returns which tables got which privileges."""
    cursor.execute("SELECT current_user")
    owner = cursor.fetchone()[0]
    if role == owner:
        raise RoleError(f"The application role must not be the role that owns the tables ({owner})")
    created = _ensure_role(cursor, role, password)
    owned = _owned_by(cursor, role)
    if owned:
        raise RoleError(f"{role} owns {', '.join(owned)}: the application role must own nothing")
    ident = sql.Identifier(role)
    cursor.execute("SELECT current_database(), current_schema()")
    database, schema = cursor.fetchone()
    cursor.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database), ident))
    cursor.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(schema), ident))
    cursor.execute(sql.SQL("REVOKE CREATE ON SCHEMA {} FROM {}").format(sql.Identifier(schema), ident))
    tables = _tables(cursor)
    granted: dict[str, list[str]] = {"created": [role] if created else []}
    for table in tables:
        privileges = _privileges_for(table)
        target = sql.Identifier(table)
        cursor.execute(sql.SQL("REVOKE ALL ON TABLE {} FROM {}").format(target, ident))
        cursor.execute(sql.SQL("GRANT {} ON TABLE {} TO {}").format(sql.SQL(", ".join(privileges)), target, ident))
        granted.setdefault(" ".join(privileges), []).append(table)
    cursor.execute(
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(sql.Identifier(schema), ident)
    )
    # Tables a later migration adds are usable at once; the next run of this narrows the append-only ones.
    cursor.execute(
        sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}").format(
            sql.Identifier(schema), ident
        )
    )
    cursor.execute(
        sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT USAGE, SELECT ON SEQUENCES TO {}").format(
            sql.Identifier(schema), ident
        )
    )
    return granted


def _privileges_for(table: str) -> list[str]:
    if table in APPEND_ONLY_TABLES:
        return ["SELECT", "INSERT"]
    if table in READ_ONLY_TABLES:
        return ["SELECT"]
    return ["SELECT", "INSERT", "UPDATE", "DELETE"]


def describe(granted: dict[str, list[str]]) -> Iterable[str]:
    for role in granted.get("created", []):
        yield f"Created role {role}"
    for privileges, tables in granted.items():
        if privileges != "created":
            yield f"{privileges}: {len(tables)} table{'' if len(tables) == 1 else 's'}" + (
                f" ({', '.join(tables)})" if len(tables) <= 5 else ""
            )
