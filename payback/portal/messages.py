"""Messages to the person about their sessions: a reminder the day before each one, and a notice
when a session is stood down or their booking is moved or cancelled.

Each message is made once for its event (`reminder:<appointment>`, `stood_down:<appointment>`,
`cancelled:<appointment>`), in the transaction of the change that raised it, and sent by the task
worker by text or email as the person prefers (GOV.UK Notify, or the messages folder without a key).
A message that could not be sent is kept and tried again by `send_session_reminders`; one sent is
never sent again."""

import logging
import os
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from payback.core.queue import enqueue_after_commit
from payback.delivery.models import Appointment, SessionStatus
from payback.projects.models import ProjectType
from payback.projects.selectors import current_project_assessment

from . import rules, wording
from .contact import contact_for, gateway_send
from .models import MessageKind, MessageStatus, PersonMessage

logger = logging.getLogger(__name__)

SUBJECTS = {
    MessageKind.REMINDER: "Your Community Payback session tomorrow",
    MessageKind.STOOD_DOWN: "Your Community Payback session is cancelled",
    MessageKind.CANCELLED: "Your Community Payback session has changed",
}


def service_link() -> str:
    """Where the person sees their sessions: the full address when SERVICE_URL gives the service's."""
    return os.environ.get("SERVICE_URL", "").rstrip("/") + "/my/"


def session_facts(appointment: Appointment) -> wording.SessionFacts:
    session = appointment.session
    project = session.project
    return wording.SessionFacts(
        date=session.date,
        start=session.start_time,
        end=session.end_time,
        place=project.name,
        address=", ".join(part for part in (project.address, project.postcode) if part),
        pick_up_point=session.pick_up_point,
        pick_up_time=session.pick_up_time,
    )


def site_facts(appointment: Appointment) -> rules.SiteFacts:
    project = appointment.session.project
    assessed = current_project_assessment(project)
    return rules.SiteFacts(
        individual=project.project_type != ProjectType.GROUP,
        drinking_water=assessed.welfare_drinking_water if assessed else None,
        toilets=assessed.welfare_toilets if assessed else None,
        all_weather=assessed.all_weather if assessed else None,
    )


def _body(appointment: Appointment, kind: str) -> str:
    facts, link = session_facts(appointment), service_link()
    if kind == MessageKind.REMINDER:
        return wording.reminder_message(facts, individual=site_facts(appointment).individual, link=link)
    if kind == MessageKind.STOOD_DOWN:
        return wording.stood_down_message(facts, link=link)
    return wording.cancelled_message(facts, link=link)


def message_make(appointment: Appointment, kind: str) -> tuple[PersonMessage, bool]:
    """The message about this appointment and event, made now if it was not made before."""
    return PersonMessage.objects.get_or_create(
        key=f"{kind}:{appointment.pk}",
        defaults={
            "person_id": appointment.person_id,
            "appointment": appointment,
            "kind": kind,
            "body": _body(appointment, kind),
        },
    )


def _queue(message: PersonMessage) -> None:
    from .tasks import send_person_message

    def queue() -> None:
        try:
            send_person_message.enqueue(message.pk)
        except Exception:  # kept waiting: `send_session_reminders` sends it
            logger.exception("Could not queue message %s", message.pk)

    enqueue_after_commit(queue)  # once the message is committed


def _appointments(**filters: Any) -> Any:
    return Appointment.objects.filter(**filters).select_related("session", "session__project", "person")


def called_off(*, appointment_ids: list[int], why: str) -> list[PersonMessage]:
    """Tell each person whose booking today or later will not go ahead: the session was stood down
    (`why="stood_down"`) or their booking was moved or cancelled (`why="cancelled"`)."""
    kind = MessageKind.STOOD_DOWN if why == "stood_down" else MessageKind.CANCELLED
    made = []
    for appointment in _appointments(pk__in=appointment_ids, date__gte=timezone.localdate()).order_by("pk"):
        message, created = message_make(appointment, kind)
        if created:
            _queue(message)
            made.append(message)
    return made


def still_booked(appointment: Appointment) -> bool:
    return (
        appointment.cancelled_at is None
        and not appointment.outcome
        and appointment.session.status == SessionStatus.PLANNED
    )


def reminders_for(*, today: date) -> list[PersonMessage]:
    """The reminders for tomorrow's sessions, made where they were not made before, with any still to
    send (or that could not be sent before)."""
    tomorrow = date.fromordinal(today.toordinal() + 1)
    booked = _appointments(
        date=tomorrow, cancelled_at__isnull=True, outcome="", session__status=SessionStatus.PLANNED
    ).order_by("pk")
    with transaction.atomic():
        for appointment in booked:
            message_make(appointment, MessageKind.REMINDER)
    return list(
        PersonMessage.objects.filter(
            kind=MessageKind.REMINDER,
            appointment__date=tomorrow,
            status__in=[MessageStatus.WAITING, MessageStatus.FAILED],
        ).order_by("pk")
    )


def person_message_send(*, message_id: int) -> PersonMessage:
    """Send a message not yet sent, by the person's preferred channel. A reminder whose booking has
    changed since is not sent; a failure of the channel is kept on the message to try again."""
    with transaction.atomic():
        message = (
            PersonMessage.objects.select_for_update()
            .select_related("person", "appointment", "appointment__session")
            .get(pk=message_id)
        )
        if message.status not in (MessageStatus.WAITING, MessageStatus.FAILED):
            return message
        channel, to = contact_for(message.person)
        if message.kind == MessageKind.REMINDER and not still_booked(message.appointment):
            message.status = MessageStatus.NOT_NEEDED
        elif not to:
            message.status = MessageStatus.NO_ADDRESS
        else:
            message.channel = channel
            try:
                sent = gateway_send(
                    channel=channel,
                    to=to,
                    subject=SUBJECTS[MessageKind(message.kind)],
                    body=message.body,
                    reference=f"person-message-{message.pk}",
                )
            except Exception as error:  # noqa: BLE001 - any failure of the channel leaves it to send again
                message.status, message.error = MessageStatus.FAILED, str(error)[:500]
            else:
                message.status, message.error = MessageStatus.SENT, ""
                message.sent_at, message.notify_id = timezone.now(), sent.notify_id
        message.save(update_fields=["status", "channel", "error", "sent_at", "notify_id"])
        return message
