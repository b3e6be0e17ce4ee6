from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .context import Origin, reset_origin, set_origin


class OriginMiddleware:
    """Record the channel (web or API) and address of each request for the audit trail."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/") else "web"
        token = set_origin(Origin(channel=channel, ip_address=request.META.get("REMOTE_ADDR")))
        try:
            return self.get_response(request)
        finally:
            reset_origin(token)
