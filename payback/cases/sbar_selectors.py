"""Reads of SBAR consultations, always scoped to the user's area."""

from django.db.models import Q, QuerySet

from payback.staff.models import User
from payback.staff.selectors import in_area

from .models import Requirement, SbarConsultation


def consultations_for(user: User) -> QuerySet[SbarConsultation]:
    """Every consultation on a case in the user's area, with its answer."""
    return in_area(SbarConsultation, user, "requirement__person__pdu").select_related(
        "requirement__person", "raised_by", "addressed_to", "answer__answered_by"
    )


def consultations_of(requirement: Requirement) -> QuerySet[SbarConsultation]:
    """The case's consultations, newest first."""
    return (
        SbarConsultation.objects.filter(requirement=requirement)
        .select_related("raised_by", "addressed_to", "answer__answered_by")
        .order_by("-raised_at", "-id")
    )


def consultations_to_answer(user: User) -> QuerySet[SbarConsultation]:
    """Consultations waiting for the user: for them by name, or for any senior in the case's PDU; oldest first."""
    return (
        consultations_for(user)
        .filter(answer__isnull=True)
        .filter(Q(addressed_to=user) | Q(addressed_to__isnull=True))
        .exclude(raised_by=user)
        .order_by("raised_at", "id")
    )


def consultation_on_case(user: User, requirement: Requirement, cid: str | None) -> SbarConsultation | None:
    """The consultation asked for on the case (or, when none is named, the oldest waiting for the user)."""
    if cid is not None and cid.isdigit():
        return consultations_for(user).filter(requirement=requirement, pk=int(cid)).first()
    return consultations_to_answer(user).filter(requirement=requirement).first()
