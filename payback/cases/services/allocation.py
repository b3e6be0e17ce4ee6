"""Reallocating a case to another practitioner, with the reason recorded."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from payback.core import idempotency
from payback.core.services import audit_record
from payback.staff.models import Scope, User
from payback.staff.roles import PROBATION_PRACTITIONER
from payback.staff.selectors import holds_role, scope_q

from ..models import AllocationRequest, CaseAllocation, Person, Requirement

REASON_LENGTH = 500


def _check_practitioner(person: Person, to: User | None, errors: dict[str, str]) -> None:
    if to is None:
        errors["to_practitioner"] = "Select the practitioner to allocate the case to"
    elif not to.is_active or not holds_role(to, PROBATION_PRACTITIONER):
        errors["to_practitioner"] = f"{to} is not a probation practitioner: choose one to own the case"
    elif to.scope != Scope.PDU or to.pdu_id != person.pdu_id:
        errors["to_practitioner"] = f"{to} does not work in {person.pdu}: choose a practitioner in the case's PDU"
    elif to.pk == person.practitioner_id:
        errors["to_practitioner"] = f"The case is already allocated to {to}"


def _check_reason(reason: Any, errors: dict[str, str]) -> str:
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        errors["reason"] = "Enter why the case is being reallocated"
    elif len(text) > REASON_LENGTH:
        errors["reason"] = f"The reason must be {REASON_LENGTH} characters or fewer"
    return text


@transaction.atomic
def case_reallocate(
    *,
    actor: User | None,
    person: Person | Requirement,
    to_practitioner: User | None,
    reason: str,
    idempotency_key: str | None = None,
) -> CaseAllocation:
    """Give the case (the person, with all their requirements) to another practitioner in its PDU,
    recording who it came from and why. With an idempotency key, a repeat gets the first answer."""
    if isinstance(person, Requirement):
        person = person.person
    locked = Person.objects.select_for_update(of=("self",)).select_related("pdu", "practitioner").get(pk=person.pk)
    if actor is not None and not Person.objects.filter(scope_q(actor), pk=locked.pk).exists():
        raise ValidationError({"person": "The case is outside your area"})
    payload = {"person": locked.pk, "to_practitioner": getattr(to_practitioner, "pk", None), "reason": reason}
    user_id = actor.pk if actor else None
    if idempotency_key is not None:
        key = idempotency.key_check(idempotency_key)
        previous = idempotency.previous_answer(
            AllocationRequest, key=key, user_id=user_id, scope="case.reallocation", payload=payload
        )
        if previous is not None:
            return CaseAllocation.objects.get(pk=previous["id"])
    allocation = _reallocate(actor, locked, to_practitioner, reason)
    if idempotency_key is not None:
        idempotency.remember(
            AllocationRequest,
            key=idempotency_key,
            user_id=user_id,
            scope="case.reallocation",
            payload=payload,
            response={"id": allocation.pk},
        )
    return allocation


def _reallocate(actor: User | None, person: Person, to: User | None, reason: str) -> CaseAllocation:
    errors: dict[str, str] = {}
    _check_practitioner(person, to, errors)
    text = _check_reason(reason, errors)
    if errors:
        raise ValidationError(errors)
    assert to is not None
    before = person.practitioner
    allocation = CaseAllocation.objects.create(
        person=person, from_practitioner=before, to_practitioner=to, reason=text, created_by=actor
    )
    person.practitioner = to
    person.save(update_fields=["practitioner"])
    audit_record(
        actor=actor,
        action="person.reallocated",
        obj=allocation,
        subject=f"person:{person.pk}",
        summary=f"Case reallocated from {before or 'no practitioner'} to {to}: {text}",
        before={"practitioner": before.pk if before else None},
        after={"practitioner": to.pk},
    )
    return allocation
