"""Every error the API returns is JSON, in one of two shapes.

- Input that cannot be accepted (400 from a service's rules, 422 from the request's shape):
  ``{"errors": [{"field": "minutes", "message": "..."}]}``
- Anything else (401, 403, 404, 405, 413, 500): ``{"detail": "..."}``
"""

import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestValidationError

logger = logging.getLogger("django.request")


class FieldError(Schema):
    field: str | None = Field(
        description="The input field the message is about (the last named part of its location for a request that "
        "does not match the schema), or null when the message is about the request or the record as a whole"
    )
    message: str = Field(description="What is wrong and how to put it right, written for a person")


class ErrorList(Schema):
    """Input that cannot be accepted: one message per problem."""

    errors: list[FieldError] = Field(description="Every problem found, in no particular order")


class Detail(Schema):
    """An error that is not about a particular field."""

    detail: str = Field(description="What went wrong")


def field_errors(items: Iterable[tuple[str | None, str]]) -> dict[str, Any]:
    return ErrorList(errors=[FieldError(field=field, message=message) for field, message in items]).model_dump()


def _service_items(error: DjangoValidationError) -> list[tuple[str | None, str]]:
    if hasattr(error, "error_dict"):
        return [
            (None if field == NON_FIELD_ERRORS else field, message)
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return [(None, message) for message in error.messages]


def _request_items(error: RequestValidationError) -> list[tuple[str | None, str]]:
    items: list[tuple[str | None, str]] = []
    for problem in error.errors:
        # The last named part: "days", not the index of the bad item in the list of days.
        names = [part for part in problem.get("loc") or () if not isinstance(part, int)]
        items.append((str(names[-1]) if names else None, str(problem.get("msg", "Invalid value"))))
    return items


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace ninja's default handlers so that every error the API returns is JSON in one shape."""

    @api.exception_handler(DjangoValidationError)
    def service_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return api.create_response(request, field_errors(_service_items(exc)), status=400)

    @api.exception_handler(RequestValidationError)
    def request_error(request: HttpRequest, exc: RequestValidationError) -> HttpResponse:
        return api.create_response(request, field_errors(_request_items(exc)), status=422)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": "Not found"}, status=404)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        message = str(exc) or "You do not have permission to do this"
        return api.create_response(request, {"detail": message}, status=403)

    @api.exception_handler(RequestDataTooBig)
    def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return api.create_response(request, {"detail": "The request body is too large"}, status=413)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:
            # ninja raises this for a body that is not JSON: put it in the same shape as other bad input.
            return api.create_response(request, field_errors([(None, str(exc))]), status=400)
        response = api.create_response(request, {"detail": str(exc)}, status=exc.status_code)
        if isinstance(exc, AuthenticationError):
            response["WWW-Authenticate"] = 'Bearer realm="payback"'
        return response

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exc,
            extra={"status_code": 500, "request": request},
        )
        return api.create_response(request, {"detail": "Something went wrong: try again later"}, status=500)


def not_found_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """A JSON 404 for any address under the API that matches no endpoint."""
    return JsonResponse({"detail": "Not found"}, status=404)


def method_not_allowed(response: HttpResponse) -> HttpResponse:
    """ninja answers a method an endpoint does not support in plain text: keep the Allow header, answer in JSON."""
    json_response = JsonResponse({"detail": "Method not allowed"}, status=405)
    if response.has_header("Allow"):
        json_response["Allow"] = response["Allow"]
    return json_response
