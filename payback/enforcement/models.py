"""The second half of a case's life: failures and the decisions on them, warnings, breach, the
court's outcomes and the reviews at 6 and 9 months. Every step is a record of its own (who, when,
why): nothing here is edited once made, a reversal is a new record pointing at the old."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models

from payback.cases.models import Induction, LedgerEntry, Person, Requirement
from payback.core.models import RepeatableRequest, staff_member
from payback.delivery.models import Appointment

USER = settings.AUTH_USER_MODEL


def evidence_storage() -> FileSystemStorage:
    """Where evidence files are kept: a folder outside the web root with no public address. A file
    is only ever sent by the evidence view, to staff who can see the case."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


class Failure(models.Model):
    """An enforceable outcome (unacceptable absence, failed to comply, sent home for behaviour, a
    missed induction) taken up by enforcement. Its facts are copied from the appointment or the
    induction when it is taken up, so the record stands even if the register is corrected."""

    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="failures")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="failures")
    appointment = models.OneToOneField(
        Appointment, null=True, blank=True, on_delete=models.PROTECT, related_name="failure"
    )
    induction = models.OneToOneField(Induction, null=True, blank=True, on_delete=models.PROTECT, related_name="failure")
    occurred_on = models.DateField()
    outcome = models.CharField(max_length=40)
    outcome_label = models.CharField(max_length=100)
    where = models.CharField(max_length=300, blank=True)
    supervisor_note = models.CharField(max_length=1000, blank=True)
    recorded_by = staff_member(optional=True)
    evidence_due = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(appointment__isnull=False) | models.Q(induction__isnull=False),
                name="failure_has_a_source",
            )
        ]
        permissions = [
            ("decide_failure", "Can decide failures, warn and start breach"),
            ("agree_departure", "Can agree not to take the step the enforcement rules give"),
            ("oversee_decisions", "Can see the overdue decisions of everyone in their area"),
        ]

    def __str__(self) -> str:
        return f"{self.outcome_label} on {self.occurred_on:%d %b %Y} ({self.person})"

    @property
    def ref(self) -> str:
        """How pages and the API name the failure: by the appointment or induction it came from."""
        return f"A{self.appointment_id}" if self.appointment_id else f"I{self.induction_id}"

    @property
    def standing(self) -> "Decision | None":
        """The decision that stands: the latest that no later decision reverses."""
        decisions = list(self.decisions.all())
        reversed_ids = {d.reverses_id for d in decisions if d.reverses_id}
        standing = [d for d in decisions if d.pk not in reversed_ids]
        return max(standing, key=lambda d: (d.decided_at, d.pk), default=None)


class RequestMethod(models.TextChoices):
    LETTER = "letter", "Letter"
    PHONE = "phone", "Phone"
    TEXT = "text", "Text message"
    IN_PERSON = "in_person", "In person"


class EvidenceRequest(models.Model):
    """The person was asked to explain: the evidence clock runs from the day they were asked."""

    failure = models.ForeignKey(Failure, on_delete=models.PROTECT, related_name="evidence_requests")
    method = models.CharField(max_length=20, choices=RequestMethod.choices)
    asked_on = models.DateField()
    due_on = models.DateField()
    recorded_by = staff_member()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["asked_on", "id"]

    def __str__(self) -> str:
        return f"Asked by {self.get_method_display().lower()} on {self.asked_on:%d %b %Y}"


class ScanStatus(models.TextChoices):
    NOT_SCANNED = "not_scanned", "Not scanned"
    CLEAN = "clean", "No virus found"
    INFECTED = "infected", "Virus found: withheld"


class Evidence(models.Model):
    """What the person gave to explain a failure: a note of it, and a file where there is one
    (PDF or photo), kept outside the web root and only served to staff who can see the case."""

    failure = models.ForeignKey(Failure, on_delete=models.PROTECT, related_name="evidence")
    description = models.CharField(max_length=500)
    received_on = models.DateField()
    file = models.FileField(upload_to="evidence/%Y/%m/", storage=evidence_storage, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size_bytes = models.PositiveIntegerField(default=0)
    scan_status = models.CharField(max_length=20, choices=ScanStatus.choices, default=ScanStatus.NOT_SCANNED)
    recorded_by = staff_member()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_on", "id"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return f"{self.description} (received {self.received_on:%d %b %Y})"


class Verdict(models.TextChoices):
    ACCEPTABLE = "acceptable", "Acceptable"
    UNACCEPTABLE = "unacceptable", "Unacceptable"


class Decision(models.Model):
    """The practitioner's decision on a failure. A decision reversed (on appeal, or corrected) gets
    a new record pointing at it; the current decision is the one not reversed."""

    failure = models.ForeignKey(Failure, on_delete=models.PROTECT, related_name="decisions")
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    reason = models.CharField(max_length=1000)
    decided_on = models.DateField()
    decided_by = staff_member()
    decided_at = models.DateTimeField(auto_now_add=True)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")

    class Meta:
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()} on {self.decided_on:%d %b %Y}"


class Step(models.TextChoices):
    NONE = "none", "No enforcement action"
    WARNING = "warning", "Warning letter"
    BREACH = "breach", "Breach action"


class Action(models.Model):
    """The enforcement step taken on an unacceptable failure, with the step the rules gave and the
    rule that gave it. Where the practitioner departs from the rules' step, the reason is kept (and
    for breach not taken, the senior probation officer who agreed it)."""

    failure = models.OneToOneField(Failure, on_delete=models.PROTECT, related_name="action")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="enforcement_actions")
    rule_step = models.CharField(max_length=20, choices=Step.choices)
    rule_code = models.CharField(max_length=50)
    rule_text = models.CharField(max_length=500)
    step = models.CharField(max_length=20, choices=Step.choices)
    departure_reason = models.CharField(max_length=1000, blank=True)
    agreed_by = staff_member(optional=True)
    taken_on = models.DateField()
    taken_by = staff_member()
    taken_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["taken_on", "id"]
        indexes = [models.Index(fields=["requirement", "step"])]

    def __str__(self) -> str:
        return f"{self.get_step_display()} on {self.taken_on:%d %b %Y}"

    @property
    def departed(self) -> bool:
        return self.step != self.rule_step


class HearingOutcome(models.TextChoices):
    CONTINUES = "continues", "Order continues"
    CONTINUES_FINE = "continues_fine", "Order continues with a fine"
    CONTINUES_EXTRA_HOURS = "continues_extra_hours", "Order continues with extra hours"
    EXTENDED = "extended", "Time to complete extended"
    REVOKED_RESENTENCED = "revoked_resentenced", "Revoked and re-sentenced"
    REVOKED_NO_ACTION = "revoked_no_action", "Revoked with no further action"


class HearingKind(models.TextChoices):
    BREACH = "breach", "Breach"
    EXTENSION = "extension", "Application to extend"
    REVOCATION = "revocation", "Application to revoke"


class CourtOutcome(models.Model):
    """What the court decided at a hearing about the order, and the ledger entry or status change
    it wrote."""

    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="court_outcomes")
    kind = models.CharField(max_length=20, choices=HearingKind.choices)
    breach = models.ForeignKey(Action, null=True, blank=True, on_delete=models.PROTECT, related_name="court_outcomes")
    hearing_on = models.DateField()
    court = models.CharField(max_length=200)
    outcome = models.CharField(max_length=30, choices=HearingOutcome.choices)
    extra_minutes = models.PositiveIntegerField(default=0)
    fine_pence = models.PositiveIntegerField(default=0)
    extended_until = models.DateField(null=True, blank=True)
    notes = models.CharField(max_length=1000, blank=True)
    ledger_entry = models.ForeignKey(LedgerEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_by = staff_member()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["hearing_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} at {self.court} on {self.hearing_on:%d %b %Y}"


class ExtensionApplication(models.Model):
    """The practitioner's application to the court to extend the time to complete."""

    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="extension_applications")
    applied_on = models.DateField()
    asked_until = models.DateField()
    reason = models.CharField(max_length=1000)
    applied_by = staff_member()
    applied_at = models.DateTimeField(auto_now_add=True)
    outcome = models.OneToOneField(
        CourtOutcome, null=True, blank=True, on_delete=models.PROTECT, related_name="application"
    )

    class Meta:
        ordering = ["applied_on", "id"]

    def __str__(self) -> str:
        return f"Extension to {self.asked_until:%d %b %Y} applied for on {self.applied_on:%d %b %Y}"


class IdempotentRequest(RepeatableRequest):
    """The answer given to an enforcement write, kept so that a repeat with the same key changes
    nothing (see `payback.core.idempotency`)."""

    user = models.ForeignKey(USER, null=True, on_delete=models.CASCADE, related_name="+")


class ReviewAction(models.TextChoices):
    CARRY_ON = "carry_on", "Carry on"
    INCREASE_HOURS = "increase_hours", "Offer more hours each week"
    EXTEND = "extend", "Apply to extend before the 9-month point"
    BREACH = "breach", "Consider breach"


class Review(models.Model):
    """A progress review at one of the review points (6 and 9 months, policy): the figures as they
    stood, the projection at the person's own rate, what the rules suggested and what was done."""

    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="reviews")
    point_months = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    completed_on = models.DateField()
    completed_by = staff_member()
    completed_at = models.DateTimeField(auto_now_add=True)
    ordered_minutes = models.PositiveIntegerField()
    worked_minutes = models.PositiveIntegerField()
    still_needed_minutes = models.PositiveIntegerField()
    recent_minutes = models.PositiveIntegerField()
    recent_weeks = models.PositiveSmallIntegerField()
    projected_finish = models.DateField(null=True, blank=True)
    completion_date = models.DateField(null=True, blank=True)
    on_track = models.BooleanField()
    suggested_action = models.CharField(max_length=20, choices=ReviewAction.choices)
    action = models.CharField(max_length=20, choices=ReviewAction.choices)
    notes = models.CharField(max_length=2000, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["requirement", "point_months"], name="review_once_at_each_point")
        ]

    def __str__(self) -> str:
        return f"{self.point_months}-month review, {self.completed_on:%d %b %Y}"


class LetterKind(models.TextChoices):
    WARNING = "warning", "Warning letter"
    BREACH = "breach", "Breach notification"
    APPOINTMENT = "appointment", "Appointment letter"
    COMPLETION = "completion", "Completion letter"


class LetterStatus(models.TextChoices):
    WAITING = "waiting", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Could not be sent"


class Letter(models.Model):
    """A letter to the person, rendered to PDF from its template when it is issued and kept on the
    case as it was sent; sent through GOV.UK Notify where a key is configured, otherwise written to
    the outbox folder."""

    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=20, choices=LetterKind.choices)
    reference = models.CharField(max_length=40, unique=True)
    action = models.ForeignKey(Action, null=True, blank=True, on_delete=models.PROTECT, related_name="letters")
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.PROTECT, related_name="letters"
    )
    pdf = models.FileField(upload_to="letters/%Y/%m/", storage=evidence_storage)
    text = models.TextField(help_text="The words of the letter, as sent")
    issued_on = models.DateField()
    issued_by = staff_member(optional=True)
    issued_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=LetterStatus.choices, default=LetterStatus.WAITING)
    sent_via = models.CharField(max_length=20, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    notify_id = models.CharField(max_length=100, blank=True)
    send_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["issued_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["requirement"], condition=models.Q(kind="completion"), name="one_completion_letter"
            ),
            models.UniqueConstraint(fields=["action"], name="one_letter_for_each_step"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"
