"""What every write to a case shares: "today" and the requirement locked for the write."""

from datetime import date

from django.utils import timezone

from ..models import Requirement


def today() -> date:
    return timezone.localdate()


def requirement_locked(requirement: Requirement) -> Requirement:
    """The requirement, locked for this transaction so two writes to its ledger cannot race."""
    return Requirement.objects.select_for_update().select_related("order", "person").get(pk=requirement.pk)
