"""Beneficiaries: the organisations the work is done for."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from payback.core.services import save_audited, values_check_known
from payback.staff.models import Pdu, User

from .. import rules
from ..models import (
    Beneficiary,
    BeneficiaryKind,
)

BENEFICIARY_FIELDS = (
    "name",
    "kind",
    "additionality_justification",
    "address",
    "postcode",
    "contact_name",
    "contact_email",
    "contact_phone",
    "mou_signed_on",
)


def _check_beneficiary(values: dict[str, Any]) -> None:
    """Refuse a beneficiary's details (all of them, as they would be saved) if any is wrong."""
    errors: dict[str, str] = {}
    if not (values.get("name") or "").strip():
        errors["name"] = "Enter the organisation's name"
    if values.get("kind") not in BeneficiaryKind.values:
        errors["kind"] = "Select the type of organisation"
    errors.update(rules.beneficiary_kind_errors(values.get("kind", ""), values.get("additionality_justification", "")))
    if not (values.get("contact_name") or "").strip():
        errors["contact_name"] = "Enter the name of the contact at the organisation"
    signed = values.get("mou_signed_on")
    if isinstance(signed, date) and signed > timezone.localdate():
        errors["mou_signed_on"] = "The memorandum of understanding must be signed today or in the past"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def beneficiary_create(*, actor: User, pdu: Pdu, **values: Any) -> Beneficiary:
    values_check_known(values, BENEFICIARY_FIELDS, "Not a beneficiary detail")
    _check_beneficiary(values)
    beneficiary = Beneficiary(pdu=pdu, **values)
    summary = f"Beneficiary {beneficiary.name} ({beneficiary.get_kind_display().lower()}) recorded"
    return save_audited(beneficiary, actor=actor, action="beneficiary.created", summary=summary)


@transaction.atomic
def beneficiary_update(*, actor: User, beneficiary: Beneficiary, **values: Any) -> Beneficiary:
    values_check_known(values, BENEFICIARY_FIELDS, "Not a beneficiary detail")
    # Work on the row as it is now: the caller's copy may predate the feedback link being used.
    beneficiary = Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)
    current = {name: getattr(beneficiary, name) for name in BENEFICIARY_FIELDS}
    _check_beneficiary(current | values)
    for name, value in values.items():
        setattr(beneficiary, name, value)
    changed = {k: str(v) for k, v in values.items() if current.get(k) != v}
    return save_audited(
        beneficiary,
        actor=actor,
        action="beneficiary.updated",
        summary=f"Beneficiary {beneficiary.name} updated: {', '.join(changed) or 'no change'}",
        before={k: str(current[k]) for k in changed},
        after=changed,
    )
