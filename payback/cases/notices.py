"""Who cases tells, and what: an assessment waiting for a countersignature past the day it was due
(`countersignature_working_days` after it was submitted) reaches the senior probation officer who
leads its author's team, or, when the author has no such lead, every senior in the case's PDU who
may countersign. Each is told once for each assessment.

The texts name a person by first name and CRN only."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from payback.core.policy import PolicyBook
from payback.core.workingdays import add_working_days
from payback.notifications.models import Category
from payback.notifications.selectors import staff_of_pdu
from payback.notifications.services import notify
from payback.staff.models import User
from payback.staff.roles import COUNTERSIGN

from .models import Assessment, AssessmentStatus


def countersignature_due(assessment: Assessment, *, book: PolicyBook) -> date:
    """The day by which the assessment should be countersigned (or returned)."""
    assert assessment.submitted_at is not None
    submitted = timezone.localdate(assessment.submitted_at)
    return add_working_days(submitted, book.value("countersignature_working_days", submitted))


def may_countersign(assessment: Assessment) -> list[User]:
    """The author's team lead if they may countersign it, otherwise everyone in the case's PDU who may
    (never the author)."""
    author = assessment.author
    lead = author.team.lead if author.team is not None else None
    if lead is not None and lead.is_active and lead.pk != author.pk and lead.has_perm(COUNTERSIGN):
        return [lead]
    return list(staff_of_pdu(assessment.person.pdu, permission=COUNTERSIGN).exclude(pk=author.pk))


@dataclass(frozen=True)
class Overdue:
    assessment: Assessment
    due: date


def countersignatures_overdue(*, today: date, book: PolicyBook) -> list[Overdue]:
    """Assessments waiting for a countersignature past the day it was due, oldest first."""
    waiting: QuerySet[Assessment] = (
        Assessment.objects.filter(status=AssessmentStatus.AWAITING_COUNTERSIGNATURE, submitted_at__isnull=False)
        .select_related("person__pdu", "author__team__lead")
        .order_by("submitted_at", "id")
    )
    found = [Overdue(assessment, countersignature_due(assessment, book=book)) for assessment in waiting]
    return [item for item in found if item.due < today]


def countersignature_overdue(item: Overdue) -> int:
    """Tell the seniors who may countersign an overdue assessment; how many were told now."""
    assessment, person = item.assessment, item.assessment.person
    submitted = timezone.localdate(assessment.submitted_at)
    made = notify(
        may_countersign(assessment),
        category=Category.COUNTERSIGN_OVERDUE,
        key=f"countersign_overdue:{assessment.pk}",
        subject=f"Countersignature overdue: {person.first_name} ({person.crn})",
        body=(
            f"The UPW assessment of {person.first_name} ({person.crn}) by {assessment.author.get_full_name()} "
            f"has waited for a countersignature since {submitted:%-d %B %Y}: it was due by {item.due:%-d %B %Y}."
        ),
        link=reverse("cases:countersign", args=[assessment.pk]),
    )
    return len(made)
