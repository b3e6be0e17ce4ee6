"""A week's plans on the real queue: tasks in Redis (RQ), taken by real worker processes started
here (`manage.py run_worker` with TASKS_BACKEND=rq, see queue_worker.py), writing to this test's
PostgreSQL database.

- A national week is made by two workers, each taking some of the runs; their log lines are JSON
  and carry the id of the request that queued the runs.
- A worker killed (SIGKILL) in the middle of a plan leaves its run failed, with a message and no
  plan, and a retry makes it: when only the process solving dies (RQ fails its task at once) and
  when the whole worker dies (nobody hears from the run any more).

Redis is the local server (`make test` starts it), in a database of its own for this test run,
emptied before and after. The data is committed (transactional tests) so that the workers see it."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from time_machine import escape_hatch

from payback.allocation import batches, liveness, services
from payback.allocation.models import AllocationBatch, AllocationRun, RunStatus
from payback.allocation.tasks import run_allocation
from payback.core.health import queue_depth
from payback.core.trace import Trace, reset_trace, set_trace
from payback.staff.models import Pdu, Scope, User
from payback.staff.roles import OPERATIONS_MANAGER, PLACEMENT_COORDINATOR, SUPERVISOR
from payback.testing.builders import active_project, make_staff, placeable_person, plan_session
from payback.testing.queue import redis_url

from .weeks import next_monday

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parents[3]
REQUEST_ID = "national-week-request"


@dataclass
class Queue:
    redis_url: str
    folder: Path
    workers: list[subprocess.Popen[bytes]]

    def environment(self) -> dict[str, str]:
        """The test's settings, pointed at its own database (the test database) and Redis."""
        url = urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{connection.settings_dict['NAME']}")
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "payback.config.settings.test",
            "DATABASE_URL": urlunsplit(url),
            "TASKS_BACKEND": "rq",
            "REDIS_URL": self.redis_url,
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "INFO",
            "WORKER_HEARTBEAT_SECONDS": "0.5",
            "ALLOCATION_RUN_BEAT_SECONDS": "0.5",
            "ALLOCATION_RUN_STALE_SECONDS": "5",
            "PYTHONPATH": str(ROOT),
        }

    def start(self, name: str, *options: str, hold: bool = False) -> subprocess.Popen[bytes]:
        """A worker process named `name` (its log in FOLDER/name.log)."""
        command = [sys.executable, "-m", "payback.allocation.tests.queue_worker", "--now", timezone.now().isoformat()]
        command += ["--launched", str(escape_hatch.time.time())]
        if hold:
            command += ["--hold", str(self.folder)]
        command += ["--", "--worker-id", name, *options]
        log = (self.folder / f"{name}.log").open("wb")
        worker = subprocess.Popen(command, cwd=ROOT, env=self.environment(), stdout=log, stderr=log)  # noqa: S603 - our own module
        self.workers.append(worker)
        return worker

    def log_lines(self, name: str) -> list[dict[str, Any]]:
        lines = (self.folder / f"{name}.log").read_text().splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]


@pytest.fixture
def queue(tmp_path: Path, fixed_clock: date) -> Iterator[Queue]:
    """Redis for this test run, the test's settings pointing at it, and the workers started (killed at the end)."""
    url = redis_url()
    store = redis.Redis.from_url(url)
    store.flushdb()
    tasks = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    cache = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    rq_queues = {"default": {"URL": url, "DEFAULT_TIMEOUT": 120}}
    found = Queue(url, tmp_path, [])
    with override_settings(
        TASKS=tasks, CACHES=cache, RQ_QUEUES=rq_queues, ALLOCATION_RUN_STALE_SECONDS=5, TASKS_BACKEND="rq"
    ):
        try:
            yield found
        finally:
            for worker in found.workers:
                if worker.poll() is None:
                    worker.send_signal(signal.SIGUSR1)  # where it is, in its log
                    time.sleep(0.5)
                    worker.kill()
                worker.wait(timeout=10)
            store.flushdb()


def until(what: Callable[[], bool], *, seconds: float = 30, why: str = "") -> None:
    for _ in range(int(seconds / 0.1)):
        if what():
            return
        time.sleep(0.1)
    pytest.fail(f"Not within {seconds:g} s: {why}")


def tiny_pdu(pdu: Pdu, *, men: int = 2) -> None:
    """A PDU with a coordinator, a supervisor, a group project with sessions on Monday and Tuesday
    next week, and `men` people ready to be placed."""
    code = pdu.code.lower()
    coordinator = make_staff(f"{code}-cora", role=PLACEMENT_COORDINATOR, pdu=pdu)
    manager = make_staff(f"{code}-max", role=OPERATIONS_MANAGER, pdu=pdu)
    practitioner = make_staff(f"{code}-pat", pdu=pdu)
    supervisor = make_staff(f"{code}-sam", role=SUPERVISOR, pdu=pdu, gender="male")
    project = active_project(coordinator, manager, pdu, name=f"{pdu.name} towpath")
    monday = next_monday()
    for day in (monday, monday + timedelta(days=1)):
        plan_session(coordinator, project, day, supervisor=supervisor, capacity=6)
    sentenced = timezone.localdate() - timedelta(days=60)
    for index in range(men):
        placeable_person(practitioner, sentence_date=sentenced, last_name=f"{pdu.code}-{index}")


def national(make_user: Callable[..., User]) -> User:
    return make_user("nina", role=OPERATIONS_MANAGER, scope=Scope.NATIONAL)


def start_national_week(head: User) -> AllocationBatch:
    token = set_trace(Trace(request_id=REQUEST_ID))
    try:
        return batches.allocation_batch_start(actor=head, week_start=next_monday(), time_limit=5)
    finally:
        reset_trace(token)


def worker_of(run: AllocationRun) -> str:
    (worker,) = set(run_allocation.get_result(run.task_id).worker_ids)
    return worker


def test_a_national_week_is_made_by_two_workers(queue: Queue, make_user: Callable[..., User]) -> None:
    head = national(make_user)
    pdus = list(Pdu.objects.filter(code__in=["NE01", "NE02", "LON01", "LON02"]))
    for pdu in pdus:
        tiny_pdu(pdu)
    batch = start_national_week(head)
    runs = AllocationRun.objects.filter(batch=batch)
    total = runs.count()
    assert total == Pdu.objects.count() > 100  # one run a PDU, the country over
    assert queue_depth() == total  # all waiting in Redis, none taken yet
    # Each worker stops after half the runs (or when none is left): both must take some.
    half = str((total + 1) // 2)
    first = queue.start("worker-1", "--max-tasks", half, "--batch")
    second = queue.start("worker-2", "--max-tasks", half, "--batch")

    until(lambda: not runs.exclude(status__in=[RunStatus.DONE, RunStatus.FAILED]).exists(), seconds=40, why="all runs")
    made = {run.pdu.code: run for run in runs.filter(status=RunStatus.DONE).select_related("pdu")}
    assert set(made) == {"NE01", "NE02", "LON01", "LON02"}
    assert all(len(run.assignments) >= 1 and run.plan["people"] for run in made.values())
    failed = runs.filter(status=RunStatus.FAILED)
    assert failed.count() == total - 4 and all("session" in run.message for run in failed)  # nothing to plan
    workers = {worker_of(run) for run in runs}
    assert workers == {"worker-1", "worker-2"}
    assert first.wait(timeout=20) == 0 and second.wait(timeout=20) == 0
    assert queue_depth() == 0

    # Each worker's lines are JSON, and a plan's carry the id of the request that queued it.
    for name in ("worker-1", "worker-2"):
        ended = [line for line in queue.log_lines(name) if line.get("message", "").startswith("Allocation run")]
        assert ended and all(line["request_id"] == REQUEST_ID and line["task_id"] for line in ended), ended

    # The page shows each region's runs.
    regions = batches.by_region(batch, head)
    assert len(regions) == 12 and sum(len(group.rows) for group in regions) == total
    north_east = next(group for group in regions if group.region.code == pdus[0].region.code)
    assert north_east.finished == len(north_east.rows)


def _run_held_until_solving(queue: Queue, make_user: Callable[..., User]) -> tuple[subprocess.Popen[bytes], int, Any]:
    """One PDU's run taken by a worker whose solver is held: the worker, the process solving, and the run."""
    pdu = Pdu.objects.get(code="NE01")
    tiny_pdu(pdu, men=3)
    coordinator = User.objects.get(username="ne01-cora")
    worker = queue.start("held", hold=True)
    run = services.allocation_run_start(actor=coordinator, pdu=pdu, week_start=next_monday(), time_limit=5)
    until(lambda: (queue.folder / "solving").exists(), why="the plan reaching the solver")
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and run.stage.startswith("Solving")
    # While the solver works, the run is heard from all the same (every 0.5 s here).
    solving_since = run.beaten_at
    until(lambda: AllocationRun.objects.get(pk=run.pk).beaten_at > solving_since, seconds=5, why="a beat while solving")
    return worker, int((queue.folder / "solving").read_text()), run


def _assert_failed_then_retried(queue: Queue, run: AllocationRun, message: str) -> None:
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.message == message
    assert run.plan == {} and run.instance == {} and run.score is None  # nothing half-written
    retry = services.allocation_rerun(actor=run.created_by, run=run)
    fresh = queue.start("fresh", "--max-tasks", "1")
    until(lambda: AllocationRun.objects.get(pk=retry.pk).finished, why="the retried run")
    assert fresh.wait(timeout=10) == 0
    retry.refresh_from_db()
    assert retry.status == RunStatus.DONE and len(retry.assignments) >= 3
    assert AllocationRun.objects.get(pk=run.pk).status == RunStatus.SUPERSEDED


def test_a_worker_whose_solving_process_is_killed_leaves_the_run_failed_and_retryable(
    queue: Queue, make_user: Callable[..., User]
) -> None:
    worker, solving, run = _run_held_until_solving(queue, make_user)
    os.kill(solving, signal.SIGKILL)  # as the kernel does to a process out of memory
    # The worker sees its task's process die, RQ fails the task, and the worker's upkeep the run.
    until(lambda: AllocationRun.objects.get(pk=run.pk).finished, seconds=15, why="the run marked failed")
    assert str(run_allocation.get_result(run.task_id).status) == "FAILED"
    assert worker.poll() is None  # the worker itself lives on, for the next task
    worker.terminate()  # (its solver is held: the retry is for another worker)
    assert worker.wait(timeout=10) == 0  # a warm stop, at once when idle
    _assert_failed_then_retried(queue, run, liveness.TASK_FAILED)


def test_a_worker_killed_with_its_task_leaves_the_run_failed_and_retryable(
    queue: Queue, make_user: Callable[..., User]
) -> None:
    worker, solving, run = _run_held_until_solving(queue, make_user)
    worker.send_signal(signal.SIGKILL)  # the machine is lost: the worker and its task, at once
    os.kill(solving, signal.SIGKILL)
    worker.wait(timeout=10)
    assert str(run_allocation.get_result(run.task_id).status) == "RUNNING"  # the queue cannot tell
    # Nobody hears from the run: the next reaper (any worker's upkeep, or the command) fails it.
    until(lambda: bool(liveness.fail_stopped_runs()), seconds=15, why="the run going stale")
    assert settings.ALLOCATION_RUN_STALE_SECONDS == 5
    _assert_failed_then_retried(queue, run, liveness.WORKER_LOST)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _figure(text: str, name: str) -> float:
    """A figure's value in a Prometheus exposition (0 if absent)."""
    for line in text.splitlines():
        key, _, value = line.rpartition(" ")
        if key == name:
            return float(value)
    return 0.0


def test_the_figures_of_a_task_run_in_its_own_process_are_on_the_workers_metrics(
    queue: Queue, make_user: Callable[..., User]
) -> None:
    pdu = Pdu.objects.get(code="NE01")
    tiny_pdu(pdu)
    coordinator = User.objects.get(username="ne01-cora")
    port = _free_port()
    queue.start("measured", "--metrics-port", str(port))
    run = services.allocation_run_start(actor=coordinator, pdu=pdu, week_start=next_monday(), time_limit=5)
    until(lambda: AllocationRun.objects.get(pk=run.pk).finished, why="the run")
    assert AllocationRun.objects.get(pk=run.pk).status == RunStatus.DONE
    task = "payback.allocation.tasks.run_allocation"
    wanted = (
        'payback_allocation_runs_total{outcome="done"}',
        f'payback_task_duration_seconds_count{{status="SUCCESSFUL",task="{task}"}}',
        "payback_allocation_solve_seconds_count",
    )

    def scraped() -> str:
        with urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
            return str(answer.read().decode())

    # The task's process has ended; the worker adds its figures as soon as it sees it end.
    until(lambda: all(_figure(scraped(), name) == 1 for name in wanted), seconds=10, why=f"{wanted} on /metrics")
