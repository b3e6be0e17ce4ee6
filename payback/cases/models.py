from typing import Any

from django.conf import settings
from django.db import models

from payback.core.models import RepeatableRequest, staff_member
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
# The ledger's running sums kept on each requirement (see `Requirement.credited_minutes`).
LEDGER_SUMS = ("credited_minutes", "variation_minutes")


class Requirement(models.Model):
    """An Unpaid Work requirement of an order: the case that hours are worked against.

    Remaining hours are never stored: they are ordered + variations − credits, from the ledger's
    running sums kept here (see `LEDGER_SUMS`)."""

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
    # The completion date with and without a completion window in force, kept in step with the
    # dates above (and an SSO's operational period) so the caseload can sort and filter on them.
    due_date = models.DateField(null=True, blank=True)
    due_date_without_window = models.DateField(null=True, blank=True)
    # Set when an unacceptable failure stops further earned reduction (what was earned is kept).
    earning_stopped_on = models.DateField(null=True, blank=True)
    # The ledger's running sums: every credit, and every court variation. Written only by the ledger
    # service, in the same transaction as each entry (`services.ledger`); the database refuses any
    # other value (core migration 0018), and `manage.py rebuild_ledger_totals` rebuilds them.
    credited_minutes = models.IntegerField(default=0, editable=False)
    variation_minutes = models.IntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["induction_due"]),
            models.Index(fields=["window_end"]),
            models.Index(fields=["due_date"]),
            models.Index(fields=["due_date_without_window"]),
            # Open cases only, with what the caseload counts and filters by: its count and its "at
            # risk" filter read this index alone, not the table (about half of it closed cases).
            models.Index(
                fields=["due_date"],
                include=["id", "ordered_minutes", "credited_minutes", "variation_minutes"],
                condition=~models.Q(status__in=CLOSED_STATUSES),
                name="requirement_open_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ordered_minutes // 60} hours UPW for {self.person}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Saving a requirement read earlier never writes back its ledger sums, which a ledger
        entry may have moved since: only the ledger service writes them."""
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            left_out = {*LEDGER_SUMS, *self.get_deferred_fields()}  # deferred: not read, so not written
            kwargs["update_fields"] = [
                f.attname for f in self._meta.concrete_fields if not f.primary_key and f.attname not in left_out
            ]
        super().save(*args, **kwargs)

    @property
    def sentence_date(self):  # type: ignore[no-untyped-def]
        return self.order.sentence_date


class LedgerKind(models.TextChoices):
    WORK = "work", "Work"
    TRAVEL = "travel", "Travel time adjustment"
    ETE = "ete", "Education, training and employment"
    EARNED_REDUCTION = "earned_reduction", "Earned reduction"
    STAND_DOWN = "stand_down", "Stand-down credit"
    COURT_VARIATION = "court_variation", "Court variation"


CREDIT_KINDS = (
    LedgerKind.WORK,
    LedgerKind.TRAVEL,
    LedgerKind.ETE,
    LedgerKind.EARNED_REDUCTION,
    LedgerKind.STAND_DOWN,
)


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
    created_by = staff_member(optional=True)

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


class LedgerRequest(RepeatableRequest):
    """The answer given to a request that moved minutes in a ledger."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+")


class CaseAllocation(models.Model):
    """A case moved from one practitioner to another, and why. The newest is the case's practitioner."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="allocations")
    from_practitioner = staff_member(optional=True)
    to_practitioner = staff_member()
    reason = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = staff_member(optional=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.person} to {self.to_practitioner}"


class AllocationRequest(RepeatableRequest):
    """The answer given to a request that reallocated a case."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+")


class CaseStatusChange(models.Model):
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=30, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=30, choices=CaseStatus.choices)
    reason = models.CharField(max_length=500)
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = staff_member(optional=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} to {self.to_status}"


# ---------------------------------------------------------------------------------------------
# Induction, the UPW assessment and the risk picture


class InductionOutcome(models.TextChoices):
    ATTENDED = "attended", "Attended"
    FAILED_TO_ATTEND = "failed_to_attend", "Failed to attend"
    RESCHEDULED = "rescheduled", "Rescheduled"
    ACCEPTABLE_ABSENCE = "acceptable_absence", "Acceptable absence"


class Induction(models.Model):
    """The first appointment. A rescheduled induction is followed by a new booking."""

    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="inductions")
    starts_at = models.DateTimeField()
    location = models.CharField(max_length=200)
    booked_by = staff_member(optional=True)
    booked_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=30, choices=InductionOutcome.choices, blank=True)
    outcome_reason = models.CharField(max_length=500, blank=True)
    minutes_attended = models.PositiveIntegerField(null=True, blank=True)
    outcome_recorded_by = staff_member(optional=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return f"Induction {self.starts_at:%Y-%m-%d %H:%M} ({self.outcome or 'booked'})"


class RiskFlag(models.Model):
    """A specific risk flag (data: more can be added without a code change)."""

    code = models.SlugField(max_length=50, unique=True)
    label = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    # Whether a supervisor needs to know it on site (e.g. not near children).
    shown_to_supervisors = models.BooleanField(default=True)

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class RoshLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"


class PlacementPreference(models.TextChoices):
    MIXED = "mixed", "Mixed group"
    WOMEN_ONLY = "women_only", "Women-only group"
    INDIVIDUAL = "individual", "Individual placement"


class PlacementType(models.TextChoices):
    GROUP = "group", "Group placement"
    INDIVIDUAL = "individual", "Individual placement"
    PIP = "pip", "Placement the person found (PIP)"
    ETE = "ete", "Education, training and employment"


class Transport(models.TextChoices):
    OWN_VEHICLE = "own_vehicle", "Own vehicle"
    PUBLIC_TRANSPORT = "public_transport", "Public transport"
    WALK_OR_CYCLE = "walk_or_cycle", "Walks or cycles"
    NEEDS_PICK_UP = "needs_pick_up", "Needs a pick-up"


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_COUNTERSIGNATURE = "awaiting_countersignature", "Awaiting countersignature"
    RETURNED = "returned", "Returned for changes"
    CURRENT = "current", "Current"
    SUPERSEDED = "superseded", "Superseded"


class Assessment(models.Model):
    """One version of a person's UPW assessment and risk picture. A draft is edited page by page;
    once submitted it is never edited: a new version supersedes it."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assessments")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=30, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT)
    # Availability: {"mon": ["morning", "afternoon"], ...}; commitments explain what is not free:
    # [{"day": "tue", "part": "morning", "reason": "employment", "detail": "..."}]
    availability = models.JSONField(default=dict, blank=True)
    commitments = models.JSONField(default=list, blank=True)
    health_limitations = models.TextField(blank=True)
    disability_adjustments = models.TextField(blank=True)
    neurodiversity_adjustments = models.TextField(blank=True)
    first_language = models.CharField(max_length=100, blank=True)
    interpreter_required = models.BooleanField(default=False)
    interpreter_language = models.CharField(max_length=100, blank=True)
    prayer_times = models.CharField(max_length=300, blank=True)
    days_cannot_work = models.JSONField(default=list, blank=True)
    religious_observance_notes = models.TextField(blank=True)
    placement_preference = models.CharField(max_length=20, choices=PlacementPreference.choices, blank=True)
    transport = models.CharField(max_length=20, choices=Transport.choices, blank=True)
    max_travel_minutes = models.PositiveIntegerField(null=True, blank=True)
    skills = models.TextField(blank=True)
    experience = models.TextField(blank=True)
    clothing_size = models.CharField(max_length=20, blank=True)
    boot_size = models.CharField(max_length=10, blank=True)
    group_work_unsuitable = models.BooleanField(default=False)
    group_work_unsuitable_reason = models.TextField(blank=True)
    suitable_placement_types = models.JSONField(default=list, blank=True)
    rosh_level = models.CharField("Risk of serious harm", max_length=20, choices=RoshLevel.choices, blank=True)
    risk_flags = models.ManyToManyField(RiskFlag, blank=True, related_name="+")
    risk_notes = models.TextField(blank=True)
    risk_assessed_on = models.DateField(null=True, blank=True)
    author = staff_member()
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    countersigned_by = staff_member(optional=True)
    countersigned_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["person", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["person", "version"], name="assessment_one_version_number"),
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(status="current"), name="assessment_one_current_per_person"
            ),
        ]
        permissions = [
            ("countersign_assessment", "Can countersign a high-risk assessment"),
            ("view_session_needs", "Can see what a session needs to know about a person"),
        ]

    def __str__(self) -> str:
        return f"UPW assessment v{self.version} for {self.person} ({self.status})"


class NonAssociation(models.Model):
    """Two people who must never be placed together. Stored once, read both ways."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    other = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300)
    recorded_by = staff_member()
    recorded_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(person__lt=models.F("other")), name="non_association_ordered"),
            models.UniqueConstraint(
                fields=["person", "other"], condition=models.Q(ended_at__isnull=True), name="non_association_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} must not be placed with {self.other}"


# ---------------------------------------------------------------------------------------------
# SBAR consultations between a practitioner and their senior probation officer


class SbarConsultation(models.Model):
    """A practitioner's request for a senior's decision or advice on a case, set out as situation,
    background, assessment and recommendation. Never changed once raised: the answer is its own record."""

    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="consultations")
    situation = models.CharField(max_length=2000)
    background = models.CharField(max_length=2000)
    assessment = models.CharField(max_length=2000)
    recommendation = models.CharField(max_length=2000)
    raised_by = staff_member()
    raised_at = models.DateTimeField(auto_now_add=True)
    # The senior who leads the practitioner's team; empty when any senior in the case's PDU may answer.
    addressed_to = staff_member(optional=True)

    class Meta:
        ordering = ["raised_at", "id"]

    def __str__(self) -> str:
        return f"SBAR consultation {self.pk} on {self.requirement_id}"


class SbarAnswer(models.Model):
    """A senior's decision or advice on a consultation: one answer each, never changed."""

    consultation = models.OneToOneField(SbarConsultation, on_delete=models.PROTECT, related_name="answer")
    decision = models.CharField(max_length=2000)
    answered_by = staff_member()
    answered_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Answer to SBAR consultation {self.consultation_id}"


class SbarRequest(RepeatableRequest):
    """The answer given to a request that raised or answered an SBAR consultation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+")
