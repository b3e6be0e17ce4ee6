"""Two-factor sign-in: with REQUIRE_TWO_FACTOR on, a member of staff signed in with a password sees
nothing but the pages that confirm the sign-in with a code (or set up the authenticator app)."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from .two_factor import has_confirmed_device, needs_second_factor

# Pages open to someone who has given their password but not yet a code.
OPEN_PAGES = {
    "staff:sign-in",
    "staff:sign-out",
    "staff:signed-out",
    "staff:two-factor-verify",
    "staff:two-factor-setup",
    "staff:password-reset",
    "staff:password-reset-done",
    "staff:password-reset-confirm",
    "staff:password-reset-complete",
    "core:healthz",
    "core:accessibility",
}
# A view marked with this attribute (the pages of the service for people doing unpaid work, who have
# their own sign-in) is never sent through the staff sign-in.
OPEN_WITHOUT_STAFF_SIGN_IN = "open_without_staff_sign_in"


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if needs_second_factor(request) and not self._open(request):
            return self._to_second_factor(request)
        return self.get_response(request)

    @staticmethod
    def _open(request: HttpRequest) -> bool:
        path = request.path_info
        if path.startswith(str(settings.STATIC_URL)) or path.startswith("/api/"):
            return True  # static files; the API judges its own callers (see payback.api.auth)
        try:
            match = resolve(path)
        except Resolver404:
            return True
        return match.view_name in OPEN_PAGES or getattr(match.func, OPEN_WITHOUT_STAFF_SIGN_IN, False)

    @staticmethod
    def _to_second_factor(request: HttpRequest) -> HttpResponse:
        name = "staff:two-factor-verify" if has_confirmed_device(request.user) else "staff:two-factor-setup"
        target = redirect(name)
        if request.method == "GET":
            target["Location"] += "?" + urlencode({"next": request.get_full_path()})
        return target
