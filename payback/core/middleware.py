import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control

from .client import client_address
from .context import Origin, reset_origin, set_origin

Handler = Callable[[HttpRequest], HttpResponse]


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class OriginMiddleware:
    """Record the channel (web or API) and client address of each request for the audit trail."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if _is_api(request) else "web"
        token = set_origin(Origin(channel=channel, ip_address=client_address(request)))
        try:
            return self.get_response(request)
        finally:
            reset_origin(token)


def too_large(request: HttpRequest) -> HttpResponse:
    """413: the body is over the service's limit; nothing was read or saved."""
    if _is_api(request):
        return JsonResponse({"detail": "The request body is too large"}, status=413)
    return render(request, "core/413.html", status=413)


class BodySizeMiddleware:
    """Refuse a body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` with 413 before anything reads it.
    A form with a file (multipart) sent to an address that takes files (``FILE_UPLOAD_PATHS``) may
    be as large as ``MULTIPART_BODY_LIMIT``, so that a file a little over its own limit is named on
    its field by the service rather than refused here."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data") and any(
            re.match(pattern, request.path_info) for pattern in settings.FILE_UPLOAD_PATHS
        ):
            limit = settings.MULTIPART_BODY_LIMIT
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            return too_large(request)
        return self.get_response(request)


class NoStoreMiddleware:
    """Answers that may hold personal data are never stored by a browser or a shared cache: every
    answer to a signed-in member of staff, and everything under /api/. Public pages and static
    assets keep their own caching."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if _is_api(request) or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True, no_store=True)
        return response
