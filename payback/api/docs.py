"""The page at /api/v1/docs: a server-rendered summary of the API that links the OpenAPI document.

ninja's Swagger page loads its script from a CDN and runs inline script, which neither the closed
network nor the Content-Security-Policy allows; this page needs neither."""

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

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
