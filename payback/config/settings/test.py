"""The test suite: PostgreSQL (DATABASE_URL), fast password hashing, no throttling surprises."""

import os
import tempfile

from .base import *  # noqa: F403

SECRET_KEY = os.environ.get("SECRET_KEY", "test-only-secret")
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run at once, in the caller, so a test sees their result without a worker. The queue tests
# start real workers with TASKS_BACKEND=rq: those take their tasks from Redis, and share the test's
# cache there (where a task finds the id of the request that queued it).
if TASKS_BACKEND == "database":  # noqa: F405
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}  # noqa: F405
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
if not os.environ.get("DATABASE_URL"):
    raise RuntimeError("The test suite runs on PostgreSQL: set DATABASE_URL (make test does).")
# Evidence and letters written by tests go to a folder of their own, thrown away with the machine's
# temporary files.
PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="payback-private-"))  # noqa: F405
LETTERS_OUTBOX = PRIVATE_MEDIA_ROOT / "outbox"
NOTIFY_API_KEY = ""
MESSAGES_OUTBOX = PRIVATE_MEDIA_ROOT / "messages"
