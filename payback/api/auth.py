"""Who is calling: an API client with a bearer token, or a member of staff signed in in the browser.

A request that carries an ``Authorization`` header is judged by its token alone, so a revoked or
unknown token is always 401, even from a browser that is signed in."""

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from payback.staff.models import User
from payback.staff.services import api_token_authenticate
from payback.staff.two_factor import needs_second_factor

TOKEN_PREFIX = "pb_"  # noqa: S105 - the public prefix of every token, not a secret


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer pb_…``: a token made with ``manage.py create_api_token``. A revoked or
    expired token, or one whose owner's account is switched off, is refused (401)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        token = token.strip()
        if not token.startswith(TOKEN_PREFIX):
            return None
        user = api_token_authenticate(token)
        if user is None:
            return None
        request.user = user
        return user


class SessionAuth(NinjaSessionAuth):
    """The browser's signed-in session. Unsafe methods need Django's CSRF token (``X-CSRFToken``)."""

    def __call__(self, request: HttpRequest) -> Any:
        if "authorization" in request.headers:
            return None
        # Only a session that signs someone in needs the CSRF check; anyone else is simply not signed in (401).
        if not request.user.is_authenticated:
            return None
        # With two-factor sign-in on, a session that has given only the password is not signed in yet.
        if needs_second_factor(request):
            return None
        return super().__call__(request)


def authenticators() -> list[Any]:
    return [BearerTokenAuth(), SessionAuth()]
