"""Whether this process can serve: liveness (the process answers) and readiness (everything a
request needs answers too).

Readiness checks, in order: the database answers; every migration in the code is applied to it;
the cache keeps a value; a task worker has beaten within ``HEALTH_WORKER_STALE_SECONDS`` (60);
and no more than ``HEALTH_MAX_QUEUE_DEPTH`` tasks are waiting (in the database's queue, or in
Redis when the tasks are queued there, ``TASKS_BACKEND=rq``). When the database does not answer,
the checks that read it are not made. Each check says what it found, for the operator."""

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime

import django_rq.queues
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_rq import RQBackend
from redis.exceptions import RedisError

from .heartbeat import last_beat


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


_READS_DATABASE = ("migrations", "worker", "queue")
# Migrations, once all applied, stay applied: checked until they are, then no more.
_migrated = {"done": False}


def database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return Check("database", False, f"the database did not answer: {type(error).__name__}")
    return Check("database", True, "answers")


def migrations() -> Check:
    if not _migrated["done"]:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in plan[:5])
            return Check("migrations", False, f"{len(plan)} not applied (run manage.py migrate): {names}")
        _migrated["done"] = True
    return Check("migrations", True, "all applied")


def cache_kept() -> Check:
    key, value = "payback:health:ready", uuid.uuid4().hex
    try:
        cache.set(key, value, 30)
        kept = cache.get(key) == value
    except DatabaseError as error:
        return Check("cache", False, f"the cache did not answer: {type(error).__name__}")
    return Check("cache", kept, "keeps values" if kept else "did not keep a value")


def worker(now: datetime | None = None) -> Check:
    beaten = last_beat()
    if beaten is None:
        return Check("worker", False, "no task worker has beaten (start manage.py run_worker)")
    age = ((now or timezone.now()) - beaten).total_seconds()
    stale = settings.HEALTH_WORKER_STALE_SECONDS
    if age > stale:
        return Check("worker", False, f"last beat {age:.0f} s ago (more than {stale} s)")
    return Check("worker", True, f"last beat {max(age, 0):.0f} s ago")


def queue_depth() -> int:
    """How many tasks wait: in the database's queue, or in Redis (TASKS_BACKEND=rq)."""
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    if isinstance(backend, RQBackend):
        return sum(queue.count for queue in django_rq.queues.get_queues(*sorted(backend.queues)))
    from django_tasks_db.models import DBTaskResult

    return int(DBTaskResult.objects.ready().count())


def queue() -> Check:
    try:
        depth = queue_depth()
    except RedisError as error:
        return Check("queue", False, f"the queue (Redis) did not answer: {type(error).__name__}")
    limit = settings.HEALTH_MAX_QUEUE_DEPTH
    if depth > limit:
        return Check("queue", False, f"{depth} tasks waiting (more than {limit})")
    return Check("queue", True, f"{depth} tasks waiting")


def readiness() -> tuple[bool, list[Check]]:
    """Whether this process is ready for requests, and every check's finding."""
    first = database()
    if not first.ok:
        skipped = [Check(name, False, "not checked: the database did not answer") for name in _READS_DATABASE]
        return False, [first, cache_kept(), *skipped]
    checks = [first]
    for name, check in (("migrations", migrations), ("cache", cache_kept), ("worker", worker), ("queue", queue)):
        try:
            checks.append(check())
        except DatabaseError as error:
            checks.append(Check(name, False, f"failed: {type(error).__name__}"))
    return all(c.ok for c in checks), checks


def as_json(ready: bool, checks: list[Check]) -> dict[str, object]:
    return {"status": "ok" if ready else "unavailable", "checks": [asdict(c) for c in checks]}
