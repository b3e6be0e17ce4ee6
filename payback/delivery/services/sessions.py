"""Planning sessions: one at a time or as a weekly series, supervisors' absences and cover."""

from dataclasses import dataclass, fields
from datetime import date, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from payback.core.services import audit_record
from payback.projects.models import Project, ProjectStatus
from payback.staff.models import User

from .. import conflicts
from ..models import Session, SessionSeries, SessionStatus, SupervisorAbsence, Vehicle
from ..selectors import driver_is_authorised
from .common import refuse_any, refuse_if


def _check_supervisor_and_vehicle(
    *,
    session_date: date,
    supervisor: User | None,
    vehicle: Vehicle | None,
    capacity: int,
    errors: dict[str, str],
    exclude_session: int | None = None,
) -> None:
    if supervisor is not None:
        if SupervisorAbsence.objects.filter(
            supervisor=supervisor, starts_on__lte=session_date, ends_on__gte=session_date
        ).exists():
            errors["supervisor"] = f"{supervisor} is recorded as absent on {session_date:%-d %B %Y}"
        elif (
            Session.objects.filter(supervisor=supervisor, date=session_date)
            .exclude(status=SessionStatus.STOOD_DOWN)
            .exclude(pk=exclude_session or 0)
            .exists()
        ):
            errors["supervisor"] = f"{supervisor} already supervises a session on {session_date:%-d %B %Y}"
    if vehicle is not None:
        if vehicle.off_road:
            errors["vehicle"] = f"{vehicle.registration} is off the road: {vehicle.off_road_reason or 'a defect'}"
        elif vehicle.seats < capacity + 1:
            errors["vehicle"] = (
                f"{vehicle.registration} has {vehicle.seats} seats: not enough for the group and supervisor"
            )
        elif supervisor is not None and not driver_is_authorised(supervisor, on=session_date):
            errors["vehicle"] = f"{supervisor} is not an authorised driver with a checked licence"


@dataclass(frozen=True)
class _Plan:
    """What a planned session is, apart from its day: the same for every week of a series."""

    project: Project
    start_time: time
    end_time: time
    capacity: int
    supervisor: User | None
    vehicle: Vehicle | None
    pick_up_point: str
    pick_up_time: time | None

    def fields(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _plan_errors(plan: _Plan, session_date: date) -> dict[str, str]:
    """Everything that stops the session being planned on that day, by field."""
    errors: dict[str, str] = {}
    project, capacity = plan.project, plan.capacity
    if project.status != ProjectStatus.ACTIVE:
        errors["project"] = f"Sessions can be planned only on active projects: {project.name} is {project.status}"
    if plan.end_time <= plan.start_time:
        errors["end_time"] = "The finish time must be after the start time"
    if not isinstance(capacity, int) or capacity < 1:
        errors["capacity"] = "Enter how many people the session can take, 1 or more"
    elif capacity > project.capacity:
        errors["capacity"] = f"The project can take at most {project.capacity} people"
    if session_date < timezone.localdate():
        errors["session_date"] = "A session cannot be planned in the past"
    if plan.pick_up_time is not None and plan.pick_up_time > plan.start_time:
        errors["pick_up_time"] = "The pick-up must be before the session starts"
    if "capacity" not in errors:
        _check_supervisor_and_vehicle(
            session_date=session_date,
            supervisor=plan.supervisor,
            vehicle=plan.vehicle,
            capacity=capacity,
            errors=errors,
        )
    return errors


def _plan_session(actor: User, plan: _Plan, session_date: date, series: SessionSeries | None) -> Session:
    refuse_any(_plan_errors(plan, session_date))
    # The pick-up point is kept as typed on the series, trimmed on each session.
    values = {**plan.fields(), "pick_up_point": plan.pick_up_point.strip()}
    session = Session(**values, series=series, date=session_date, needs_cover=plan.supervisor is None)
    # No go / no-go decision yet: it is made on the day, with the dynamic risk assessment.
    session.full_clean()
    session.save()
    when = f"{session_date:%-d %B %Y}, {plan.start_time:%H:%M}–{plan.end_time:%H:%M}"
    summary = f"Session planned: {plan.project.name} on {when}"
    audit_record(actor=actor, action="session.created", obj=session, summary=summary)
    return session


@transaction.atomic
def session_create(
    *,
    actor: User,
    project: Project,
    session_date: date,
    start_time: time,
    end_time: time,
    capacity: int,
    supervisor: User | None = None,
    vehicle: Vehicle | None = None,
    pick_up_point: str = "",
    pick_up_time: time | None = None,
    series: SessionSeries | None = None,
) -> Session:
    """Plan one session on a day, checking the project, times, capacity, supervisor and vehicle."""
    plan = _Plan(project, start_time, end_time, capacity, supervisor, vehicle, pick_up_point, pick_up_time)
    return _plan_session(actor, plan, session_date, series)


@transaction.atomic
def session_series_create(
    *,
    actor: User,
    project: Project,
    weekday: int,
    start_time: time,
    end_time: time,
    capacity: int,
    starts_on: date,
    weeks_ahead: int = 8,
    supervisor: User | None = None,
    vehicle: Vehicle | None = None,
    pick_up_point: str = "",
    pick_up_time: time | None = None,
) -> tuple[SessionSeries, list[Session], list[str]]:
    """A weekly session, generated some weeks ahead. Weeks that cannot be planned (the supervisor
    is away, say) are listed, not silently skipped."""
    refuse_if(not 0 <= weekday <= 6, "weekday", "Choose a day of the week")
    refuse_if(not 1 <= weeks_ahead <= 26, "weeks_ahead", "Generate between 1 and 26 weeks ahead")
    plan = _Plan(project, start_time, end_time, capacity, supervisor, vehicle, pick_up_point, pick_up_time)
    series = SessionSeries.objects.create(**plan.fields(), weekday=weekday, starts_on=starts_on, created_by=actor)
    first = starts_on + timedelta(days=(weekday - starts_on.weekday()) % 7)
    created, skipped = [], []
    for week in range(weeks_ahead):
        day = first + timedelta(weeks=week)
        try:
            with transaction.atomic():
                created.append(_plan_session(actor, plan, day, series))
        except ValidationError as error:
            skipped.append(f"{day:%-d %B %Y}: {' '.join(error.messages)}")
    refuse_if(not created, "starts_on", "No session could be planned: " + "; ".join(skipped))
    return series, created, skipped


@transaction.atomic
def supervisor_absence_record(
    *, actor: User, supervisor: User, starts_on: date, ends_on: date, reason: str
) -> tuple[SupervisorAbsence, list[Session]]:
    """Record a supervisor's absence. Their sessions in that time need cover: they are flagged to be
    reassigned, never cancelled."""
    refuse_if(ends_on < starts_on, "ends_on", "The last day must be on or after the first day")
    refuse_if(not reason.strip(), "reason", "Enter the reason for the absence")
    absence = SupervisorAbsence.objects.create(
        supervisor=supervisor, starts_on=starts_on, ends_on=ends_on, reason=reason.strip(), recorded_by=actor
    )
    affected = list(
        Session.objects.select_for_update().filter(
            supervisor=supervisor, date__range=(starts_on, ends_on), status=SessionStatus.PLANNED
        )
    )
    for session in affected:
        session.needs_cover = True
        session.save(update_fields=["needs_cover"])
        summary = f"Needs cover: {supervisor} is absent ({reason.strip()})"
        audit_record(actor=actor, action="session.needs_cover", obj=session, summary=summary)
    return absence, affected


@transaction.atomic
def session_assign_supervisor(*, actor: User, session: Session, supervisor: User) -> Session:
    session = Session.objects.select_for_update().get(pk=session.pk)
    refuse_if(
        session.status != SessionStatus.PLANNED, "session", "Only a planned session can be given another supervisor"
    )
    errors: dict[str, str] = {}
    _check_supervisor_and_vehicle(
        session_date=session.date,
        supervisor=supervisor,
        vehicle=session.vehicle,
        capacity=session.capacity,
        errors=errors,
        exclude_session=session.pk,
    )
    refuse_any(errors)
    before = session.supervisor
    session.supervisor = supervisor
    session.needs_cover = False
    session.save(update_fields=["supervisor", "needs_cover"])
    summary = f"Supervisor changed from {before or 'nobody'} to {supervisor}"
    audit_record(actor=actor, action="session.supervisor", obj=session, summary=summary)
    conflicts.bookings_recheck(actor=actor, session_ids=[session.pk])
    return session
