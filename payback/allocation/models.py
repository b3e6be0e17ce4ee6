"""A run of the weekly allocation engine for one PDU and week: its progress while the background
task works, the plan it made, the coordinator's pins and hand edits, and when it was published.
A published run is a record: who ran it, when, the score, every hand edit."""

from typing import Any

from django.db import models

from payback.core.models import staff_member
from payback.staff.models import Pdu, Region


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Ready to review"
    FAILED = "failed", "Failed"
    PUBLISHED = "published", "Published"
    SUPERSEDED = "superseded", "Replaced by a later run"


class RunKind(models.TextChoices):
    PLAN = "plan", "Weekly plan"
    REPLAN = "replan", "Re-plan after publishing"


FINISHED = (RunStatus.DONE, RunStatus.FAILED, RunStatus.PUBLISHED, RunStatus.SUPERSEDED)


class BatchScope(models.TextChoices):
    REGION = "region", "One region"
    NATIONAL = "national", "Every region"


class AllocationBatch(models.Model):
    """The runs of one week for every PDU of a region, or of the country, started together: one
    run a PDU, each a task of its own that any worker may take. A run retried stays in its batch."""

    scope = models.CharField(max_length=10, choices=BatchScope.choices)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    week_start = models.DateField(help_text="The Monday of the week planned")
    time_limit = models.FloatField(default=10.0)
    skipped = models.JSONField(default=list, blank=True)  # [{"pdu": name, "reason": why}] not started
    created_by = staff_member()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope="national", region__isnull=True)
                | models.Q(scope="region", region__isnull=False),
                name="allocation_batch_region_matches_scope",
            )
        ]

    def __str__(self) -> str:
        return f"Plans for {self.area} in the week of {self.week_start:%-d %B %Y}"

    @property
    def area(self) -> str:
        return str(self.region) if self.region_id else "every region"


class AllocationRun(models.Model):
    """One run of the engine. `plan` holds what the coordinator reviews:

    - ``assignments``: ``[[person_id, session_id], ...]``
    - ``reasons``: ``{person_id: reason}`` for everyone placed for less than the weekly minimum
    - ``people``: ``{person_id: {name, crn, requirement, owed_minutes, urgency, at_risk, completion, ...}}``
    - ``sessions``: ``{session_id: {project, date, start, end, capacity, supervisor, ...}}``

    and ``instance`` the week exactly as the engine saw it (instance JSON), so that hand edits are
    checked against the same data the plan was made from."""

    pdu = models.ForeignKey(Pdu, on_delete=models.PROTECT, related_name="allocation_runs")
    week_start = models.DateField(help_text="The Monday of the week planned")
    kind = models.CharField(max_length=10, choices=RunKind.choices, default=RunKind.PLAN)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", help_text="The run re-run"
    )
    status = models.CharField(max_length=12, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=100, blank=True)
    message = models.TextField(blank=True)
    time_limit = models.FloatField(default=10.0)
    task_id = models.CharField(max_length=64, blank=True)
    batch = models.ForeignKey(
        AllocationBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="runs", help_text="Started with"
    )
    beaten_at = models.DateTimeField(null=True, blank=True, help_text="When the worker making it was last heard from")
    created_by = staff_member()
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    solver_status = models.CharField(max_length=20, blank=True)
    score = models.FloatField(null=True, blank=True)
    bound = models.FloatField(null=True, blank=True)
    solve_seconds = models.FloatField(null=True, blank=True)
    instance = models.JSONField(default=dict, blank=True)
    plan = models.JSONField(default=dict, blank=True)
    pins = models.JSONField(default=list, blank=True)  # [[person_id, session_id], ...]
    removals = models.JSONField(default=list, blank=True)  # [[person_id, session_id], ...] taken out by hand
    edits = models.JSONField(default=list, blank=True)  # the hand edits, oldest first
    conflicts = models.JSONField(default=list, blank=True)  # why the last publish was refused
    appointments = models.JSONField(default=dict, blank=True)  # {"person:session": appointment_id} once published
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = staff_member(optional=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["pdu", "week_start"])]
        constraints = [
            # One plan in the making per PDU and week, however many people press "start" at once.
            models.UniqueConstraint(
                fields=["pdu", "week_start"],
                condition=models.Q(status__in=["queued", "running"]),
                name="allocation_one_active_run_per_week",
            )
        ]

    def __str__(self) -> str:
        return f"Allocation for {self.pdu} in the week of {self.week_start:%-d %B %Y} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def assignments(self) -> list[tuple[int, int]]:
        return [(int(p), int(s)) for p, s in self.plan.get("assignments", [])]

    @property
    def gap(self) -> float | None:
        if self.score is None or not self.bound:
            return None
        return max(0.0, (self.bound - self.score) / abs(self.bound))

    @property
    def share_of_bound(self) -> float | None:
        """The score as a percentage of the best the solver proved possible."""
        if self.score is None or not self.bound or self.bound <= 0:
            return None
        return round(100 * self.score / self.bound, 2)

    def status_payload(self) -> dict[str, Any]:
        return {
            "id": self.pk,
            "status": self.status,
            "status_label": self.get_status_display(),
            "progress": self.progress,
            "stage": self.stage,
            "message": self.message,
            "finished": self.finished,
        }
