"""Issuing letters: rendered to PDF from their templates, kept on the case as they were sent, and
sent once the change that called for them is committed (a letter is never sent for a change that
was rolled back). A letter that could not be sent stays on the case to be sent again."""

import uuid
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from payback.cases.models import Requirement
from payback.cases.selectors import requirement_balance
from payback.core.formatting import format_minutes
from payback.core.selectors import policy_book
from payback.core.services import audit_record
from payback.delivery.models import Appointment
from payback.staff.models import User

from ..letters.rendering import letter_html, letter_pdf, letter_text
from ..letters.sending import letter_sender
from ..models import Action, Letter, LetterKind, LetterStatus, Step
from .common import once, subject_of, today

STEP_LETTERS = {Step.WARNING: LetterKind.WARNING, Step.BREACH: LetterKind.BREACH}


def _base_context(requirement: Requirement, reference: str) -> dict[str, Any]:
    person = requirement.person
    balance = requirement_balance(requirement)
    practitioner = person.practitioner
    return {
        "person": person,
        "reference": reference,
        "today": today(),
        "hours_ordered": format_minutes(balance.total_ordered_minutes),
        "hours_remaining": format_minutes(max(0, balance.remaining_minutes)),
        "practitioner": (practitioner.get_full_name() or practitioner.username)
        if practitioner
        else "Probation Service",
        "court": requirement.order.court,
    }


def _step_context(action: Action) -> dict[str, Any]:
    window = policy_book().value("warning_window_months", action.failure.occurred_on)
    return {
        "failure": action.failure,
        "window_months": window,
        "warning_until": action.taken_on + relativedelta(months=window),
    }


def _appointment_context(appointment: Appointment) -> dict[str, Any]:
    session = appointment.session
    return {
        "session": {
            "date": session.date,
            "start_time": f"{session.start_time:%H:%M}",
            "project": session.project.name,
            "meeting_point": session.pick_up_point,
        }
    }


def letter_issue(
    *,
    actor: User | None,
    requirement: Requirement,
    kind: str,
    action: Action | None = None,
    appointment: Appointment | None = None,
) -> Letter:
    """Write the letter, keep its PDF on the case, and send it once the transaction commits."""
    reference = f"PB{uuid.uuid4().hex[:10].upper()}"
    context = _base_context(requirement, reference)
    if action is not None:
        context.update(_step_context(action))
    if appointment is not None:
        context.update(_appointment_context(appointment))
    html = letter_html(kind, context)
    letter = Letter(
        requirement=requirement,
        kind=kind,
        reference=reference,
        action=action,
        appointment=appointment,
        text=letter_text(html),
        issued_on=today(),
        issued_by=actor,
    )
    letter.pdf.save(f"{reference}.pdf", ContentFile(letter_pdf(html)), save=False)
    letter.save()
    label = LetterKind(kind).label
    audit_record(
        actor=actor,
        action="letter.issued",
        obj=letter,
        summary=f"{label} {reference} issued",
        subject=subject_of(requirement),
    )
    transaction.on_commit(lambda: letter_send(letter_id=letter.pk))
    return letter


def letter_for_step(*, actor: User, action: Action) -> Letter | None:
    """The letter a warning or breach action calls for (none for no action)."""
    kind = STEP_LETTERS.get(action.step)  # type: ignore[call-overload]
    if kind is None:
        return None
    return letter_issue(actor=actor, requirement=action.requirement, kind=kind, action=action)


@transaction.atomic
def appointment_letter_issue(*, actor: User, appointment: Appointment, idempotency_key: str | None = None) -> Letter:
    """A letter telling the person when and where a session they are booked on is."""

    def write() -> Letter:
        if appointment.cancelled_at is not None or appointment.outcome:
            raise ValidationError({"appointment": "Choose a session the person is booked on and that has not happened"})
        if appointment.date < today():
            raise ValidationError({"appointment": "The session has already happened"})
        return letter_issue(
            actor=actor, requirement=appointment.requirement, kind=LetterKind.APPOINTMENT, appointment=appointment
        )

    payload = {"appointment": appointment.pk}
    return once(
        actor=actor, key=idempotency_key, scope="appointment_letter", payload=payload, model=Letter, write=write
    )


@transaction.atomic
def completion_letter_issue(*, requirement: Requirement) -> Letter | None:
    """The completion letter, once, when the order is complete."""
    if Letter.objects.filter(requirement=requirement, kind=LetterKind.COMPLETION).exists():
        return None
    return letter_issue(actor=None, requirement=requirement, kind=LetterKind.COMPLETION)


def letter_send(*, letter_id: int) -> Letter:
    """Send a letter not yet sent; a failure to send is kept on the letter to try again."""
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter_id)
        if letter.status == LetterStatus.SENT:
            return letter
        with letter.pdf.open("rb") as pdf:
            content = pdf.read()
        try:
            sent = letter_sender().send(reference=letter.reference, pdf=content)
        except Exception as error:  # noqa: BLE001 - any failure of the channel leaves the letter to resend
            letter.status, letter.send_error = LetterStatus.FAILED, str(error)[:500]
        else:
            letter.status, letter.sent_via, letter.notify_id = LetterStatus.SENT, sent.via, sent.notify_id
            letter.sent_at, letter.send_error = timezone.now(), ""
        letter.save(update_fields=["status", "send_error", "sent_via", "notify_id", "sent_at"])
        return letter


def letters_send_waiting() -> tuple[int, int]:
    """Send every letter still waiting, or that could not be sent before: (sent, still failing).
    Safe to run again: a letter is sent once."""
    sent = failing = 0
    for letter_id in (
        Letter.objects.exclude(status=LetterStatus.SENT).order_by("issued_at", "id").values_list("pk", flat=True)
    ):
        if letter_send(letter_id=letter_id).status == LetterStatus.SENT:
            sent += 1
        else:
            failing += 1
    return sent, failing
