"""Background tasks in the logs and figures: a task runs under the id of the request that queued
it (kept in the cache for a day between the two, so the worker finds it), its log lines name the
task, and its time and outcome are counted. Connected in CoreConfig.ready."""

import logging
import time
from typing import Any

from django.core.cache import cache
from django.db import DatabaseError
from django.dispatch import receiver
from django_tasks.signals import task_enqueued, task_finished, task_started

from . import metrics
from .trace import Trace, current_trace, reset_trace, set_trace

logger = logging.getLogger(__name__)
KEPT_FOR = 24 * 60 * 60
_running: dict[str, tuple[object, float]] = {}


def _key(task_id: object) -> str:
    return f"payback:task-request:{task_id}"


def _name(task_result: Any) -> str:
    return str(getattr(task_result.task, "module_path", "unknown"))


@receiver(task_enqueued)
def remember_request(sender: Any, task_result: Any, **kwargs: Any) -> None:
    request_id = current_trace().request_id
    if not request_id:
        return
    try:
        cache.set(_key(task_result.id), request_id, KEPT_FOR)
    except DatabaseError:
        logger.warning("The request id of task %s could not be kept", task_result.id, exc_info=True)


def _request_id_of(task_id: object) -> str:
    current = current_trace().request_id
    if current:
        return current  # run at once, in the request that queued it
    try:
        return str(cache.get(_key(task_id)) or "")
    except DatabaseError:
        return ""


@receiver(task_started)
def trace_task(sender: Any, task_result: Any, **kwargs: Any) -> None:
    task_id = str(task_result.id)
    token = set_trace(Trace(request_id=_request_id_of(task_id), task_id=task_id, task=_name(task_result)))
    _running[task_id] = (token, time.perf_counter())


@receiver(task_finished)
def count_task(sender: Any, task_result: Any, **kwargs: Any) -> None:
    task_id = str(task_result.id)
    token, started = _running.pop(task_id, (None, None))
    seconds = time.perf_counter() - started if started is not None else 0.0
    metrics.task_observed(task=_name(task_result), status=str(task_result.status), seconds=seconds)
    if token is not None:
        reset_trace(token)
