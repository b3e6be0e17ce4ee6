"""The Payback API at /api/v1/: each app's router, one authentication, one error shape.

The apps' routers declare only their successful responses; the error responses every
operation can give are added to the OpenAPI document here, where the errors are made."""

from typing import Any

from ninja import NinjaAPI, Schema

from payback.allocation.api import router as allocation_router
from payback.cases.api import router as cases_router
from payback.cases.assessment.api import router as assessment_router
from payback.delivery.api import router as delivery_router
from payback.enforcement.api import router as enforcement_router
from payback.insight.api import router as insight_router
from payback.notifications.api import router as notifications_router
from payback.partners.api import router as partners_router
from payback.portal.api import router as portal_router
from payback.projects.api import router as projects_router

from .auth import authenticators
from .docs import ServerRenderedDocs, staff_only
from .errors import Detail, ErrorList, install_error_handlers

DESCRIPTION = """\
The API of Payback, the Community Payback service of the Probation Service.

Authenticate with a bearer token (`Authorization: Bearer pb_…`, made with `manage.py create_api_token`),
or from the browser with your signed-in session (unsafe methods then need the `X-CSRFToken` header).
You see only the cases, projects, beneficiaries, nominations and allocation runs of your PDU, region or the
country, as your account allows: anything else is 404.

Times are whole minutes; dates are ISO 8601 (`2026-03-10`). Bad input is 400 (a rule of the service) or
422 (the request does not match this document), both as `{"errors": [{"field": …, "message": …}]}`;
other errors are `{"detail": …}`.
"""

ERROR_RESPONSES: dict[int, tuple[type[Schema], str]] = {
    400: (
        ErrorList,
        "The input, or the change asked for, breaks a rule of the service (or the body is not JSON); "
        "each message names its field",
    ),
    401: (Detail, "No valid bearer token and no signed-in session"),
    403: (Detail, "Signed in, but your role does not allow this (or the CSRF check failed)"),
    404: (Detail, "No such record, or it is outside your area"),
    422: (ErrorList, "The request does not match this document; each message names its field"),
}


class PaybackAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (ErrorList, Detail):
            definition = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(definition.pop("$defs", {}))
            components[model.__name__] = definition
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                _declare_errors(operation, changes=method != "get")
        return schema


def _declare_errors(operation: dict[str, Any], *, changes: bool) -> None:
    parameters = operation.get("parameters", [])
    has_body = "requestBody" in operation
    codes = [401, 403]
    if any(p.get("in") == "path" for p in parameters):
        codes.append(404)
    if parameters or has_body:
        codes.append(422)
    if has_body or changes:
        # A service can refuse a change even without a body: acknowledging a nomination twice, say.
        codes.append(400)
    responses = {str(code): response for code, response in operation.get("responses", {}).items()}
    operation["responses"] = responses
    for code in sorted(codes):
        model, description = ERROR_RESPONSES[code]
        responses.setdefault(
            str(code),
            {
                "description": description,
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}},
            },
        )


api = PaybackAPI(
    title="Payback API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=authenticators(),
    docs=ServerRenderedDocs(),
    docs_decorator=staff_only,
)
install_error_handlers(api)
api.add_router("", cases_router)
api.add_router("", assessment_router)
api.add_router("", projects_router)
api.add_router("", delivery_router)
api.add_router("", enforcement_router)
api.add_router("", allocation_router)
api.add_router("/insight", insight_router)
api.add_router("", notifications_router)
api.add_router("", portal_router)
api.add_router("", partners_router)
