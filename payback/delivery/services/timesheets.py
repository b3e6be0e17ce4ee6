"""Individual placements: hours from the beneficiary's timesheet, credited like a session."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from payback.cases.models import Requirement
from payback.cases.services import ledger_credit_work
from payback.core.policy import PolicyBook
from payback.core.selectors import policy_book
from payback.projects.models import Project, ProjectType
from payback.staff.models import User

from ..models import IndividualPlacementTimesheet
from .common import create_unless_taken, refuse_any

ALREADY_RECORDED = "Hours for this day are already recorded"


@transaction.atomic
def timesheet_record(
    *,
    actor: User,
    project: Project,
    requirement: Requirement,
    worked_on: date,
    minutes: int,
    beneficiary_supervisor: str,
    book: PolicyBook | None = None,
) -> IndividualPlacementTimesheet:
    """Hours on an individual placement, from the beneficiary's timesheet, credited like a session."""
    book = book or policy_book()
    errors = {}
    if project.project_type != ProjectType.INDIVIDUAL:
        errors["project"] = "Timesheets are for individual placements"
    if not isinstance(minutes, int) or not 1 <= minutes <= 12 * 60:
        errors["minutes"] = "Enter the minutes worked that day, between 1 and 720"
    if worked_on > timezone.localdate():
        errors["worked_on"] = "The day worked must be today or in the past"
    if not beneficiary_supervisor.strip():
        errors["beneficiary_supervisor"] = "Enter the name of the beneficiary's supervisor who signed the timesheet"
    day = {"requirement": requirement, "project": project, "worked_on": worked_on}
    if IndividualPlacementTimesheet.objects.filter(**day).exists():
        errors["worked_on"] = ALREADY_RECORDED
    refuse_any(errors)
    signed_by = beneficiary_supervisor.strip()
    line = create_unless_taken(
        IndividualPlacementTimesheet, **day, minutes=minutes, beneficiary_supervisor=signed_by, entered_by=actor
    )
    if line is None:
        raise ValidationError({"worked_on": ALREADY_RECORDED})
    entry = ledger_credit_work(
        actor=actor,
        requirement=requirement,
        minutes=minutes,
        occurred_on=worked_on,
        source="individual_placement",
        source_ref=str(line.pk),
        reason=f"{project.name}, supervised by {signed_by}",
        book=book,
    )
    line.credited_entry = entry
    line.save(update_fields=["credited_entry"])
    return line
