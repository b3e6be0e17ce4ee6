"""The core's one background task: a check that the task worker runs what is queued
(`manage.py worker_check`, after a deployment)."""

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def worker_check() -> str:
    logger.info("The task worker ran the check")
    return "ok"
