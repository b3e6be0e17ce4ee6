"""The service's figures for Prometheus, at /metrics (only for the networks or the token configured,
see payback.core.ops).

Kept by each process as it works: how long each page took and how many database queries it made
(by view), how long each background task took and which failed, how each allocation run ended,
how long its solver took and how many people its plan left unplaced, and register submits and the
conflicts among them. Read from the database when scraped: the task queue's depth and its oldest
task, the tasks running, and how long since a task worker last beat.

Several web server processes (and the task worker beside them) share one set of figures through
the folder named by ``PROMETHEUS_MULTIPROC_DIR`` (set by payback/config/gunicorn.py); without it
each process counts for itself."""

import json
import os
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

REQUEST_SECONDS = Histogram(
    "payback_http_request_duration_seconds",
    "Time to answer a request, by view, method and status class",
    ["view", "method", "status"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
REQUEST_QUERIES = Histogram(
    "payback_http_request_db_queries",
    "Database queries made to answer a request, by view",
    ["view"],
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500),
)
TASK_SECONDS = Histogram(
    "payback_task_duration_seconds",
    "Time a background task ran, by task and how it ended",
    ["task", "status"],
    buckets=(0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800),
)
TASK_FAILURES = Counter("payback_task_failures_total", "Background tasks that failed, by task", ["task"])
ALLOCATION_RUNS = Counter("payback_allocation_runs_total", "Allocation runs ended, by outcome", ["outcome"])
ALLOCATION_SOLVE_SECONDS = Histogram(
    "payback_allocation_solve_seconds",
    "Time the solver took to make an allocation run's plan",
    buckets=(1, 5, 10, 30, 60, 120, 300, 600, 1200),
)
ALLOCATION_UNPLACED = Histogram(
    "payback_allocation_unplaced_people",
    "People an allocation run's plan left without a place (the plan's gaps)",
    buckets=(0, 1, 5, 10, 20, 50, 100, 200, 500),
)
ALLOCATION_LAST_FINISHED = Gauge(
    "payback_allocation_last_run_finished_timestamp_seconds",
    "When the last allocation run finished (Unix time)",
    multiprocess_mode="max",
)
REGISTER_SUBMITS = Counter(
    "payback_register_submits_total",
    "Register submits by outcome: saved, closed, or refused as a conflict (made from an out-of-date copy)",
    ["outcome"],
)


def request_observed(*, view: str, method: str, status: int, seconds: float, queries: int) -> None:
    REQUEST_SECONDS.labels(view=view, method=method, status=f"{status // 100}xx").observe(seconds)
    REQUEST_QUERIES.labels(view=view).observe(queries)


# A task run in a process forked for it (RQ's) would record its figures in that process, which ends
# with the task: there they are written down instead (`journal_start`), and the worker that forked it
# adds them to its own figures once the task is over (`journal_replay`).
_journal: list[tuple[str, dict[str, Any]]] | None = None


def journal_start() -> None:
    """From now on, write down the figures of tasks (see `journal_write`) rather than record them."""
    global _journal
    _journal = []


def journal_write(path: Path) -> None:
    """Write the figures written down since `journal_start` to `path`, and record directly again."""
    global _journal
    entries, _journal = _journal or [], None
    path.write_text(json.dumps(entries))


def journal_replay(path: Path) -> None:
    """Record the figures a task's process wrote to `path` (none if it died first), and remove it."""
    try:
        entries = json.loads(path.read_text())
    except (OSError, ValueError):
        return
    path.unlink(missing_ok=True)
    for name, figures in entries:
        _JOURNALED[name](**figures)


def _written_down(name: str, **figures: Any) -> bool:
    if _journal is None:
        return False
    _journal.append((name, figures))
    return True


def task_observed(*, task: str, status: str, seconds: float) -> None:
    if _written_down("task_observed", task=task, status=status, seconds=seconds):
        return
    TASK_SECONDS.labels(task=task, status=status).observe(seconds)
    if status == "FAILED":
        TASK_FAILURES.labels(task=task).inc()


def allocation_run_finished(outcome: str, *, solve_seconds: float | None = None, unplaced: int | None = None) -> None:
    """An allocation run has ended (`outcome` "done" or "failed"): with a plan, the time its solver
    took and the people it left unplaced. The run's whole time is its task's."""
    if _written_down("allocation_run_finished", outcome=outcome, solve_seconds=solve_seconds, unplaced=unplaced):
        return
    ALLOCATION_RUNS.labels(outcome=outcome).inc()
    if solve_seconds is not None:
        ALLOCATION_SOLVE_SECONDS.observe(solve_seconds)
    if unplaced is not None:
        ALLOCATION_UNPLACED.observe(unplaced)
    ALLOCATION_LAST_FINISHED.set_to_current_time()


_JOURNALED: dict[str, Callable[..., None]] = {
    "task_observed": task_observed,
    "allocation_run_finished": allocation_run_finished,
}


def register_submitted(outcome: str) -> None:
    """A register submit: a conflict is counted at once (its transaction is rolled back), a saved
    or closed register once its transaction commits."""
    if outcome == "conflict":
        REGISTER_SUBMITS.labels(outcome=outcome).inc()
    else:
        transaction.on_commit(lambda: REGISTER_SUBMITS.labels(outcome=outcome).inc())


class DatabaseCollector(Collector):
    """Figures read from the database when scraped: the task queue and the workers' heartbeat."""

    def collect(self) -> Iterable[Metric]:
        up = GaugeMetricFamily("payback_database_up", "1 when the database answered this scrape")
        try:
            figures = _database_figures()
        except DatabaseError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        for name, documentation, value in figures:
            if value is not None:
                yield GaugeMetricFamily(name, documentation, value=value)


def _database_figures() -> list[tuple[str, str, float | None]]:
    from django_tasks_db.models import DBTaskResult

    from .heartbeat import last_beat

    now = timezone.now()
    ready = DBTaskResult.objects.ready()
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    beaten = last_beat()
    return [
        ("payback_task_queue_depth", "Background tasks waiting to run", ready.count()),
        ("payback_tasks_running", "Background tasks running now", DBTaskResult.objects.running().count()),
        (
            "payback_task_queue_oldest_seconds",
            "How long the oldest waiting task has waited",
            _seconds(now - oldest) if oldest else 0,
        ),
        (
            "payback_worker_heartbeat_age_seconds",
            "Seconds since a task worker last beat (absent when none ever has)",
            _seconds(now - beaten) if beaten else None,
        ),
    ]


def _seconds(delta: timedelta) -> float:
    return max(delta.total_seconds(), 0.0)


def exposition() -> tuple[bytes, str]:
    """The figures in Prometheus's text format, and its content type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        kept = CollectorRegistry()
        MultiProcessCollector(kept)  # type: ignore[no-untyped-call]
    else:
        kept = REGISTRY
    scraped = CollectorRegistry()
    scraped.register(DatabaseCollector())
    return generate_latest(kept) + generate_latest(scraped), CONTENT_TYPE_LATEST


def process_exposition() -> tuple[bytes, str]:
    """This process's own figures only (the task worker's, on its own port)."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
