"""A small JSON client for the API tests."""

import json
from typing import TYPE_CHECKING, Any

from django.test import Client

from payback.staff.models import User
from payback.staff.services import api_token_create

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response
else:
    Response = Any

API = "/api/v1"


def token_for(user: User) -> str:
    return api_token_create(actor=None, user=user, name="Tests")[1]


class ApiClient:
    """Calls the API with a bearer token (or none), sending and reading JSON."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, **params: Any) -> Response:
        return self.client.get(f"{API}{path}", params, headers=self.headers)

    def post(self, path: str, body: Any = None, *, raw: str | None = None) -> Response:
        data = raw if raw is not None else ("" if body is None else json.dumps(body))
        return self.client.post(f"{API}{path}", data, content_type="application/json", headers=self.headers)
