"""Runs whose worker died: found and marked failed, so the coordinator can run them again.

A worker can die in the middle of a plan (the machine is lost, the process is killed for memory).
Nothing of the plan is written until its single save at the end (see tasks.py), so such a run has
no plan; what is left is to say so. A run in the making is failed here when:

- it is running and has not been heard from for ``ALLOCATION_RUN_STALE_SECONDS`` (the task beats
  every ``ALLOCATION_RUN_BEAT_SECONDS`` from a thread of its own, even while solving);
- its task failed in the queue (RQ fails a task whose process died, at once) while the run was
  still in the making;
- its task is no longer in the queue, or it was never queued (the queue did not answer when it was
  started), after the same time.

Every task worker does this after each of its heartbeats (``worker_beat``); `manage.py
fail_stopped_runs` does it once. It is safe to do from several workers at once: each change is
made only if the run is still in the making (and, for a stale one, still stale)."""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import TaskResultStatus, task_backends
from django_tasks.exceptions import TaskResultDoesNotExist

from payback.core.heartbeat import worker_beat

from .models import AllocationRun, RunStatus
from .tasks import fail_run, run_allocation

logger = logging.getLogger(__name__)

WORKER_LOST = (
    "The worker making this plan stopped before it finished (its process or machine was lost): "
    "nothing of the plan was saved. Run the plan again"
)
TASK_FAILED = (
    "The worker making this plan stopped before it finished: nothing of the plan was saved. Run the plan again"
)
TASK_LOST = "This plan was never handed to a worker (the queue lost it, or did not answer): run the plan again"


def _task_status(task_id: str) -> str | None:
    """The task's status in the queue: None when the queue cannot say, "missing" when it has no such task."""
    backend = task_backends[run_allocation.backend]
    if not task_id or not backend.supports_get_result:
        return None
    try:
        return str(backend.get_result(task_id).status)
    except TaskResultDoesNotExist:
        return "missing"


def _why_stopped(run: AllocationRun, stale: datetime) -> str | None:
    """Why the run will never finish, or None. A queued run is asked about only once it has waited
    longer than the limit (a national week's runs wait their turn: the queue is not asked about
    each of them at every heartbeat of every worker)."""
    if run.status == RunStatus.RUNNING:
        if run.beaten_at is None or run.beaten_at < stale:
            return WORKER_LOST
        return TASK_FAILED if _task_status(run.task_id) == TaskResultStatus.FAILED else None
    if run.created_at >= stale:
        return None
    if not run.task_id:
        return TASK_LOST
    status = _task_status(run.task_id)
    if status == TaskResultStatus.FAILED:
        return TASK_FAILED
    return TASK_LOST if status == "missing" else None


def fail_stopped_runs(*, now: datetime | None = None) -> list[int]:
    """Mark failed every run in the making whose worker died; the ids of those marked."""
    stale = (now or timezone.now()) - timedelta(seconds=settings.ALLOCATION_RUN_STALE_SECONDS)
    failed = []
    in_making = AllocationRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
    for run in in_making.only("pk", "status", "task_id", "beaten_at", "created_at"):
        why = _why_stopped(run, stale)
        if why is None:
            continue
        # A run heard from since it was read is left alone.
        if fail_run(run.pk, why, unless_heard_since=stale if why == WORKER_LOST else None):
            logger.warning("Allocation run %s marked failed: %s", run.pk, why)
            failed.append(run.pk)
    return failed


@receiver(worker_beat)
def upkeep(sender: Any, **kwargs: Any) -> None:
    fail_stopped_runs()
