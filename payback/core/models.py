from typing import Any

from django.conf import settings
from django.db import models


def staff_member(*, optional: bool = False, related_name: str = "+") -> Any:
    """The member of staff who did something to a record: booked, recorded, decided or closed it.
    Anyone named on a record stays on it: their account cannot be deleted while it is."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, null=optional, blank=optional, on_delete=models.PROTECT, related_name=related_name
    )


class RepeatableRequest(models.Model):
    """The answer given to a request that changed something, kept with a hash of the request so that
    a repeat with the same idempotency key (a retry, a double submit) gets the same answer and
    changes nothing."""

    key = models.CharField(max_length=100, unique=True)
    scope = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"


class PolicyVersion(models.Model):
    """One value of one policy rule, in force from `effective_from` until the next version."""

    key = models.CharField(max_length=64)
    effective_from = models.DateField()
    value = models.JSONField(null=True, blank=True)
    reason = models.CharField(max_length=500)
    # Why a version was made to take effect before the day it was added (blank when it was not).
    backdating_reason = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = staff_member(optional=True)

    class Meta:
        ordering = ["key", "-effective_from", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["key", "effective_from"], name="policy_one_version_per_day"),
        ]
        permissions = [("manage_policy", "Can add policy versions")]

    def __str__(self) -> str:
        return f"{self.key} from {self.effective_from}"

    @property
    def backdated(self) -> bool:
        return bool(self.backdating_reason)


class AuditEvent(models.Model):
    """Who did what to which object, when and from where. Written by services; never edited."""

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = staff_member(optional=True)
    actor_name = models.CharField(max_length=200)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    summary = models.CharField(max_length=500)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    # The case (or other record) whose history this belongs to, e.g. "person:42".
    subject = models.CharField(max_length=100, db_index=True, blank=True)
    channel = models.CharField(max_length=20)  # web, api, command, system
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # The request (or the request that queued the background task) that made the change: the
    # same id as in the service's logs.
    request_id = models.CharField(max_length=64, blank=True, default="", db_default="")

    class Meta:
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_name}: {self.summary}"


class WorkerHeartbeat(models.Model):
    """The last sign of life from each task worker (`manage.py run_worker`), written every few
    seconds while it runs and removed when it stops. The readiness check reads the newest."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beaten_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid} at {self.beaten_at:%Y-%m-%d %H:%M:%S}"
