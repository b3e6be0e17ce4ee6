"""Reads for sessions and the supervisor's day, always scoped. A supervisor sees the sessions they
run; planners see every session in their area."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from payback.cases.assessment.selectors import SessionNeeds, session_needs
from payback.staff.models import User
from payback.staff.selectors import scope_q

from . import rules
from .models import (
    Appointment,
    Incident,
    IncidentStatus,
    Outcome,
    RiskConcern,
    Session,
    SessionStatus,
    StandDownReason,
    Vehicle,
)

PLAN_SESSIONS = "delivery.add_session"
# A cancelled appointment no longer takes a place or counts as someone affected.
BOOKED = Q(appointments__cancelled_at__isnull=True)


def sessions_for(user: User) -> QuerySet[Session]:
    qs = Session.objects.filter(scope_q(user, pdu_field="project__pdu")).select_related(
        "project", "project__beneficiary", "supervisor", "vehicle"
    )
    if not user.has_perm(PLAN_SESSIONS):
        qs = qs.filter(supervisor=user)
    return qs


def session_get(user: User, pk: int) -> Session:
    session = sessions_for(user).filter(pk=pk).first()
    if session is None:
        raise Http404("No such session")
    return session


def my_sessions(user: User, *, on: date) -> QuerySet[Session]:
    return (
        Session.objects.filter(supervisor=user, date=on)
        .select_related("project", "vehicle")
        .annotate(booked=Count("appointments", filter=BOOKED))
        .order_by("start_time")
    )


def sessions_between(user: User, start: date, end: date) -> QuerySet[Session]:
    return (
        sessions_for(user)
        .filter(date__range=(start, end))
        .annotate(booked=Count("appointments", filter=BOOKED))
        .order_by("date", "start_time")
    )


def sessions_needing_cover(user: User, *, today: date) -> QuerySet[Session]:
    return sessions_for(user).filter(needs_cover=True, status=SessionStatus.PLANNED, date__gte=today)


@dataclass(frozen=True)
class RegisterRow:
    appointment: Appointment
    needs: SessionNeeds


def register_rows(session: Session) -> list[RegisterRow]:
    """Who is expected, with only what the session needs to know about each of them."""
    appointments = (
        Appointment.objects.filter(session=session, cancelled_at__isnull=True)
        .select_related("person", "requirement", "credited_entry")
        .order_by("person__last_name", "person__first_name")
    )
    return [RegisterRow(appointment=a, needs=session_needs(a.person)) for a in appointments]


def appointment_get(user: User, pk: int) -> Appointment:
    appointment = (
        Appointment.objects.filter(scope_q(user, pdu_field="person__pdu"))
        .select_related("session", "session__project", "person", "requirement", "credited_entry")
        .filter(pk=pk)
        .first()
    )
    if appointment is None:
        raise Http404("No such appointment")
    return appointment


def failures_to_decide(user: User, *, mine_only: bool = True) -> QuerySet[Appointment]:
    """Possible failures to comply waiting for the practitioner's decision, with the evidence date."""
    qs = Appointment.objects.filter(
        scope_q(user, pdu_field="person__pdu"), outcome__in=sorted(rules.FAILURES), evidence_due__isnull=False
    ).select_related("person", "session", "session__project", "requirement")
    if mine_only:
        qs = qs.filter(person__practitioner=user)
    return qs.order_by("evidence_due", "id")


def to_rebook(user: User) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(scope_q(user, pdu_field="person__pdu"), outcome=Outcome.STOOD_DOWN, rebooked=False)
        .select_related("person", "session", "session__project", "requirement")
        .order_by("date")
    )


def concerns_for_practitioner(user: User, *, open_only: bool = True) -> QuerySet[RiskConcern]:
    qs = RiskConcern.objects.filter(scope_q(user, pdu_field="person__pdu"), person__practitioner=user).select_related(
        "person", "raised_by", "session"
    )
    if open_only:
        qs = qs.filter(acknowledged_at__isnull=True)
    return qs


def concern_get(user: User, pk: int) -> RiskConcern:
    concern = (
        RiskConcern.objects.filter(scope_q(user, pdu_field="person__pdu"))
        .select_related("person")
        .filter(pk=pk)
        .first()
    )
    if concern is None:
        raise Http404("No such concern")
    return concern


def incidents_for(user: User) -> QuerySet[Incident]:
    return Incident.objects.filter(scope_q(user, pdu_field="project__pdu")).select_related(
        "project", "session", "reported_by"
    )


def incident_get(user: User, pk: int) -> Incident:
    incident = incidents_for(user).filter(pk=pk).first()
    if incident is None:
        raise Http404("No such incident")
    return incident


def open_incidents(user: User) -> QuerySet[Incident]:
    return incidents_for(user).exclude(status=IncidentStatus.CLOSED).order_by("paperwork_due_at")


def vehicles_for(user: User) -> QuerySet[Vehicle]:
    return Vehicle.objects.filter(scope_q(user, pdu_field="pdu")).prefetch_related(
        Prefetch("checks", to_attr="recent_checks")
    )


def vehicle_get(user: User, pk: int) -> Vehicle:
    vehicle = Vehicle.objects.filter(scope_q(user, pdu_field="pdu")).filter(pk=pk).first()
    if vehicle is None:
        raise Http404("No such vehicle")
    return vehicle


@dataclass(frozen=True)
class StandDownReport:
    by_reason: list[tuple[str, int]]
    by_project: list[tuple[str, int]]
    by_week: list[tuple[date, int]]
    people_affected: int
    total: int


def stand_down_report(user: User, *, start: date, end: date) -> StandDownReport:
    """Stand-downs in the period by reason, project and week (Monday), with people affected."""
    stood = list(
        sessions_for(user)
        .filter(status=SessionStatus.STOOD_DOWN, date__range=(start, end))
        .annotate(people=Count("appointments", filter=BOOKED))
        .values_list("stand_down_reason", "project__name", "date", "people")
    )
    reasons: Counter[str] = Counter()
    projects: Counter[str] = Counter()
    weeks: Counter[date] = Counter()
    people = 0
    for reason, project, day, count in stood:
        reasons[StandDownReason(reason).label if reason else "Not given"] += 1
        projects[project] += 1
        weeks[day - timedelta(days=day.weekday())] += 1
        people += count
    return StandDownReport(
        by_reason=reasons.most_common(),
        by_project=projects.most_common(),
        by_week=sorted(weeks.items()),
        people_affected=people,
        total=len(stood),
    )
