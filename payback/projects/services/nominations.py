"""Nominations: received from the public form or recorded by staff, acknowledged, then accepted (a
beneficiary and a draft project) or rejected."""

import random
import secrets
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from payback.core.policy import PolicyBook
from payback.core.selectors import policy_book
from payback.core.services import audit_record, field_change_audited, save_audited
from payback.staff.models import Pdu, User

from .. import rules
from ..models import (
    Beneficiary,
    HeardAbout,
    Nomination,
    NominationStatus,
    Project,
    ReferralMeans,
    RejectionReason,
)
from .beneficiaries import beneficiary_create
from .projects import project_create

DUPLICATE_WINDOW = timedelta(hours=24)
MAX_TEXT = 2000


def _new_reference() -> str:
    rng = random.Random(secrets.randbits(64))
    while True:
        reference = rules.nomination_reference(rng)
        if not Nomination.objects.filter(reference=reference).exists():
            return reference


def _check_nomination(heard_about: str, referral_means: str, *, work_description: str, who_benefits: str) -> None:
    """Refuse the answers a nomination cannot be saved with, one question at a time."""
    if heard_about not in HeardAbout.values:
        raise ValidationError({"heard_about": "Select how you heard about Community Payback"})
    if referral_means not in ReferralMeans.values:
        raise ValidationError({"referral_means": "Select how the nomination was received"})
    too_long = {
        field: f"{label} must be {MAX_TEXT} characters or fewer"
        for field, label, value in (
            ("work_description", "The description of the work", work_description),
            ("who_benefits", "Who benefits", who_benefits),
        )
        if len(value.strip()) > MAX_TEXT
    }
    if too_long:
        raise ValidationError(too_long)


@transaction.atomic
def nomination_submit(
    *,
    nominator_name: str,
    nominator_email: str,
    nominator_phone: str,
    organisation: str,
    on_behalf_of_group: bool,
    work_description: str,
    location: str,
    postcode: str,
    who_benefits: str,
    heard_about: str,
    pdu: Pdu,
    referral_means: str = ReferralMeans.PUBLIC_FORM,
    book: PolicyBook | None = None,
) -> tuple[Nomination, bool]:
    """Record a nomination. An identical one sent again within a day is not saved twice: the
    first is returned with created=False."""
    book = book or policy_book()
    fingerprint = rules.nomination_fingerprint(
        nominator_email, work_description, location, postcode, who_benefits, str(pdu.pk)
    )
    existing = Nomination.objects.filter(
        fingerprint=fingerprint, submitted_at__gte=timezone.now() - DUPLICATE_WINDOW
    ).first()
    if existing is not None:
        return existing, False
    _check_nomination(heard_about, referral_means, work_description=work_description, who_benefits=who_benefits)
    today = timezone.localdate()
    nomination = Nomination(
        reference=_new_reference(),
        nominator_name=nominator_name.strip(),
        nominator_email=nominator_email.strip(),
        nominator_phone=nominator_phone.strip(),
        organisation=organisation.strip(),
        on_behalf_of_group=on_behalf_of_group,
        work_description=work_description.strip(),
        location=location.strip(),
        postcode=postcode.strip().upper(),
        who_benefits=who_benefits.strip(),
        heard_about=heard_about,
        pdu=pdu,
        referral_means=referral_means,
        fingerprint=fingerprint,
        acknowledge_by=rules.acknowledgement_due(today, book),
    )
    summary = f"Nomination {nomination.reference} received for {pdu}"
    return save_audited(nomination, actor=None, action="nomination.submitted", summary=summary), True


@transaction.atomic
def nomination_acknowledge(*, actor: User, nomination: Nomination) -> Nomination:
    """Acknowledge the nomination: recorded, and sent to the nominator by email."""
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if nomination.acknowledged_at is not None:
        raise ValidationError({"nomination": "This nomination has already been acknowledged"})
    nomination.acknowledged_at = timezone.now()
    nomination.acknowledged_by = actor
    if nomination.status == NominationStatus.NEW:
        nomination.status = NominationStatus.ACKNOWLEDGED
    nomination.save()
    send_mail(
        subject=f"Your Community Payback nomination {nomination.reference}",
        message=(
            f"Dear {nomination.nominator_name},\n\n"
            f"Thank you for nominating work for Community Payback ({nomination.reference}). "
            "A placement coordinator will look at whether it can go ahead and will contact you.\n\n"
            "Community Payback, HM Prison and Probation Service"
        ),
        from_email=None,
        recipient_list=[nomination.nominator_email],
    )
    summary = f"Nomination {nomination.reference} acknowledged by email to {nomination.nominator_email}"
    audit_record(actor=actor, action="nomination.acknowledged", obj=nomination, summary=summary)
    return nomination


@transaction.atomic
def nomination_set_referral_means(*, actor: User, nomination: Nomination, referral_means: str) -> Nomination:
    if referral_means not in ReferralMeans.values:
        raise ValidationError({"referral_means": "Select how the nomination was received"})
    summary = f"Means of referral recorded as {ReferralMeans(referral_means).label.lower()}"
    field_change_audited(
        nomination, "referral_means", referral_means, actor=actor, action="nomination.referral_means", summary=summary
    )
    return nomination


def _undecided_locked(nomination: Nomination) -> Nomination:
    """The nomination, locked for the decision; refused if it is already accepted or rejected."""
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if nomination.status in (NominationStatus.ACCEPTED, NominationStatus.REJECTED):
        raise ValidationError({"nomination": f"This nomination has already been {nomination.status}"})
    return nomination


def _decided(nomination: Nomination, *, actor: User, status: str, action: str, summary: str) -> Nomination:
    """Record the decision on a nomination, who made it and when, and audit it."""
    nomination.status = status
    nomination.decided_at = timezone.now()
    nomination.decided_by = actor
    nomination.save()
    audit_record(actor=actor, action=action, obj=nomination, summary=summary)
    return nomination


@transaction.atomic
def nomination_accept(
    *,
    actor: User,
    nomination: Nomination,
    project_name: str,
    beneficiary: Beneficiary | None = None,
    new_beneficiary: dict[str, Any] | None = None,
) -> Project:
    """Accept: link an existing beneficiary or create one, and start a draft project."""
    nomination = _undecided_locked(nomination)
    if beneficiary is None and not new_beneficiary:
        raise ValidationError({"beneficiary": "Choose the beneficiary, or enter a new one"})
    if not project_name.strip():
        raise ValidationError({"project_name": "Enter a name for the project"})
    if beneficiary is None:
        assert new_beneficiary is not None
        beneficiary = beneficiary_create(actor=actor, pdu=nomination.pdu, **new_beneficiary)
    project = project_create(
        actor=actor,
        beneficiary=beneficiary,
        name=project_name,
        pdu=nomination.pdu,
        description=nomination.work_description,
        address=nomination.location,
        postcode=nomination.postcode,
    )
    nomination.beneficiary = beneficiary
    nomination.project = project
    summary = f"Nomination {nomination.reference} accepted: draft project {project.name} for {beneficiary.name}"
    _decided(nomination, actor=actor, status=NominationStatus.ACCEPTED, action="nomination.accepted", summary=summary)
    return project


@transaction.atomic
def nomination_reject(*, actor: User, nomination: Nomination, reason: str, detail: str) -> Nomination:
    nomination = _undecided_locked(nomination)
    errors = {}
    if reason not in RejectionReason.values:
        errors["reason"] = "Select the reason for rejecting the nomination"
    if not detail.strip():
        errors["detail"] = "Explain the decision, so it can be given to the nominator"
    if errors:
        raise ValidationError(errors)
    nomination.rejection_reason = reason
    nomination.rejection_detail = detail.strip()
    summary = f"Nomination {nomination.reference} rejected: {RejectionReason(reason).label.lower()}"
    return _decided(
        nomination, actor=actor, status=NominationStatus.REJECTED, action="nomination.rejected", summary=summary
    )
