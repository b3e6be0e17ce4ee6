from django.conf import settings
from django.db import models

from payback.staff.models import Pdu


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NOT_KNOWN = "not_known", "Not known"


class Person(models.Model):
    """A person on probation. Identified by a CRN (case reference number), as in nDelius."""

    crn = models.CharField("CRN", max_length=7, unique=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10, choices=Sex.choices)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    pdu = models.ForeignKey(Pdu, on_delete=models.PROTECT, related_name="people")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="caseload"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name_plural = "people"
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.crn})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class DiversityInformation(models.Model):
    """The Diversity Information Form (SPEC §11). Kept apart from the case record and used only
    for adjustments and for management information, never for decisions about the person."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="diversity")
    ethnicity = models.CharField(max_length=100, blank=True)
    religion_or_belief = models.CharField(max_length=100, blank=True)
    disability = models.CharField(max_length=300, blank=True)
    neurodiversity = models.CharField(max_length=300, blank=True)
    gender_identity = models.CharField(max_length=100, blank=True)
    sexual_orientation = models.CharField(max_length=100, blank=True)
    first_language = models.CharField(max_length=100, blank=True)
    interpreter_required = models.BooleanField(default=False)
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Diversity information for {self.person}"


class OrderType(models.TextChoices):
    COMMUNITY_ORDER = "community_order", "Community Order"
    SUSPENDED_SENTENCE_ORDER = "suspended_sentence_order", "Suspended Sentence Order"


class Order(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="orders")
    order_type = models.CharField(max_length=30, choices=OrderType.choices)
    sentence_date = models.DateField()
    court = models.CharField(max_length=200)
    # Suspended Sentence Orders only: hours cannot be worked or extended past its end.
    operational_period_months = models.PositiveSmallIntegerField(null=True, blank=True)
    operational_period_end = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sentence_date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_order_type_display()}, {self.court}, {self.sentence_date:%d %b %Y}"


class CaseStatus(models.TextChoices):
    AWAITING_INDUCTION = "awaiting_induction", "Awaiting induction"
    AWAITING_ASSESSMENT = "awaiting_assessment", "Awaiting assessment"
    AWAITING_PLACEMENT = "awaiting_placement", "Awaiting placement"
    WORKING = "working", "Working"
    PAUSED = "paused", "Paused"
    BACKLOG = "backlog", "Backlog"
    BREACH_IN_PROGRESS = "breach_in_progress", "Breach in progress"
    COMPLETED = "completed", "Completed"
    REVOKED = "revoked", "Revoked"
    TRANSFERRED_OUT = "transferred_out", "Transferred out"


CLOSED_STATUSES = (CaseStatus.COMPLETED, CaseStatus.REVOKED, CaseStatus.TRANSFERRED_OUT)


class Requirement(models.Model):
    """An Unpaid Work requirement of an order: the case that hours are worked against.

    Remaining hours are never stored: they are derived from the ledger."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="requirements")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="requirements")
    ordered_minutes = models.PositiveIntegerField()
    concurrent_with = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="concurrent_requirements"
    )
    status = models.CharField(max_length=30, choices=CaseStatus.choices, default=CaseStatus.AWAITING_INDUCTION)
    induction_due = models.DateField()
    assessment_due = models.DateField()
    # Sentence date plus the completion window in months (while a window is in force).
    window_end = models.DateField(null=True, blank=True)
    # Set by the court when it extends the time to complete (a court variation).
    extended_until = models.DateField(null=True, blank=True)
    # Set when an unacceptable failure stops further earned reduction (what was earned is kept).
    earning_stopped_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["induction_due"]),
            models.Index(fields=["window_end"]),
        ]

    def __str__(self) -> str:
        return f"{self.ordered_minutes // 60} hours UPW for {self.person}"

    @property
    def sentence_date(self):  # type: ignore[no-untyped-def]
        return self.order.sentence_date


class LedgerKind(models.TextChoices):
    WORK = "work", "Work"
    TRAVEL = "travel", "Travel time adjustment"
    ETE = "ete", "Education, training and employment"
    EARNED_REDUCTION = "earned_reduction", "Earned reduction"
    COURT_VARIATION = "court_variation", "Court variation"


CREDIT_KINDS = (LedgerKind.WORK, LedgerKind.TRAVEL, LedgerKind.ETE, LedgerKind.EARNED_REDUCTION)


class LedgerEntry(models.Model):
    """One append-only entry in a requirement's hours ledger, in minutes.

    For credit kinds, minutes reduce what is owed; for a court variation, positive minutes
    add hours to the order and negative minutes take them away. A correction is a new entry
    of the same kind with the opposite minutes, pointing at the entry it reverses."""

    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="ledger")
    kind = models.CharField(max_length=20, choices=LedgerKind.choices)
    minutes = models.IntegerField()
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    occurred_on = models.DateField(help_text="The day worked, or the day the adjustment applies from")
    reason = models.CharField(max_length=500)
    source = models.CharField(max_length=30)
    source_ref = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["occurred_on", "id"]
        verbose_name_plural = "ledger entries"
        permissions = [("correct_ledgerentry", "Can correct a ledger entry")]
        indexes = [models.Index(fields=["requirement", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.minutes} min on {self.occurred_on}"

    @property
    def is_correction(self) -> bool:
        return self.reverses_id is not None


class CaseStatusChange(models.Model):
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=30, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=30, choices=CaseStatus.choices)
    reason = models.CharField(max_length=500)
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} to {self.to_status}"
