"""The learning from closed incidents, shared at team meetings across the region (SPEC §9)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from payback.core.services import save_audited
from payback.staff.models import User

from ..models import Incident, IncidentStatus, LearningShared
from .common import refuse_if

NOTES_MAX = 1000


def _check_meeting(incident: Incident, meeting_on: date | None, errors: dict[str, str]) -> None:
    if meeting_on is None:
        errors["meeting_on"] = "Enter the date of the team meeting"
        return
    if meeting_on > timezone.localdate():
        errors["meeting_on"] = "The team meeting must be today or in the past"
        return
    closed_on = timezone.localtime(incident.closed_at).date() if incident.closed_at else meeting_on
    if meeting_on < closed_on:
        closed = f"{closed_on:%-d %B %Y}"
        errors["meeting_on"] = f"The team meeting must be on or after {closed}, when the incident was closed"
        return
    if LearningShared.objects.filter(incident=incident, meeting_on=meeting_on).exists():
        meeting = f"{meeting_on:%-d %B %Y}"
        errors["meeting_on"] = f"This learning is already recorded as shared at the team meeting on {meeting}"


@transaction.atomic
def learning_share(*, actor: User, incident: Incident, meeting_on: date | None, notes: str = "") -> LearningShared:
    """Record that the learning from a closed incident was shared at a team meeting. Each meeting is
    recorded once: the same meeting again is refused, naming `meeting_on`."""
    # The incident's row is held while checking, so the same meeting sent twice at once is recorded once.
    incident = Incident.objects.select_for_update().select_related("project").get(pk=incident.pk)
    refuse_if(
        incident.status != IncidentStatus.CLOSED,
        "incident",
        "The learning can be shared once the incident is closed",
    )
    errors: dict[str, str] = {}
    _check_meeting(incident, meeting_on, errors)
    if len(notes.strip()) > NOTES_MAX:
        errors["notes"] = f"Keep the notes to {NOTES_MAX:,} characters or fewer"
    if errors or meeting_on is None:
        raise ValidationError(errors)
    shared = LearningShared(incident=incident, meeting_on=meeting_on, notes=notes.strip(), shared_by=actor)
    summary = (
        f"Learning from the incident at {incident.project.name} shared at the team meeting on {meeting_on:%-d %B %Y}"
    )
    return save_audited(shared, actor=actor, action="incident.learning_shared", summary=summary)
