"""Booking people into sessions, cancelling, and marking someone stood down as rebooked."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from payback.cases.models import Requirement
from payback.core.policy import PolicyBook
from payback.core.selectors import policy_book
from payback.core.services import audit_record
from payback.core.signals import appointments_called_off
from payback.staff.models import User

from .. import conflicts
from ..models import AbsenceReason, Appointment, Outcome, Session
from ..selectors import appointment_check
from .common import refuse_if


@transaction.atomic
def appointment_book(
    *, actor: User, session: Session, requirement: Requirement, book: PolicyBook | None = None
) -> Appointment:
    """Book a placeable person into a session: one a day, within capacity, never beyond what
    they owe, and never with someone they must not be placed with."""
    book = book or policy_book()
    session = Session.objects.select_for_update().select_related("project").get(pk=session.pk)
    requirement = Requirement.objects.select_for_update().select_related("person", "order").get(pk=requirement.pk)
    reasons = appointment_check(session, requirement, book=book)
    if reasons:
        raise ValidationError({"requirement": "; ".join(reasons)})
    appointment = Appointment.objects.create(
        session=session, requirement=requirement, person=requirement.person, date=session.date, booked_by=actor
    )
    Session.objects.filter(pk=session.pk).update(register_version=session.register_version + 1)
    summary = f"Booked on {session.project.name} on {session.date:%-d %B %Y}"
    audit_record(actor=actor, action="appointment.booked", obj=appointment, summary=summary)
    return appointment


@transaction.atomic
def appointment_cancel(*, actor: User, appointment: Appointment, reason: str) -> Appointment:
    """Cancel a booking that has no outcome yet, saying why. Whoever is left on the session is
    checked again against the placement rules."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    refuse_if(bool(appointment.outcome), "appointment", "An outcome is recorded: correct the outcome instead")
    refuse_if(not reason.strip(), "reason", "Enter why the appointment is cancelled")
    appointment.cancelled_at = timezone.now()
    appointment.note = reason.strip()
    appointment.conflict = ""
    appointment.save(update_fields=["cancelled_at", "note", "conflict"])
    # Whoever is left on the session is checked again (a woman may now be the only woman).
    conflicts.bookings_recheck(actor=actor, session_ids=[appointment.session_id])
    appointments_called_off.send(sender=Appointment, appointment_ids=[appointment.pk], why="cancelled")
    summary = f"Appointment on {appointment.date:%-d %B %Y} cancelled: {reason.strip()}"
    audit_record(actor=actor, action="appointment.cancelled", obj=appointment, summary=summary)
    return appointment


@transaction.atomic
def appointment_mark_rebooked(*, actor: User, appointment: Appointment) -> Appointment:
    """Take someone stood down by the service off the list to rebook, once they are booked again."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    refuse_if(
        appointment.outcome != Outcome.STOOD_DOWN,
        "appointment",
        "Only people stood down by the service are on the list to rebook",
    )
    refuse_if(appointment.rebooked, "appointment", "Already marked as rebooked")
    appointment.rebooked = True
    appointment.save(update_fields=["rebooked"])
    audit_record(actor=actor, action="appointment.rebooked", obj=appointment, summary="Rebooked after a stand-down")
    return appointment


@transaction.atomic
def appointment_said_cannot_come(*, appointment: Appointment, because: str) -> Appointment:
    """The person told us before the session that they cannot come (their report, with its audit
    event, is kept by the person's service): the register shows it beside their name. The first
    word stands; the outcome is still the register's to record."""
    refuse_if(because not in AbsenceReason.values, "reason", "Select why they cannot come")
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.said_cannot_come_at is None:
        appointment.said_cannot_come_at = timezone.now()
        appointment.said_cannot_come_because = because
        appointment.save(update_fields=["said_cannot_come_at", "said_cannot_come_because"])
    return appointment
