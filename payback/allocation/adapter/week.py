"""Reading one PDU's week into the engine's instance: its sessions, the bookings already made,
its people and its supervisors' absences, each read by its own module and composed here."""

from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from payback.core.policy import PolicyBook
from payback.core.selectors import policy_book
from payback.delivery import rules as delivery_rules
from payback.delivery.models import Appointment, Session
from payback.staff.models import Pdu

from ..engine.model import Instance
from .people import read_people
from .places import monday_of, weights_for
from .sessions import add_sessions, read_sessions
from .shapes import Bookings, Span, Week


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
    span = Span(start=week_start, end=week_start + timedelta(days=6), today=today)
    published = published or {}
    weights = weights_for(book, week_start)
    week = Week(instance=Instance(people=[], sessions=[], weights=weights))
    sessions = read_sessions(pdu, span)
    booked = read_bookings(pdu, sessions, today=today, ignored=set(published.values()))
    chosen = read_people(week, pdu, booked, book=book, span=span)
    forbidden_pairs = set(forbidden or [])
    add_sessions(week, sessions, booked, chosen, span=span, forbidden=forbidden_pairs)
    week.instance.pinned = list(pinned or [])
    week.instance.forbidden = sorted(forbidden_pairs)
    week.instance.published = sorted(published)
    return week


def read_bookings(pdu: Pdu, sessions: list[Session], *, today: date, ignored: set[int]) -> Bookings:
    """Live appointments on these sessions, and every future one of the PDU's people (except the
    `ignored` appointments of a published plan being re-planned)."""
    booked = Bookings()
    rows = (
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
    for _, session_id, person_id, requirement_id, day, start, end in list(rows):
        booked.in_session[session_id].append(person_id)
        booked.minutes[requirement_id] += delivery_rules.session_minutes(start, end)
        booked.days[person_id].add(day)
    return booked


def final_reasons(not_placeable: dict[int, str], reasons: dict[int, str]) -> dict[int, str]:
    """The engine's reasons, with the service's own words for people who cannot be placed at all."""
    return {**reasons, **not_placeable}
