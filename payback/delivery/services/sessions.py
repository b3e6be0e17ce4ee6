"""Planning sessions: one at a time or as a weekly series, supervisors' absences and cover."""

from datetime import date, time, timedelta
from typing import Any, Required, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from payback.core.services import audit_record, save_audited
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


class SessionPlan(TypedDict, total=False):
    """How a session runs, apart from its day: the same for one session and for every week of a
    series. The project, times and capacity are always given."""

    project: Required[Project]
    start_time: Required[time]
    end_time: Required[time]
    capacity: Required[int]
    supervisor: User | None
    vehicle: Vehicle | None
    pick_up_point: str
    pick_up_time: time | None


def _filled(plan: SessionPlan) -> dict[str, Any]:
    """Every field of the plan: what it leaves out is no supervisor yet (so it needs cover), no
    vehicle and no pick-up."""
    return {"supervisor": None, "vehicle": None, "pick_up_point": "", "pick_up_time": None, **plan}


def _plan_errors(plan: SessionPlan, session_date: date) -> dict[str, str]:
    """Everything that stops the session being planned on that day, by field."""
    errors: dict[str, str] = {}
    project, capacity, start_time = plan["project"], plan["capacity"], plan["start_time"]
    if project.status != ProjectStatus.ACTIVE:
        errors["project"] = f"Sessions can be planned only on active projects: {project.name} is {project.status}"
    if plan["end_time"] <= start_time:
        errors["end_time"] = "The finish time must be after the start time"
    if not isinstance(capacity, int) or capacity < 1:
        errors["capacity"] = "Enter how many people the session can take, 1 or more"
    elif capacity > project.capacity:
        errors["capacity"] = f"The project can take at most {project.capacity} people"
    if session_date < timezone.localdate():
        errors["session_date"] = "A session cannot be planned in the past"
    if (pick_up_time := plan.get("pick_up_time")) is not None and pick_up_time > start_time:
        errors["pick_up_time"] = "The pick-up must be before the session starts"
    if "capacity" not in errors:
        _check_supervisor_and_vehicle(
            session_date=session_date,
            supervisor=plan.get("supervisor"),
            vehicle=plan.get("vehicle"),
            capacity=capacity,
            errors=errors,
        )
    return errors


def _plan_session(actor: User, plan: SessionPlan, session_date: date, series: SessionSeries | None) -> Session:
    refuse_any(_plan_errors(plan, session_date))
    # The pick-up point is kept as typed on the series, trimmed on each session.
    values = {**_filled(plan), "pick_up_point": plan.get("pick_up_point", "").strip()}
    session = Session(**values, series=series, date=session_date, needs_cover=values["supervisor"] is None)
    # No go / no-go decision yet: it is made on the day, with the dynamic risk assessment.
    when = f"{session_date:%-d %B %Y}, {plan['start_time']:%H:%M}–{plan['end_time']:%H:%M}"
    summary = f"Session planned: {plan['project'].name} on {when}"
    return save_audited(session, actor=actor, action="session.created", summary=summary)


@transaction.atomic
def session_create(
    *, actor: User, session_date: date, series: SessionSeries | None = None, **plan: Unpack[SessionPlan]
) -> Session:
    """Plan one session on a day, checking the project, times, capacity, supervisor and vehicle."""
    return _plan_session(actor, plan, session_date, series)


@transaction.atomic
def session_series_create(
    *, actor: User, weekday: int, starts_on: date, weeks_ahead: int = 8, **plan: Unpack[SessionPlan]
) -> tuple[SessionSeries, list[Session], list[str]]:
    """A weekly session, generated some weeks ahead. Weeks that cannot be planned (the supervisor
    is away, say) are listed, not silently skipped."""
    refuse_if(not 0 <= weekday <= 6, "weekday", "Choose a day of the week")
    refuse_if(not 1 <= weeks_ahead <= 26, "weeks_ahead", "Generate between 1 and 26 weeks ahead")
    series = SessionSeries.objects.create(**_filled(plan), weekday=weekday, starts_on=starts_on, created_by=actor)
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
    """Give a planned session another supervisor, who must be free and, with a vehicle, an
    authorised driver. The session no longer needs cover, and its bookings are checked again."""
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
