"""Reads for management oversight, scoped to the teams the user oversees: a senior probation
officer the teams they lead, an operations manager every team of their area's PDUs."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import CharField, Count, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.utils import timezone

from payback.cases.models import CLOSED_STATUSES, Assessment, AssessmentStatus, Requirement, RoshLevel
from payback.cases.selectors import requirements_for
from payback.core.models import AuditEvent
from payback.core.policy import PolicyBook
from payback.core.selectors import found_or_404
from payback.staff.models import Team, User
from payback.staff.roles import OPERATIONS_MANAGER
from payback.staff.selectors import holds_role, teams_for

from . import rules
from .models import Absence, ReflectiveKind, ReflectivePractice, SupervisionMeeting, TouchPoint


def teams_overseen(user: User) -> QuerySet[Team]:
    """The teams the user leads; for an operations manager, every team in their area."""
    teams = teams_for(user)
    return teams if holds_role(user, OPERATIONS_MANAGER) else teams.filter(lead=user)


def practitioners_for(user: User) -> QuerySet[User]:
    """The active members of the teams the user oversees, with their team."""
    return (
        User.objects.filter(team__in=teams_overseen(user), is_active=True)
        .exclude(pk=user.pk)
        .select_related("team")
        .order_by("last_name", "first_name", "pk")
    )


def practitioner_get(user: User, pk: int) -> User:
    return found_or_404(practitioners_for(user), "practitioner", pk=pk)


def _joined_team() -> Subquery:
    """When the practitioner last joined a team (the move is audited on their account)."""
    moves = AuditEvent.objects.filter(
        action="staff.team_member_moved", object_type="staff.user", object_id=Cast(OuterRef("pk"), CharField())
    )
    return Subquery(moves.order_by("-occurred_at", "-id").values("occurred_at")[:1])


def started_with_team(member: Any) -> date:
    """The day a practitioner of `_practitioners_due` started with their team: the day they joined
    it, or the day their account was made when that is later (or the move is not recorded)."""
    joined = timezone.localdate(member.date_joined)
    return max(joined, timezone.localdate(member.joined_team)) if member.joined_team else joined


def _current_risk() -> Subquery:
    current = Assessment.objects.filter(person=OuterRef("person"), status=AssessmentStatus.CURRENT)
    return Subquery(current.values("rosh_level")[:1])


def cases_overseen(user: User) -> QuerySet[Requirement]:
    """The cases of the practitioners the user oversees, with the person's current risk of serious harm."""
    return (
        requirements_for(user)
        .filter(person__practitioner__in=practitioners_for(user))
        .annotate(risk=_current_risk(), last_touch=Max("touch_points__held_on"))
    )


def case_get(user: User, pk: int) -> Requirement:
    return found_or_404(cases_overseen(user), "case", pk=pk)


def open_cases_of(user: User, practitioner: User) -> QuerySet[Requirement]:
    """A practitioner's open cases the user oversees (a case review is of one of them)."""
    return (
        cases_overseen(user)
        .filter(person__practitioner=practitioner)
        .exclude(status__in=CLOSED_STATUSES)
        .order_by("person__last_name", "person__first_name", "pk")
    )


def meetings_for(user: User) -> QuerySet[SupervisionMeeting]:
    return SupervisionMeeting.objects.filter(practitioner__in=practitioners_for(user)).select_related(
        "practitioner", "senior"
    )


def reflective_practice_for(user: User) -> QuerySet[ReflectivePractice]:
    return ReflectivePractice.objects.filter(practitioner__in=practitioners_for(user)).select_related(
        "practitioner", "senior", "requirement__person"
    )


def absences_for(user: User) -> QuerySet[Absence]:
    """Absences of the practitioners the user oversees and of the seniors who lead their teams."""
    teams = teams_overseen(user)
    people = Q(staff__in=practitioners_for(user)) | Q(staff__in=teams.values("lead"))
    return Absence.objects.filter(people).select_related("staff", "staff__team", "recorded_by")


def absences_between(user: User, first: date, last: date) -> QuerySet[Absence]:
    """The absences of `absences_for` that take in any day from `first` to `last`."""
    return absences_for(user).filter(first_day__lte=last, last_day__gte=first)


def staff_absent_for(user: User) -> QuerySet[User]:
    """Whose absence the user may record: themselves (a senior's own leave moves their 1:1s) and the
    active members of the teams they oversee."""
    return User.objects.filter(Q(pk=user.pk) | Q(pk__in=practitioners_for(user))).order_by(
        "last_name", "first_name", "pk"
    )


def days_away(staff_ids: set[int], since: date) -> dict[int, set[date]]:
    """Each person's days of absence from `since` on."""
    away: dict[int, set[date]] = defaultdict(set)
    for absence in Absence.objects.filter(staff_id__in=staff_ids, last_day__gte=since):
        away[absence.staff_id].update(rules.days_between(max(absence.first_day, since), absence.last_day))
    return away


def touch_points_for(user: User) -> QuerySet[TouchPoint]:
    return TouchPoint.objects.filter(requirement__in=cases_overseen(user)).select_related("requirement", "senior")


def risk_label(level: str | None) -> str:
    """The risk of serious harm level as people say it ("Very high"), or "Not assessed"."""
    return RoshLevel(level).label if level in RoshLevel.values else "Not assessed"


@dataclass(frozen=True)
class PractitionerDue:
    """A practitioner's next 1:1 and the reflective practice still due this financial year."""

    practitioner: User
    supervision_due: date
    supervision_overdue: bool
    last_supervision: date | None
    reflective: rules.ReflectiveDue


@dataclass(frozen=True)
class CaseDue:
    """A case's next touch point, by its risk of serious harm."""

    requirement: Requirement
    risk: str
    due: date
    overdue: bool
    last_touch: date | None

    @property
    def risk_label(self) -> str:
        return risk_label(self.risk)


@dataclass
class OversightDue:
    practitioners: list[PractitionerDue] = field(default_factory=list)
    cases: list[CaseDue] = field(default_factory=list)


def oversight_due(user: User, *, today: date, book: PolicyBook) -> OversightDue:
    """For each practitioner the user oversees, their next 1:1 and reflective practice due; and the
    open cases due a touch point, highest risk first and then soonest."""
    return OversightDue(practitioners=_practitioners_due(user, today, book), cases=_cases_due(user, today, book))


def _practitioners_due(user: User, today: date, book: PolicyBook) -> list[PractitionerDue]:
    weeks = book.value("supervision_weeks", today)
    per_year = book.value("reflective_practice_per_year", today)
    observations_per_year = book.value("reflective_observations_per_year", today)
    in_year = Q(reflective_practice__held_on__gte=rules.financial_year_start(today)) & Q(
        reflective_practice__held_on__lte=rules.financial_year_end(today)
    )
    people = practitioners_for(user).annotate(
        joined_team=_joined_team(),
        last_held=Max("supervision_meetings__held_on"),
        observations_held=Count(
            "reflective_practice",
            filter=in_year & Q(reflective_practice__kind=ReflectiveKind.OBSERVATION),
            distinct=True,
        ),
        reviews_held=Count(
            "reflective_practice",
            filter=in_year & Q(reflective_practice__kind=ReflectiveKind.CASE_REVIEW),
            distinct=True,
        ),
    )
    members = list(people)
    starts = {person.pk: started_with_team(person) for person in members}
    since = min([max(p.last_held or starts[p.pk], starts[p.pk]) for p in members], default=today)
    away = days_away({p.pk for p in members} | {p.team.lead_id for p in members if p.team}, since)
    rows = []
    for person in members:
        unavailable = away[person.pk] | (away[person.team.lead_id] if person.team else set())
        due = rules.supervision_due(
            started=starts[person.pk], last_held=person.last_held, weeks=weeks, unavailable=unavailable
        )
        reflective = rules.reflective_practice_due(
            observations_held=person.observations_held,
            case_reviews_held=person.reviews_held,
            per_year=per_year,
            observations_per_year=observations_per_year,
            today=today,
        )
        rows.append(PractitionerDue(person, due, rules.is_overdue(due, today), person.last_held, reflective))
    return rows


def _case_due(case: Any, weeks_by_risk: dict[str, int], today: date) -> CaseDue | None:
    """A case of `cases_overseen` (with its risk and last touch point) and its next touch point."""
    due = rules.touch_point_due(
        risk=case.risk, last_touch=case.last_touch, sentenced=case.order.sentence_date, weeks_by_risk=weeks_by_risk
    )
    return None if due is None else CaseDue(case, case.risk, due, rules.is_overdue(due, today), case.last_touch)


def current_risk(case: Requirement) -> str | None:
    """The risk of serious harm level on the person's current assessment, if there is one."""
    current = Assessment.objects.filter(person_id=case.person_id, status=AssessmentStatus.CURRENT)
    return current.values_list("rosh_level", flat=True).first()


def _cases_due(user: User, today: date, book: PolicyBook) -> list[CaseDue]:
    weeks_by_risk = {level: book.value(key, today) for level, key in rules.TOUCH_POINT_RULES}
    levels = [level for level, weeks in weeks_by_risk.items() if weeks > 0]
    cases = (
        cases_overseen(user)
        .exclude(status__in=CLOSED_STATUSES)
        .filter(person__assessments__status=AssessmentStatus.CURRENT, person__assessments__rosh_level__in=levels)
    )
    rows = []
    for case in cases:
        row = _case_due(case, weeks_by_risk, today)
        if row is not None:
            rows.append(row)
    return sorted(rows, key=lambda row: (rules.risk_rank(row.risk), row.due, row.requirement.pk))
