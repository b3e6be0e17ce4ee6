"""The readiness check's queue when the tasks are queued in Redis (TASKS_BACKEND=rq): the tasks
waiting there are counted, and a Redis that does not answer makes the service unready, saying so."""

from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.test import override_settings

from payback.core import health
from payback.core.tasks import worker_check
from payback.testing.queue import redis_url

pytestmark = pytest.mark.django_db
RQ = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}


@pytest.fixture
def redis_queue() -> Iterator[str]:
    """A Redis database of this test run's own, emptied before and after."""
    url = redis_url()
    store = redis.Redis.from_url(url)
    store.flushdb()
    with override_settings(TASKS=RQ, RQ_QUEUES={"default": {"URL": url}}):
        yield url
    store.flushdb()


def test_the_tasks_waiting_in_redis_are_counted(redis_queue: str, settings: Any) -> None:
    settings.HEALTH_MAX_QUEUE_DEPTH = 1
    worker_check.enqueue()
    assert health.queue_depth() == 1
    assert health.queue() == health.Check("queue", True, "1 tasks waiting")
    worker_check.enqueue()
    assert health.queue() == health.Check("queue", False, "2 tasks waiting (more than 1)")


def test_a_redis_that_does_not_answer_makes_the_service_unready() -> None:
    with override_settings(TASKS=RQ, RQ_QUEUES={"default": {"URL": "redis://127.0.0.1:1/0"}}):
        check = health.queue()
    assert check == health.Check("queue", False, "the queue (Redis) did not answer: ConnectionError")
