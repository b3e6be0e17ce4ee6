"""Incidents, accidents and near misses, and risk concerns raised with the practitioner."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from payback.cases.models import Person
from payback.core.services import audit_record, save_audited
from payback.projects.models import Project
from payback.projects.services import project_flag_review
from payback.staff.models import User

from .. import notices
from ..models import ConcernCategory, Incident, IncidentStatus, RiskConcern, Session
from .common import refuse_any, refuse_if

INCIDENT_PAPERWORK_HOURS = 24


@transaction.atomic
def incident_report(
    *,
    actor: User,
    project: Project,
    occurred_at: datetime,
    location: str,
    what_happened: str,
    session: Session | None = None,
    people_involved: str = "",
    witnesses: str = "",
    injuries: str = "",
    damage: str = "",
    emergency_services_called: bool = False,
    immediate_action: str = "",
    near_miss: bool = False,
    reported_online_by: str = "",
) -> Incident:
    """Report an incident, accident or near miss. The operations manager is told at once, the
    paperwork is due within 24 hours, and the project's risk assessment is flagged for review."""
    errors: dict[str, str] = {}
    if occurred_at > timezone.now() + timedelta(minutes=5):
        errors["occurred_at"] = "The incident cannot be in the future"
    if not location.strip():
        errors["location"] = "Enter where it happened"
    if not what_happened.strip():
        errors["what_happened"] = "Describe what happened"
    refuse_any(errors)
    incident = Incident(
        session=session,
        project=project,
        occurred_at=occurred_at,
        location=location.strip(),
        what_happened=what_happened.strip(),
        people_involved=people_involved.strip(),
        witnesses=witnesses.strip(),
        injuries=injuries.strip(),
        damage=damage.strip(),
        emergency_services_called=emergency_services_called,
        immediate_action=immediate_action.strip(),
        near_miss=near_miss,
        reported_by=actor,
        reported_online_by=reported_online_by.strip()[:300],
        paperwork_due_at=timezone.now() + timedelta(hours=INCIDENT_PAPERWORK_HOURS),
    )
    incident.full_clean()
    incident.save()
    kind = "Near miss" if near_miss else "Incident"
    project_flag_review(
        actor=actor, project=project, reason=f"{kind} on {occurred_at:%-d %B %Y}: {what_happened[:200]}"
    )
    notices.incident_reported(incident)
    summary = f"{kind} reported at {project.name}: {what_happened.strip()[:200]}"
    audit_record(actor=actor, action="incident.reported", obj=incident, summary=summary)
    return incident


def _close(actor: User, incident: Incident, errors: dict[str, str]) -> None:
    """Close the incident, once its paperwork, outcome and learning are all recorded (refused with
    `errors` too, the other problems already found with the change)."""
    if incident.paperwork_completed_at is None:
        errors["paperwork_complete"] = "The paperwork must be complete before the incident is closed"
    if not incident.outcome:
        errors["outcome"] = "Record the outcome of the investigation"
    if not incident.learning:
        errors["learning"] = "Record what has been learned, to share"
    refuse_any(errors)
    incident.status = IncidentStatus.CLOSED
    incident.closed_by = actor
    incident.closed_at = timezone.now()


def _check_review_finding(finding: str, errors: dict[str, str]) -> None:
    if not finding.strip():
        errors["review_finding"] = "Say what the risk assessment review must look at"
    elif len(finding.strip()) > 400:
        errors["review_finding"] = "Keep what the review must look at to 400 characters or fewer"


def _raise_review(actor: User, incident: Incident, finding: str) -> None:
    """The investigation found that the project's risk assessment must be reviewed: raise the
    review on the project, with the incident as its reason, and keep the link to it."""
    finding = finding.strip()
    kind = "near miss" if incident.near_miss else "incident"
    reason = f"Investigation of the {kind} on {timezone.localtime(incident.occurred_at):%-d %B %Y}: {finding}"
    project = project_flag_review(actor=actor, project=incident.project, reason=reason)
    incident.review_raised_at = project.review_raised_at
    incident.review_finding = finding


@transaction.atomic
def incident_update(
    *,
    actor: User,
    incident: Incident,
    paperwork_complete: bool | None = None,
    investigation: str | None = None,
    outcome: str | None = None,
    learning: str | None = None,
    review_needed: bool = False,
    review_finding: str = "",
    close: bool = False,
) -> Incident:
    """Record the paperwork, the investigation, its outcome and what was learned; close the
    incident once all of them are recorded. A closed incident is not changed. `review_needed`: the
    investigation found the project's risk assessment must be reviewed (`review_finding` says what
    the review must look at): the project's review is raised, once, and the incident keeps it."""
    incident = Incident.objects.select_for_update().select_related("project").get(pk=incident.pk)
    refuse_if(incident.status == IncidentStatus.CLOSED, "incident", "The incident is closed")
    if paperwork_complete and incident.paperwork_completed_at is None:
        incident.paperwork_completed_at = timezone.now()
        incident.status = IncidentStatus.PAPERWORK_COMPLETE
    if investigation is not None:
        incident.investigation = investigation.strip()
        if incident.investigation:
            incident.status = IncidentStatus.UNDER_INVESTIGATION
    if outcome is not None:
        incident.outcome = outcome.strip()
    if learning is not None:
        incident.learning = learning.strip()
    # Asked again once raised, the review is not raised a second time.
    raise_review = review_needed and incident.review_raised_at is None
    errors: dict[str, str] = {}
    if raise_review:
        _check_review_finding(review_finding, errors)
    if close:
        _close(actor, incident, errors)
    refuse_any(errors)
    if raise_review:
        _raise_review(actor, incident, review_finding)
    incident.save()
    summary = f"Incident {incident.get_status_display().lower()}"
    if raise_review:
        summary += f"; the project's risk assessment to be reviewed: {incident.review_finding}"
    audit_record(actor=actor, action="incident.updated", obj=incident, summary=summary[:500])
    return incident


@transaction.atomic
def risk_concern_raise(
    *,
    actor: User,
    person: Person,
    category: str,
    details: str,
    session: Session | None = None,
    reported_online_by: str = "",
) -> RiskConcern:
    """Raise a concern about a person with their practitioner, from what was seen or heard (by
    staff, or by someone outside the service who reported it online, passed to `actor`)."""
    errors = {}
    if category not in ConcernCategory.values:
        errors["category"] = "Select the kind of concern"
    if not details.strip():
        errors["details"] = "Describe what you saw or heard"
    elif len(details) > 4000:
        errors["details"] = "Keep the description to 4,000 characters or fewer"
    refuse_any(errors)
    concern = RiskConcern(
        person=person,
        session=session,
        category=category,
        details=details.strip(),
        raised_by=actor,
        reported_online_by=reported_online_by.strip()[:300],
    )
    summary = f"Risk concern raised: {ConcernCategory(category).label.lower()}"
    save_audited(concern, actor=actor, action="risk_concern.raised", summary=summary)
    notices.risk_concern_raised(concern)
    return concern


@transaction.atomic
def risk_concern_acknowledge(*, actor: User, concern: RiskConcern, action_taken: str) -> RiskConcern:
    """The practitioner acknowledges a concern, once, recording what they have done about it."""
    concern = RiskConcern.objects.select_for_update().get(pk=concern.pk)
    refuse_if(concern.acknowledged_at is not None, "concern", "This concern has already been acknowledged")
    refuse_if(not action_taken.strip(), "action_taken", "Record what you have done about the concern")
    concern.acknowledged_by = actor
    concern.acknowledged_at = timezone.now()
    concern.action_taken = action_taken.strip()
    concern.save()
    summary = f"Risk concern acknowledged: {action_taken.strip()[:200]}"
    audit_record(actor=actor, action="risk_concern.acknowledged", obj=concern, summary=summary)
    return concern
