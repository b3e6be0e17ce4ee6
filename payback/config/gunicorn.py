"""gunicorn's settings for Payback's web server:

    gunicorn --config python:payback.config.gunicorn payback.config.wsgi

Each can be changed from the environment: the address (``GUNICORN_BIND``, or ``PORT`` on every
address), the processes (``WEB_CONCURRENCY``; by default two for each CPU the container may use,
plus one) and the time a request may take (``GUNICORN_TIMEOUT``, 60 seconds). Access lines go to
standard output and the server's own messages to standard error, as JSON lines like the service's
(``LOG_FORMAT=text`` for plain ones): the address masked and without its query string's values,
with the request id. The processes share their figures for /metrics through
``PROMETHEUS_MULTIPROC_DIR`` (a fresh folder unless one is given: in Kubernetes, an emptyDir)."""

import logging
import os
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from gunicorn.glogging import Logger

from payback.core.logs import JsonFormatter, PersonalDataFilter, mask_path


def cpus_available() -> int:
    """The CPUs this process may use: its container's CPU limit (cgroup v2) when there is one."""
    count = len(os.sched_getaffinity(0))
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
    except (OSError, ValueError):
        return count
    if quota == "max":
        return count
    return max(1, min(count, -(-int(quota) // int(period))))


bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * cpus_available() + 1)))
worker_class = "sync"  # behind the platform's proxy, which buffers slow clients
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30  # a stopping process finishes the requests it has (Kubernetes waits 30 s too)
max_requests = 1000  # each process is replaced after this many requests, a few at a time
max_requests_jitter = 100
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None  # noqa: S108 - memory, not a disk, for heartbeats
proc_name = "payback-web"
# Processes are scaled by the platform, not through gunicorn's control socket (which would be
# written to the home folder, read-only in a container).
control_socket_disable = True
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="payback-metrics-"))


class JsonLogger(Logger):
    """gunicorn's logs as JSON lines, like the service's."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())
                handler.addFilter(PersonalDataFilter())

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> None:
        if not self.access_log_enabled:
            return
        status = str(resp.status).split(None, 1)[0]
        headers = {str(k).lower(): v for k, v in resp.headers}
        path = mask_path(environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""))
        self.access_log.info(
            "%s %s %s",
            environ.get("REQUEST_METHOD"),
            path,
            status,
            extra={
                "request_id": headers.get("x-request-id", ""),
                "http": {
                    "method": environ.get("REQUEST_METHOD"),
                    "path": path,
                    "status": int(status) if status.isdigit() else status,
                    "duration_ms": round(request_time.total_seconds() * 1000, 1),
                    "bytes": getattr(resp, "sent", None),
                    "remote": environ.get("REMOTE_ADDR"),
                },
            },
        )


if os.environ.get("LOG_FORMAT", "json") == "json":
    logger_class = JsonLogger


def on_starting(server: Any) -> None:
    """Figures left by an earlier run of the server are not this one's."""
    for stale in Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"):
        stale.unlink()
    logging.getLogger("gunicorn.error").info("Sharing figures through %s", os.environ["PROMETHEUS_MULTIPROC_DIR"])


def child_exit(server: Any, worker: Any) -> None:
    """A process that has gone counts no more in the gauges of the figures."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
