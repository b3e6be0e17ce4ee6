"""The service's logs: one JSON object a line in production (plain lines in development), each
carrying the request id and the background task it belongs to, and never a person's details.

Personal data is kept out twice over. A record (a person, a case) passed to a log call is written
as its kind and key (``cases.person:42``), never as its name; and every message, value and stack
trace is masked before it is written: CRNs, dates (a date of birth looks like any other date),
email addresses, phone numbers and postcodes become ``[crn]``, ``[date]`` and so on, and the
values of fields named like personal details (``first_name``, ``date_of_birth``...) become
``[redacted]``. An address's query string keeps its names, never its values (a search by name).

Nothing here imports Django's models or settings, so the web server's own logger can use it
before the application is loaded."""

import json
import logging
import re
import traceback
from datetime import UTC, datetime
from typing import Any

from .trace import current_trace

MASKS = [
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), "[date]"),
    (re.compile(r"\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b"), "[date]"),
    (
        re.compile(
            r"\b\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{4}\b", re.IGNORECASE
        ),
        "[date]",
    ),
    (re.compile(r"\b[A-Za-z]\d{6}\b"), "[crn]"),
    (re.compile(r"(?:\+44\s?|\b0)\d(?:[\s-]?\d){8,9}\b"), "[phone]"),
    (re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b"), "[postcode]"),
]
PERSONAL_FIELDS = frozenset(
    {
        "name",
        "first_name",
        "last_name",
        "full_name",
        "person",
        "date_of_birth",
        "dob",
        "crn",
        "email",
        "phone",
        "mobile",
        "address",
        "postcode",
        "username",
        "password",
        "token",
    }
)
REDACTED = "[redacted]"
_QUERY_VALUE = re.compile(r"=[^&]*")
# What every LogRecord has: anything else on a record came from `extra=` and is written out.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "request"}


def mask(text: str) -> str:
    """The text with every CRN, date, email address, phone number and postcode masked."""
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


def mask_path(path: str, query: str = "") -> str:
    """An address fit for the logs: masked, and its query string's values dropped."""
    masked = mask(path)
    return f"{masked}?{_QUERY_VALUE.sub('=', query)}" if query else masked


def masked_value(key: str, value: Any) -> Any:
    """A value from `extra=` fit for the logs."""
    if key.lower() in PERSONAL_FIELDS:
        return REDACTED
    if isinstance(value, dict):
        return {k: masked_value(str(k), v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [masked_value("", v) for v in value]
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    return mask(_plain(value))


def _plain(value: Any) -> str:
    """A record as its kind and key (never its __str__, which may name a person); anything else as text."""
    meta = getattr(value, "_meta", None)
    if meta is not None and hasattr(value, "pk"):
        return f"{meta.label_lower}:{value.pk}"
    return str(value)


class PersonalDataFilter(logging.Filter):
    """Writes the record's message out now, records as their kind and key, and masks it."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, dict):
            args = {k: _plain(v) for k, v in args.items()}
        elif args:
            args = tuple(_plain(a) if hasattr(a, "_meta") else a for a in args)
        try:
            message = str(record.msg) % args if args else str(record.msg)
        except (TypeError, ValueError, KeyError):
            message = f"{record.msg} {args!r}"
        record.msg, record.args = mask(message), ()
        return True


class TraceFilter(logging.Filter):
    """Adds the request id and the background task (when there is one) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        trace = current_trace()
        for name in ("request_id", "task_id", "task"):
            if not getattr(record, name, ""):
                setattr(record, name, getattr(trace, name))
        return True


def _request_context(record: logging.LogRecord) -> dict[str, Any]:
    """What an error needs to be acted on: the request's method, address (masked), the view that
    answered and who asked (their id, never their name)."""
    request = getattr(record, "request", None)
    if request is None or not hasattr(request, "META"):
        return {}
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    http = {
        "method": request.method,
        "path": mask_path(request.path, request.META.get("QUERY_STRING", "")),
        "view": match.view_name if match else "",
        "user_id": user.pk if user is not None and getattr(user, "is_authenticated", False) else None,
    }
    status = getattr(record, "status_code", None)
    if status is not None:
        http["status"] = status
    return {"http": http}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: when, how serious, where from, what, which request and task, and
    for an error its type, message and stack, all masked."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": mask(record.getMessage()),
            "request_id": getattr(record, "request_id", "") or current_trace().request_id,
            "process": record.process,
        }
        for name in ("task_id", "task"):
            if getattr(record, name, ""):
                entry[name] = getattr(record, name)
        entry.update(_request_context(record))
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry and key not in {"request_id", "task_id", "task"}:
                entry[key] = masked_value(key, value)
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            entry["error"] = {
                "type": type(error).__qualname__,
                "message": mask(str(error)),
                "stack": mask("".join(traceback.format_exception(*record.exc_info))),
            }
        if record.stack_info:
            entry["stack"] = mask(record.stack_info)
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    """Plain lines for development, masked the same way."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def formatException(self, ei: Any) -> str:
        return mask(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        return mask(stack_info)


def logging_config(*, level: str, json_lines: bool) -> dict[str, Any]:
    """The LOGGING setting: everything through one handler on standard error, filtered and formatted here."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "trace": {"()": "payback.core.logs.TraceFilter"},
            "personal_data": {"()": "payback.core.logs.PersonalDataFilter"},
        },
        "formatters": {
            "json": {"()": "payback.core.logs.JsonFormatter"},
            "text": {"()": "payback.core.logs.TextFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["trace", "personal_data"],
                "formatter": "json" if json_lines else "text",
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own handlers would print errors a second time, unmasked.
            "django": {"handlers": ["console"], "level": level, "propagate": False},
            "django_tasks": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "django_tasks_db": {"handlers": ["console"], "level": "INFO", "propagate": False},
            # The RQ worker (TASKS_BACKEND=rq): its lines through the same handler, never its own.
            "rq": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
            # Letters: each step of every PDF is not news.
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
        },
    }
