"""Who is at the other end of a request: the client's address, as seen through the service's own proxies.

Behind ``TRUSTED_PROXY_COUNT`` proxies, each of which appends the address it was reached from to
``X-Forwarded-For``, the client is the entry that many places from the right. Entries further left
were written by the client and prove nothing, so they are never read. With no trusted proxy (the
default, for a server reached directly) the address is the connection's own."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

UNKNOWN = "unknown"


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address, or None when the request does not carry a usable one."""
    remote = _valid(str(request.META.get("REMOTE_ADDR") or ""))
    trusted = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if trusted <= 0:
        return remote
    hops = [hop for hop in str(request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",") if hop.strip()]
    if not hops:
        return remote
    # The nearest trusted proxy wrote the last entry; the client is `trusted` entries from the right.
    # With fewer entries than proxies, the leftmost is the furthest any proxy saw.
    return _valid(hops[-min(trusted, len(hops))]) or remote


def client_key(request: HttpRequest) -> str:
    """The client's address as a key for rate limits (never empty)."""
    return client_address(request) or UNKNOWN
