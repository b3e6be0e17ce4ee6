"""Reads for the learning from incidents (SPEC §9). Learning is shared across a region: operations
managers and heads of unpaid work read their own region's, whatever their PDU; national staff
choose a region. Every closed incident's learning is listed with the review of the project's risk
assessment its investigation asked for, if any, and the team meetings it was shared at."""

from datetime import date, datetime

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from payback.core.selectors import found_or_404
from payback.projects.models import AssessmentDecision, ProjectAssessment
from payback.staff.models import Region, Scope, User
from payback.staff.roles import HEAD_OF_UNPAID_WORK, INVESTIGATE_INCIDENTS
from payback.staff.selectors import regions_for

from .models import Incident, IncidentStatus, LearningShared


def may_read_learning(user: User) -> bool:
    """Operations managers (who investigate incidents) and heads of unpaid work."""
    return user.has_perm(INVESTIGATE_INCIDENTS) or user.groups.filter(name=HEAD_OF_UNPAID_WORK).exists()


def learning_regions(user: User) -> QuerySet[Region]:
    """The regions whose learning the user may read: their own, or every region for national staff."""
    return regions_for(user).order_by("name")


def learning_region(user: User, region_id: int | None) -> Region | None:
    """The region to show: a regional or PDU member of staff's own; the one national staff chose."""
    if user.scope != Scope.NATIONAL:
        return learning_regions(user).first()
    if region_id is None:
        return None
    return learning_regions(user).filter(pk=region_id).first()


def _review_done_at() -> Subquery:
    """When the review an incident raised was done: the first approval of an assessment of the
    project recommended since the review was raised (as the project's own review is cleared)."""
    answered = ProjectAssessment.objects.filter(
        project=OuterRef("project"),
        status=AssessmentDecision.APPROVED,
        recommended_at__gte=OuterRef("review_raised_at"),
    ).order_by("decided_at")
    return Subquery(answered.values("decided_at")[:1])


def _in_regions(user: User) -> QuerySet[Incident]:
    return Incident.objects.filter(project__pdu__region__in=learning_regions(user))


def learning_in(user: User, region: Region, *, start: date, end: date) -> QuerySet[Incident]:
    """The region's closed incidents closed in the period, newest first, with their learning."""
    shared = LearningShared.objects.select_related("shared_by").order_by("meeting_on", "pk")
    return (
        _in_regions(user)
        .filter(project__pdu__region=region, status=IncidentStatus.CLOSED)
        .filter(closed_at__date__gte=start, closed_at__date__lte=end)
        .select_related("project", "project__pdu")
        .annotate(review_done_at=_review_done_at())
        .prefetch_related(Prefetch("shared_at", queryset=shared))
        .order_by("-closed_at", "-pk")
    )


def learning_get(user: User, pk: int) -> Incident:
    """An incident in the user's region (or any, for national staff), open or closed."""
    records = _in_regions(user).select_related("project__pdu", "closed_by").annotate(review_done_at=_review_done_at())
    return found_or_404(records, "incident", pk=pk)


def learning_shared(incident: Incident) -> QuerySet[LearningShared]:
    return incident.shared_at.select_related("shared_by").order_by("meeting_on", "pk")


def review_done_at(incident: Incident) -> datetime | None:
    """When the review of the project's risk assessment the incident raised was done, if it was."""
    if incident.review_raised_at is None:
        return None
    done = Incident.objects.filter(pk=incident.pk).annotate(done_at=_review_done_at()).values_list("done_at", flat=True)
    return done.first()


def default_period(today: date | None = None) -> tuple[date, date]:
    """The last twelve months up to today."""
    today = today or timezone.localdate()
    return date.fromordinal(today.toordinal() - 364), today
