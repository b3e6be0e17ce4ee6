"""What the service for people doing unpaid work keeps: sign-in codes (only ever as a keyed hash)
and the limits they are counted against, the person's own API tokens, how they like to be
contacted, the changes and absences they tell us about, and the messages we send them."""

from django.db import models

from payback.cases.models import Person
from payback.core.models import staff_member
from payback.delivery.models import AbsenceReason, Appointment
from payback.enforcement.models import Evidence, ScanStatus, evidence_storage

DIGEST = 64  # a SHA-256 in hex


class Channel(models.TextChoices):
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"


class CodeChallenge(models.Model):
    """One request for a sign-in code, made the same way whether or not the details given match
    someone, so that nothing about the answer or its timing says which. Only the code's keyed hash is
    kept. Each service's table adds who it is for and the identifier's keyed hash."""

    token_digest = models.CharField(max_length=DIGEST, unique=True)
    address = models.CharField(max_length=45)
    code_digest = models.CharField(max_length=DIGEST, blank=True)
    tries = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"Sign-in code asked for at {self.created_at:%Y-%m-%d %H:%M}"


class SignInChallenge(CodeChallenge):
    """One request for a sign-in code. Made the same way whether or not the case number and date of
    birth match someone (`person` is empty when they do not), so that nothing about the answer or
    its timing says which. The code is made and sent by a background task, which keeps only its
    keyed hash here."""

    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    crn_digest = models.CharField(max_length=DIGEST, db_index=True)
    sent_by = models.CharField(max_length=10, choices=Channel.choices, blank=True)


class AttemptKind(models.TextChoices):
    CODE_ASKED = "code_asked", "Code asked for"
    WRONG_CODE = "wrong_code", "Wrong code"


class CodeAttempt(models.Model):
    """What the sign-in limits count, for an identifier (as a keyed hash, in each service's own
    field) and a client address."""

    kind = models.CharField(max_length=20, choices=AttemptKind.choices)
    address = models.CharField(max_length=45)
    at = models.DateTimeField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"


class SignInAttempt(CodeAttempt):
    """What the sign-in limits count, for a case number (as a keyed hash) and a client address."""

    crn_digest = models.CharField(max_length=DIGEST)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "crn_digest", "at"]),
            models.Index(fields=["kind", "address", "at"]),
        ]


class BearerToken(models.Model):
    """A bearer token for someone's own use of the API, made by signing in with a code. Only a hash
    is kept. Each service's table adds whose it is."""

    digest = models.CharField(max_length=DIGEST, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"Token made at {self.created_at:%Y-%m-%d %H:%M}"


class PersonToken(BearerToken):
    """A bearer token for the person's own use of the API, made by signing in with a code. Only a
    hash is kept. Never accepted as a member of staff's token, nor theirs as this."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")


class ContactPreference(models.Model):
    """How the person likes to get our messages (codes, reminders, changes to sessions)."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="contact_preference")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.get_channel_display()} for {self.person_id}"


class ChangeStatus(models.TextChoices):
    WAITING = "waiting", "Waiting to be checked"
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Not made"


class ContactChange(models.Model):
    """A new phone number, email or address the person sent us. The case's details change only
    once their probation practitioner confirms it. A field left empty is not being changed."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="contact_changes")
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    idempotency_key = models.CharField(max_length=100, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=ChangeStatus.choices, default=ChangeStatus.WAITING)
    decided_by = staff_member(optional=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(status="waiting"), name="one_contact_change_waiting"
            )
        ]

    def __str__(self) -> str:
        return f"Contact change for {self.person_id} ({self.status})"

    @property
    def changes(self) -> dict[str, str]:
        """The fields being changed, with their new values."""
        fields = ("phone", "email", "address", "postcode")
        return {name: getattr(self, name) for name in fields if getattr(self, name)}


class AbsenceReport(models.Model):
    """The person told us they cannot come (or could not come) to a booked session, why, and a photo
    or PDF where they sent one. Their practitioner sees it on the case; once the session's register
    has recorded the absence, it becomes evidence for the decision on that failure (`evidence`)."""

    appointment = models.OneToOneField(Appointment, on_delete=models.PROTECT, related_name="absence_report")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="absence_reports")
    reason = models.CharField(max_length=20, choices=AbsenceReason.choices)
    details = models.CharField(max_length=1000)
    file = models.FileField(upload_to="absence-reports/%Y/%m/", storage=evidence_storage, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size_bytes = models.PositiveIntegerField(default=0)
    scan_status = models.CharField(max_length=20, choices=ScanStatus.choices, default=ScanStatus.NOT_SCANNED)
    idempotency_key = models.CharField(max_length=100, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)
    evidence = models.OneToOneField(Evidence, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"Cannot come on {self.appointment.date:%d %b %Y} ({self.reason})"

    @property
    def failure_ref(self) -> str:
        """How enforcement names the failure at this session, once the register records one."""
        return f"A{self.appointment_id}"


class MessageKind(models.TextChoices):
    REMINDER = "reminder", "Reminder the day before"
    STOOD_DOWN = "stood_down", "Session stood down"
    CANCELLED = "cancelled", "Session moved or cancelled"


class MessageStatus(models.TextChoices):
    WAITING = "waiting", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Could not be sent"
    NO_ADDRESS = "no_address", "No phone number or email"
    NOT_NEEDED = "not_needed", "Not sent: the session changed first"


class PersonMessage(models.Model):
    """A message to the person about a session, made once for each event (`key`, such as
    `reminder:12`) and sent through GOV.UK Notify or the messages folder, by text or email as they
    prefer. A failure to send is kept, to try again; a message sent is never sent again."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=MessageKind.choices)
    key = models.CharField(max_length=100, unique=True)
    body = models.TextField()
    status = models.CharField(max_length=20, choices=MessageStatus.choices, default=MessageStatus.WAITING)
    channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    notify_id = models.CharField(max_length=100, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.key}, {self.status})"
