"""Two-factor sign-in (TOTP): required where REQUIRE_TWO_FACTOR is on (production), set up with the key
shown as text, and asked for after the password."""

import importlib
import re
import sys
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from payback.core.models import AuditEvent
from payback.staff.models import User

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


@pytest.fixture
def required(settings: Any) -> None:
    settings.REQUIRE_TWO_FACTOR = True


def sign_in(user: User) -> tuple[Client, str]:
    client = Client()
    response = client.post("/sign-in/", {"username": user.username, "password": PASSWORD, "next": "/cases/"})
    assert response.status_code == 302
    return client, response["Location"]


def test_production_requires_two_factor_and_development_does_not(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "x" * 60)
    monkeypatch.setenv("ALLOWED_HOSTS", "payback.example.gov.uk")
    monkeypatch.delenv("REQUIRE_TWO_FACTOR", raising=False)
    for name in ("payback.config.settings.production", "payback.config.settings.dev"):
        sys.modules.pop(name, None)
    production = importlib.import_module("payback.config.settings.production")
    dev = importlib.import_module("payback.config.settings.dev")
    assert production.REQUIRE_TWO_FACTOR is True
    assert dev.REQUIRE_TWO_FACTOR is False
    assert "django_otp.middleware.OTPMiddleware" in production.MIDDLEWARE


def test_with_the_setting_off_a_password_signs_in(practitioner: User) -> None:
    client, location = sign_in(practitioner)
    assert location == "/cases/"
    assert client.get("/cases/").status_code == 200


def test_first_sign_in_sets_up_the_app_with_the_key_shown_as_text(required: None, practitioner: User) -> None:
    client, location = sign_in(practitioner)
    assert location.startswith("/account/authenticator/")
    # nothing else opens before the code is given
    blocked = client.get("/cases/")
    assert blocked.status_code == 302 and blocked["Location"].startswith("/account/authenticator/")
    assert client.get("/api/v1/requirements").status_code == 401

    page = client.get(location)
    body = page.content.decode()
    device = TOTPDevice.objects.get(user=practitioner, confirmed=False)
    assert page.context["secret"].replace(" ", "") in body
    uri = re.search(r'data-testid="totp-uri">([^<]+)<', body)
    assert uri and uri.group(1).startswith("otpauth://totp/Payback%3Apat?secret=")
    assert not re.search(r'<img[^>]+src="https?://', body)  # no outside QR service is asked

    wrong = client.post(location, {"code": "000000" if code_for(device) != "000000" else "111111", "next": "/cases/"})
    assert wrong.status_code == 200
    assert "The code is not right" in wrong.context["form"].errors["code"][0]
    assert client.post(location, {"code": "abc", "next": "/cases/"}).context["form"].errors["code"]

    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=False):  # the wait after a wrong code
        done = client.post(location, {"code": code_for(device), "next": "/cases/"})
    assert done.status_code == 302 and done["Location"] == "/cases/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/cases/").status_code == 200
    assert AuditEvent.objects.filter(action="staff.two_factor_set_up", actor=practitioner).exists()


@pytest.fixture
def with_app(practitioner: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=practitioner, name="Authenticator app", confirmed=True)


def test_later_sign_ins_ask_for_the_code_after_the_password(
    required: None, practitioner: User, with_app: TOTPDevice
) -> None:
    client, location = sign_in(practitioner)
    assert location == "/sign-in/code/?next=%2Fcases%2F"
    assert client.get("/cases/")["Location"].startswith("/sign-in/code/")
    assert client.get("/api/v1/requirements").status_code == 401
    wrong = client.post("/sign-in/code/", {"code": "12345", "next": "/cases/"})
    assert wrong.context["form"].errors["code"] == ["Enter the 6-digit code from your authenticator app"]
    right = client.post("/sign-in/code/", {"code": code_for(with_app), "next": "/cases/"})
    assert right["Location"] == "/cases/"
    assert client.get("/cases/").status_code == 200
    assert client.get("/api/v1/requirements").status_code == 200
    # the code cannot be used twice
    again, _ = sign_in(practitioner)
    replay = again.post("/sign-in/code/", {"code": code_for(with_app), "next": "/cases/"})
    assert replay.status_code == 200 and replay.context["form"].errors["code"]


def test_the_code_step_refuses_an_outside_next_address(
    required: None, practitioner: User, with_app: TOTPDevice
) -> None:
    client, _ = sign_in(practitioner)
    right = client.post("/sign-in/code/", {"code": code_for(with_app), "next": "https://evil.example/"})
    assert right["Location"] == "/"


def test_wrong_codes_are_throttled(required: None, practitioner: User, with_app: TOTPDevice) -> None:
    client, _ = sign_in(practitioner)
    wrong = "000000" if code_for(with_app) != "000000" else "111111"
    with time_machine.travel(timezone.now(), tick=False):
        client.post("/sign-in/code/", {"code": wrong})
        # even the right code waits after a wrong one, for longer after each
        blocked = client.post("/sign-in/code/", {"code": code_for(with_app)})
        assert blocked.status_code == 200
        assert "Too many wrong codes" in blocked.context["form"].errors["code"][0]
    with_app.refresh_from_db()
    assert with_app.throttling_failure_count == 1


def test_reset_two_factor_command_makes_the_next_sign_in_set_up_again(
    required: None, practitioner: User, with_app: TOTPDevice
) -> None:
    from django.core.management import call_command

    call_command("reset_two_factor", practitioner.username)
    assert not TOTPDevice.objects.filter(user=practitioner).exists()
    _, location = sign_in(practitioner)
    assert location.startswith("/account/authenticator/")
    assert AuditEvent.objects.filter(action="staff.two_factor_reset", channel="command").exists()


def test_account_page_links_to_password_tokens_and_app(make_user: Callable[..., User], practitioner: User) -> None:
    client = Client()
    client.force_login(practitioner)
    body = client.get("/account/").content.decode()
    for link in ("/account/password/", "/account/api-tokens/", "/account/authenticator/"):
        assert f'href="{link}"' in body
