"""Writes that may be repeated (a retry after a dropped connection, a double submit, a client
that sends the same request twice at once) carry an idempotency key. The first answer is kept
with a hash of the request; a repeat with the same key and request gets that answer again and
changes nothing, and the same key with a different request is refused.

The records live in each app's own table (same shape: key, user, scope, request_hash, response,
created_at); these functions take the model. Call them after locking the record the write is
about, so that a repeat waiting on the lock finds the first answer once it is committed."""

import hashlib
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

MAX_KEY_LENGTH = 100
FIELD = "idempotency_key"


class KeyReused(ValidationError):
    """The key was already used for a different request (or by someone else)."""

    def __init__(self) -> None:
        super().__init__({FIELD: "This idempotency key was used for a different request: use a new key"})


def key_check(key: Any) -> str:
    """The key, or a ValidationError naming `idempotency_key` if it is missing or unusable."""
    if not isinstance(key, str) or not key.strip() or len(key) > MAX_KEY_LENGTH or "\x00" in key:
        raise ValidationError(
            {FIELD: f"Each request that moves minutes needs an idempotency key of 1 to {MAX_KEY_LENGTH} characters"}
        )
    return key


def request_hash(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def previous_answer(
    model: type[models.Model], *, key: str, user_id: int | None, scope: str, payload: Any
) -> dict[str, Any] | None:
    """The answer first given for this key, or None if the key is new. KeyReused if the key was
    used for another request."""
    previous = model._default_manager.filter(key=key).first()
    if previous is None:
        return None
    same = (
        previous.scope == scope  # type: ignore[attr-defined]
        and previous.request_hash == request_hash(payload)  # type: ignore[attr-defined]
        and previous.user_id == user_id  # type: ignore[attr-defined]
    )
    if not same:
        raise KeyReused()
    response: dict[str, Any] = previous.response  # type: ignore[attr-defined]
    return response


def remember(
    model: type[models.Model], *, key: str, user_id: int | None, scope: str, payload: Any, response: dict[str, Any]
) -> None:
    """Keep the answer, in the write's own transaction. If the same key was committed meanwhile by
    another request, KeyReused: the caller's transaction, and so the write, is rolled back."""
    try:
        with transaction.atomic():
            model._default_manager.create(
                key=key, user_id=user_id, scope=scope, request_hash=request_hash(payload), response=response
            )
    except IntegrityError:
        raise KeyReused() from None
