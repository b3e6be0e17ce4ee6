"""Reads for quality assurance, each scoped to the user's area: sessions, supervisors and new staff
of their PDUs, and their region's audit samples."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from payback.core.policy import PolicyBook
from payback.core.selectors import found_or_404
from payback.delivery.models import Session
from payback.projects.models import RiskAssessmentAuditSample
from payback.projects.selectors import audit_samples_for
from payback.staff.models import User
from payback.staff.roles import PLACEMENT_COORDINATOR, SUPERVISOR
from payback.staff.selectors import in_area, pdus_for

from . import rules
from .models import AuditFinding, ReflectiveSupervision, SpotCheck, SupervisorObservation

NEW_STAFF_ROLES = (SUPERVISOR, PLACEMENT_COORDINATOR)
DAY = timedelta(days=1)


def sessions_to_check(user: User) -> QuerySet[Session]:
    """The sessions in the user's area (a spot check may be made of any of them)."""
    return in_area(Session, user, "project__pdu").select_related("project", "supervisor")


def session_get(user: User, pk: int) -> Session:
    return found_or_404(sessions_to_check(user), "session", pk=pk)


def _staff_in_area(user: User, roles: tuple[str, ...]) -> QuerySet[User]:
    """Active staff of the user's area (in one of its PDUs, or across its region) in one of the roles."""
    pdus = pdus_for(user)
    return (
        User.objects.filter(
            Q(pdu__in=pdus) | Q(pdu__isnull=True, region__in=pdus.values("region")),
            is_active=True,
            groups__name__in=roles,
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def supervisors_for(user: User) -> QuerySet[User]:
    return _staff_in_area(user, (SUPERVISOR,))


def supervisor_get(user: User, pk: int) -> User:
    return found_or_404(supervisors_for(user), "supervisor", pk=pk)


def staff_to_supervise(user: User) -> QuerySet[User]:
    """Supervisors and placement coordinators of the user's area (new staff among them)."""
    return _staff_in_area(user, NEW_STAFF_ROLES)


def staff_get(user: User, pk: int) -> User:
    return found_or_404(staff_to_supervise(user), "member of staff", pk=pk)


def spot_checks_for(user: User) -> QuerySet[SpotCheck]:
    return in_area(SpotCheck, user, "session__project__pdu").select_related("session__project", "checked_by")


def observations_for(user: User) -> QuerySet[SupervisorObservation]:
    return SupervisorObservation.objects.filter(supervisor__in=supervisors_for(user)).select_related(
        "supervisor", "observer"
    )


def reflective_supervisions_for(user: User) -> QuerySet[ReflectiveSupervision]:
    return ReflectiveSupervision.objects.filter(member__in=staff_to_supervise(user)).select_related(
        "member", "supervised_by"
    )


def audit_sample_get(user: User, pk: int) -> RiskAssessmentAuditSample:
    return found_or_404(audit_samples_for(user), "audit sample", pk=pk)


def findings_for(user: User) -> QuerySet[AuditFinding]:
    return AuditFinding.objects.filter(sample__in=audit_samples_for(user)).select_related(
        "project", "sample", "recorded_by"
    )


def finding_get(user: User, pk: int) -> AuditFinding:
    return found_or_404(findings_for(user), "audit finding", pk=pk)


@dataclass
class QualityDue:
    """What is overdue or due soon in the user's area, soonest first."""

    observations: list[rules.Due] = field(default_factory=list)
    supervisions: list[rules.Due] = field(default_factory=list)
    audit_actions: list[rules.Due] = field(default_factory=list)


def quality_due(user: User, *, today: date, book: PolicyBook) -> QualityDue:
    """Observations, reflective supervision and audit actions overdue or due within four weeks."""
    return QualityDue(
        observations=_observations_due(user, today, book),
        supervisions=_supervisions_due(user, today, book),
        audit_actions=_audit_actions_due(user, today),
    )


def _soonest(items: list[rules.Due | None]) -> list[rules.Due]:
    return sorted((item for item in items if item is not None), key=lambda item: (item.due, item.subject))


def _observations_due(user: User, today: date, book: PolicyBook) -> list[rules.Due]:
    per_year = book.value("supervisor_observations_per_year", today)
    items = []
    for supervisor in supervisors_for(user).annotate(last_observed=Max("observations__observed_on")):
        started = timezone.localdate(supervisor.date_joined)
        due = rules.observation_due(started=started, last_observed=supervisor.last_observed, per_year=per_year)
        items.append(rules.due_item("observation", supervisor.pk, supervisor.get_full_name(), due, today))
    return _soonest(items)


def _supervisions_due(user: User, today: date, book: PolicyBook) -> list[rules.Due]:
    weeks = book.value("new_staff_supervision_weeks", today)
    months = book.value("new_staff_months", today)
    new_staff = staff_to_supervise(user).filter(date_joined__date__gte=rules.add_months(today, -months) - DAY)
    items = []
    for member in new_staff.annotate(last_held=Max("reflective_supervisions__held_on")):
        joined = timezone.localdate(member.date_joined)
        due = rules.reflective_supervision_due(
            joined=joined, last_held=member.last_held, weeks=weeks, months=months, today=today
        )
        items.append(rules.due_item("reflective_supervision", member.pk, member.get_full_name(), due, today))
    return _soonest(items)


def _audit_actions_due(user: User, today: date) -> list[rules.Due]:
    items = []
    for finding in findings_for(user).filter(action_done_on__isnull=True, action_due__isnull=False):
        what = f"{finding.project.name}: {finding.get_checked_display().lower()}"
        items.append(rules.due_item("audit_action", finding.pk, what, finding.action_due, today))
    return _soonest(items)
