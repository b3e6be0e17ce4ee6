"""What the delivery writes share: refusing a change whose form is wrong or whose record is in the
wrong state, and creating a record that a request sent twice at once must create only once."""

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

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
