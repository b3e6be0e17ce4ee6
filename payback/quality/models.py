"""Operations managers' quality assurance: spot checks of sessions, observations of supervisors,
audit findings for the year's sample of projects, and reflective supervision of new staff.

Each record is kept as made (append-only); only an audit finding's action is later marked done."""

from django.db import models

from payback.core.models import staff_member
from payback.delivery.models import Session
from payback.projects.models import Project, RiskAssessmentAuditSample


class SpotCheck(models.Model):
    """An unannounced check of a session in progress, with its checklist, findings and actions."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="spot_checks")
    checked_by = staff_member()
    checked_on = models.DateField()
    toolbox_talk_given = models.BooleanField()
    register_kept = models.BooleanField()
    ppe_worn = models.BooleanField("PPE worn")
    tools_counted = models.BooleanField()
    risk_assessment_on_site = models.BooleanField()
    welfare_facilities = models.BooleanField()
    work_as_planned = models.BooleanField()
    conduct_appropriate = models.BooleanField()
    findings = models.TextField(max_length=2000, blank=True)
    actions = models.TextField(max_length=2000, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-checked_on", "-id"]
        permissions = [("assure_quality", "Can assure quality: spot checks, observations, audits and supervision")]

    def __str__(self) -> str:
        return f"Spot check of {self.session} on {self.checked_on:%-d %B %Y}"


class Rating(models.TextChoices):
    DEVELOPING = "developing", "Needs development"
    GOOD = "good", "Good"
    STRONG = "strong", "Strong"


def _rating(label: str) -> models.CharField:  # type: ignore[type-arg]
    return models.CharField(label, max_length=12, choices=Rating.choices)


class SupervisorObservation(models.Model):
    """An operations manager's observation of a supervisor at work, with developmental feedback."""

    supervisor = staff_member(related_name="observations")
    observer = staff_member()
    observed_on = models.DateField()
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rating_briefing = _rating("Briefing and toolbox talk")
    rating_prosocial = _rating("Pro-social modelling")
    rating_safety = _rating("Health and safety")
    rating_engagement = _rating("Engaging the group")
    rating_compliance = _rating("Managing behaviour and compliance")
    rating_records = _rating("Records")
    strengths = models.TextField(max_length=2000)
    development_points = models.TextField(max_length=2000, blank=True)
    agreed_actions = models.TextField(max_length=2000, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-observed_on", "-id"]

    def __str__(self) -> str:
        return f"Observation of {self.supervisor} on {self.observed_on:%-d %B %Y}"


class AuditedDocument(models.TextChoices):
    RISK_ASSESSMENT = "risk_assessment", "Project risk assessment"
    PLACEMENT_AGREEMENT = "placement_agreement", "Placement agreement"


class AuditFinding(models.Model):
    """What the audit of one sampled project's risk assessment or placement agreement found."""

    sample = models.ForeignKey(RiskAssessmentAuditSample, on_delete=models.PROTECT, related_name="findings")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="audit_findings")
    checked = models.CharField(max_length=20, choices=AuditedDocument.choices)
    compliant = models.BooleanField()
    findings = models.TextField(max_length=2000)
    action = models.TextField(max_length=2000, blank=True)
    action_due = models.DateField(null=True, blank=True)
    action_done_on = models.DateField(null=True, blank=True)
    recorded_by = staff_member()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project__name", "checked"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "project", "checked"], name="one_finding_per_document"),
            models.CheckConstraint(
                condition=models.Q(action="") | models.Q(action_due__isnull=False), name="audit_action_has_due_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_checked_display()} of {self.project}"


class ReflectiveSupervision(models.Model):
    """A formal reflective supervision appointment with a member of staff in their first months."""

    member = staff_member(related_name="reflective_supervisions")
    supervised_by = staff_member()
    held_on = models.DateField()
    notes = models.TextField(max_length=4000)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Reflective supervision with {self.member} on {self.held_on:%-d %B %Y}"
