"""SBAR consultations: a practitioner asks their senior probation officer for a decision or advice
on a case (situation, background, assessment, recommendation) and the senior answers, once."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats

from payback.core import idempotency
from payback.core.services import audit_record
from payback.staff.models import User
from payback.staff.roles import SENIOR_PROBATION_OFFICER
from payback.staff.selectors import holds_role, scope_q

from ..models import Requirement, SbarAnswer, SbarConsultation, SbarRequest

SBAR_LENGTH = 2000
SBAR_PARTS = {
    "situation": "Enter the situation",
    "background": "Enter the background",
    "assessment": "Enter your assessment",
    "recommendation": "Enter your recommendation",
}


def _check_text(name: str, value: Any, missing: str, errors: dict[str, str]) -> str:
    text = value.strip() if isinstance(value, str) else ""
    label = "Decision or advice" if name == "decision" else name.capitalize()
    if not text:
        errors[name] = missing
    elif len(text) > SBAR_LENGTH:
        errors[name] = f"{label} must be {SBAR_LENGTH:,} characters or fewer"
    return text


def sbar_senior_for(practitioner: User) -> User | None:
    """The senior who leads the practitioner's team, or None (any senior in the case's PDU may answer)."""
    team = practitioner.team
    if team is None or not team.lead.is_active or team.lead_id == practitioner.pk:
        return None
    return team.lead


def _repeatable(actor: User | None, key: str | None, scope: str, payload: dict[str, Any]) -> dict[str, Any] | None:
    if key is None:
        return None
    user_id = actor.pk if actor else None
    return idempotency.previous_answer(
        SbarRequest, key=idempotency.key_check(key), user_id=user_id, scope=scope, payload=payload
    )


def _remember(actor: User | None, key: str | None, scope: str, payload: dict[str, Any], pk: int) -> None:
    if key is not None:
        user_id = actor.pk if actor else None
        idempotency.remember(SbarRequest, key=key, user_id=user_id, scope=scope, payload=payload, response={"id": pk})


def _recorded(
    actor: User,
    record: SbarConsultation | SbarAnswer,
    case: Requirement,
    action: str,
    summary: str,
    after: dict[str, Any],
) -> None:
    """Audit what was recorded, on the history of the person whose case it is about."""
    audit_record(
        actor=actor, action=action, obj=record, subject=f"person:{case.person_id}", summary=summary, after=after
    )


@transaction.atomic
def sbar_raise(
    *,
    actor: User,
    requirement: Requirement,
    situation: str,
    background: str,
    assessment: str,
    recommendation: str,
    idempotency_key: str | None = None,
) -> SbarConsultation:
    """Raise a consultation on the case for the senior who leads the practitioner's team (or, without
    a team, any senior in the case's PDU). With an idempotency key, a repeat gets the first answer."""
    if not Requirement.objects.filter(scope_q(actor, pdu_field="person__pdu"), pk=requirement.pk).exists():
        raise ValidationError({"requirement": "The case is outside your area"})
    parts = {"situation": situation, "background": background, "assessment": assessment}
    parts["recommendation"] = recommendation
    payload = {"requirement": requirement.pk, **parts}
    previous = _repeatable(actor, idempotency_key, "sbar.raise", payload)
    if previous is not None:
        return SbarConsultation.objects.get(pk=previous["id"])
    errors: dict[str, str] = {}
    texts = {name: _check_text(name, value, SBAR_PARTS[name], errors) for name, value in parts.items()}
    if errors:
        raise ValidationError(errors)
    senior = sbar_senior_for(actor)
    consultation = SbarConsultation.objects.create(
        requirement=requirement, raised_by=actor, addressed_to=senior, **texts
    )
    summary = f"SBAR consultation raised for {senior or 'a senior probation officer in the PDU'}"
    after = {"consultation": consultation.pk, "addressed_to": senior.pk if senior else None}
    _recorded(actor, consultation, requirement, "sbar.raised", summary, after)
    _remember(actor, idempotency_key, "sbar.raise", payload, consultation.pk)
    return consultation


def _check_answerer(actor: User, consultation: SbarConsultation, errors: dict[str, str]) -> None:
    answered = SbarAnswer.objects.filter(consultation=consultation).select_related("answered_by").first()
    if answered is not None:
        when = formats.date_format(answered.answered_at, "j F Y")
        errors["consultation"] = f"This consultation was already answered by {answered.answered_by} on {when}"
    elif consultation.addressed_to_id is not None and consultation.addressed_to_id != actor.pk:
        errors["consultation"] = (
            f"This consultation is for {consultation.addressed_to}, who leads the practitioner's team"
        )
    elif not holds_role(actor, SENIOR_PROBATION_OFFICER):
        errors["consultation"] = "Only a senior probation officer can answer a consultation"


@transaction.atomic
def sbar_answer(
    *, actor: User, consultation: SbarConsultation, decision: str, idempotency_key: str | None = None
) -> SbarAnswer:
    """Record the senior's decision or advice. A consultation is answered once: a second answer is
    refused, except a repeat with the same idempotency key, which gets the first answer."""
    locked = (
        SbarConsultation.objects.select_for_update(of=("self",))
        .select_related("addressed_to", "requirement")
        .get(pk=consultation.pk)
    )
    if not SbarConsultation.objects.filter(scope_q(actor, pdu_field="requirement__person__pdu"), pk=locked.pk).exists():
        raise ValidationError({"consultation": "The case is outside your area"})
    payload = {"consultation": locked.pk, "decision": decision}
    previous = _repeatable(actor, idempotency_key, "sbar.answer", payload)
    if previous is not None:
        return SbarAnswer.objects.get(pk=previous["id"])
    errors: dict[str, str] = {}
    _check_answerer(actor, locked, errors)
    text = _check_text("decision", decision, "Enter your decision or advice", errors)
    if errors:
        raise ValidationError(errors)
    answer = SbarAnswer.objects.create(consultation=locked, decision=text, answered_by=actor)
    summary = f"SBAR consultation answered by {actor}"
    _recorded(actor, answer, locked.requirement, "sbar.answered", summary, {"consultation": locked.pk})
    _remember(actor, idempotency_key, "sbar.answer", payload, answer.pk)
    return answer
