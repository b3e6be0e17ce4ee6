"""Handing a task to the background worker at the right moment.

The database's own queue (the embedded default) takes a task in the same transaction as the
records it names: queued with them, or not at all. A queue outside the database (Redis, for workers
on several machines) must not hand a task to a worker before those records are committed, or the
worker reads nothing: `enqueue_after_commit` waits for the commit there."""

from collections.abc import Callable

from django.db import transaction
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks.backends.dummy import DummyBackend
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks_db import DatabaseBackend


def queue_outside_database() -> bool:
    """Whether tasks are queued outside the database (Redis)."""
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    return not isinstance(backend, (DatabaseBackend, ImmediateBackend, DummyBackend))


def enqueue_after_commit(queue: Callable[[], None]) -> None:
    """Queue a task the way the configured queue needs: at once in the database's queue, after the
    commit in one outside it (where an error queuing is the caller's to handle, as `robust`
    callbacks do not stop the commit)."""
    if queue_outside_database():
        transaction.on_commit(queue, robust=True)
    else:
        queue()
