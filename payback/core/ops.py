"""What the platform runs against the service, kept from the public: liveness at /health/live,
readiness at /health/ready and the figures at /metrics.

They answer only a caller on a network named in ``OPS_ALLOWED_NETWORKS`` (by default this machine)
with every address it came through on it (so a request passed on by the public proxy, which names
the client in X-Forwarded-For, never qualifies), or one that sends ``Authorization: Bearer``
with the ``OPS_TOKEN``. Anyone else gets the service's ordinary "Page not found", as for any
address that does not exist.

They are answered first, before the host name is checked or HTTPS is insisted on: the platform's
probes and Prometheus call each process directly, by its own address, over plain HTTP inside the
cluster.

This module also gives every request its id (the proxy's X-Request-ID when well formed, otherwise
a new one), sent back in X-Request-ID and carried into the logs, the audit trail and any task the
request queues; and it times every request for the figures."""

import hmac
import ipaddress
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

from . import health, metrics
from .trace import REQUEST_ID_HEADER, Trace, request_id_from, reset_trace, set_trace

Handler = Callable[[HttpRequest], HttpResponse]
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(n, strict=False) for n in settings.OPS_ALLOWED_NETWORKS]


def _on_allowed_network(address: str, networks: list[Any]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip.version == net.version and ip in net for net in networks)


def _has_token(authorization: str) -> bool:
    token = str(settings.OPS_TOKEN or "")
    scheme, _, given = authorization.partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def ops_allowed(meta: Any) -> bool:
    """Whether a request (its META, or a WSGI environ) may read the health checks and figures."""
    if _has_token(str(meta.get("HTTP_AUTHORIZATION", ""))):
        return True
    if meta.get("HTTP_FORWARDED"):
        return False  # passed on by a proxy that does not say from where in a form read here
    addresses = [str(meta.get("REMOTE_ADDR", ""))]
    addresses += str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",") if meta.get("HTTP_X_FORWARDED_FOR") else []
    addresses += [str(meta["HTTP_X_REAL_IP"])] if meta.get("HTTP_X_REAL_IP") else []
    networks = _networks()
    return all(_on_allowed_network(address, networks) for address in addresses)


def live(request: HttpRequest) -> HttpResponse:
    """The process answers (nothing else is checked: a database outage must not restart it)."""
    return JsonResponse({"status": "ok"})


def ready(request: HttpRequest) -> HttpResponse:
    ok, checks = health.readiness()
    return JsonResponse(health.as_json(ok, checks), status=200 if ok else 503)


def figures(request: HttpRequest) -> HttpResponse:
    body, content_type = metrics.exposition()
    return HttpResponse(body, content_type=content_type)


OPS_VIEWS: dict[str, Handler] = {"/health/live": live, "/health/ready": ready, "/metrics": figures}


class OpsEndpointsMiddleware:
    """Answers the health checks and figures for those allowed; passes everyone else on."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = OPS_VIEWS.get(request.path_info)
        if view is None or request.method not in {"GET", "HEAD"} or not ops_allowed(request.META):
            return self.get_response(request)
        response = view(request)
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return str(match.view_name)  # the URL's name, or the view's dotted path when it has none
    if request.path_info.startswith(str(settings.STATIC_URL)):
        return "static"
    return "unresolved"


class RequestTraceMiddleware:
    """Gives the request its id, and counts its time and database queries by view."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        queries = [0]

        def count(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
            queries[0] += 1
            return execute(sql, params, many, context)

        token = set_trace(Trace(request_id=request_id))
        started = time.perf_counter()
        try:
            with connection.execute_wrapper(count):
                response = self.get_response(request)
        finally:
            reset_trace(token)
        response[REQUEST_ID_HEADER] = request_id
        metrics.request_observed(
            view=_view_name(request),
            method=request.method if request.method in METHODS else "OTHER",
            status=response.status_code,
            seconds=time.perf_counter() - started,
            queries=queries[0],
        )
        return response
