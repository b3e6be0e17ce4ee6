"""Who may call the API: a bearer token or a signed-in session; nobody else."""

import json
from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from payback.cases.models import LedgerEntry, Requirement
from payback.core.models import AuditEvent
from payback.staff.models import ApiToken, User

from .client import API, ApiClient, token_for

pytestmark = pytest.mark.django_db

ADJUSTMENT = {
    "kind": "travel",
    "minutes": 30,
    "occurred_on": "2026-03-10",
    "reason": "Train to the project",
    "idempotency_key": "c5d0a7e2-auth-tests",
}


def test_a_bearer_token_signs_the_client_in(api_as: Callable[[User | None], ApiClient], practitioner: User) -> None:
    response = api_as(practitioner).get("/people")
    assert response.status_code == 200
    assert ApiToken.objects.get(user=practitioner).last_used_at is not None


@pytest.mark.parametrize(
    "authorization",
    ["", "Bearer", "Bearer pb_not-a-token", "Bearer not-even-the-prefix", "Basic cGF0OnBhc3N3b3Jk", "pb_nobearer"],
)
def test_no_token_or_an_unknown_one_is_401_json(practitioner: User, authorization: str) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = Client().get(f"{API}/people", headers=headers)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Unauthorized"}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_401(practitioner: User) -> None:
    token = token_for(practitioner)
    ApiToken.objects.filter(user=practitioner).update(revoked_at=timezone.now())
    assert ApiClient(token).get("/people").status_code == 401


def test_the_token_of_a_deactivated_account_is_401(practitioner: User) -> None:
    token = token_for(practitioner)
    User.objects.filter(pk=practitioner.pk).update(is_active=False)
    assert ApiClient(token).get("/people").status_code == 401


def test_a_token_needs_no_csrf_token_to_write(
    api_as: Callable[[User | None], ApiClient], practitioner: User, case: Requirement
) -> None:
    client = api_as(practitioner)
    client.client = Client(enforce_csrf_checks=True)
    response = client.post(f"/requirements/{case.pk}/adjustments", ADJUSTMENT)
    assert response.status_code == 201, response.content


def test_a_signed_in_session_works_for_reading(practitioner: User, case: Requirement) -> None:
    client = Client()
    client.force_login(practitioner)
    response = client.get(f"{API}/requirements/{case.pk}")
    assert response.status_code == 200
    assert response.json()["id"] == case.pk


def test_a_session_must_send_the_csrf_token_to_write(practitioner: User, case: Requirement) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(practitioner)
    url = f"{API}/requirements/{case.pk}/adjustments"
    body = json.dumps(ADJUSTMENT)

    refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "CSRF check Failed"}
    assert not LedgerEntry.objects.filter(requirement=case).exists()

    client.get("/accessibility/")  # any page sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    accepted = client.post(url, body, content_type="application/json", headers={"X-CSRFToken": csrf})
    assert accepted.status_code == 201, accepted.content


def test_a_bad_token_is_401_even_with_a_session(practitioner: User) -> None:
    client = Client()
    client.force_login(practitioner)
    response = client.get(f"{API}/people", headers={"Authorization": "Bearer pb_revoked-or-mistyped"})
    assert response.status_code == 401


def test_writes_through_the_api_are_audited_as_api(
    api_as: Callable[[User | None], ApiClient], practitioner: User, case: Requirement
) -> None:
    response = api_as(practitioner).post(f"/requirements/{case.pk}/adjustments", ADJUSTMENT)
    assert response.status_code == 201
    event = AuditEvent.objects.get(action="ledger.travel", object_id=str(response.json()["id"]))
    assert event.channel == "api"
    assert event.actor == practitioner


def test_create_api_token_prints_a_token_once_that_works(practitioner: User) -> None:
    out, err = StringIO(), StringIO()
    call_command("create_api_token", practitioner.username, "Reporting", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert raw.startswith("pb_")
    assert "not shown again" in err.getvalue()
    token = ApiToken.objects.get(user=practitioner, name="Reporting")
    assert raw not in {token.token_hash, token.prefix}  # only a hash is kept
    assert ApiClient(raw).get("/people").status_code == 200
    assert AuditEvent.objects.filter(action="staff.api_token_created", channel="command").exists()


def test_create_api_token_refuses_an_unknown_username(db: object) -> None:
    with pytest.raises(CommandError, match="No member of staff"):
        call_command("create_api_token", "nobody", "Reporting", stdout=StringIO(), stderr=StringIO())
    assert not ApiToken.objects.exists()
