"""What every enforcement write shares: today, the failure taken up from its source and locked,
the audit subject, and the idempotency of a write."""

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from payback.cases.models import Requirement
from payback.core import idempotency
from payback.core.selectors import policy_book
from payback.core.services import audit_record
from payback.staff.models import User

from .. import rules
from ..models import Failure, IdempotentRequest
from ..selectors import FailureSource

M = TypeVar("M", bound=models.Model)


def today() -> date:
    return timezone.localdate()


def subject_of(requirement: Requirement) -> str:
    return f"person:{requirement.person_id}"


def failure_take_up(source: FailureSource) -> Failure:
    """The enforcement record of an enforceable outcome, made the first time anything is done about
    it with the facts as the register holds them, and locked for this transaction."""
    failure = _existing(source)
    if failure is None:
        due = source.register_evidence_due or rules.evidence_due(
            source.occurred_on, policy_book().value("failure_evidence_working_days", source.occurred_on)
        )
        Failure.objects.get_or_create(
            appointment=source.appointment,
            induction=source.induction,
            defaults={
                "requirement": source.requirement,
                "person_id": source.requirement.person_id,
                "occurred_on": source.occurred_on,
                "outcome": source.outcome,
                "outcome_label": source.outcome_label,
                "where": source.where,
                "supervisor_note": source.supervisor_note,
                "recorded_by_id": source.recorded_by_id,
                "evidence_due": due,
            },
        )
    failure = _existing(source)
    assert failure is not None
    return failure


def _existing(source: FailureSource) -> Failure | None:
    found = Failure.objects.select_for_update().select_related("requirement", "requirement__order")
    if source.appointment is not None:
        return found.filter(appointment=source.appointment).first()
    return found.filter(induction=source.induction).first()


def once(
    *,
    actor: User,
    key: str | None,
    scope: str,
    payload: dict[str, Any],
    model: type[M],
    write: Callable[[], M],
) -> M:
    """Run `write` once for an idempotency key: a repeat of the same request returns what the first
    made, and the same key with a different request is refused. Without a key, just write."""
    if key is None:
        return write()
    if not key.strip():
        raise ValidationError({idempotency.FIELD: "Send an idempotency key (1 to 100 characters) with each change"})
    idempotency.key_check(key)
    previous = idempotency.previous_answer(IdempotentRequest, key=key, user_id=actor.pk, scope=scope, payload=payload)
    if previous is not None:
        return model._default_manager.get(pk=previous["id"])
    made = write()
    idempotency.remember(
        IdempotentRequest, key=key, user_id=actor.pk, scope=scope, payload=payload, response={"id": made.pk}
    )
    return made


def failure_audit(actor: User, failure: Failure, action: str, summary: str) -> None:
    """An audit event about a failure, filed on the person's history."""
    audit_record(actor=actor, action=action, obj=failure, summary=summary, subject=subject_of(failure.requirement))
