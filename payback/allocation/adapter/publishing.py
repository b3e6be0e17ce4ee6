"""Writing a plan back: every pair booked through the booking service, all or nothing, and each
supervisor told who is coming."""

from collections import defaultdict
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from payback.cases.models import (
    CaseStatus,
    Requirement,
)
from payback.core.policy import PolicyBook
from payback.core.selectors import policy_book
from payback.delivery.models import Appointment, Session, SupervisorAbsence
from payback.delivery.services import appointment_book, appointment_cancel
from payback.staff.models import User


class PublishConflict(Exception):
    """The data changed since the run: these pairs can no longer be booked."""

    def __init__(self, conflicts: list[str]) -> None:
        super().__init__("; ".join(conflicts))
        self.conflicts = conflicts


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
