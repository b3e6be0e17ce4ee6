"""What the service is doing now, for its logs and audit trail: the id of the request being
answered (given by the proxy in front, or made here) and the background task being run, with the
request that queued it. Set once per request or task; read by the log formatter and the audit
service."""

import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

# An id from the proxy in front is kept when it looks like one (letters, digits, dots, dashes and
# underscores, up to 64); anything else is replaced, so a client cannot write into the logs.
REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
REQUEST_ID_HEADER = "X-Request-ID"


@dataclass(frozen=True)
class Trace:
    request_id: str = ""
    task_id: str = ""
    task: str = ""


_trace: ContextVar[Trace] = ContextVar("payback_trace", default=Trace())


def current_trace() -> Trace:
    return _trace.get()


def current_request_id() -> str:
    return _trace.get().request_id


def set_trace(trace: Trace) -> object:
    return _trace.set(trace)


def reset_trace(token: object) -> None:
    _trace.reset(token)  # type: ignore[arg-type]


def request_id_from(incoming: str | None) -> str:
    """The request's id: the proxy's when it is well formed, otherwise a new one."""
    if incoming and REQUEST_ID_PATTERN.match(incoming):
        return incoming
    return uuid.uuid4().hex
