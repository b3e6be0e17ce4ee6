"""Production: refuses to start without a secret, HTTPS only, hashed static files."""

import os

from django.core.exceptions import ImproperlyConfigured

from payback.core.logs import logging_config

from .base import *  # noqa: F403

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of at least 50 characters.")
if not os.environ.get("ALLOWED_HOSTS"):
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the hosts this service answers on.")
if TASKS_BACKEND == "rq" and not os.environ.get("REDIS_URL"):  # noqa: F405
    raise ImproperlyConfigured("REDIS_URL must name the Redis the tasks wait in (TASKS_BACKEND=rq).")

DEBUG = False
# Every member of staff confirms each sign-in with a code from an authenticator app.
REQUIRE_TWO_FACTOR = True
SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_REFERRER_POLICY = "same-origin"
WHITENOISE_USE_FINDERS = False
STATIC_ROOT = BASE_DIR / "staticfiles"  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# One cache shared by every process, so rate limits hold across workers (run `createcachetable`).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "payback_cache"}}

# Logs: JSON lines on standard error, at INFO, unless told otherwise.
LOGGING = logging_config(
    level=os.environ.get("LOG_LEVEL", "INFO"), json_lines=os.environ.get("LOG_FORMAT", "json") == "json"
)
# The health checks and figures answer no network until one is named (or a token is sent).
OPS_ALLOWED_NETWORKS = env_list("OPS_ALLOWED_NETWORKS", "")  # noqa: F405
OPS_TOKEN = os.environ.get("OPS_TOKEN", "")
if OPS_TOKEN and len(OPS_TOKEN) < 32:
    raise ImproperlyConfigured("OPS_TOKEN must be a random value of at least 32 characters.")
