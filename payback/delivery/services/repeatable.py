"""A submit from the supervisor's day made once, however often it arrives: the before-work checks,
tools counted back in, an incident report or a risk concern kept on the phone without signal and
sent when the signal returns (and sent again if the answer was lost on the way) carries the
idempotency key of the form it came from. The first arrival writes and keeps its answer; a repeat
of the same submit gets that answer and writes nothing; the same key with a different submit is
refused, naming `idempotency_key`. The register keeps its own keys (`register`)."""

from collections.abc import Callable

from django.db import models, transaction

from payback.core import idempotency
from payback.staff.models import User

from ..models import IdempotentRequest, Session


@transaction.atomic
def submit_once(
    *,
    actor: User,
    session: Session,
    key: str | None,
    scope: str,
    payload: dict[str, object],
    write: Callable[[], models.Model],
) -> int:
    """Run `write` (a delivery service) once for the key, and return the key (pk) of the record it
    wrote or, for a repeat, of the record the first arrival wrote. Without a key, just write. The
    session is locked first, so that a repeat arriving at the same moment waits for the first and
    then finds its answer."""
    if not key:
        return write().pk
    idempotency.key_check(key)
    Session.objects.select_for_update().filter(pk=session.pk).first()
    request = {"session": session.pk, **payload}
    previous = idempotency.previous_answer(IdempotentRequest, key=key, user_id=actor.pk, scope=scope, payload=request)
    if previous is not None:
        return int(previous["id"])
    made = write()
    idempotency.remember(
        IdempotentRequest, key=key, user_id=actor.pk, scope=scope, payload=request, response={"id": made.pk}
    )
    return made.pk
