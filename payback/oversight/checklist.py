"""The senior probation officer's daily checklist (seed 003's morning briefing): the team's workloads,
risk points, who is away, cases of concern and what is overdue. Everything is read from the records
and policy through the selectors that already decide each thing; nothing here is typed in."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet, Sum

from payback.cases import sbar_selectors
from payback.cases.assessment.selectors import countersign_queue
from payback.cases.models import CLOSED_STATUSES, Assessment, Requirement, RoshLevel, SbarConsultation
from payback.cases.selectors import with_balance
from payback.core.policy import PolicyBook
from payback.delivery.models import RiskConcern
from payback.enforcement import selectors as enforcement
from payback.enforcement.models import Action, Failure, Step, Verdict
from payback.staff.models import User
from payback.staff.roles import COUNTERSIGN
from payback.staff.selectors import in_area

from .models import Absence
from .selectors import CaseDue, PractitionerDue, absences_between, cases_overseen, oversight_due, practitioners_for

RISK_POINT_LEVELS = (RoshLevel.VERY_HIGH, RoshLevel.HIGH)
RISK_POINT_DAYS = 7  # touch points due within a week of today are a risk point for the briefing


@dataclass(frozen=True)
class Workload:
    practitioner: User
    open_cases: int
    outstanding_minutes: int


@dataclass(frozen=True)
class CaseOfConcern:
    requirement: Requirement
    reasons: tuple[str, ...]


@dataclass
class Checklist:
    today: date
    week_end: date
    risk_until: date
    workloads: list[Workload] = field(default_factory=list)
    risk_points: list[CaseDue] = field(default_factory=list)
    concerns: list[RiskConcern] = field(default_factory=list)
    away_today: list[Absence] = field(default_factory=list)
    away_this_week: list[Absence] = field(default_factory=list)
    cases_of_concern: list[CaseOfConcern] = field(default_factory=list)
    decisions_overdue: list[enforcement.OpenFailure] = field(default_factory=list)
    supervision_overdue: list[PractitionerDue] = field(default_factory=list)
    reflective_behind: list[PractitionerDue] = field(default_factory=list)
    touch_points_overdue: list[CaseDue] = field(default_factory=list)
    consultations: list[SbarConsultation] = field(default_factory=list)
    countersignatures: list[Assessment] = field(default_factory=list)

    @property
    def overdue_count(self) -> int:
        items = (self.supervision_overdue, self.reflective_behind, self.touch_points_overdue, self.decisions_overdue)
        return sum(len(group) for group in (*items, self.consultations, self.countersignatures))


def daily_checklist(user: User, *, today: date, book: PolicyBook) -> Checklist:
    """The checklist for the teams the user oversees (a senior the teams they lead; an operations
    manager every team of their area)."""
    due = oversight_due(user, today=today, book=book)
    week_end = today + timedelta(days=6 - today.weekday())
    risk_until = today + timedelta(days=RISK_POINT_DAYS)
    checklist = Checklist(today=today, week_end=week_end, risk_until=risk_until)
    checklist.workloads = workloads(user, today=today, book=book)
    checklist.risk_points = [row for row in due.cases if row.risk in RISK_POINT_LEVELS and row.due <= risk_until]
    checklist.concerns = list(concerns_waiting(user))
    away = list(absences_between(user, today, week_end))
    checklist.away_today = [a for a in away if a.first_day <= today]
    checklist.away_this_week = [a for a in away if a.first_day > today]
    checklist.cases_of_concern = cases_of_concern(user)
    checklist.decisions_overdue = decisions_overdue(user, today=today)
    checklist.supervision_overdue = [row for row in due.practitioners if row.supervision_overdue]
    checklist.reflective_behind = [row for row in due.practitioners if row.reflective.behind]
    checklist.touch_points_overdue = [row for row in due.cases if row.overdue]
    if user.has_perm(COUNTERSIGN):
        checklist.consultations = list(consultations_waiting(user))
        checklist.countersignatures = list(countersignatures_waiting(user))
    return checklist


def _open_cases(user: User) -> QuerySet[Requirement]:
    return cases_overseen(user).exclude(status__in=CLOSED_STATUSES)


def workloads(user: User, *, today: date, book: PolicyBook) -> list[Workload]:
    """Each practitioner's open cases and the hours they still owe, most hours first."""
    cases = with_balance(_open_cases(user), book=book, today=today)
    grouped = cases.values("person__practitioner").annotate(n=Count("pk", distinct=True), owed=Sum("remaining"))
    totals: dict[int, tuple[int, int]] = {
        row["person__practitioner"]: (row["n"], max(row["owed"] or 0, 0)) for row in grouped
    }
    rows = [Workload(p, *totals.get(p.pk, (0, 0))) for p in practitioners_for(user)]
    return sorted(rows, key=lambda row: (-row.outstanding_minutes, -row.open_cases, row.practitioner.last_name))


def concerns_waiting(user: User) -> QuerySet[RiskConcern]:
    """Risk concerns raised by supervisors about the team's people that no one has acknowledged."""
    return (
        in_area(RiskConcern, user, "person__pdu")
        .filter(person__practitioner__in=practitioners_for(user), acknowledged_at__isnull=True)
        .select_related("person", "person__practitioner", "raised_by")
        .order_by("raised_at", "id")
    )


def cases_of_concern(user: User) -> list[CaseOfConcern]:
    """The team's open cases with breach action before the court, or failures decided unacceptable."""
    cases = _open_cases(user)
    breach = set(
        Action.objects.filter(requirement__in=cases, step=Step.BREACH, withdrawn_at__isnull=True).values_list(
            "requirement_id", flat=True
        )
    )
    failed = set(
        Failure.objects.filter(requirement__in=cases, decisions__verdict=Verdict.UNACCEPTABLE).values_list(
            "requirement_id", flat=True
        )
    )
    rows = []
    for case in cases.filter(pk__in=breach | failed).order_by("person__last_name", "person__first_name", "pk"):
        reasons = []
        if case.pk in breach and enforcement.open_breach(case) is not None:
            reasons.append("Breach action before the court")
        unacceptable = len(enforcement.unacceptable_failures(case)) if case.pk in failed else 0
        if unacceptable:
            reasons.append(f"{unacceptable} unacceptable failure{'s' if unacceptable > 1 else ''}")
        if reasons:
            rows.append(CaseOfConcern(case, tuple(reasons)))
    return rows


def decisions_overdue(user: User, *, today: date) -> list[enforcement.OpenFailure]:
    """Failures on the team's cases still waiting for the practitioner's decision after the evidence was due."""
    team = set(practitioners_for(user).values_list("pk", flat=True))
    rows = enforcement.failures_to_decide(user, mine_only=False, overdue_on=today)
    return [row for row in rows if row.source.requirement.person.practitioner_id in team]


def consultations_waiting(user: User) -> QuerySet[SbarConsultation]:
    """SBAR consultations waiting for the user's answer, oldest first."""
    return sbar_selectors.consultations_to_answer(user)


def countersignatures_waiting(user: User) -> QuerySet[Assessment]:
    """The team's assessments waiting for the user's countersignature."""
    return countersign_queue(user).filter(Q(author__in=practitioners_for(user)))
