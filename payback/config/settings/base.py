"""Settings shared by every environment. Everything that differs is read from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from payback.core.logs import logging_config

BASE_DIR = Path(__file__).resolve().parents[3]
NODE_MODULES = BASE_DIR / "node_modules"


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
# While the secret is rotated: the old one (or several, comma-separated), still accepted for the
# sessions and reset links it signed, until they have expired (see docs/operations.md).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "django_tasks_rq",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "payback.core",
    "payback.places",
    "payback.staff",
    "payback.notifications",
    "payback.cases",
    "payback.projects",
    "payback.delivery",
    "payback.enforcement",
    "payback.allocation",
    "payback.portal",
    "payback.partners",
    "payback.quality",
    "payback.oversight",
    "payback.insight",
    "payback.home",
    "payback.api",
    "payback.demo",
]

MIDDLEWARE = [
    # The platform's health checks and figures, answered first (see payback.core.ops).
    "payback.core.ops.OpsEndpointsMiddleware",
    # Every request's id (in the logs, the audit trail and its tasks), time and query count.
    "payback.core.ops.RequestTraceMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "payback.core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "payback.staff.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "payback.core.middleware.OriginMiddleware",
    "payback.core.middleware.BodySizeMiddleware",
]

ROOT_URLCONF = "payback.config.urls"
WSGI_APPLICATION = "payback.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "payback.core.context_processors.service",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'payback.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Queries here are short; compiling them just in time costs more than it saves.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded database is shared by the web server and the background worker: write-ahead
    # logging lets readers carry on during a write; a transaction takes the write lock when it
    # begins, and waits for it (up to 20 s) instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# How many proxies of our own stand in front of the application, each appending to X-Forwarded-For.
# 0 (development) reads the connection's address; behind the documented proxy, set it to 1.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

AUTH_USER_MODEL = "staff.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "staff:sign-in"
LOGIN_REDIRECT_URL = "home:index"
LOGOUT_REDIRECT_URL = "staff:signed-out"
# Staff confirm each sign-in with a code from an authenticator app (TOTP). On in production;
# off by default elsewhere so development and tests sign in with a password alone.
REQUIRE_TWO_FACTOR = os.environ.get("REQUIRE_TWO_FACTOR", "").lower() in {"1", "true", "yes"}
OTP_TOTP_ISSUER = "Payback"
# A password reset link works for one hour.
PASSWORD_RESET_TIMEOUT = 60 * 60

# A working day, then sign in again.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# Login throttling: five failures lock the username from that address for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# ...and 20 failures from one address, whatever the usernames, lock that address for 15 minutes.
SIGN_IN_FAILURES_PER_ADDRESS = int(os.environ.get("SIGN_IN_FAILURES_PER_ADDRESS", "20"))
AXES_HANDLER = "payback.core.signin_limits.AddressLimitedHandler"
# The client's address, read through the service's own proxies (see TRUSTED_PROXY_COUNT).
AXES_CLIENT_IP_CALLABLE = "payback.core.client.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "staff/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/assets/"
OFFLINE_WORKBOX = ("core", "routing", "strategies", "background-sync", "window")
STATICFILES_DIRS = [
    ("", str(NODE_MODULES / "govuk-frontend" / "dist" / "govuk" / "assets")),
    # MOJ Frontend's stylesheet asks for its icons at /assets/images/…, beside GOV.UK's.
    ("", str(NODE_MODULES / "@ministryofjustice" / "frontend" / "moj" / "assets")),
    ("govuk", str(NODE_MODULES / "govuk-frontend" / "dist" / "govuk")),
    ("moj", str(NODE_MODULES / "@ministryofjustice" / "frontend" / "moj")),
    # Workbox, for the supervisor's pages without signal (payback/delivery/views/offline.py).
    *[("workbox", str(NODE_MODULES / f"workbox-{part}" / "build")) for part in OFFLINE_WORKBOX],
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Rate limits (sign-in throttling is in the database; the public form's limit is in the cache).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "payback"}}

# Background work (the weekly allocation plans) is queued and run by `manage.py run_worker`, never
# inside a request. The queue: in the database (TASKS_BACKEND=database, the default: nothing more to
# run), or in Redis through RQ (TASKS_BACKEND=rq, REDIS_URL), for a national week's runs taken by
# workers on several machines (see docs/operations.md).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")
TASK_BACKENDS = {"database": "django_tasks_db.DatabaseBackend", "rq": "django_tasks_rq.RQBackend"}
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}, not {TASKS_BACKEND!r}")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND]}}
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# A task taking longer than this is stopped by the RQ worker (and the run marked failed): the longest
# time limit a coordinator may choose (120 s) and reading a large PDU's week fit well within it.
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": int(os.environ.get("TASK_TIMEOUT_SECONDS", "900"))}}
RQ = {"JOB_CLASS": "django_tasks_rq.Job"}  # the worker runs django-tasks' tasks
# An allocation run being made records that it is alive every ALLOCATION_RUN_BEAT_SECONDS; one not
# heard from for ALLOCATION_RUN_STALE_SECONDS lost its worker, and is marked failed (retryable).
ALLOCATION_RUN_BEAT_SECONDS = float(os.environ.get("ALLOCATION_RUN_BEAT_SECONDS", "10"))
ALLOCATION_RUN_STALE_SECONDS = float(os.environ.get("ALLOCATION_RUN_STALE_SECONDS", "90"))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "payback@probation.example.gov.uk")

# Files people send as evidence (and letters kept on a case): outside the web root, never served
# by address, only through views that check the member of staff may see the case.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
MULTIPART_BODY_LIMIT = 2 * EVIDENCE_MAX_BYTES + 1024 * 1024
# The only addresses that take a file: evidence for a failure, on its page and in the API.
FILE_UPLOAD_PATHS = [r"^/enforcement/failures/[AI][0-9]+/evidence/$", r"^/api/v1/failures/[AI][0-9]+/evidence$"]
FILE_UPLOAD_PATHS += [r"^/my/sessions/[0-9]+/cannot-come/$", r"^/api/v1/my/absences$"]  # a person's absence evidence
# A virus scanner for uploaded evidence: the dotted path of a function taking the file's bytes and
# returning True when it is clean. Unset, files are kept as "not scanned".
EVIDENCE_SCANNER = os.environ.get("EVIDENCE_SCANNER", "")

# Letters to people on probation: sent through GOV.UK Notify when a key is set, otherwise written
# to the outbox folder (development, tests, and a service not yet connected to Notify).
NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
LETTERS_OUTBOX = Path(os.environ.get("LETTERS_OUTBOX", str(BASE_DIR / "var" / "outbox")))
# Emails and texts (notifications to staff, messages to people on probation): through GOV.UK Notify
# with these templates when a key is set, otherwise written to this folder.
NOTIFY_EMAIL_TEMPLATE_ID = os.environ.get("NOTIFY_EMAIL_TEMPLATE_ID", "")
NOTIFY_SMS_TEMPLATE_ID = os.environ.get("NOTIFY_SMS_TEMPLATE_ID", "")
MESSAGES_OUTBOX = Path(os.environ.get("MESSAGES_OUTBOX", str(BASE_DIR / "var" / "messages")))

SERVICE_NAME = "Payback"
SERVICE_PHASE = "beta"

# Logs: one JSON object a line (LOG_FORMAT=json, the production default) or plain lines, each with
# the request id and task, personal data masked (payback.core.logs).
LOGGING = logging_config(
    level=os.environ.get("LOG_LEVEL", "WARNING"), json_lines=os.environ.get("LOG_FORMAT", "text") == "json"
)

# Health checks and figures (/health/live, /health/ready, /metrics): only callers on these
# networks (every address the request came through), or with `Authorization: Bearer <OPS_TOKEN>`.
OPS_ALLOWED_NETWORKS = env_list("OPS_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128")
OPS_TOKEN = os.environ.get("OPS_TOKEN", "")
# Readiness fails when no task worker has beaten for this long, or more tasks than this wait.
HEALTH_WORKER_STALE_SECONDS = int(os.environ.get("HEALTH_WORKER_STALE_SECONDS", "60"))
HEALTH_MAX_QUEUE_DEPTH = int(os.environ.get("HEALTH_MAX_QUEUE_DEPTH", "500"))
# How often the task worker (`manage.py run_worker`) records that it is alive.
WORKER_HEARTBEAT_SECONDS = float(os.environ.get("WORKER_HEARTBEAT_SECONDS", "15"))
