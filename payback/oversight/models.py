"""Senior probation officers' management oversight of the practitioners in their team: 1:1
supervision, reflective practice supervision sessions (RPSS) and touch points on cases.

Each record is kept as made (append-only): what is due is worked out from them and from policy."""

from django.db import models

from payback.cases.models import Requirement
from payback.core.models import staff_member


class SupervisionMeeting(models.Model):
    """A 1:1 supervision meeting between a senior probation officer and a practitioner: their
    wellbeing, their development and the actions agreed, as well as their cases."""

    practitioner = staff_member(related_name="supervision_meetings")
    senior = staff_member()
    held_on = models.DateField()
    wellbeing_notes = models.TextField(max_length=4000)
    development_notes = models.TextField(max_length=4000)
    actions = models.TextField(max_length=4000, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        permissions = [("oversee_practice", "Can oversee practice: 1:1 supervision, reflective practice, touch points")]

    def __str__(self) -> str:
        return f"1:1 supervision with {self.practitioner} on {self.held_on:%-d %B %Y}"


class ReflectiveKind(models.TextChoices):
    OBSERVATION = "observation", "Live observation"
    CASE_REVIEW = "case_review", "In-depth case review"


class ReflectivePractice(models.Model):
    """A reflective practice supervision session: a live observation of the practitioner at work,
    or an in-depth reflective review of one of their cases."""

    practitioner = staff_member(related_name="reflective_practice")
    senior = staff_member()
    held_on = models.DateField()
    kind = models.CharField(max_length=20, choices=ReflectiveKind.choices)
    requirement = models.ForeignKey(
        Requirement, null=True, blank=True, on_delete=models.PROTECT, related_name="reflective_reviews"
    )
    notes = models.TextField(max_length=4000)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="case_review") | models.Q(requirement__isnull=False),
                name="case_review_names_a_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with {self.practitioner} on {self.held_on:%-d %B %Y}"


class TouchPoint(models.Model):
    """A recorded touch point: a senior probation officer's oversight discussion of a case."""

    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="touch_points")
    senior = staff_member()
    held_on = models.DateField()
    note = models.TextField(max_length=4000)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Touch point on {self.requirement} on {self.held_on:%-d %B %Y}"


class AbsenceKind(models.TextChoices):
    ANNUAL_LEAVE = "annual_leave", "Annual leave"
    SICKNESS = "sickness", "Sickness"
    TRAINING = "training", "Training"
    OTHER = "other", "Other"


class Absence(models.Model):
    """Days a member of a team (or their senior) is away: the daily checklist lists who is out, and
    a 1:1 is not due on a day either of the two is absent."""

    staff = staff_member(related_name="team_absences")
    first_day = models.DateField()
    last_day = models.DateField()
    kind = models.CharField(max_length=20, choices=AbsenceKind.choices)
    recorded_by = staff_member()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["first_day", "last_day", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")), name="absence_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.staff}, {self.first_day:%-d %B %Y} to {self.last_day:%-d %B %Y}"
