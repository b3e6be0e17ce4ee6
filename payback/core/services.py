"""Writes shared by every app: the audit trail and policy versions."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from .context import current_origin
from .models import AuditEvent, PolicyVersion
from .policy import RULES, PolicyValueError, validate_policy_value


def _actor_name(actor: Any) -> str:
    if actor is None:
        return "Payback (system)"
    full_name = getattr(actor, "get_full_name", lambda: "")()
    return full_name or getattr(actor, "username", "unknown")


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    summary: str,
    subject: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event. Call inside the transaction of the change it describes."""
    origin = current_origin()
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=_actor_name(actor),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        summary=summary[:500],
        before=before,
        after=after,
        subject=subject,
        channel=origin.channel,
        ip_address=origin.ip_address,
    )


@transaction.atomic
def policy_version_add(*, actor: Any, key: str, effective_from: date, value: Any, reason: str) -> PolicyVersion:
    """Add a version of a rule. Earlier versions are kept: history is never rewritten."""
    errors: dict[str, str] = {}
    if key not in RULES:
        errors["key"] = "Choose a rule from the list"
    else:
        try:
            value = validate_policy_value(key, value)
        except PolicyValueError as exc:
            errors["value"] = str(exc)
        if PolicyVersion.objects.filter(key=key, effective_from=effective_from).exists():
            errors["effective_from"] = "A version of this rule already starts on that date: choose another date"
    if not reason.strip():
        errors["reason"] = "Enter why the rule changes"
    if errors:
        raise ValidationError(errors)
    version = PolicyVersion.objects.create(
        key=key, effective_from=effective_from, value=value, reason=reason.strip(), created_by=actor
    )
    audit_record(
        actor=actor,
        action="policy.version_added",
        obj=version,
        summary=f"{RULES[key].title} set to {value!r} from {effective_from:%d %B %Y}",
        subject=f"policy:{key}",
        after={"key": key, "effective_from": effective_from.isoformat(), "value": value},
    )
    return version
