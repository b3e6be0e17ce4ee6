"""Reads for the person's service. The person's own pages read only through the person signed in
(their hours, sessions, letters and what they told us): another person's record is not found.
Staff pages read what people told us through the member of staff's area, like every staff read."""

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from payback.cases.models import CaseStatus, Induction, Person, Requirement
from payback.cases.selectors import requirement_balance, requirement_completion_date, requirement_still_needed
from payback.core.policy import PolicyBook
from payback.delivery import rules as delivery_rules
from payback.delivery.models import Appointment, SessionStatus
from payback.enforcement.models import Decision, Letter, LetterStatus
from payback.staff.models import User
from payback.staff.selectors import in_area

from . import rules, wording
from .messages import session_facts, site_facts
from .models import AbsenceReport, ChangeStatus, ContactChange

NOT_SHOWN = (CaseStatus.REVOKED, CaseStatus.TRANSFERRED_OUT)


# ---------------------------------------------------------------------------------------------
# Hours


@dataclass(frozen=True)
class Hours:
    """One order's hours, as the person is told them (all in minutes)."""

    requirement: Requirement
    ordered: int
    worked: int
    other_credit: int  # travel, training and stand-down credit
    earned: int
    remaining: int
    still_to_work: int  # what remains, less the time off the work will itself earn
    finish_by: date | None
    earning: rules.Earning | None
    earning_words: list[str]

    @property
    def done(self) -> bool:
        return self.remaining <= 0


def hours_of(person: Person, *, today: date, book: PolicyBook) -> list[Hours]:
    found = []
    requirements = person.requirements.exclude(status__in=NOT_SHOWN).select_related("order")
    for requirement in requirements.order_by("order__sentence_date", "id"):
        balance = requirement_balance(requirement)
        earning = rules.earning_for(
            scheme=book.value("earned_reduction", today),
            total_ordered_minutes=balance.total_ordered_minutes,
            worked_minutes=balance.work_minutes,
            earned_minutes=balance.earned_reduction_minutes,
            stopped_on=requirement.earning_stopped_on,
            on=today,
        )
        remaining = max(balance.remaining_minutes, 0)
        found.append(
            Hours(
                requirement=requirement,
                ordered=balance.total_ordered_minutes,
                worked=balance.work_minutes,
                other_credit=balance.travel_minutes + balance.ete_minutes + balance.stand_down_minutes,
                earned=balance.earned_reduction_minutes,
                remaining=remaining,
                still_to_work=requirement_still_needed(requirement, book=book, on=today, remaining=remaining),
                finish_by=requirement_completion_date(requirement, book=book, on=today),
                earning=earning,
                earning_words=wording.earning_explained(earning) if earning else [],
            )
        )
    return found


def first_appointment(person: Person, *, today: date) -> Induction | None:
    """The person's first appointment (induction) still to come, if one is booked."""
    start = timezone.make_aware(datetime.combine(today, time.min))
    return (
        Induction.objects.filter(requirement__person=person, outcome="", starts_at__gte=start)
        .order_by("starts_at")
        .first()
    )


# ---------------------------------------------------------------------------------------------
# Sessions


@dataclass(frozen=True)
class SessionView:
    appointment: Appointment
    facts: wording.SessionFacts
    wear: list[str]
    bring: list[str]
    notes: list[str]
    report: AbsenceReport | None

    @property
    def pick_up(self) -> str:
        return wording.pick_up(self.facts)


def _view(appointment: Appointment) -> SessionView:
    site = site_facts(appointment)
    return SessionView(
        appointment=appointment,
        facts=session_facts(appointment),
        wear=rules.what_to_wear(site),
        bring=rules.what_to_bring(site),
        notes=rules.site_notes(site),
        report=getattr(appointment, "absence_report", None),
    )


def _appointments(person: Person) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(person=person, cancelled_at__isnull=True)
        .select_related("session", "session__project", "absence_report")
        .order_by("date", "session__start_time", "pk")
    )


def _booked_ahead(today: date) -> dict[str, object]:
    return {"date__gte": today, "outcome": "", "session__status": SessionStatus.PLANNED}


def upcoming(person: Person, *, today: date, most: int = 10) -> list[SessionView]:
    """The person's booked sessions from today on, soonest first."""
    return [_view(a) for a in _appointments(person).filter(**_booked_ahead(today))[:most]]


def _undecided(appointments: QuerySet[Appointment]) -> QuerySet[Appointment]:
    decided = Decision.objects.filter(reversed_by__isnull=True, failure__appointment__isnull=False).values(
        "failure__appointment_id"
    )
    return appointments.filter(outcome__in=sorted(delivery_rules.FAILURES)).exclude(pk__in=decided)


def missed(person: Person) -> list[SessionView]:
    """Sessions the register records the person as missing (or sent home from) with no decision
    made yet: they can still tell us why."""
    return [_view(a) for a in _undecided(_appointments(person))]


def explainable(appointment: Appointment, *, today: date) -> bool:
    """Whether the person can still tell us about this session: booked from today on, or recorded
    as missed with no decision made yet."""
    rows = Appointment.objects.filter(pk=appointment.pk, cancelled_at__isnull=True)
    return rows.filter(**_booked_ahead(today)).exists() or _undecided(rows).exists()


def own_appointment(person: Person, pk: int) -> Appointment:
    """One of the person's own appointments, or 404 (another person's is never found)."""
    found = _appointments(person).filter(pk=pk).first()
    if found is None:
        raise Http404("No such session")
    return found


def own_session(person: Person, pk: int) -> SessionView:
    return _view(own_appointment(person, pk))


# ---------------------------------------------------------------------------------------------
# Letters and contact details


def letters_of(person: Person) -> QuerySet[Letter]:
    """The letters sent to the person, newest first."""
    return Letter.objects.filter(requirement__person=person, status=LetterStatus.SENT).order_by("-issued_at", "-pk")


def own_letter(person: Person, pk: int) -> Letter:
    found = letters_of(person).filter(pk=pk).first()
    if found is None:
        raise Http404("No such letter")
    return found


def waiting_change(person: Person) -> ContactChange | None:
    return ContactChange.objects.filter(person=person, status=ChangeStatus.WAITING).first()


def last_decided_change(person: Person) -> ContactChange | None:
    return ContactChange.objects.filter(person=person).exclude(status=ChangeStatus.WAITING).first()


# ---------------------------------------------------------------------------------------------
# For staff: what people told us, in the member of staff's area


def reports_for(user: User) -> QuerySet[AbsenceReport]:
    return in_area(AbsenceReport, user, "person__pdu").select_related("appointment", "appointment__session__project")


def report_get(user: User, pk: int) -> AbsenceReport:
    found = reports_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404("No such report")
    return found


def changes_for(user: User) -> QuerySet[ContactChange]:
    return in_area(ContactChange, user, "person__pdu").select_related("decided_by")


@dataclass(frozen=True)
class ToldUs:
    reports: list[AbsenceReport]
    changes: list[ContactChange]


def _count(rows: QuerySet[Any]) -> Coalesce:
    counted = rows.order_by().values("person").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def told_us_counts(person: Person) -> tuple[int, int]:
    """(things waiting for the practitioner, everything the person told us), in one query: for the
    case page, whose person the member of staff can already see."""
    mine = {"person": OuterRef("pk")}
    row = (
        Person.objects.filter(pk=person.pk)
        .annotate(
            reports=_count(AbsenceReport.objects.filter(**mine)),
            reports_waiting=_count(AbsenceReport.objects.filter(**mine, evidence__isnull=True)),
            changes=_count(ContactChange.objects.filter(**mine)),
            changes_waiting=_count(ContactChange.objects.filter(**mine, status=ChangeStatus.WAITING)),
        )
        .values("reports", "reports_waiting", "changes", "changes_waiting")
        .get()
    )
    return row["reports_waiting"] + row["changes_waiting"], row["reports"] + row["changes"]


def told_us(user: User, person: Person) -> ToldUs:
    return ToldUs(
        reports=list(reports_for(user).filter(person=person).order_by("-sent_at", "-pk")[:20]),
        changes=list(changes_for(user).filter(person=person).order_by("-sent_at", "-pk")[:20]),
    )
