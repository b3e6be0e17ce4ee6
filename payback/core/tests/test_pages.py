"""Service-wide behaviour: health, security headers, sign-in throttling, policy pages."""

from collections.abc import Callable
from unittest import mock

import pytest
from django.db import DatabaseError
from django.test import Client

from payback.core.models import PolicyVersion
from payback.staff.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"


def test_healthz_answers_200_when_the_database_answers() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "up"


def test_healthz_answers_503_when_the_database_does_not() -> None:
    with mock.patch("payback.core.views.connection.cursor", side_effect=DatabaseError("down")):
        response = Client().get("/healthz")
    assert response.status_code == 503


def test_pages_carry_a_nonce_based_csp_without_unsafe_inline(practitioner: User) -> None:
    client = Client()
    client.force_login(practitioner)
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "'nonce-" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"


def test_header_shows_the_signed_in_person_role_and_scope(practitioner: User) -> None:
    client = Client()
    client.force_login(practitioner)
    page = client.get("/").content.decode()
    assert "Pat Tester" in page
    assert "Probation practitioner" in page
    assert "County Durham and Darlington, North East" in page


def test_navigation_follows_the_role(practitioner: User, supervisor: User) -> None:
    as_practitioner, as_supervisor = Client(), Client()
    as_practitioner.force_login(practitioner)
    as_supervisor.force_login(supervisor)
    assert 'href="/cases/"' in as_practitioner.get("/").content.decode()
    assert 'href="/cases/"' not in as_supervisor.get("/").content.decode()


def test_sign_in_is_throttled_after_five_failures(practitioner: User) -> None:
    client = Client(REMOTE_ADDR="10.1.2.3")
    for _ in range(5):
        response = client.post("/sign-in/", {"username": "pat", "password": "wrong"})
    response = client.post("/sign-in/", {"username": "pat", "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many attempts to sign in" in response.content


def test_sign_in_and_out(practitioner: User) -> None:
    client = Client()
    response = client.post("/sign-in/", {"username": "pat", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/cases/").status_code == 200
    response = client.post("/sign-out/")
    assert response["Location"] == "/signed-out/"
    assert client.get("/cases/").status_code == 302


def test_wrong_password_shows_the_error_summary(practitioner: User) -> None:
    response = Client().post("/sign-in/", {"username": "pat", "password": "nope"})
    assert b"There is a problem" in response.content
    assert b"Enter a correct username and password" in response.content


def test_policy_versions_can_be_added_by_the_head_of_unpaid_work_only(
    head_of_upw: User, practitioner: User, make_user: Callable[..., User]
) -> None:
    url = "/policy/stand_down_credit_minutes/add/"
    data = {
        "effective_from_0": "1",
        "effective_from_1": "4",
        "effective_from_2": "2027",
        "value": "90",
        "reason": "Review",
        "confirm_backdating": "on",  # whatever day the test runs on
        "backdating_reason": "Test: a rule from a fixed date",
    }
    as_practitioner = Client()
    as_practitioner.force_login(practitioner)
    assert as_practitioner.get("/policy/").status_code == 200
    assert as_practitioner.post(url, data).status_code == 403
    head = Client()
    head.force_login(head_of_upw)
    response = head.post(url, data)
    assert response.status_code == 302
    versions = list(PolicyVersion.objects.filter(key="stand_down_credit_minutes").order_by("effective_from"))
    assert [v.value for v in versions] == [60, 90]  # history kept
    response = head.post(url, {**data, "value": "lots"})
    assert "Enter a whole number" in response.content.decode()
