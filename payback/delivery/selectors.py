"""Reads for sessions and the supervisor's day, always scoped. A supervisor sees the sessions they
run; planners see every session in their area."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from payback.cases.assessment.selectors import SessionNeeds, requirement_placeability, session_needs
from payback.cases.models import CLOSED_STATUSES, Person, Requirement
from payback.cases.selectors import people_for, requirement_still_needed, requirements_for
from payback.core.policy import PolicyBook
from payback.core.selectors import found_or_404
from payback.projects.models import Project, ProjectStatus, ProjectType
from payback.projects.selectors import current_project_assessment, projects_for
from payback.staff.models import User
from payback.staff.roles import RUN_SESSIONS, VIEW_CASES
from payback.staff.selectors import in_area, pdus_for

from . import conflicts, rules
from .models import (
    Appointment,
    DriverAuthorisation,
    Incident,
    IncidentStatus,
    Outcome,
    RiskConcern,
    Session,
    SessionStatus,
    StandDownReason,
    SupervisorAbsence,
    ToolCount,
    Vehicle,
    VehicleCheck,
)

PLAN_SESSIONS = "delivery.add_session"
# A cancelled appointment no longer takes a place or counts as someone affected.
BOOKED = Q(appointments__cancelled_at__isnull=True)


def sessions_for(user: User) -> QuerySet[Session]:
    qs = in_area(Session, user, "project__pdu").select_related(
        "project", "project__beneficiary", "supervisor", "vehicle"
    )
    if not user.has_perm(PLAN_SESSIONS):
        qs = qs.filter(supervisor=user)
    return qs


def session_get(user: User, pk: int) -> Session:
    return found_or_404(sessions_for(user), "session", pk=pk)


def session_to_write(user: User, pk: int) -> Session:
    """The session, if the user may see it, read without what it refers to: a write that locks the
    session reads it again (the register's submit)."""
    return found_or_404(sessions_for(user).select_related(None).only("pk"), "session", pk=pk)


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


def sessions_listed(
    user: User,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    project_id: int | None = None,
    status: str | None = None,
    needs_cover: bool = False,
) -> QuerySet[Session]:
    """The API's list of sessions, filtered, each with how many are booked."""
    qs = sessions_for(user)
    if date_from is not None:
        qs = qs.filter(date__gte=date_from)
    if date_to is not None:
        qs = qs.filter(date__lte=date_to)
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    if status is not None:
        qs = qs.filter(status=status)
    if needs_cover:
        qs = qs.filter(needs_cover=True, status=SessionStatus.PLANNED)
    return qs.annotate(booked=Count("appointments", filter=BOOKED)).order_by("date", "start_time", "id")


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
    return found_or_404(
        in_area(Appointment, user, "person__pdu").select_related(
            "session", "session__project", "person", "requirement", "credited_entry"
        ),
        "appointment",
        pk=pk,
    )


def failures_to_decide(user: User, *, mine_only: bool = True) -> QuerySet[Appointment]:
    """Possible failures to comply waiting for the practitioner's decision, with the evidence date."""
    qs = (
        in_area(Appointment, user, "person__pdu")
        .filter(outcome__in=sorted(rules.FAILURES), evidence_due__isnull=False)
        .select_related("person", "session", "session__project", "requirement")
    )
    if mine_only:
        qs = qs.filter(person__practitioner=user)
    return qs.order_by("evidence_due", "id")


def to_rebook(user: User) -> QuerySet[Appointment]:
    return (
        in_area(Appointment, user, "person__pdu")
        .filter(outcome=Outcome.STOOD_DOWN, rebooked=False)
        .select_related("person", "session", "session__project", "requirement")
        .order_by("date")
    )


def concerns_for_practitioner(user: User, *, open_only: bool = True) -> QuerySet[RiskConcern]:
    qs = (
        in_area(RiskConcern, user, "person__pdu")
        .filter(person__practitioner=user)
        .select_related("person", "raised_by", "session")
    )
    if open_only:
        qs = qs.filter(acknowledged_at__isnull=True)
    return qs


def concern_get(user: User, pk: int) -> RiskConcern:
    return found_or_404(
        in_area(RiskConcern, user, "person__pdu").select_related("person"),
        "concern",
        pk=pk,
    )


def incidents_for(user: User) -> QuerySet[Incident]:
    return in_area(Incident, user, "project__pdu").select_related("project", "session", "reported_by")


def incident_get(user: User, pk: int) -> Incident:
    return found_or_404(incidents_for(user), "incident", pk=pk)


def open_incidents(user: User) -> QuerySet[Incident]:
    return incidents_for(user).exclude(status=IncidentStatus.CLOSED).order_by("paperwork_due_at")


def vehicles_for(user: User) -> QuerySet[Vehicle]:
    return in_area(Vehicle, user, "pdu").prefetch_related(Prefetch("checks", to_attr="recent_checks"))


def vehicle_get(user: User, pk: int) -> Vehicle:
    return found_or_404(in_area(Vehicle, user, "pdu"), "vehicle", pk=pk)


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


# ---------------------------------------------------------------------------------------------
# What booking and planning check before they write


def driver_is_authorised(user: User, *, on: date) -> bool:
    return DriverAuthorisation.objects.filter(driver=user, revoked_at__isnull=True, valid_until__gte=on).exists()


def booked_minutes_ahead(requirement: Requirement, *, from_date: date) -> int:
    """The minutes of the sessions the person is booked on from a date, not yet recorded."""
    return sum(
        rules.session_minutes(start, end)
        for start, end in Appointment.objects.filter(
            requirement=requirement, cancelled_at__isnull=True, outcome="", date__gte=from_date
        ).values_list("session__start_time", "session__end_time")
    )


def appointment_check(session: Session, requirement: Requirement, *, book: PolicyBook) -> list[str]:
    """Every reason the person cannot be booked into the session (empty if they can)."""
    reasons: list[str] = []
    today = timezone.localdate()
    if session.status != SessionStatus.PLANNED:
        reasons.append(f"The session is {session.get_status_display().lower()}")
    if session.date < today:
        reasons.append("The session is in the past")
    placeability = requirement_placeability(requirement, book=book, today=today)
    reasons.extend(placeability.reasons)
    if Appointment.objects.filter(
        person_id=requirement.person_id, date=session.date, cancelled_at__isnull=True
    ).exists():
        reasons.append(f"Already booked on another session on {session.date:%-d %B %Y}: one session a day")
    # What may be booked is the work still needed: remaining hours less what that work will earn.
    needed = requirement_still_needed(requirement, book=book, on=today)
    if needed > 0 and booked_minutes_ahead(requirement, from_date=today) >= needed:
        reasons.append("Already booked for all the hours the person still owes")
    if current_project_assessment(session.project) is None:
        reasons.append("The project has no approved assessment")
    reasons.extend(r for r in conflicts.joining_problems(session, requirement.person_id) if r not in reasons)
    return reasons


# ---------------------------------------------------------------------------------------------
# Records the API names by id or CRN, found only within the user's area


def open_requirement_get(user: User, pk: int) -> Requirement | None:
    return requirements_for(user).filter(pk=pk).exclude(status__in=CLOSED_STATUSES).first()


def project_in_area(user: User, pk: int) -> Project | None:
    return projects_for(user).filter(pk=pk).first()


def person_booked_on(session: Session, crn: str) -> Person | None:
    booked = Appointment.objects.filter(session=session, cancelled_at__isnull=True, person__crn=crn.upper())
    return Person.objects.filter(pk__in=booked.values("person_id")).first()


def person_in_area(user: User, crn: str) -> Person | None:
    """Someone in the user's area; for someone who cannot see cases, someone booked on one of
    their sessions."""
    people = people_for(user).filter(crn=crn.upper())
    if not user.has_perm(VIEW_CASES):
        people = people.filter(appointments__session__in=sessions_for(user), appointments__cancelled_at__isnull=True)
    return people.first()


# ---------------------------------------------------------------------------------------------
# What the planning pages offer to choose from


def active_projects(user: User, *, individual: bool = False) -> QuerySet[Project]:
    qs = projects_for(user).filter(status=ProjectStatus.ACTIVE)
    if individual:
        return qs.filter(project_type=ProjectType.INDIVIDUAL).order_by("name")
    return qs.exclude(project_type=ProjectType.INDIVIDUAL).order_by("name")


def staff_who_can(user: User, permission: str) -> QuerySet[User]:
    """Active staff in the user's area who hold a permission (through their role)."""
    app_label, codename = permission.split(".")
    pdus = pdus_for(user)
    return (
        User.objects.filter(
            Q(pdu__in=pdus) | Q(pdu__isnull=True, region__in=pdus.values("region")),
            is_active=True,
            groups__permissions__codename=codename,
            groups__permissions__content_type__app_label=app_label,
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def vehicles_in_scope(user: User) -> QuerySet[Vehicle]:
    return in_area(Vehicle, user, "pdu").select_related("pdu")


def drivers_in_scope(user: User) -> QuerySet[DriverAuthorisation]:
    return (
        DriverAuthorisation.objects.filter(
            Q(driver__pdu__in=pdus_for(user))
            | Q(driver__pdu__isnull=True, driver__region__in=pdus_for(user).values("region"))
        )
        .select_related("driver", "authorised_by")
        .order_by("driver__last_name", "driver__first_name")
    )


def open_requirement(user: User, crn: str) -> Requirement | None:
    """The open requirement of the person with this CRN, within the user's area."""
    return (
        requirements_for(user)
        .filter(person__crn=crn.strip().upper())
        .exclude(status__in=CLOSED_STATUSES)
        .order_by("-pk")
        .first()
    )


# ---------------------------------------------------------------------------------------------
# What the pages show about one session, series, absence or vehicle


def sessions_in_week(
    user: User, start: date, *, project_id: int | None = None, cover_only: bool = False
) -> QuerySet[Session]:
    """The planning week from its Monday, optionally one project's or only those needing cover."""
    sessions = sessions_between(user, start, start + timedelta(days=6))
    if project_id:
        sessions = sessions.filter(project_id=project_id)
    if cover_only:
        sessions = sessions.filter(needs_cover=True, status=SessionStatus.PLANNED)
    return sessions


def my_sessions_between(user: User, start: date, end: date) -> QuerySet[Session]:
    """The sessions the user supervises between two dates."""
    return sessions_between(user, start, end).filter(supervisor=user)


def series_sessions(user: User, series_id: int) -> list[Session]:
    return list(sessions_for(user).filter(series_id=series_id).order_by("date"))


def absence_get(user: User, pk: int) -> SupervisorAbsence:
    """An absence of a supervisor in the user's area."""
    absences = SupervisorAbsence.objects.filter(supervisor__in=staff_who_can(user, RUN_SESSIONS))
    return found_or_404(absences.select_related("supervisor", "recorded_by"), "absence", pk=pk)


def sessions_in_absence(user: User, absence: SupervisorAbsence) -> QuerySet[Session]:
    return sessions_for(user).filter(supervisor=absence.supervisor, date__range=(absence.starts_on, absence.ends_on))


def tool_counts(session: Session) -> list[ToolCount]:
    return list(session.tool_counts.order_by("tool"))


def booked_ids(session: Session) -> list[int]:
    """The appointments booked on the session (not cancelled), by their keys."""
    return list(session.appointments.filter(cancelled_at__isnull=True).order_by("pk").values_list("pk", flat=True))


def session_incidents(session: Session) -> QuerySet[Incident]:
    return session.incidents.order_by("-occurred_at")


def appointment_on_session(session: Session, pk: int) -> Appointment | None:
    """An appointment on the session, cancelled or not, with the person."""
    return Appointment.objects.filter(session=session, pk=pk).select_related("person").first()


def vehicle_checks(vehicle: Vehicle) -> QuerySet[VehicleCheck]:
    """The vehicle's last 30 checks, newest first."""
    return vehicle.checks.select_related("checked_by", "cleared_by", "session__project").order_by("-checked_at")[:30]


def vehicle_upcoming(vehicle: Vehicle, *, today: date) -> QuerySet[Session]:
    """The next 10 planned sessions that use the vehicle."""
    return (
        vehicle.sessions.filter(date__gte=today, status=SessionStatus.PLANNED)
        .select_related("project")
        .order_by("date", "start_time")[:10]
    )


def vehicle_check_get(vehicle: Vehicle, pk: int) -> VehicleCheck:
    return found_or_404(vehicle.checks.all(), "check of this vehicle", pk=pk)
