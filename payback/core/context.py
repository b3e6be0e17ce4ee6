"""Where a change came from: set once per request (or command) and read by the audit service."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    channel: str
    ip_address: str | None = None


_origin: ContextVar[Origin] = ContextVar("payback_origin", default=Origin(channel="system"))


def current_origin() -> Origin:
    return _origin.get()


def set_origin(origin: Origin) -> object:
    return _origin.set(origin)


def reset_origin(token: object) -> None:
    _origin.reset(token)  # type: ignore[arg-type]
