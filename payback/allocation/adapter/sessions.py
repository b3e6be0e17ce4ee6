"""The sessions a week's plan places people on: each as the engine sees it (with the restrictions
of its project's approved assessment and its supervisor's absences), and the pairs kept apart
from those already booked by hand."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from payback import placement
from payback.cases.models import Person as CasePerson
from payback.cases.placement_facts import placement_facts
from payback.delivery import rules as delivery_rules
from payback.delivery.models import Session, SessionStatus, SupervisorAbsence
from payback.places.services import Point
from payback.projects.models import ProjectStatus, ProjectType
from payback.projects.selectors import current_project_assessment
from payback.staff.models import Gender, Pdu, User

from ..engine.model import Person
from ..engine.model import Session as EngineSession
from .places import project_locations, site_unknown_note
from .shapes import Bookings, NoSessions, Span, Week

# Sessions people are placed on: group work and individual placements (not inductions, nor
# placements the person found themselves, nor education and training).
PLACED_ON = (ProjectType.GROUP, ProjectType.INDIVIDUAL)


def read_sessions(pdu: Pdu, span: Span) -> list[Session]:
    """The planned sessions of the PDU's active group and individual projects, from today."""
    sessions = list(
        Session.objects.filter(
            project__pdu=pdu,
            project__status=ProjectStatus.ACTIVE,
            project__project_type__in=PLACED_ON,
            status=SessionStatus.PLANNED,
            date__range=(max(span.start, span.today), span.end),
        )
        .select_related("project", "supervisor", "vehicle")
        .order_by("date", "start_time", "id")
    )
    if not sessions:
        raise NoSessions(
            f"There are no planned sessions for {pdu.name} in the week of {span.start:%-d %B %Y}"
            + (" still to come" if span.start < span.today <= span.end else "")
            + ": plan sessions for the week first"
        )
    return sessions


def read_absences(sessions: list[Session], span: Span) -> set[tuple[int, date]]:
    """The days of the week each of the sessions' supervisors is absent: (supervisor, day)."""
    supervisor_ids = {s.supervisor_id for s in sessions if s.supervisor_id}
    return {
        (supervisor_id, day)
        for supervisor_id, starts, ends in SupervisorAbsence.objects.filter(
            supervisor_id__in=supervisor_ids, starts_on__lte=span.end, ends_on__gte=span.start
        ).values_list("supervisor_id", "starts_on", "ends_on")
        for day in (span.start + timedelta(days=i) for i in range(7))
        if starts <= day <= ends
    }


@dataclass(frozen=True)
class _AlreadyBooked:
    """The people booked by hand on the week's sessions, as the placement rules see them."""

    facts: dict[int, Any]
    female: set[int]
    # The people being planned, by id.
    people: dict[int, Person]


def add_sessions(
    week: Week,
    sessions: list[Session],
    booked: Bookings,
    chosen: dict[int, tuple[Any, Any]],
    *,
    span: Span,
    forbidden: set[tuple[int, int]],
) -> None:
    """Each session as the engine sees it (with the restrictions of its project's approved
    assessment), with what the pages show; and the pairs kept apart from those already booked."""
    absent = read_absences(sessions, span)
    restrictions: dict[int, Any] = {}
    booked_people = {pid for pids in booked.in_session.values() for pid in pids}
    already = _AlreadyBooked(
        female=set(CasePerson.objects.filter(pk__in=booked_people, sex="female").values_list("pk", flat=True)),
        facts=placement_facts(booked_people),
        people={p.id: p for p in week.instance.people},
    )
    names = {pid: chosen[pid][0].person.full_name for pid in sorted(chosen)}
    projects = {s.project_id: s.project for s in sessions}
    sites = project_locations(list(projects.values()))
    week.notes += [site_unknown_note(project) for pk, project in projects.items() if sites[pk] is None]
    for session in sessions:
        project = session.project
        if project.pk not in restrictions:
            restrictions[project.pk] = current_project_assessment(project)
        members = booked.in_session.get(session.pk, [])
        _read_session(week, session, restrictions[project.pk], members, absent=absent, site=sites[project.pk])
        _keep_apart(week, session, members, names, already, forbidden)


def _closed(session: Session, assessment: Any, *, away: bool) -> str:
    """Why the session cannot run, or empty."""
    supervisor = session.supervisor
    if supervisor is None or session.needs_cover:
        return "No supervisor: the session needs cover"
    if away:
        return f"{supervisor} is absent that day"
    if session.vehicle is not None and session.vehicle.off_road:
        return f"The vehicle {session.vehicle.registration} is off the road"
    if assessment is None:
        return "The project has no approved assessment"
    return ""


def _read_session(
    week: Week,
    session: Session,
    assessment: Any,
    members: list[int],
    *,
    absent: set[tuple[int, date]],
    site: Point | None,
) -> None:
    project = session.project
    supervisor: User | None = session.supervisor
    away = supervisor is not None and (supervisor.pk, session.date) in absent
    closed = _closed(session, assessment, away=away)
    capacity = 0 if assessment is None else max(0, session.capacity - len(members))
    engine_session = EngineSession(
        id=session.pk,
        project_id=project.pk,
        project_name=project.name,
        day=session.date.isoformat(),
        weekday=session.date.weekday(),
        start=delivery_rules.minutes_of(session.start_time),
        end=delivery_rules.minutes_of(session.end_time),
        capacity=capacity,
        location=site,
        individual=project.project_type == ProjectType.INDIVIDUAL,
        women_only=bool(assessment and assessment.women_only),
        excluded_flags=frozenset(f.code for f in assessment.excluded_flags.all()) if assessment else frozenset(),
        supervisor_female=bool(supervisor and supervisor.gender == Gender.FEMALE),
        supervisor_available=supervisor is not None and not session.needs_cover and not away,
        vehicle_available=not (session.vehicle is not None and session.vehicle.off_road),
    )
    week.instance.sessions.append(engine_session)
    week.sessions[session.pk] = {
        "project": project.name,
        "project_id": project.pk,
        "date": session.date.isoformat(),
        "start": session.start_time.strftime("%H:%M"),
        "end": session.end_time.strftime("%H:%M"),
        "minutes": engine_session.minutes,
        "capacity": session.capacity,
        "free": capacity,
        "already_booked": len(members),
        "supervisor": str(supervisor) if supervisor else "",
        "supervisor_id": supervisor.pk if supervisor else None,
        "supervisor_female": engine_session.supervisor_female,
        "individual": engine_session.individual,
        "women_only": engine_session.women_only,
        "closed": closed,
    }
    if closed:
        week.notes.append(f"{project.name} on {session.date:%A %-d %B}: {closed[:1].lower()}{closed[1:]}")


def _keep_apart(
    week: Week,
    session: Session,
    members: list[int],
    names: dict[int, str],
    already: _AlreadyBooked,
    forbidden: set[tuple[int, int]],
) -> None:
    """Someone already booked by hand stays: nobody they must not meet joins them, and a woman is
    not added to a group already all male (she might end up the only woman)."""
    project = session.project
    individual = project.project_type == ProjectType.INDIVIDUAL
    engine_people = already.people
    for pid, name in names.items():
        apart = {placement.must_be_apart(engine_people[pid], already.facts[m]) for m in members} - {None}
        if apart:
            forbidden.add((pid, session.pk))
            week.blocked[(pid, session.pk)] = (
                f"Non-association: {name} must not be placed with someone already booked on {project.name}"
                if "non_association" in apart
                else f"Not with women: {name} cannot join {project.name}, because of someone flagged "
                "not to be placed with women"
            )
        elif engine_people[pid].female and members and not individual and not set(members) & already.female:
            forbidden.add((pid, session.pk))
            week.blocked[(pid, session.pk)] = (
                f"No woman alone in a group of men: {name} would join a group on {project.name} "
                "already booked with only men"
            )
