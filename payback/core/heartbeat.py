"""The task worker's heartbeat: while `manage.py run_worker` runs, a thread beside the worker
writes the time to its row of WorkerHeartbeat every few seconds (``WORKER_HEARTBEAT_SECONDS``).
The readiness check and the metrics read the newest beat: none for a minute means no worker is
running, or none can reach the database. A worker that stops leaves its last beat, so a worker
restarted within the minute (a deployment) never makes the service look unready.

The beat comes from its own thread, so a long task (an allocation run may solve for minutes) does
not make a working worker look dead; a task that never ends shows in the task metrics instead.

After each beat, `worker_beat` is sent: the apps above connect the upkeep every worker does (the
allocation app marks failed the runs whose worker died)."""

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from django.db import DatabaseError, connection
from django.db.models import Max
from django.dispatch import Signal
from django.utils import timezone

from .models import WorkerHeartbeat

# A row not written for a day belongs to a worker that stopped without saying so.
FORGOTTEN_AFTER = timedelta(days=1)

logger = logging.getLogger(__name__)
# Sent by each running worker after it beats (sender: the Heartbeat).
worker_beat = Signal()


def beat(worker_id: str, *, started_at: datetime) -> None:
    """Record that this worker is alive now."""
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "beaten_at": timezone.now(),
        },
    )


def last_beat() -> datetime | None:
    """When any task worker last beat; None when none ever has."""
    latest: datetime | None = WorkerHeartbeat.objects.aggregate(latest=Max("beaten_at"))["latest"]
    return latest


def forget_old() -> None:
    """The rows of workers that stopped a day ago or more."""
    WorkerHeartbeat.objects.filter(beaten_at__lt=timezone.now() - FORGOTTEN_AFTER).delete()


class Heartbeat(threading.Thread):
    """Beats every `interval` seconds until stopped; `last_ok` is when a beat was last written."""

    def __init__(self, worker_id: str, *, interval: float) -> None:
        super().__init__(name="payback-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.interval = interval
        self.started_at = timezone.now()
        self.last_ok: datetime | None = None
        self._stopping = threading.Event()

    def run(self) -> None:
        # The first beat is written before the thread starts (by the worker, see run_worker).
        while not self._stopping.wait(self.interval):
            self.beat_once()

    def beat_once(self) -> None:
        try:
            beat(self.worker_id, started_at=self.started_at)
            self.last_ok = timezone.now()
            for receiver, answer in worker_beat.send_robust(sender=self):
                if isinstance(answer, Exception):
                    logger.warning("The task worker's upkeep %s failed", receiver, exc_info=answer)
        except DatabaseError:
            # The readiness check reports the missing beat; the next one tries again.
            logger.warning("The task worker's heartbeat could not be written", exc_info=True)
        finally:
            if threading.current_thread() is self:
                connection.close()  # the thread's own connection: never left open between beats

    def stop(self) -> None:
        self._stopping.set()
        self.join(timeout=self.interval + 5)
        try:
            forget_old()
        except DatabaseError:
            logger.warning("Old task workers' heartbeats could not be removed", exc_info=True)
