"""The thin layer between the database and the pure engine: it reads one PDU's week into an
`Instance` (plain dataclasses) and writes a plan back as appointments.

Reading uses the same selectors and rules as the rest of the service, so the engine sees what a
coordinator booking by hand would see: who is placeable (inducted, assessed, not in backlog, hours
still owed), their availability, flags, preference and non-associations from the current UPW
assessment; the planned sessions of active projects with their supervisor, vehicle and the
restrictions of the project's approved assessment; and the goal weights in force that week.

Home locations are an approximation. People have only a postcode, and the service has no postcode
lookup, so each person is placed at a deterministic point within about 6 km of the middle of the
PDU's projects, derived from a hash of their postcode. The same postcode always gives the same
point, and travel estimates are therefore stable from one run to the next, but they are not real
distances: a coordinator should treat a "travel" reason as a prompt to check, not a fact."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from math import cos, pi, radians, sin, sqrt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from payback import placement
from payback.cases import assessment_rules
from payback.cases.models import (
    Assessment,
    AssessmentStatus,
    CaseStatus,
    Induction,
    InductionOutcome,
    Requirement,
)
from payback.cases.models import Person as CasePerson
from payback.cases.placement_facts import availability_of, group_unsuitable, non_associations_among, placement_facts
from payback.cases.selectors import case_flags, with_balance
from payback.core.policy import PolicyBook
from payback.core.selectors import policy_book
from payback.delivery import rules as delivery_rules
from payback.delivery.models import Appointment, Session, SessionStatus, SupervisorAbsence
from payback.delivery.services import appointment_book, appointment_cancel
from payback.projects.models import Project, ProjectStatus, ProjectType
from payback.projects.selectors import current_project_assessment
from payback.staff.models import Gender, Pdu, User

from .engine.model import Instance, Person, Weights
from .engine.model import Session as EngineSession

# Cases the plan considers. Awaiting assessment is included so that the coordinator sees who is
# close to placeable and why not; awaiting induction, paused and closed cases are left out.
CONSIDERED = (
    CaseStatus.AWAITING_ASSESSMENT,
    CaseStatus.AWAITING_PLACEMENT,
    CaseStatus.WORKING,
    CaseStatus.BACKLOG,
    CaseStatus.BREACH_IN_PROGRESS,
)
# Sessions people are placed on: group work and individual placements (not inductions, nor
# placements the person found themselves, nor education and training).
PLACED_ON = (ProjectType.GROUP, ProjectType.INDIVIDUAL)
DEFAULT_MAX_TRAVEL_MINUTES = 90
# The middle of England, used only when none of the PDU's projects has a location.
DEFAULT_CENTRE = (52.56, -1.46)
HOME_RADIUS_KM = 6.0
KM_PER_DEGREE = 111.32
NO_LIMIT_WEEKS = 52.0
MAX_URGENCY = 5.0


class NoSessions(ValueError):
    """The week has no session the plan could use."""


class PublishConflict(Exception):
    """The data changed since the run: these pairs can no longer be booked."""

    def __init__(self, conflicts: list[str]) -> None:
        super().__init__("; ".join(conflicts))
        self.conflicts = conflicts


@dataclass
class Week:
    """A week read from the database: the engine's instance and what the pages show about it."""

    instance: Instance
    people: dict[int, dict[str, Any]] = field(default_factory=dict)
    sessions: dict[int, dict[str, Any]] = field(default_factory=dict)
    not_placeable: dict[int, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # Pairs kept apart because of someone already booked by hand, with the rule, in words.
    blocked: dict[tuple[int, int], str] = field(default_factory=dict)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


# ---------------------------------------------------------------------------------------------
# Locations


def point_near(key: str, centre: tuple[float, float], *, radius_km: float = HOME_RADIUS_KM) -> tuple[float, float]:
    """A deterministic point within `radius_km` of `centre`, spread evenly over the disc, from a
    hash of `key` (a postcode). See the module's note: an approximation, not a geocode."""
    digest = hashlib.sha256(key.strip().upper().replace(" ", "").encode()).digest()
    a = int.from_bytes(digest[:4], "big") / 2**32
    b = int.from_bytes(digest[4:8], "big") / 2**32
    distance = radius_km * sqrt(a)
    angle = 2 * pi * b
    lat = centre[0] + distance * cos(angle) / KM_PER_DEGREE
    lon = centre[1] + distance * sin(angle) / (KM_PER_DEGREE * cos(radians(centre[0])))
    return (round(lat, 5), round(lon, 5))


def pdu_centre(pdu: Pdu) -> tuple[float, float]:
    """The middle of the PDU's projects that have a location."""
    located: list[tuple[float, float]] = [
        (float(lat), float(lon))
        for lat, lon in Project.objects.filter(pdu=pdu, latitude__isnull=False, longitude__isnull=False).values_list(
            "latitude", "longitude"
        )
        if lat is not None and lon is not None
    ]
    if not located:
        return DEFAULT_CENTRE
    return (
        round(sum(lat for lat, _ in located) / len(located), 5),
        round(sum(lon for _, lon in located) / len(located), 5),
    )


def project_location(project: Project, centre: tuple[float, float]) -> tuple[float, float]:
    if project.latitude is not None and project.longitude is not None:
        return (float(project.latitude), float(project.longitude))
    return point_near(project.postcode or f"project-{project.pk}", centre)


# ---------------------------------------------------------------------------------------------
# Weights and urgency


def weights_for(book: PolicyBook, week_start: date) -> Weights:
    """The goal weights in force on the week's Monday (policy data), with the weekly minimum."""
    raw = book.value("allocation_weights", week_start) or {}
    known = {f.name for f in fields(Weights)}
    values = {key: int(value) for key, value in raw.items() if key in known}
    values["weekly_minimum_minutes"] = int(book.value("weekly_offer_minimum_minutes", week_start))
    return Weights(**values)


def urgency_of(
    *, remaining: int, completion: date | None, week_start: date, weekly_minimum: int, at_risk: bool
) -> float:
    """Minutes remaining ÷ weeks left to the completion date, as a multiple of the weekly
    minimum (1 means they must be offered the minimum every week to finish), plus one when the
    case is at risk. From 0.5 to 5: the engine's scale."""
    weeks_left = max(1.0, (completion - week_start).days / 7) if completion else NO_LIMIT_WEEKS
    rate = remaining / weeks_left / max(1, weekly_minimum)
    return round(min(MAX_URGENCY, 0.5 + rate + (1.0 if at_risk else 0.0)), 2)


# ---------------------------------------------------------------------------------------------
# Reading a week


def read_week(
    pdu: Pdu,
    week_start: date,
    *,
    today: date | None = None,
    book: PolicyBook | None = None,
    pinned: list[tuple[int, int]] | None = None,
    forbidden: list[tuple[int, int]] | None = None,
    published: dict[tuple[int, int], int] | None = None,
) -> Week:
    """The PDU's week as the engine's instance. `published` maps the (person, session) pairs of a
    plan already published to their appointments: those appointments are not counted as fixed
    bookings but given to the engine as published pairs, so a re-plan can keep or move them."""
    today = today or timezone.localdate()
    book = book or policy_book()
    week_start = monday_of(week_start)
    week_end = week_start + timedelta(days=6)
    published = published or {}
    ignored = set(published.values())
    weights = weights_for(book, week_start)
    centre = pdu_centre(pdu)
    week = Week(instance=Instance(people=[], sessions=[], weights=weights))

    sessions = list(
        Session.objects.filter(
            project__pdu=pdu,
            project__status=ProjectStatus.ACTIVE,
            project__project_type__in=PLACED_ON,
            status=SessionStatus.PLANNED,
            date__range=(max(week_start, today), week_end),
        )
        .select_related("project", "supervisor", "vehicle")
        .order_by("date", "start_time", "id")
    )
    if not sessions:
        raise NoSessions(
            f"There are no planned sessions for {pdu.name} in the week of {week_start:%-d %B %Y}"
            + (" still to come" if week_start < today <= week_end else "")
            + ": plan sessions for the week first"
        )

    booked = list(
        Appointment.objects.filter(
            Q(session__in=sessions) | Q(person__pdu=pdu, date__gte=today),
            cancelled_at__isnull=True,
            outcome="",
        )
        .exclude(pk__in=ignored)
        .values_list(
            "pk", "session_id", "person_id", "requirement_id", "date", "session__start_time", "session__end_time"
        )
    )
    booked_in_session: dict[int, list[int]] = defaultdict(list)
    booked_minutes: dict[int, int] = defaultdict(int)
    booked_days: dict[int, set[date]] = defaultdict(set)
    for _, session_id, person_id, requirement_id, day, start, end in booked:
        booked_in_session[session_id].append(person_id)
        booked_minutes[requirement_id] += delivery_rules.session_minutes(start, end)
        booked_days[person_id].add(day)

    # People: one open requirement each, the most pressing if they have several.
    attended = Induction.objects.filter(requirement=OuterRef("pk"), outcome=InductionOutcome.ATTENDED)
    last_project = (
        Appointment.objects.filter(person=OuterRef("person"), outcome__in=sorted(delivery_rules.ATTENDED))
        .order_by("-date", "-pk")
        .values("session__project")[:1]
    )
    requirements = list(
        with_balance(
            Requirement.objects.filter(person__pdu=pdu, status__in=CONSIDERED).select_related("person", "order"),
            book=book,
            today=today,
        )
        .annotate(inducted=Exists(attended), last_project=Subquery(last_project))
        .order_by("person_id", "id")
    )
    chosen: dict[int, tuple[Any, Any]] = {}
    for requirement in requirements:
        flags = case_flags(requirement, book=book, today=today)
        if flags.remaining <= 0:
            continue
        current = chosen.get(requirement.person_id)
        key = (flags.completion or date.max, requirement.pk)
        if current is None or key < (current[1].completion or date.max, current[0].pk):
            chosen[requirement.person_id] = (requirement, flags)
    person_ids = sorted(chosen)
    assessments = {
        a.person_id: a
        for a in Assessment.objects.filter(person_id__in=person_ids, status=AssessmentStatus.CURRENT).prefetch_related(
            "risk_flags"
        )
    }
    countersigning = set(
        Assessment.objects.filter(
            person_id__in=person_ids, status=AssessmentStatus.AWAITING_COUNTERSIGNATURE
        ).values_list("person_id", flat=True)
    )
    enemies = non_associations_among(person_ids)

    for person_id in person_ids:
        requirement, flags = chosen[person_id]
        person = requirement.person
        assessment = assessments.get(person_id)
        backlog = flags.backlog or requirement.status == CaseStatus.BACKLOG
        placeability = assessment_rules.placeability(
            inducted=bool(requirement.inducted),  # type: ignore[attr-defined]
            has_current_assessment=assessment is not None,
            awaiting_countersignature=person_id in countersigning,
            paused=False,
            closed_status=None,
            backlog=backlog,
            remaining_minutes=flags.remaining,
        )
        free_minutes = max(0, flags.remaining - booked_minutes.get(requirement.pk, 0))
        availability = availability_of(assessment)
        for day in booked_days.get(person_id, set()):
            if week_start <= day <= week_end:
                availability.pop(day.weekday(), None)
        urgency = urgency_of(
            remaining=flags.remaining,
            completion=flags.completion,
            week_start=week_start,
            weekly_minimum=weights.weekly_minimum_minutes,
            at_risk=flags.at_risk,
        )
        engine_person = Person(
            id=person_id,
            name=person.full_name,
            female=person.sex == "female",
            remaining_minutes=free_minutes,
            availability=availability,
            home=point_near(person.postcode or person.crn, centre),
            max_travel_minutes=(assessment.max_travel_minutes if assessment else None) or DEFAULT_MAX_TRAVEL_MINUTES,
            flags=frozenset(f.code for f in assessment.risk_flags.all()) if assessment else frozenset(),
            preference=(assessment.placement_preference or "") if assessment else "",
            group_unsuitable=group_unsuitable(assessment),
            non_associations=frozenset(enemies.get(person_id, set())),
            assessed=not _blocked_otherwise(placeability),
            backlog=backlog,
            urgency=urgency,
            at_risk=flags.at_risk,
            last_project=requirement.last_project,  # type: ignore[attr-defined]
        )
        week.instance.people.append(engine_person)
        if not placeability.placeable:
            week.not_placeable[person_id] = "; ".join(placeability.reasons)
        elif free_minutes <= 0:
            week.not_placeable[person_id] = "Already booked for all the hours they still owe"
        week.people[person_id] = {
            "name": person.full_name,
            "crn": person.crn,
            "requirement": requirement.pk,
            "owed_minutes": flags.remaining,
            "booked_minutes": booked_minutes.get(requirement.pk, 0),
            "urgency": urgency,
            "at_risk": flags.at_risk,
            "backlog": backlog,
            "completion": flags.completion.isoformat() if flags.completion else None,
            "female": engine_person.female,
            "placeable": person_id not in week.not_placeable,
        }

    # Sessions.
    supervisor_ids = {s.supervisor_id for s in sessions if s.supervisor_id}
    absent = {
        (supervisor_id, day)
        for supervisor_id, starts, ends in SupervisorAbsence.objects.filter(
            supervisor_id__in=supervisor_ids, starts_on__lte=week_end, ends_on__gte=week_start
        ).values_list("supervisor_id", "starts_on", "ends_on")
        for day in (week_start + timedelta(days=i) for i in range(7))
        if starts <= day <= ends
    }
    restrictions: dict[int, Any] = {}
    women = {p.id for p in week.instance.people if p.female}
    booked_people = {pid for pids in booked_in_session.values() for pid in pids}
    booked_female = set(CasePerson.objects.filter(pk__in=booked_people, sex="female").values_list("pk", flat=True))
    booked_facts = placement_facts(booked_people)
    engine_people = {p.id: p for p in week.instance.people}
    forbidden_pairs = set(forbidden or [])
    for session in sessions:
        project = session.project
        if project.pk not in restrictions:
            restrictions[project.pk] = current_project_assessment(project)
        assessment = restrictions[project.pk]
        members = booked_in_session.get(session.pk, [])
        supervisor: User | None = session.supervisor
        away = supervisor is not None and (supervisor.pk, session.date) in absent
        closed = ""
        if supervisor is None or session.needs_cover:
            closed = "No supervisor: the session needs cover"
        elif away:
            closed = f"{supervisor} is absent that day"
        elif session.vehicle is not None and session.vehicle.off_road:
            closed = f"The vehicle {session.vehicle.registration} is off the road"
        elif assessment is None:
            closed = "The project has no approved assessment"
        capacity = 0 if assessment is None else max(0, session.capacity - len(members))
        individual = project.project_type == ProjectType.INDIVIDUAL
        engine_session = EngineSession(
            id=session.pk,
            project_id=project.pk,
            project_name=project.name,
            day=session.date.isoformat(),
            weekday=session.date.weekday(),
            start=delivery_rules.minutes_of(session.start_time),
            end=delivery_rules.minutes_of(session.end_time),
            capacity=capacity,
            location=project_location(project, centre),
            individual=individual,
            women_only=bool(assessment and assessment.women_only),
            excluded_flags=frozenset(f.code for f in assessment.excluded_flags.all()) if assessment else frozenset(),
            supervisor_female=bool(supervisor and supervisor.gender == Gender.FEMALE),
            supervisor_available=supervisor is not None and not session.needs_cover and not away,
            vehicle_available=not (session.vehicle is not None and session.vehicle.off_road),
        )
        week.instance.sessions.append(engine_session)
        # Someone already booked by hand stays: nobody they must not meet joins them, and a woman
        # is not added to a group already all male (she might end up the only woman).
        for pid in person_ids:
            name = chosen[pid][0].person.full_name
            apart = {placement.must_be_apart(engine_people[pid], booked_facts[m]) for m in members} - {None}
            if apart:
                forbidden_pairs.add((pid, session.pk))
                week.blocked[(pid, session.pk)] = (
                    f"Non-association: {name} must not be placed with someone already booked on {project.name}"
                    if "non_association" in apart
                    else f"Not with women: {name} cannot join {project.name}, because of someone flagged "
                    "not to be placed with women"
                )
            elif pid in women and members and not individual and not set(members) & booked_female:
                forbidden_pairs.add((pid, session.pk))
                week.blocked[(pid, session.pk)] = (
                    f"No woman alone in a group of men: {name} would join a group on {project.name} "
                    "already booked with only men"
                )
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
            "individual": individual,
            "women_only": engine_session.women_only,
            "closed": closed,
        }
        if closed:
            week.notes.append(f"{project.name} on {session.date:%A %-d %B}: {closed[:1].lower()}{closed[1:]}")
    week.instance.pinned = list(pinned or [])
    week.instance.forbidden = sorted(forbidden_pairs)
    week.instance.published = sorted(published)
    return week


def _blocked_otherwise(placeability: assessment_rules.Placeability) -> bool:
    """Not placeable for a reason other than backlog or hours (which the engine models itself)."""
    return any(not reason.startswith(("In backlog", "No hours remaining")) for reason in placeability.reasons)


def final_reasons(not_placeable: dict[int, str], reasons: dict[int, str]) -> dict[int, str]:
    """The engine's reasons, with the service's own words for people who cannot be placed at all."""
    return {**reasons, **not_placeable}


# ---------------------------------------------------------------------------------------------
# Writing a plan back


def _live_problems(session: Session, requirement: Requirement) -> list[str]:
    """What the booking service does not check but a plan must: the case is not in backlog, and
    the session still has its supervisor and vehicle."""
    problems = []
    if requirement.status == CaseStatus.BACKLOG:
        problems.append("In backlog: the court must vary the order first")
    if requirement.status == CaseStatus.PAUSED:
        problems.append("The case is paused")
    if session.supervisor_id is None or session.needs_cover:
        problems.append("The session has no supervisor: it needs cover")
    elif SupervisorAbsence.objects.filter(
        supervisor_id=session.supervisor_id, starts_on__lte=session.date, ends_on__gte=session.date
    ).exists():
        problems.append(f"{session.supervisor} is absent that day")
    if session.vehicle is not None and session.vehicle.off_road:
        problems.append(f"The vehicle {session.vehicle.registration} is off the road")
    return problems


def book_plan(
    *,
    actor: User,
    pairs: list[tuple[int, int]],
    people: dict[str, dict[str, Any]],
    cancel: dict[tuple[int, int], int] | None = None,
    cancel_reason: str = "",
    book: PolicyBook | None = None,
) -> dict[tuple[int, int], int]:
    """Book every pair through the booking service (the same checks as booking by hand), after
    cancelling the appointments in `cancel`. All or nothing: if any pair cannot be booked, every
    conflict is listed in `PublishConflict` and nothing is kept. Call inside a transaction."""
    book = book or policy_book()
    conflicts: list[str] = []
    for appointment_id in (cancel or {}).values():
        appointment = Appointment.objects.select_related("person").get(pk=appointment_id)
        if appointment.cancelled_at is not None:
            continue
        try:
            with transaction.atomic():
                appointment_cancel(actor=actor, appointment=appointment, reason=cancel_reason or "Re-planned")
        except ValidationError as error:
            conflicts.append(f"{appointment.person.full_name}: {' '.join(error.messages)}")
    made: dict[tuple[int, int], int] = {}
    sessions = {
        s.pk: s
        for s in Session.objects.filter(pk__in={sid for _, sid in pairs}).select_related(
            "project", "supervisor", "vehicle"
        )
    }
    for person_id, session_id in pairs:
        meta = people.get(str(person_id)) or {}
        name = meta.get("name", f"Person {person_id}")
        session = sessions.get(session_id)
        if session is None:
            conflicts.append(f"{name}: the session no longer exists")
            continue
        where = f"{session.project.name} on {session.date:%a %-d %b}"
        requirement = (
            Requirement.objects.select_related("person", "order").filter(pk=int(meta.get("requirement") or 0)).first()
        )
        if requirement is None:
            conflicts.append(f"{name} ({where}): the case no longer exists")
            continue
        problems = _live_problems(session, requirement)
        if not problems:
            try:
                with transaction.atomic():
                    appointment = appointment_book(actor=actor, session=session, requirement=requirement, book=book)
            except ValidationError as error:
                problems = error.messages
            except IntegrityError:
                problems = ["Already booked on another session that day: one session a day"]
            else:
                made[(person_id, session_id)] = appointment.pk
                continue
        conflicts.append(f"{name} ({where}): {'; '.join(problems)}")
    if conflicts:
        raise PublishConflict(conflicts)
    return made


def email_supervisors(pairs: list[tuple[int, int]], people: dict[str, dict[str, Any]], *, week_start: date) -> int:
    """Tell each supervisor who is coming to their sessions. Returns how many were told."""
    by_session: dict[int, list[str]] = defaultdict(list)
    for person_id, session_id in pairs:
        meta = people.get(str(person_id)) or {}
        by_session[session_id].append(f"{meta.get('name', person_id)} ({meta.get('crn', '')})")
    sessions = Session.objects.filter(pk__in=by_session).select_related("project", "supervisor").order_by("date")
    lists: dict[int, tuple[User, list[str]]] = {}
    for session in sessions:
        if session.supervisor is None or not session.supervisor.email:
            continue
        _, lines = lists.setdefault(session.supervisor.pk, (session.supervisor, []))
        lines.append(
            f"{session.project.name}, {session.date:%A %-d %B}, {session.start_time:%H:%M} to {session.end_time:%H:%M}:"
        )
        lines.extend(f"  - {name}" for name in sorted(by_session[session.pk]))
        lines.append("")
    for supervisor, lines in lists.values():
        send_mail(
            subject=f"Who is coming to your sessions in the week of {week_start:%-d %B %Y}",
            message=(
                f"Hello {supervisor.first_name or supervisor},\n\nThe plan for the week of {week_start:%-d %B %Y} "
                "is published. These people are booked on your sessions:\n\n"
                + "\n".join(lines)
                + "\nOpen each session in Payback for what you need to know about them on site."
            ),
            from_email=None,
            recipient_list=[supervisor.email],
        )
    return len(lists)
