"""The platform's health checks and figures: liveness, readiness (the database, migrations, the
cache, the task worker's heartbeat and the queue) and /metrics, only for the networks or the token
configured; and every request's id, sent back and kept in the audit trail."""

from datetime import datetime, timedelta
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.db import OperationalError
from django.db.migrations import Migration
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from payback.core import health
from payback.core.heartbeat import beat
from payback.core.models import AuditEvent, PolicyVersion
from payback.core.ops import RequestTraceMiddleware
from payback.core.services import audit_record
from payback.core.tasks import worker_check
from payback.staff.models import User

pytestmark = pytest.mark.django_db

READY = "/health/ready"
TOKEN = "an-operations-token-of-forty-characters-x"


def checks_of(response: Any) -> dict[str, bool]:
    return {check["name"]: check["ok"] for check in response.json()["checks"]}


@pytest.fixture
def beating() -> None:
    beat("worker-1", started_at=timezone.now())


@pytest.fixture(autouse=True)
def migrations_unchecked() -> None:
    health._migrated["done"] = False


def test_ready_when_every_check_passes(beating: None) -> None:
    response = Client().get(READY)
    assert response.status_code == 200
    assert checks_of(response) == {"database": True, "migrations": True, "cache": True, "worker": True, "queue": True}
    assert response["Cache-Control"] == "no-store"


def test_not_ready_when_the_database_is_down_and_alive_all_the_same(beating: None) -> None:
    with mock.patch("payback.core.health.connection.cursor", side_effect=OperationalError("connection refused")):
        response = Client().get(READY)
        live = Client().get("/health/live")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    checks = {c["name"]: c for c in response.json()["checks"]}
    assert checks["database"] == {
        "name": "database",
        "ok": False,
        "detail": "the database did not answer: OperationalError",
    }
    assert checks["worker"]["detail"] == "not checked: the database did not answer"
    assert (live.status_code, live.json()) == (200, {"status": "ok"})


def test_not_ready_once_the_worker_has_not_beaten_for_a_minute() -> None:
    beaten = datetime(2026, 11, 18, 10, 0, tzinfo=timezone.get_current_timezone())
    with time_machine.travel(beaten, tick=False):
        beat("worker-1", started_at=beaten)
    with time_machine.travel(beaten + timedelta(seconds=60), tick=False):
        assert Client().get(READY).status_code == 200
    with time_machine.travel(beaten + timedelta(seconds=61), tick=False):
        response = Client().get(READY)
    assert response.status_code == 503
    assert checks_of(response) == {"database": True, "migrations": True, "cache": True, "worker": False, "queue": True}
    assert "last beat 61 s ago (more than 60 s)" in response.content.decode()


def test_not_ready_when_no_worker_has_ever_beaten() -> None:
    response = Client().get(READY)
    assert response.status_code == 503
    assert checks_of(response)["worker"] is False


def test_not_ready_while_a_migration_is_not_applied(beating: None) -> None:
    pending = [(Migration("0099_next", "core"), False)]
    with mock.patch("payback.core.health.MigrationExecutor.migration_plan", return_value=pending):
        response = Client().get(READY)
    assert response.status_code == 503
    detail = {c["name"]: c["detail"] for c in response.json()["checks"]}["migrations"]
    assert detail == "1 not applied (run manage.py migrate): core.0099_next"
    assert Client().get(READY).status_code == 200  # applied: checked again, and remembered


def test_not_ready_when_more_tasks_wait_than_allowed(beating: None, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.HEALTH_MAX_QUEUE_DEPTH = 1
    worker_check.enqueue()
    assert Client().get(READY).status_code == 200
    worker_check.enqueue()
    response = Client().get(READY)
    assert response.status_code == 503
    assert {c["name"]: c["detail"] for c in response.json()["checks"]}["queue"] == "2 tasks waiting (more than 1)"


@pytest.mark.parametrize("path", ["/health/live", READY, "/metrics"])
def test_the_public_gets_page_not_found(path: str, settings: Any, beating: None) -> None:
    settings.OPS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    settings.OPS_TOKEN = TOKEN
    outside = Client(REMOTE_ADDR="192.0.2.7")
    for response in (outside.get(path), outside.get(path, HTTP_AUTHORIZATION="Bearer not-the-token")):
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()
    inside = Client(REMOTE_ADDR="10.1.2.3")
    assert inside.get(path).status_code == 200
    # Passed on by the public proxy: the client it names is not on the network.
    assert inside.get(path, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 404
    assert inside.get(path, HTTP_X_REAL_IP="203.0.113.9").status_code == 404
    assert inside.get(path, HTTP_FORWARDED="for=203.0.113.9").status_code == 404
    assert inside.get(path, HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 200


def test_the_token_opens_them_from_anywhere(settings: Any, beating: None) -> None:
    settings.OPS_ALLOWED_NETWORKS = []
    client = Client(REMOTE_ADDR="192.0.2.7")
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404  # no token set: none works
    settings.OPS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200
    assert (
        client.get(READY, HTTP_AUTHORIZATION=f"bearer {TOKEN}", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 200
    )


def test_probes_by_the_pods_own_address_are_answered_whatever_the_host_name(settings: Any, beating: None) -> None:
    settings.ALLOWED_HOSTS = ["payback.example.gov.uk"]
    assert Client().get(READY, HTTP_HOST="10.1.2.3:8000").status_code == 200
    assert Client().get("/accessibility/", HTTP_HOST="10.1.2.3:8000").status_code == 400


def test_healthz_stays_public(settings: Any) -> None:
    settings.OPS_ALLOWED_NETWORKS = []
    assert Client(REMOTE_ADDR="192.0.2.7").get("/healthz").status_code == 200


def samples(body: bytes) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_metrics_count_requests_by_view_with_their_queries(practitioner: User, beating: None) -> None:
    client = Client()
    client.force_login(practitioner)
    key = (("method", "GET"), ("status", "2xx"), ("view", "core:ping"))
    before = samples(client.get("/metrics").content).get(("payback_http_request_duration_seconds_count", key), 0)
    client.get("/ping")
    client.get("/ping")
    figures = samples(client.get("/metrics").content)
    assert figures[("payback_http_request_duration_seconds_count", key)] == before + 2
    assert figures[("payback_http_request_db_queries_sum", (("view", "core:ping"),))] >= 2  # the session, the user
    assert figures[("payback_database_up", ())] == 1
    assert figures[("payback_task_queue_depth", ())] == 0
    assert 0 <= figures[("payback_worker_heartbeat_age_seconds", ())] < 5


def test_a_database_down_shows_in_the_figures(beating: None) -> None:
    with mock.patch("payback.core.metrics._database_figures", side_effect=OperationalError("down")):
        figures = samples(Client().get("/metrics").content)
    assert figures[("payback_database_up", ())] == 0
    assert ("payback_task_queue_depth", ()) not in figures


def test_each_request_has_an_id_sent_back_and_kept_in_the_audit_trail() -> None:
    policy = PolicyVersion.objects.first()
    assert policy is not None

    def audited_view(request: HttpRequest) -> HttpResponse:
        audit_record(actor=None, action="policy.checked", obj=policy, summary="Checked")
        return HttpResponse("ok")

    middleware = RequestTraceMiddleware(audited_view)
    given = HttpRequest()
    given.method, given.path_info = "POST", "/policy/"
    given.META["HTTP_X_REQUEST_ID"] = "proxy-request-0001"
    response = middleware(given)
    assert response["X-Request-ID"] == "proxy-request-0001"
    assert AuditEvent.objects.filter(action="policy.checked").get().request_id == "proxy-request-0001"

    forged = HttpRequest()
    forged.method, forged.path_info = "POST", "/policy/"
    forged.META["HTTP_X_REQUEST_ID"] = 'bad"\nid'
    made = middleware(forged)["X-Request-ID"]
    assert len(made) == 32 and made != 'bad"\nid'
    assert AuditEvent.objects.filter(action="policy.checked").latest("id").request_id == made


def test_pages_send_their_request_id(practitioner: User) -> None:
    response = Client().get("/accessibility/", HTTP_X_REQUEST_ID="ingress-abc-123")
    assert response["X-Request-ID"] == "ingress-abc-123"
    assert len(Client().get("/accessibility/")["X-Request-ID"]) == 32
