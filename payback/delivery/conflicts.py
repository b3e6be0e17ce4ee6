"""Bookings against the placement rules: whether a person may join a session, and the re-check
of bookings already made when the facts change (a new assessment, risk flag, non-association,
project restriction, supervisor, or someone leaving a group).

The rules themselves are `payback.placement`, the one definition the allocation engine uses too;
this module reads the facts for them and records what an existing booking now breaks on the
appointment (`Appointment.conflict`). A booking that breaks a rule cannot be worked until a
coordinator moves or cancels it."""

from collections.abc import Iterable
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from payback import placement
from payback.cases.models import Person
from payback.cases.placement_facts import placement_facts
from payback.core.services import audit_record
from payback.projects.models import ProjectType
from payback.projects.selectors import current_project_assessment
from payback.staff.models import Gender, User
from payback.staff.selectors import scope_q

from . import notices, rules
from .models import Appointment, Session, SessionStatus


def session_rules(session: Session) -> placement.Session:
    """The facts about a session the placement rules read, with its project's restrictions."""
    assessment = current_project_assessment(session.project)
    return placement.Session(
        weekday=session.date.weekday(),
        start=rules.minutes_of(session.start_time),
        end=rules.minutes_of(session.end_time),
        capacity=session.capacity,
        individual=session.project.project_type == ProjectType.INDIVIDUAL,
        women_only=bool(assessment and assessment.women_only),
        excluded_flags=frozenset(f.code for f in assessment.excluded_flags.all()) if assessment else frozenset(),
        supervisor_female=bool(session.supervisor and session.supervisor.gender == Gender.FEMALE),
    )


def _names(person_ids: Iterable[int]) -> dict[int, str]:
    return {p.pk: p.full_name for p in Person.objects.filter(pk__in=set(person_ids))}


def joining_problems(session: Session, person_id: int) -> list[str]:
    """Every placement rule broken by booking the person into the session, in words."""
    others = list(
        Appointment.objects.filter(session=session, cancelled_at__isnull=True)
        .exclude(person_id=person_id)
        .values_list("person_id", flat=True)
    )
    facts = placement_facts([person_id, *others])
    broken = placement.joining_broken(facts[person_id], session_rules(session), [facts[o] for o in others])
    names = _names([person_id, *others])
    return [placement.describe(b, names=names, project=session.project.name) for b in broken]


def _live(appointments: QuerySet[Appointment]) -> QuerySet[Appointment]:
    return appointments.filter(cancelled_at__isnull=True, outcome="")


def session_problems(session: Session) -> dict[int, str]:
    """For each booking still to be worked on the session, what it breaks now (by appointment id;
    empty text if nothing)."""
    booked = list(_live(Appointment.objects.filter(session=session)).values_list("pk", "person_id"))
    facts = placement_facts(pid for _, pid in booked)
    broken = placement.group_broken(session_rules(session), [facts[pid] for _, pid in booked])
    names = _names(pid for _, pid in booked) if broken else {}
    found = {}
    for aid, pid in booked:
        texts = [placement.describe(b, names=names, project=session.project.name) for b in broken.get(pid, [])]
        found[aid] = "; ".join(texts)
    return found


def bookings_recheck(
    *,
    actor: User | None = None,
    person_ids: Iterable[int] = (),
    project_ids: Iterable[int] = (),
    session_ids: Iterable[int] = (),
    today: date | None = None,
) -> int:
    """Check again every future booking of these people, on these projects or sessions, and record
    on each appointment the rules it now breaks (or clear what it no longer breaks). Returns how
    many bookings now break a rule."""
    today = today or timezone.localdate()
    people, projects, chosen = list(person_ids), list(project_ids), list(session_ids)
    if not (people or projects or chosen):
        return 0
    touched = _live(Appointment.objects.filter(date__gte=today)).filter(
        Q(person_id__in=people) | Q(session__project_id__in=projects) | Q(session_id__in=chosen)
    )
    sessions = Session.objects.filter(pk__in=touched.values("session_id"), status=SessionStatus.PLANNED).select_related(
        "project", "supervisor"
    )
    broken = 0
    for session in sessions:
        found = session_problems(session)
        recorded = dict(Appointment.objects.filter(pk__in=found).values_list("pk", "conflict"))
        for aid, text in found.items():
            broken += bool(text)
            if recorded.get(aid) != text:
                _record(actor, Appointment.objects.get(pk=aid), session, text)
    return broken


def _record(actor: User | None, appointment: Appointment, session: Session, text: str) -> None:
    """Keep what the booking now breaks on it (only called when that changed), with an audit event."""
    appointment.conflict = text
    appointment.conflict_found_at = timezone.now() if text else None
    appointment.save(update_fields=["conflict", "conflict_found_at"])
    booking = f"Booking on {session.project.name} on {appointment.date:%-d %B %Y}"
    action = "appointment.conflict" if text else "appointment.conflict_cleared"
    summary = f"{booking} now breaks a rule: {text}" if text else f"{booking} no longer breaks a rule"
    audit_record(actor=actor, action=action, obj=appointment, summary=summary)
    if text:
        notices.booking_conflict_found(appointment)


def bookings_to_fix(user: User, *, today: date) -> QuerySet[Appointment]:
    """Future bookings in the user's area that now break a placement rule (for practitioners,
    their own caseload), soonest first."""
    qs = _live(Appointment.objects.filter(scope_q(user, pdu_field="person__pdu"), date__gte=today)).exclude(conflict="")
    if not user.has_perm("delivery.add_session"):
        qs = qs.filter(person__practitioner=user)
    return qs.select_related("person", "session", "session__project").order_by("date", "pk")
