"""The task worker as the service runs it, for the configured queue (``TASKS_BACKEND``): on the
database, django-tasks' `db_worker` (every option of it); on Redis, an RQ worker (django-rq's, which
runs each task in a process of its own: `--worker-id` names it, `--batch` works until the queue is
empty, `--max-tasks` stops after so many). Either way with a heartbeat beside it (see
payback.core.heartbeat) and, when ``--metrics-port`` (or ``WORKER_METRICS_PORT``) is given, the
worker's own /metrics and /health/live on that port, for the same callers as the web server's
(``OPS_ALLOWED_NETWORKS``, ``OPS_TOKEN``). It never reloads on code changes: restart it to deploy."""

import os
import tempfile
import threading
from argparse import ArgumentParser, ArgumentTypeError
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, cast
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import rq
from django.conf import settings
from django.db import connections
from django.utils import timezone
from django_tasks import task_backends
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_rq import RQBackend

from payback.core import metrics
from payback.core.heartbeat import Heartbeat
from payback.core.metrics import process_exposition
from payback.core.ops import ops_allowed

StartResponse = Callable[..., Any]


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # Prometheus scrapes every few seconds: not worth a log line each


def worker_app(heartbeat: Heartbeat) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """The worker's /metrics and /health/live (alive while its heartbeat is being written)."""

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path not in {"/metrics", "/health/live"} or not ops_allowed(environ):
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"Not found"]
        if path == "/metrics":
            body, content_type = process_exposition()
            start_response("200 OK", [("Content-Type", content_type), ("Cache-Control", "no-store")])
            return [body]
        last = heartbeat.last_ok
        alive = last is not None and (timezone.now() - last).total_seconds() <= settings.HEALTH_WORKER_STALE_SECONDS
        start_response("200 OK" if alive else "503 Service Unavailable", [("Content-Type", "application/json")])
        return [b'{"status": "ok"}' if alive else b'{"status": "unavailable"}']

    return app


def serve(heartbeat: Heartbeat, address: str, port: int) -> WSGIServer:
    server = make_server(address, port, worker_app(heartbeat), handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, name="payback-worker-metrics", daemon=True).start()
    return server


def configured_backend(name: str) -> str:
    if name not in settings.TASKS:
        raise ArgumentTypeError(f"No task backend is called {name!r}: see the TASKS setting")
    return name


class Command(DbWorkerCommand):
    help = "Run the task worker, with its heartbeat (and its metrics on --metrics-port)"

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        for action in parser._actions:  # any configured backend, not only the database's
            if action.dest == "backend_name":
                action.type = configured_backend
        parser.add_argument(
            "--metrics-port",
            type=int,
            default=int(os.environ.get("WORKER_METRICS_PORT", "0")),
            help="serve /metrics and /health/live on this port (default WORKER_METRICS_PORT, or none)",
        )
        parser.add_argument(
            "--metrics-address",
            default=os.environ.get("WORKER_METRICS_ADDRESS", "0.0.0.0"),  # noqa: S104 - probes call the pod's address
            help="the address to serve them on (default 0.0.0.0)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        metrics_port, metrics_address = options.pop("metrics_port"), options.pop("metrics_address")
        options["reload"] = False  # a reloader's parent would beat for a child that may be dead
        heartbeat = Heartbeat(options["worker_id"], interval=settings.WORKER_HEARTBEAT_SECONDS)
        heartbeat.beat_once()
        heartbeat.start()
        server = serve(heartbeat, metrics_address, metrics_port) if metrics_port else None
        try:
            if isinstance(task_backends[options["backend_name"]], RQBackend):
                rq_work(options)
            else:
                super().handle(*args, **options)
        finally:
            if server is not None:
                server.shutdown()
            heartbeat.stop()


class RqWorker(rq.Worker):
    """RQ's worker, listening for its commands (stop, stop the task) a second at a time rather than
    RQ's minute: redis-py (8) makes a worker that stops wait for its listener's current wait to end.
    Each task runs in a process forked for it: the figures it records (its time, how an allocation
    run ended) are written to `journals` there and added to the worker's own /metrics after it."""

    journals: Path

    def perform_job(self, job: rq.job.Job, queue: rq.Queue, execution: Any) -> bool:  # the task's process
        metrics.journal_start()
        try:
            return super().perform_job(job, queue, execution)
        finally:
            metrics.journal_write(self.journals / f"{job.id}.json")

    def execute_job(self, job: rq.job.Job, queue: rq.Queue) -> None:  # the worker's process
        try:
            super().execute_job(job, queue)
        finally:
            metrics.journal_replay(self.journals / f"{job.id}.json")

    def subscribe(self) -> None:
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(  # type: ignore[assignment]  # RQ declares it None
            sleep_time=1, daemon=True, exception_handler=self._pubsub_exception_handler
        )


def rq_work(options: dict[str, Any]) -> None:
    """Work the RQ queues named (or all of them for ``*``) until stopped (SIGTERM: after the task in
    hand), or until they are empty with --batch."""
    from django_rq.workers import get_worker

    names = [name for name in options["queue_name"].split(",") if name and name != "*"]
    worker = cast(RqWorker, get_worker(*names, name=options["worker_id"], worker_class=RqWorker))
    connections.close_all()  # each task runs in a process forked from this one: none is shared
    with tempfile.TemporaryDirectory(prefix="payback-task-figures-") as journals:
        worker.journals = Path(journals)
        worker.work(
            burst=options["batch"],
            max_jobs=options["max_tasks"],
            logging_level="DEBUG" if options["verbosity"] > 1 else "INFO",
        )
