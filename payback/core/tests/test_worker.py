"""The task worker as the service runs it (`manage.py run_worker`): its heartbeat, the request id
its tasks run under, their figures, its own /metrics and /health/live, and `worker_check`."""

import io
import logging
import signal
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from prometheus_client import REGISTRY

from payback.core import metrics
from payback.core.heartbeat import Heartbeat, beat, forget_old, last_beat
from payback.core.logs import TraceFilter
from payback.core.management.commands.run_worker import worker_app
from payback.core.models import WorkerHeartbeat
from payback.core.tasks import worker_check
from payback.core.trace import Trace, reset_trace, set_trace

pytestmark = pytest.mark.django_db

TASK = "payback.core.tasks.worker_check"


@pytest.fixture
def queued_tasks(settings: Any) -> Iterator[None]:
    """Tasks wait in the database for the worker, as in production (the test settings run them at once)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.WORKER_HEARTBEAT_SECONDS = 3600  # the first beat only: no thread writes during the test
    yield


def run_the_worker(*options: str) -> str:
    """`manage.py run_worker --batch`: run what is queued, then stop (its signal handlers put back)."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    out = io.StringIO()
    try:
        call_command("run_worker", "--batch", "--no-startup-delay", "--interval", "0", *options, stdout=out)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    return out.getvalue()


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_a_beat_is_kept_per_worker_and_forgotten_after_a_day() -> None:
    started = timezone.now()
    beat("worker-1", started_at=started)
    beat("worker-1", started_at=started)
    beat("worker-2", started_at=started)
    WorkerHeartbeat.objects.create(
        worker_id="gone", hostname="h", pid=1, started_at=started, beaten_at=started - timedelta(days=2)
    )
    assert WorkerHeartbeat.objects.count() == 3
    assert last_beat() == WorkerHeartbeat.objects.get(worker_id="worker-2").beaten_at
    forget_old()
    assert sorted(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["worker-1", "worker-2"]


# The worker closes the connection between tasks, as in production: the test commits what it makes.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_beats_runs_the_queue_under_the_request_that_queued_it_and_counts(
    queued_tasks: None, caplog: pytest.LogCaptureFixture
) -> None:
    token = set_trace(Trace(request_id="request-from-the-web"))
    try:
        result = worker_check.enqueue()
    finally:
        reset_trace(token)
    assert cache.get(f"payback:task-request:{result.id}") == "request-from-the-web"
    before = sample("payback_task_duration_seconds_count", task=TASK, status="SUCCESSFUL")
    caplog.handler.addFilter(TraceFilter())
    seen: list[Any] = []
    with caplog.at_level(logging.INFO, logger="payback.core.tasks"):
        original = Heartbeat.beat_once

        def beat_and_look(self: Heartbeat) -> None:
            original(self)
            seen.append(last_beat())

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(Heartbeat, "beat_once", beat_and_look)
            run_the_worker("--worker-id", "worker-under-test")
    assert DBTaskResult.objects.get(id=result.id).status == "SUCCESSFUL"
    assert seen and seen[0] is not None  # it beat before taking a task
    # Its last beat stays: a worker restarted within the minute never makes the service unready.
    assert WorkerHeartbeat.objects.get(worker_id="worker-under-test").beaten_at == seen[0]
    (ran,) = [r for r in caplog.records if r.getMessage() == "The task worker ran the check"]
    assert (ran.request_id, ran.task_id, ran.task) == ("request-from-the-web", str(result.id), TASK)  # type: ignore[attr-defined]
    assert sample("payback_task_duration_seconds_count", task=TASK, status="SUCCESSFUL") == before + 1


def test_a_failed_task_is_counted() -> None:
    before = sample("payback_task_failures_total", task=TASK)
    with mock.patch("payback.core.tasks.logger.info", side_effect=RuntimeError("the check broke")):
        result = worker_check.enqueue()
    assert result.status == "FAILED"
    assert sample("payback_task_failures_total", task=TASK) == before + 1


def test_worker_check_says_whether_a_worker_ran_it(queued_tasks: None) -> None:
    out = io.StringIO()
    with pytest.raises(Exception, match=r"No task worker ran the check .* within 0.2 s"):
        call_command("worker_check", "--wait", "0.2", stdout=out)


def test_worker_check_passes_when_tasks_run(settings: Any) -> None:
    out = io.StringIO()
    call_command("worker_check", stdout=out)  # the test settings run tasks at once
    assert out.getvalue().startswith("The task worker ran the check ")


def call(app: Any, path: str, **environ: str) -> tuple[str, bytes]:
    answer: dict[str, str] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        answer["status"] = status

    body = b"".join(app({"PATH_INFO": path, "REMOTE_ADDR": "127.0.0.1", **environ}, start_response))
    return answer["status"], body


def test_the_workers_own_metrics_and_liveness(settings: Any) -> None:
    heartbeat = Heartbeat("worker-1", interval=15)
    app = worker_app(heartbeat)
    assert call(app, "/health/live")[0] == "503 Service Unavailable"  # not yet beaten
    heartbeat.beat_once()
    assert call(app, "/health/live") == ("200 OK", b'{"status": "ok"}')
    status, body = call(app, "/metrics")
    assert status == "200 OK" and b"payback_task_duration_seconds" in body
    assert call(app, "/metrics", REMOTE_ADDR="192.0.2.7")[0] == "404 Not Found"
    assert call(app, "/other")[0] == "404 Not Found"
    heartbeat.last_ok = timezone.now() - timedelta(seconds=61)
    assert call(app, "/health/live")[0] == "503 Service Unavailable"


def test_figures_of_a_task_in_its_own_process_are_written_down_then_added_by_the_worker(tmp_path: Any) -> None:
    journal = tmp_path / "task.json"
    task = "payback.allocation.tasks.run_allocation"
    before = (
        sample("payback_task_duration_seconds_count", task=task, status="SUCCESSFUL"),
        sample("payback_allocation_runs_total", outcome="done"),
        sample("payback_allocation_unplaced_people_sum"),
    )
    metrics.journal_start()  # in the task's process
    metrics.task_observed(task=task, status="SUCCESSFUL", seconds=2.5)
    metrics.allocation_run_finished("done", solve_seconds=2.0, unplaced=3)
    metrics.journal_write(journal)
    assert (
        sample("payback_task_duration_seconds_count", task=task, status="SUCCESSFUL"),
        sample("payback_allocation_runs_total", outcome="done"),
        sample("payback_allocation_unplaced_people_sum"),
    ) == before  # not recorded where the process would take them with it
    metrics.journal_replay(journal)  # in the worker, once the task's process has ended
    assert (
        sample("payback_task_duration_seconds_count", task=task, status="SUCCESSFUL"),
        sample("payback_allocation_runs_total", outcome="done"),
        sample("payback_allocation_unplaced_people_sum"),
    ) == (before[0] + 1, before[1] + 1, before[2] + 3)
    assert not journal.exists()
    metrics.journal_replay(journal)  # a process that died before writing: nothing to add
    metrics.allocation_run_finished("failed")  # and the worker records its own directly
    assert sample("payback_allocation_runs_total", outcome="failed") >= 1
