from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path, re_path

from .api import api
from .errors import method_not_allowed, not_found_view


def _json_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """ninja's own views answer 405 in plain text and its root view raises Http404 to Django's HTML
    page: answer both in JSON, like every other error of the API."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return not_found_view(request)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            return method_not_allowed(response)
        return response

    return wrapped


def _api_patterns() -> list[URLPattern | URLResolver]:
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _json_errors(pattern.callback)
    return [path("", (patterns, app_name, namespace))]


urlpatterns = [
    *_api_patterns(),
    # Anything else under /api/v1/ is a JSON 404, not the HTML page.
    re_path(r"^.*$", not_found_view, name="api-not-found"),
]
