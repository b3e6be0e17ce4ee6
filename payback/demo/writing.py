"""Writing the built cases: bulk_create, or COPY on PostgreSQL."""

from collections.abc import Iterator
from typing import Any

from django.db import connection

from payback.cases.models import (
    CaseStatusChange,
    DiversityInformation,
    LedgerEntry,
    Order,
    Person,
    Requirement,
)
from payback.core.models import AuditEvent
from payback.demo.case_records import Chunk, Entry
from payback.demo.common import BATCH_SIZE
from payback.staff.models import User

# ---------------------------------------------------------------------------------------------
# Writing


def _actor_name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user is not None else "Payback (system)"


def _pk(user: User | None) -> int | None:
    return user.pk if user is not None else None


def _audit_rows(chunk: Chunk) -> Iterator[tuple[Any, ...]]:
    """Audit events in the column order of AUDIT_COLUMNS, once every object has its id."""
    names: dict[int | None, str] = {}
    for item in chunk.audits:
        after = item.after
        if item.action == "requirement.created" and isinstance(item.obj, Requirement):
            after = {**(after or {}), "order": item.obj.order_id}
        actor_id = _pk(item.actor)
        if actor_id not in names:
            names[actor_id] = _actor_name(item.actor)
        yield (
            item.at,
            actor_id,
            names[actor_id],
            item.action,
            item.object_type,
            str(item.obj.pk),
            item.summary,
            item.before,
            after,
            f"person:{item.person.pk}",
            "command",
            None,
        )


AUDIT_COLUMNS = (
    "occurred_at",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "summary",
    "before",
    "after",
    "subject",
    "channel",
    "ip_address",
)
LEDGER_COLUMNS = (
    "id",
    "requirement_id",
    "kind",
    "minutes",
    "reverses_id",
    "occurred_on",
    "reason",
    "source",
    "source_ref",
    "created_at",
    "created_by_id",
)
CHANGE_COLUMNS = ("requirement_id", "from_status", "to_status", "reason", "changed_at", "changed_by_id")


def _ledger_row(e: Entry) -> tuple[Any, ...]:
    reverses = e.reverses.id if e.reverses is not None else None
    return (
        e.id,
        e.req.pk,
        e.kind,
        e.minutes,
        reverses,
        e.occurred_on,
        e.reason,
        e.source,
        "" if reverses is None else str(reverses),
        e.created_at,
        _pk(e.created_by),
    )


def _write_history_orm(chunk: Chunk) -> None:
    """Ledger, status changes and audit events with bulk_create (any database)."""
    for corrections in (False, True):
        entries = [e for e in chunk.ledger if (e.reverses is not None) == corrections]
        rows = [dict(zip(LEDGER_COLUMNS[1:], _ledger_row(e)[1:], strict=True)) for e in entries]
        objs = LedgerEntry.objects.bulk_create([LedgerEntry(**row) for row in rows], batch_size=BATCH_SIZE)
        for entry, obj in zip(entries, objs, strict=True):
            entry.id = obj.pk
    CaseStatusChange.objects.bulk_create(
        [
            CaseStatusChange(
                requirement_id=c.req.pk,
                from_status=c.from_status,
                to_status=c.to_status,
                reason=c.reason,
                changed_at=c.changed_at,
                changed_by_id=_pk(c.changed_by),
            )
            for c in chunk.changes
        ],
        batch_size=BATCH_SIZE,
    )
    AuditEvent.objects.bulk_create(
        [AuditEvent(**dict(zip(AUDIT_COLUMNS, row, strict=True))) for row in _audit_rows(chunk)],
        batch_size=BATCH_SIZE,
    )


def _write_history_copy(chunk: Chunk) -> None:
    """The same rows with PostgreSQL's COPY: the ledger, status changes and audit events are
    most of the data, and COPY writes them many times faster than multi-row INSERTs."""
    from psycopg.types.json import Jsonb

    ledger_table = LedgerEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [ledger_table, len(chunk.ledger)],
        )
        for entry, (new_id,) in zip(chunk.ledger, cursor.fetchall(), strict=True):
            entry.id = new_id
        raw = cursor.cursor
        with raw.copy(f"COPY {ledger_table} ({', '.join(LEDGER_COLUMNS)}) FROM STDIN") as copy:
            for entry in chunk.ledger:
                copy.write_row(_ledger_row(entry))
        table = CaseStatusChange._meta.db_table
        with raw.copy(f"COPY {table} ({', '.join(CHANGE_COLUMNS)}) FROM STDIN") as copy:
            for c in chunk.changes:
                copy.write_row((c.req.pk, c.from_status, c.to_status, c.reason, c.changed_at, _pk(c.changed_by)))
        table = AuditEvent._meta.db_table
        with raw.copy(f"COPY {table} ({', '.join(AUDIT_COLUMNS)}) FROM STDIN") as copy:
            for row in _audit_rows(chunk):
                before, after = row[7], row[8]
                copy.write_row(
                    (
                        *row[:7],
                        None if before is None else Jsonb(before),
                        None if after is None else Jsonb(after),
                        *row[9:],
                    )
                )


def write_chunk(chunk: Chunk, *, use_copy: bool) -> dict[str, int]:
    Person.objects.bulk_create(chunk.people, batch_size=BATCH_SIZE)
    DiversityInformation.objects.bulk_create(chunk.diversity, batch_size=BATCH_SIZE)
    Order.objects.bulk_create(chunk.orders, batch_size=BATCH_SIZE)
    Requirement.objects.bulk_create(chunk.requirements, batch_size=BATCH_SIZE)
    Requirement.objects.bulk_create(chunk.concurrent, batch_size=BATCH_SIZE)
    if use_copy:
        _write_history_copy(chunk)
    else:
        _write_history_orm(chunk)
    return {
        "people": len(chunk.people),
        "requirements": chunk.size,
        "ledger_entries": len(chunk.ledger),
        "corrections": sum(1 for e in chunk.ledger if e.reverses is not None),
        "status_changes": len(chunk.changes),
        "audit_events": len(chunk.audits),
        "diversity": len(chunk.diversity),
    }
