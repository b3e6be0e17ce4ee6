"""Projects: their details, work schedule and status, and the flag that their risk assessment
must be reviewed."""

from datetime import time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from payback.cases.assessment.rules import DAYS
from payback.core.services import audit_record, field_change_audited, save_audited, values_check_known
from payback.staff.models import Pdu, User

from ..models import (
    AssessmentDecision,
    Beneficiary,
    Project,
    ProjectAssessment,
    ProjectStatus,
    ProjectTask,
    ProjectType,
)

PROJECT_FIELDS = (
    "name",
    "project_type",
    "description",
    "address",
    "postcode",
    "latitude",
    "longitude",
    "days",
    "start_time",
    "end_time",
    "capacity",
)


def _check_project(values: dict[str, Any]) -> None:
    """Refuse a project's details (all of them, as they would be saved) if any is wrong."""
    errors: dict[str, str] = {}
    if not (values.get("name") or "").strip():
        errors["name"] = "Enter a name for the project"
    if values.get("project_type", ProjectType.GROUP) not in ProjectType.values:
        errors["project_type"] = "Select the type of project"
    days = values.get("days") or []
    if any(day not in DAYS for day in days):
        errors["days"] = "Choose days of the week"
    start, end = values.get("start_time"), values.get("end_time")
    if isinstance(start, time) and isinstance(end, time) and end <= start:
        errors["end_time"] = "The finish time must be after the start time"
    capacity = values.get("capacity")
    if capacity is not None and (not isinstance(capacity, int) or not 1 <= capacity <= 30):
        errors["capacity"] = "Enter how many people can work at once, between 1 and 30"
    lat, lon = values.get("latitude"), values.get("longitude")
    if (lat is None) != (lon is None):
        errors["longitude" if lat is not None else "latitude"] = "Enter both latitude and longitude, or neither"
    elif lat is not None and lon is not None and not (49 <= float(lat) <= 56 and -6.5 <= float(lon) <= 2):
        errors["latitude"] = "The location must be in England or Wales"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def project_create(*, actor: User, beneficiary: Beneficiary, pdu: Pdu, **values: Any) -> Project:
    values_check_known(values, PROJECT_FIELDS, "Not a project detail")
    _check_project(values)
    project = Project(beneficiary=beneficiary, pdu=pdu, status=ProjectStatus.DRAFT, **values)
    summary = f"Draft project {project.name} for {beneficiary.name}"
    return save_audited(project, actor=actor, action="project.created", summary=summary)


@transaction.atomic
def project_update(*, actor: User, project: Project, **values: Any) -> Project:
    values_check_known(values, PROJECT_FIELDS, "Not a project detail")
    # Work on the row as it is now: the caller's copy may predate an approval or a review flag.
    project = Project.objects.select_for_update().get(pk=project.pk)
    _check_project({name: getattr(project, name) for name in PROJECT_FIELDS} | values)
    for name, value in values.items():
        setattr(project, name, value)
    return save_audited(project, actor=actor, action="project.updated", summary=f"Project {project.name} updated")


@transaction.atomic
def project_set_tasks(*, actor: User, project: Project, tasks: list[str]) -> list[ProjectTask]:
    """Replace the work schedule with these tasks, in this order."""
    cleaned = [task.strip() for task in tasks if task.strip()]
    if any(len(task) > 300 for task in cleaned):
        raise ValidationError({"tasks": "Each task must be 300 characters or fewer"})
    project.tasks.all().delete()
    created = ProjectTask.objects.bulk_create(
        [ProjectTask(project=project, position=i + 1, description=task) for i, task in enumerate(cleaned)]
    )
    summary = f"Work schedule set: {len(created)} task{'s' if len(created) != 1 else ''}"
    audit_record(actor=actor, action="project.tasks", obj=project, summary=summary)
    return created


def _approved_assessment(project: Project) -> ProjectAssessment | None:
    return project.assessments.filter(status=AssessmentDecision.APPROVED).order_by("-decided_at").first()


@transaction.atomic
def project_change_status(*, actor: User, project: Project, to_status: str, reason: str) -> Project:
    """Activate, pause or close a project. Activation needs everything a session relies on."""
    project = Project.objects.select_for_update().select_related("beneficiary").get(pk=project.pk)
    errors: dict[str, str] = {}
    allowed = {
        ProjectStatus.DRAFT: {ProjectStatus.CLOSED},
        ProjectStatus.ASSESSED: {ProjectStatus.ACTIVE, ProjectStatus.CLOSED},
        ProjectStatus.ACTIVE: {ProjectStatus.PAUSED, ProjectStatus.CLOSED},
        ProjectStatus.PAUSED: {ProjectStatus.ACTIVE, ProjectStatus.CLOSED},
        ProjectStatus.CLOSED: set(),
    }
    if to_status not in allowed[ProjectStatus(project.status)]:
        errors["to_status"] = (
            f"A {project.get_status_display().lower()} project cannot become "
            f"{ProjectStatus(to_status).label.lower() if to_status in ProjectStatus.values else to_status}"
        )
    elif to_status == ProjectStatus.ACTIVE:
        if _approved_assessment(project) is None:
            errors["to_status"] = "The project needs an approved project assessment before it can start"
        elif project.review_needed:
            errors["to_status"] = "The risk assessment must be reviewed and approved again before work resumes"
        elif project.beneficiary.mou_signed_on is None:
            errors["to_status"] = "The beneficiary has not signed the memorandum of understanding"
        elif not project.days or project.start_time is None or project.end_time is None:
            errors["to_status"] = "Set the days and hours the project can run"
        elif not project.tasks.exists():
            errors["to_status"] = "Add the work schedule: at least one task"
    if not reason.strip():
        errors["reason"] = "Enter the reason"
    if errors:
        raise ValidationError(errors)
    summary = f"Project {project.name} {ProjectStatus(to_status).label.lower()}: {reason.strip()}"
    field_change_audited(project, "status", to_status, actor=actor, action="project.status", summary=summary)
    _record_start_or_end(project, to_status)
    return project


def _record_start_or_end(project: Project, to_status: str) -> None:
    """The first day the project is active, and the day it closes: the beneficiary is surveyed on
    each anniversary of the start and at the end."""
    if to_status == ProjectStatus.ACTIVE and project.started_on is None:
        project.started_on = timezone.localdate()
        project.save(update_fields=["started_on"])
    elif to_status == ProjectStatus.CLOSED:
        project.closed_on = timezone.localdate()
        project.save(update_fields=["closed_on"])


@transaction.atomic
def project_flag_review(*, actor: User, project: Project, reason: str) -> Project:
    """After an accident, near miss or change: the risk assessment must be reviewed."""
    if not reason.strip():
        raise ValidationError({"reason": "Enter what happened or what changed"})
    project = Project.objects.select_for_update().get(pk=project.pk)
    project.review_needed = True
    project.review_reason = reason.strip()[:500]
    project.review_raised_by = actor
    project.review_raised_at = timezone.now()
    project.save()
    summary = f"Risk assessment review needed: {project.review_reason}"
    audit_record(actor=actor, action="project.review_needed", obj=project, summary=summary)
    return project
