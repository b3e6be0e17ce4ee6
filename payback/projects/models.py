import secrets

from django.db import models
from django.db.models import Q

from payback.cases.models import RiskFlag
from payback.core.models import staff_member
from payback.staff.models import Pdu


def _feedback_token() -> str:
    return secrets.token_urlsafe(24)


class BeneficiaryKind(models.TextChoices):
    CHARITY = "charity", "Charity"
    COUNCIL = "council", "Council (including parish and town councils)"
    COMMUNITY_GROUP = "community_group", "Community group"
    PUBLIC_BODY = "public_body", "Other public body (school, NHS, police)"
    COMMERCIAL = "commercial", "Commercial organisation"


class Beneficiary(models.Model):
    """An organisation that benefits from unpaid work and signs the memorandum of understanding."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=BeneficiaryKind.choices)
    # A commercial organisation only where the work is demonstrably additional (SPEC §5).
    additionality_justification = models.TextField(blank=True)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    pdu = models.ForeignKey(Pdu, on_delete=models.PROTECT, related_name="beneficiaries")
    contact_name = models.CharField(max_length=200)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    mou_signed_on = models.DateField("Memorandum of understanding signed", null=True, blank=True)
    # A one-time feedback link of the beneficiary's, kept for its history: surveys are now sent about
    # each project (BeneficiarySurvey).
    feedback_token = models.CharField(max_length=64, unique=True, default=_feedback_token)
    feedback_token_used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "beneficiaries"

    def __str__(self) -> str:
        return self.name


class ProjectType(models.TextChoices):
    GROUP = "group", "Group placement"
    INDIVIDUAL = "individual", "Individual placement"
    PIP = "pip", "Placement the person found (PIP)"
    ETE = "ete", "Education, training and employment"
    INDUCTION = "induction", "Induction"


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ASSESSED = "assessed", "Assessed"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    CLOSED = "closed", "Closed"


class Project(models.Model):
    name = models.CharField(max_length=200)
    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.PROTECT, related_name="projects")
    pdu = models.ForeignKey(Pdu, on_delete=models.PROTECT, related_name="projects")
    project_type = models.CharField(max_length=20, choices=ProjectType.choices, default=ProjectType.GROUP)
    description = models.TextField(blank=True)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    days = models.JSONField(default=list, blank=True)  # ["mon", "sat", ...]
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    capacity = models.PositiveSmallIntegerField(default=6)
    status = models.CharField(max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT)
    # Raised after an accident, near miss or change: the risk assessment must be reviewed.
    review_needed = models.BooleanField(default=False)
    review_reason = models.CharField(max_length=500, blank=True)
    review_raised_by = staff_member(optional=True)
    review_raised_at = models.DateTimeField(null=True, blank=True)
    # The first day the project was active, and the day it closed: the beneficiary is surveyed on
    # each anniversary of the start and at the end (SPEC §9).
    started_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProjectTask(models.Model):
    """The work schedule: tasks the supervisor follows in order."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=300)

    class Meta:
        ordering = ["project", "position"]
        constraints = [models.UniqueConstraint(fields=["project", "position"], name="task_position_once")]

    def __str__(self) -> str:
        return f"{self.position}. {self.description}"


class AssessmentDecision(models.TextChoices):
    DRAFT = "draft", "Draft"
    RECOMMENDED = "recommended", "Recommended, awaiting approval"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned for changes"
    NOT_RECOMMENDED = "not_recommended", "Not recommended"


class ProjectAssessment(models.Model):
    """The project assessment (risk assessment) made before a project starts, and reviewed after
    an accident, near miss or change. Each review is a new assessment; history is kept."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="assessments")
    hazards = models.TextField(blank=True)
    controls = models.TextField("Risk controls", blank=True)
    welfare_toilets = models.BooleanField(default=False)
    welfare_shelter = models.BooleanField(default=False)
    welfare_drinking_water = models.BooleanField(default=False)
    all_weather = models.BooleanField(default=False)
    wet_weather_contingency = models.TextField(blank=True)
    duration_weeks = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty for ongoing")
    max_people = models.PositiveSmallIntegerField(null=True, blank=True)
    excluded_flags = models.ManyToManyField(RiskFlag, blank=True, related_name="+")
    women_only = models.BooleanField(default=False)
    tools_provided = models.TextField(blank=True)
    environmental_value = models.TextField(blank=True)
    # The principles of Community Payback (SPEC §5): each must be answered "no".
    replaces_paid_work = models.BooleanField(null=True)
    makes_profit = models.BooleanField(null=True)
    involves_personal_care = models.BooleanField(null=True)
    supervises_children_or_vulnerable_adults = models.BooleanField(null=True)
    recommendation = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=AssessmentDecision.choices, default=AssessmentDecision.DRAFT)
    assessed_by = staff_member()
    recommended_at = models.DateTimeField(null=True, blank=True)
    decided_by = staff_member(optional=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "-created_at"]
        permissions = [("approve_projectassessment", "Can approve a project assessment")]

    def __str__(self) -> str:
        return f"Assessment of {self.project} ({self.status})"


class NominationStatus(models.TextChoices):
    NEW = "new", "New"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class ReferralMeans(models.TextChoices):
    PUBLIC_FORM = "public_form", "Public nomination form"
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    LETTER = "letter", "Letter"
    IN_PERSON = "in_person", "In person"
    PARTNER = "partner", "Partner agency or local forum"


class HeardAbout(models.TextChoices):
    SEEN_WORK = "seen_work", "Saw Community Payback working"
    WORD_OF_MOUTH = "word_of_mouth", "Word of mouth"
    COUNCIL = "council", "Council or councillor"
    POLICE = "police", "Police or community safety partnership"
    ONLINE = "online", "Online or social media"
    NEWS = "news", "Newspaper, radio or TV"
    OTHER = "other", "Other"


class RejectionReason(models.TextChoices):
    PAID_WORK = "paid_work", "Would replace paid work"
    PROFIT = "profit", "Would make a profit for someone"
    PERSONAL_CARE = "personal_care", "Involves personal care or supervising children or vulnerable adults"
    UNSAFE = "unsafe", "Cannot be done safely"
    PRIVATE = "private", "Benefits a private individual, not the community"
    NO_CAPACITY = "no_capacity", "No capacity in the area"
    DUPLICATE = "duplicate", "Already nominated or under way"
    OTHER = "other", "Other"


class Nomination(models.Model):
    """Work nominated by a member of the public or a group."""

    reference = models.CharField(max_length=12, unique=True)
    nominator_name = models.CharField(max_length=200)
    nominator_email = models.EmailField()
    nominator_phone = models.CharField(max_length=30, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    on_behalf_of_group = models.BooleanField(default=False)
    work_description = models.TextField()
    location = models.CharField(max_length=300)
    postcode = models.CharField(max_length=10)
    who_benefits = models.TextField()
    heard_about = models.CharField(max_length=20, choices=HeardAbout.choices)
    pdu = models.ForeignKey(Pdu, on_delete=models.PROTECT, related_name="nominations")
    referral_means = models.CharField(max_length=20, choices=ReferralMeans.choices, default=ReferralMeans.PUBLIC_FORM)
    # Identical repeat submissions are recognised by this fingerprint and not saved twice.
    fingerprint = models.CharField(max_length=64, db_index=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    acknowledge_by = models.DateField()
    status = models.CharField(max_length=20, choices=NominationStatus.choices, default=NominationStatus.NEW)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = staff_member(optional=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = staff_member(optional=True)
    rejection_reason = models.CharField(max_length=20, choices=RejectionReason.choices, blank=True)
    rejection_detail = models.TextField(blank=True)
    beneficiary = models.ForeignKey(
        Beneficiary, null=True, blank=True, on_delete=models.PROTECT, related_name="nominations"
    )
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.PROTECT, related_name="nominations")

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.reference}: {self.work_description[:40]}"


class RiskAssessmentAuditSample(models.Model):
    """The yearly random sample of project risk assessments drawn for audit (reproducible by seed)."""

    year = models.PositiveSmallIntegerField()
    region = models.ForeignKey("staff.Region", on_delete=models.PROTECT, related_name="+")
    seed = models.BigIntegerField()
    size = models.PositiveSmallIntegerField()
    projects = models.ManyToManyField(Project, related_name="audit_samples")
    drawn_by = staff_member()
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "region"], name="one_audit_sample_per_year")]

    def __str__(self) -> str:
        return f"Audit sample {self.year} for {self.region}"


class SurveyKind(models.TextChoices):
    PROJECT_END = "project_end", "End of the project"
    YEARLY = "yearly", "Yearly"
    ONGOING = "ongoing", "Ongoing feedback"


class Satisfaction(models.IntegerChoices):
    VERY_DISSATISFIED = 1, "Very dissatisfied"
    DISSATISFIED = 2, "Dissatisfied"
    NEITHER = 3, "Neither satisfied nor dissatisfied"
    SATISFIED = 4, "Satisfied"
    VERY_SATISFIED = 5, "Very satisfied"


class WorkQuality(models.IntegerChoices):
    VERY_POOR = 1, "Very poor"
    POOR = 2, "Poor"
    ACCEPTABLE = 3, "Acceptable"
    GOOD = 4, "Good"
    VERY_GOOD = 5, "Very good"


class BeneficiarySurvey(models.Model):
    """A feedback survey sent to the beneficiary's contact about one project: at its end, on each
    anniversary of its start, or whenever staff ask for feedback. The link in the email holds a
    random token; only its SHA-256 hash is kept. It can be answered once, until `expires_on`
    (that day included). `answered_on` is the day (London) it was answered."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="surveys")
    kind = models.CharField(max_length=20, choices=SurveyKind.choices)
    # What the survey is for: the day the project closed, the anniversary of its start, or (ongoing
    # feedback) the day it was sent. A project is surveyed once for each end or anniversary.
    point = models.DateField()
    token_hash = models.CharField(max_length=64, unique=True)
    sent_to = models.EmailField()
    sent_on = models.DateField()
    expires_on = models.DateField()
    sent_by = staff_member(optional=True)  # empty: sent when due by `manage.py send_beneficiary_surveys`
    used_at = models.DateTimeField(null=True, blank=True)
    answered_on = models.DateField(null=True, blank=True)
    overall_satisfaction = models.PositiveSmallIntegerField(choices=Satisfaction.choices, null=True, blank=True)
    work_quality = models.PositiveSmallIntegerField(choices=WorkQuality.choices, null=True, blank=True)
    would_have_again = models.BooleanField(null=True, blank=True)
    comments = models.TextField(max_length=2000, blank=True)
    answered_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-sent_on", "-id"]
        indexes = [models.Index(fields=["answered_on"], name="survey_answered_on")]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind", "point"],
                condition=~Q(kind="ongoing"),
                name="survey_once_per_project_point",
                violation_error_message="This project has already been sent this survey",
            ),
            models.CheckConstraint(
                condition=Q(overall_satisfaction__isnull=True) | Q(overall_satisfaction__range=(1, 5)),
                name="survey_satisfaction_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(work_quality__isnull=True) | Q(work_quality__range=(1, 5)),
                name="survey_quality_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(used_at__isnull=True)
                | Q(
                    answered_on__isnull=False,
                    overall_satisfaction__isnull=False,
                    work_quality__isnull=False,
                    would_have_again__isnull=False,
                ),
                name="survey_answered_when_used",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} survey of {self.project} sent {self.sent_on:%Y-%m-%d}"
