"""What a member of staff is told they must act on (a risk concern, an incident, a booking that now
breaks a rule, an overdue countersignature, what a person told us online), shown on their home page
and emailed to them; and who is the duty senior probation officer of a PDU on a given day."""

from django.conf import settings
from django.db import models

from payback.core.models import staff_member
from payback.staff.models import Pdu


class Category(models.TextChoices):
    RISK_CONCERN = "risk_concern", "Risk concern"
    INCIDENT = "incident", "Incident"
    BOOKING_CONFLICT = "booking_conflict", "Booking breaks a rule"
    COUNTERSIGN_OVERDUE = "countersign_overdue", "Countersignature overdue"
    TOLD_US_ONLINE = "told_us_online", "The person told us online"


class EmailStatus(models.TextChoices):
    WAITING = "waiting", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Could not be sent"
    NO_ADDRESS = "no_address", "No email address"


KEY_LENGTH = 150
SUBJECT_LENGTH = 200
BODY_LENGTH = 2000
LINK_LENGTH = 300


class Notification(models.Model):
    """One thing one member of staff is told. The text names a person on probation by first name and
    CRN at most: never their address, date of birth or what was written about them; the link opens
    the record in the service, where the member of staff's own access applies.

    `key` names the event: the same event raised again never tells the same person twice."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    category = models.CharField(max_length=30, choices=Category.choices)
    urgent = models.BooleanField(default=False)
    key = models.CharField(max_length=KEY_LENGTH)
    subject = models.CharField(max_length=SUBJECT_LENGTH)
    body = models.TextField(max_length=BODY_LENGTH)
    link = models.CharField(max_length=LINK_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(max_length=20, choices=EmailStatus.choices, default=EmailStatus.WAITING)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=500, blank=True)
    notify_id = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_event"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.subject} (for {self.recipient})"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class DutySenior(models.Model):
    """The senior probation officer on duty for a PDU on a day: told at once of urgent concerns
    about the PDU's cases. Without one, every senior probation officer of the PDU is told."""

    pdu = models.ForeignKey(Pdu, on_delete=models.PROTECT, related_name="+")
    on = models.DateField()
    user = staff_member(related_name="duty_days")
    set_by = staff_member()
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["on", "pdu__name"]
        constraints = [models.UniqueConstraint(fields=["pdu", "on"], name="one_duty_senior_a_day")]
        permissions = [("set_duty_senior", "Can set the duty senior probation officer of a PDU for a day")]

    def __str__(self) -> str:
        return f"{self.user} on duty for {self.pdu} on {self.on:%-d %B %Y}"
