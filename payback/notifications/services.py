"""Writes for notifications: telling staff (once for each event), emailing them after the change
that told them is saved, marking what they have read, and setting the duty senior probation officer.

    notify(recipients, category=..., key="risk_concern:12", subject=..., body=..., link=..., urgent=True)

is idempotent by `key`: raising the same event again tells nobody twice. The email goes once the
transaction commits, through the background worker; a failure to send is kept on the notification
(which is never lost) and `manage.py send_notification_emails` tries again."""

import logging
import os
from collections.abc import Iterable
from datetime import date
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from payback.core.services import audit_record
from payback.staff.models import Pdu, User
from payback.staff.roles import SENIOR_PROBATION_OFFICER
from payback.staff.selectors import holds_role, pdu_in_area

from .gateway import message_gateway
from .models import (
    BODY_LENGTH,
    KEY_LENGTH,
    LINK_LENGTH,
    SUBJECT_LENGTH,
    Category,
    DutySenior,
    EmailStatus,
    Notification,
)

logger = logging.getLogger(__name__)


def _check(*, category: str, key: str, link: str) -> None:
    """What the calling code must get right (never what a member of staff typed)."""
    if category not in Category.values:
        raise ValueError(f"Unknown category of notification: {category!r}")
    if not key or len(key) > KEY_LENGTH:
        raise ValueError(f"A notification's key must be 1 to {KEY_LENGTH} characters")
    if link and (not link.startswith("/") or link.startswith("//") or len(link) > LINK_LENGTH):
        raise ValueError("A notification's link is a path in the service, like /sessions/concerns/12/")


def _once_each(recipients: Iterable[User | None]) -> list[User]:
    """Each active member of staff once, in the order given."""
    seen: dict[int, User] = {}
    for user in recipients:
        if user is not None and user.is_active and user.pk not in seen:
            seen[user.pk] = user
    return list(seen.values())


@transaction.atomic
def notify(
    recipients: Iterable[User | None],
    *,
    category: str,
    key: str,
    subject: str,
    body: str,
    link: str = "",
    urgent: bool = False,
) -> list[Notification]:
    """Tell each recipient about an event named by `key`, once: whoever already has a notification
    with that key is not told again. Returns the notifications made now; each is emailed after the
    transaction commits (or kept as having no address to email)."""
    _check(category=category, key=key, link=link)
    made = []
    for user in _once_each(recipients):
        notification, created = Notification.objects.get_or_create(
            recipient=user,
            key=key,
            defaults={
                "category": category,
                "urgent": urgent,
                "subject": subject.strip()[:SUBJECT_LENGTH],
                "body": body.strip()[:BODY_LENGTH],
                "link": link,
                "email_status": EmailStatus.WAITING if user.email else EmailStatus.NO_ADDRESS,
            },
        )
        if created:
            made.append(notification)
            if user.email:
                transaction.on_commit(partial(_queue_email, notification.pk))
    return made


def _queue_email(notification_id: int) -> None:
    """Ask the background worker to email the notification; if it cannot be asked, the notification
    stays waiting for `send_notification_emails`."""
    from .tasks import email_notification

    try:
        email_notification.enqueue(notification_id)
    except Exception:  # the notification is kept, waiting, and sent later
        logger.exception("Could not queue the email of notification %s", notification_id)


def email_text(notification: Notification) -> tuple[str, str]:
    """The subject and body of the email: the notification's own, urgent ones saying so first, and
    where to find it in the service (the full address when SERVICE_URL gives the service's)."""
    subject = f"Urgent: {notification.subject}" if notification.urgent else notification.subject
    body = notification.body
    if notification.link:
        site = os.environ.get("SERVICE_URL", "").rstrip("/")
        body += f"\n\nSee it in Payback: {site}{notification.link}"
    return subject, body


def notification_email(*, notification_id: int) -> Notification:
    """Email a notification not yet emailed. A failure of the channel is kept on the notification, to
    try again; the notification itself is never lost."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().select_related("recipient").get(pk=notification_id)
        if notification.email_status in (EmailStatus.SENT, EmailStatus.NO_ADDRESS):
            return notification
        if not notification.recipient.email:
            notification.email_status = EmailStatus.NO_ADDRESS
        else:
            subject, body = email_text(notification)
            try:
                sent = message_gateway().send_email(
                    to=notification.recipient.email,
                    subject=subject,
                    body=body,
                    reference=f"notification-{notification.pk}",
                )
            except Exception as error:  # noqa: BLE001 - any failure of the channel leaves it to send again
                notification.email_status, notification.email_error = EmailStatus.FAILED, str(error)[:500]
            else:
                notification.email_status, notification.email_error = EmailStatus.SENT, ""
                notification.emailed_at, notification.notify_id = timezone.now(), sent.notify_id
        notification.save(update_fields=["email_status", "email_error", "emailed_at", "notify_id"])
        return notification


def notifications_email_waiting() -> tuple[int, int]:
    """Email every notification still waiting, or that could not be sent before: (sent, still failing).
    Safe to run again: each is emailed once."""
    sent = failing = 0
    waiting = Notification.objects.filter(email_status__in=[EmailStatus.WAITING, EmailStatus.FAILED])
    for notification_id in waiting.order_by("created_at", "id").values_list("pk", flat=True):
        if notification_email(notification_id=notification_id).email_status == EmailStatus.SENT:
            sent += 1
        else:
            failing += 1
    return sent, failing


def mark_read(user: User, ids: Iterable[int]) -> int:
    """Mark the member of staff's own notifications with these ids as read (anyone else's are left
    alone); how many were unread."""
    unread = Notification.objects.filter(recipient_id=user.pk, pk__in=set(ids), read_at__isnull=True)
    return unread.update(read_at=timezone.now())


def mark_all_read(user: User) -> int:
    """Mark every one of the member of staff's notifications as read; how many were unread."""
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(read_at=timezone.now())


# ---------------------------------------------------------------------------------------------
# The duty senior probation officer


def _duty_errors(actor: User, *, pdu: Pdu, on: date, user: User) -> dict[str, str]:
    errors: dict[str, str] = {}
    if pdu_in_area(actor, pdu.pk) is None:
        errors["pdu"] = "Select a PDU in your area"
    if on < timezone.localdate():
        errors["on"] = "The date must be today or in the future"
    if not (user.is_active and user.pdu_id == pdu.pk and holds_role(user, SENIOR_PROBATION_OFFICER)):
        errors["user"] = f"Select a senior probation officer who works in {pdu.name}"
    return errors


@transaction.atomic
def duty_senior_set(*, actor: User, pdu: Pdu, on: date, user: User) -> DutySenior:
    """Make a senior probation officer of the PDU its duty senior for the day, in place of anyone set
    before. Setting the same person again changes nothing."""
    errors = _duty_errors(actor, pdu=pdu, on=on, user=user)
    if errors:
        raise ValidationError(errors)
    duty = DutySenior.objects.select_for_update().filter(pdu=pdu, on=on).select_related("user").first()
    if duty is not None and duty.user_id == user.pk:
        return duty
    before = {"user": duty.user.get_full_name()} if duty is not None else None
    if duty is None:
        duty = DutySenior(pdu=pdu, on=on)
    duty.user, duty.set_by = user, actor
    duty.full_clean()
    duty.save()
    summary = f"{user.get_full_name()} on duty as senior probation officer for {pdu.name} on {on:%-d %B %Y}"
    audit_record(
        actor=actor,
        action="notifications.duty_senior_set",
        obj=duty,
        summary=summary,
        subject=f"staff:{user.pk}",
        before=before,
        after={"user": user.get_full_name(), "pdu": pdu.code, "on": on.isoformat()},
    )
    return duty
