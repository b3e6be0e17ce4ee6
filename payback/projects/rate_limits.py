"""The limit on what one client address may send to the public pages (the nomination form and the
feedback survey) in a short time, counted in the cache."""

from django.core.cache import cache
from django.http import HttpRequest

from payback.core.client import client_key


def over_rate_limit(request: HttpRequest, name: str, *, limit: int, window: int) -> bool:
    """Count this submission to `name` against the client's address; True once more than `limit`
    have been sent within `window` seconds."""
    key = f"{name}:rate:{client_key(request)}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit
