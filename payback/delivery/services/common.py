"""What the delivery writes share: refusing a change whose form is wrong or whose record is in the
wrong state, creating a record that a request sent twice at once must create only once, and writing
the same fields of several records at once."""

from collections.abc import Sequence
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, models, router, transaction

M = TypeVar("M", bound=models.Model)


def refuse_if(condition: bool, field: str, message: str) -> None:
    """Refuse the change, naming the field at fault, when the condition holds."""
    if condition:
        raise ValidationError({field: message})


def refuse_any(errors: dict[str, str]) -> None:
    """Refuse the change with every problem found, each named by its field, if there are any."""
    if errors:
        raise ValidationError(errors)


def create_unless_taken(model: type[M], **values: Any) -> M | None:
    """Create the record, or None when one with the same unique key is already committed: the
    same request sent twice at once waits for the first, then finds its record."""
    try:
        with transaction.atomic():
            return model._default_manager.create(**values)
    except IntegrityError:
        return None


def update_rows(model: type[M], records: Sequence[M], fields: Sequence[str]) -> None:
    """Write `fields` of each record (keyed by `id`), one UPDATE a record, sent together (a single round trip on
    PostgreSQL). What `bulk_update` does, without building one large CASE expression for each field."""
    if not records:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    concrete = {field.name: field for field in model._meta.concrete_fields}
    columns = [concrete[name] for name in fields]
    assignments = ", ".join(f"{quote(str(field.column))} = %s" for field in columns)
    statement = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"  # noqa: S608
    rows = [
        [field.get_db_prep_save(getattr(record, field.attname), connection) for field in columns] + [record.pk]
        for record in records
    ]
    with connection.cursor() as cursor:
        cursor.executemany(statement, rows)
