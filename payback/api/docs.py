"""The page at /api/v1/docs: a server-rendered summary of the API that links the OpenAPI document.

ninja's Swagger page loads its script from a CDN and runs inline script, which neither the closed
network nor the Content-Security-Policy allows; this page needs neither.

The page and the OpenAPI document are for staff only: signed in, or with a bearer token."""

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

from .auth import BearerTokenAuth

if TYPE_CHECKING:
    from ninja import NinjaAPI

METHODS = ("get", "post", "put", "patch", "delete")


class ServerRenderedDocs(DocsBase):
    def render_page(self, request: HttpRequest, api: "NinjaAPI", **kwargs: Any) -> HttpResponse:
        schema = api.get_openapi_schema(path_params=kwargs)
        operations = []
        for path, methods in schema.get("paths", {}).items():
            for method in METHODS:
                operation = methods.get(method)
                if operation is None:
                    continue
                operations.append(
                    {
                        "method": method.upper(),
                        "path": path,
                        "summary": operation.get("summary", ""),
                        "description": operation.get("description", ""),
                        "responses": sorted(operation.get("responses", {})),
                    }
                )
        context = {
            "title": api.title,
            "version": api.version,
            "openapi_url": self.get_openapi_url(api, kwargs),
            "operations": operations,
        }
        return render(request, "api/docs.html", context)


def _signed_in(request: HttpRequest) -> bool:
    if "authorization" in request.headers:
        return BearerTokenAuth()(request) is not None
    return bool(request.user.is_authenticated)


def staff_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The documentation needs a member of staff: the page sends others to sign in, the document answers 401."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _signed_in(request):
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            response = JsonResponse(
                {"detail": "Sign in, or send a bearer token, to read the API's document"}, status=401
            )
            response["WWW-Authenticate"] = 'Bearer realm="payback"'
            return response
        return redirect_to_login(request.get_full_path())

    return wrapped
