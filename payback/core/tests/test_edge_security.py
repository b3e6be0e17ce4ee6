"""Sign-in throttling by the client's address, answers that are never cached, the API's
documentation for staff only, oversized bodies, and dates no one could mean."""

from collections.abc import Callable

import pytest
from django import forms
from django.test import Client, RequestFactory, override_settings

from payback.core.client import client_address
from payback.core.forms import GovukDateField
from payback.staff.models import Pdu, User
from payback.staff.roles import PLACEMENT_COORDINATOR

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"
PROXY = "10.0.0.2"


def sign_in(client: Client, username: str, password: str) -> int:
    return client.post("/sign-in/", {"username": username, "password": password}).status_code


def behind_proxy(forwarded_for: str) -> Client:
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


# ---------------------------------------------------------------------------------------------
# The client's address


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # no proxy trusted: the header is the client's own words
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "192.0.2.55, 203.0.113.9", "203.0.113.9"),  # a forged entry left of the proxy's is not read
        (2, "192.0.2.55, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (2, "203.0.113.9", "203.0.113.9"),  # fewer entries than proxies: the furthest any proxy saw
        (1, "not-an-address", "10.0.0.2"),
        (1, "", "10.0.0.2"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address_trusts_only_the_configured_proxies(trusted: int, forwarded: str, expected: str) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(TRUSTED_PROXY_COUNT=trusted):
        assert client_address(request) == expected


# ---------------------------------------------------------------------------------------------
# Sign-in throttling


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_locking_one_client_out_does_not_lock_the_username_from_another_address(practitioner: User) -> None:
    attacker = behind_proxy("203.0.113.9")
    for _ in range(5):
        sign_in(attacker, "pat", "wrong")
    assert sign_in(attacker, "pat", PASSWORD) == 429
    assert sign_in(behind_proxy("198.51.100.7"), "pat", PASSWORD) == 302


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_failures_from_one_address_across_usernames_lock_that_address(practitioner: User) -> None:
    attacker = behind_proxy("203.0.113.9")
    for n in range(19):
        sign_in(attacker, f"guess{n}", "wrong")
    # 19 failures, none more than once per username: not locked yet.
    assert sign_in(behind_proxy("203.0.113.9"), "pat", PASSWORD) == 302
    sign_in(attacker, "guess19", "wrong")  # the 20th
    assert sign_in(behind_proxy("203.0.113.9"), "pat", PASSWORD) == 429
    assert sign_in(behind_proxy("198.51.100.7"), "pat", PASSWORD) == 302


@override_settings(SIGN_IN_FAILURES_PER_ADDRESS=3)
def test_the_per_address_limit_is_a_setting(practitioner: User) -> None:
    client = Client(REMOTE_ADDR="203.0.113.9")
    for name in ("ann", "bob", "cat"):
        sign_in(client, name, "wrong")
    assert sign_in(client, "pat", PASSWORD) == 429


# ---------------------------------------------------------------------------------------------
# Cache-Control


def test_pages_and_api_answers_with_personal_data_are_never_stored(
    practitioner: User, make_case: Callable[..., object]
) -> None:
    make_case(practitioner=practitioner)
    client = Client()
    client.force_login(practitioner)
    for path in ("/", "/cases/", "/api/v1/people"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"], path
    # Under /api/ even an answer to no one is not stored.
    assert "no-store" in Client().get("/api/v1/people")["Cache-Control"]


def test_static_assets_and_public_pages_keep_their_caching(practitioner: User) -> None:
    client = Client()
    client.force_login(practitioner)
    asset = client.get("/assets/payback/payback.js")
    assert asset.status_code == 200
    assert "no-store" not in asset.get("Cache-Control", "")
    public = Client().get("/accessibility/")
    assert public.status_code == 200
    assert "no-store" not in public.get("Cache-Control", "")
    # The same page to a member of staff carries their name in the header: not stored.
    assert "no-store" in client.get("/accessibility/")["Cache-Control"]


# ---------------------------------------------------------------------------------------------
# The API's documentation


def test_the_api_documentation_is_for_signed_in_staff_only(practitioner: User) -> None:
    anonymous = Client()
    document = anonymous.get("/api/v1/openapi.json")
    assert document.status_code == 401
    assert document.json() == {"detail": "Sign in, or send a bearer token, to read the API's document"}
    page = anonymous.get("/api/v1/docs")
    assert page.status_code == 302
    assert page["Location"].startswith("/sign-in/")
    assert anonymous.get("/api/v1/openapi.json", headers={"Authorization": "Bearer pb_not-a-token"}).status_code == 401

    signed_in = Client()
    signed_in.force_login(practitioner)
    assert signed_in.get("/api/v1/openapi.json").json()["info"]["title"] == "Payback API"
    assert signed_in.get("/api/v1/docs").status_code == 200


def test_the_api_document_is_served_to_a_bearer_token(practitioner: User) -> None:
    from payback.api.tests.client import token_for

    response = Client().get("/api/v1/openapi.json", headers={"Authorization": f"Bearer {token_for(practitioner)}"})
    assert response.status_code == 200
    assert "paths" in response.json()


# ---------------------------------------------------------------------------------------------
# Oversized bodies

TOO_LARGE = "x" * (2_621_440 + 1)


def test_a_body_over_the_limit_is_413_on_the_api(practitioner: User) -> None:
    from payback.api.tests.client import token_for

    headers = {"Authorization": f"Bearer {token_for(practitioner)}"}
    body = '{"reason": "' + TOO_LARGE + '"}'
    response = Client().post(
        "/api/v1/requirements/1/adjustments", body, content_type="application/json", headers=headers
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large"}


def test_a_body_over_the_limit_is_413_on_a_page(practitioner: User) -> None:
    response = Client().post("/nominate/the-work/", {"work_description": TOO_LARGE})
    assert response.status_code == 413
    assert "What you sent is too large" in response.content.decode()
    response = Client().post("/sign-in/", {"username": "pat", "password": TOO_LARGE})
    assert response.status_code == 413


# ---------------------------------------------------------------------------------------------
# Dates


class DateForm(forms.Form):
    day = GovukDateField(label="Day worked")


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [
        ("1", "1", "99999999999"),  # once an OverflowError (500)
        ("1", "1", "10000"),
        ("1", "1", "2200"),
        ("²", "1", "2026"),
        ("1", "1", "٢٠٢٦"),  # Arabic-Indic digits
        ("1", "1", "1899"),
        ("31", "2", "2026"),
        ("1", "1", "-2026"),
    ],
)
def test_a_date_no_one_could_mean_is_a_field_error(day: str, month: str, year: str) -> None:
    form = DateForm({"day_0": day, "day_1": month, "day_2": year})
    assert not form.is_valid()
    assert form.errors["day"] == ["The day worked must be a real date, like 27 3 2026"]


def test_a_real_date_is_still_accepted() -> None:
    form = DateForm({"day_0": "29", "day_1": "02", "day_2": "2028"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"].isoformat() == "2028-02-29"


# ---------------------------------------------------------------------------------------------
# Unicode digits in ids


@pytest.mark.parametrize("odd", ["²", "٣", "１"])
def test_unicode_digits_in_ids_are_not_found_rather_than_a_server_error(
    odd: str, make_user: Callable[..., User], pdu_a: Pdu, supervisor: User
) -> None:
    from payback.testing.builders import vehicle

    coordinator = make_user("cora", role=PLACEMENT_COORDINATOR, pdu=pdu_a)
    as_coordinator = Client(raise_request_exception=False)
    as_coordinator.force_login(coordinator)
    assert as_coordinator.get("/projects/new/", {"beneficiary": odd}).status_code == 200
    assert as_coordinator.get(f"/projects/{odd}/").status_code == 404

    van = vehicle(pdu_a)
    as_supervisor = Client(raise_request_exception=False)
    as_supervisor.force_login(supervisor)
    assert as_supervisor.get(f"/sessions/vehicles/{van.pk}/check/", {"session": odd}).status_code == 200

    from payback.api.tests.client import token_for

    headers = {"Authorization": f"Bearer {token_for(coordinator)}"}
    for path in (f"/api/v1/projects/{odd}", f"/api/v1/requirements/{odd}", f"/api/v1/allocation/runs/{odd}"):
        assert Client().get(path, headers=headers).status_code in (404, 422), path
