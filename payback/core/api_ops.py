"""How the API's routers declare their operations and read the idempotency key of a repeatable write.

Every operation in the document has a path, what it answers, an operationId, a one-line summary and
a tag: `Operations` declares them in that order, with the tag fixed for a group of operations."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Header, Path, Router

from .api_common import NO_NUL
from .edge import api_staff

if TYPE_CHECKING:
    from payback.staff.models import User

F = TypeVar("F", bound=Callable[..., Any])


class Operations:
    """The operations of one tag of the API document (or of the router's own tag, without one)."""

    def __init__(self, router: Router, tag: str | None = None) -> None:
        self.router = router
        self.tag = tag

    def _tags(self) -> list[str] | None:
        return [self.tag] if self.tag else None

    def get(self, path: str, response: Any, operation_id: str, summary: str) -> Callable[[F], F]:
        """A read: `response` is what it answers (200)."""
        return self.router.get(path, response=response, operation_id=operation_id, summary=summary, tags=self._tags())

    def post(self, path: str, response: Any, operation_id: str, summary: str) -> Callable[[F], F]:
        """A change: `response` is what it answers (200), or a dict of answers by status."""
        return self.router.post(path, response=response, operation_id=operation_id, summary=summary, tags=self._tags())

    def create(self, path: str, response: Any, operation_id: str, summary: str) -> Callable[[F], F]:
        """A change that records something new and answers it with 201."""
        return self.post(path, {201: response}, operation_id, summary)


class Access:
    """Who may call a router's operations: each permission, with what a member of staff without it is told (403)."""

    def __init__(self, messages: dict[str, str]) -> None:
        self.messages = messages

    def __call__(self, request: HttpRequest, permission: str) -> "User":
        """The member of staff behind the call, holding the permission."""
        return api_staff(request, permission, message=self.messages[permission])


def path_id(record: str) -> Any:
    """The id of a record in the path, like `/projects/{id}`: "Id of the project"."""
    return Path(..., description=f"Id of the {record}")


def idempotency_header(description: str) -> Any:
    """The `Idempotency-Key` header, which may carry the key instead of the body's `idempotency_key`."""
    return Header(None, alias="Idempotency-Key", min_length=1, max_length=100, pattern=NO_NUL, description=description)


def idempotency_key(body_key: str | None, header: str | None) -> str:
    """The key sent in the body or the header (empty when neither); 400 when both are sent and differ."""
    if body_key and header and body_key != header:
        raise ValidationError(
            {"idempotency_key": "The Idempotency-Key header and the idempotency_key field differ: send one"}
        )
    return body_key or header or ""
