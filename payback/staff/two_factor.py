"""The second factor: a time-based code (TOTP) from an authenticator app on the member of staff's phone;
and the audit trail's record of each change to how a member of staff signs in."""

import base64
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from payback.core.services import audit_record

DEVICE_NAME = "Authenticator app"


def audit_sign_in_change(*, actor: Any, user: Any, action: str, summary: str) -> None:
    """Record in the audit trail a change to how a member of staff signs in: their password or
    their authenticator app."""
    audit_record(actor=actor, action=action, obj=user, summary=summary, subject=f"staff:{user.pk}")


def needs_second_factor(request: HttpRequest) -> bool:
    """Signed in with a password, in a service that requires a code, and no code given yet."""
    user = getattr(request, "user", None)
    if not settings.REQUIRE_TWO_FACTOR or user is None or not user.is_authenticated:
        return False
    # Just after the password is accepted, request.user is the plain account, not yet marked by django-otp.
    is_verified = getattr(user, "is_verified", None)
    return not (is_verified is not None and is_verified())


def has_confirmed_device(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def pending_device(user: Any) -> TOTPDevice:
    """The device being set up: made once, so its secret stays the same until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_of(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32, in groups of four."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def code_error(device: TOTPDevice, code: str) -> str | None:
    """None when the code is right; otherwise what to tell the person."""
    code = code.replace(" ", "")
    allowed, why = device.verify_is_allowed()
    if not allowed:
        wait = (why or {}).get("locked_until")
        return "Too many wrong codes. Wait a minute, then try the newest code" if wait else "Try again later"
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return "Enter the 6-digit code from your authenticator app"
    if not device.verify_token(code):
        return "The code is not right. Check the time on your phone and enter the newest code"
    return None


@transaction.atomic
def device_confirm(*, request: HttpRequest, device: TOTPDevice) -> None:
    """The first right code: the app is set up, and this sign-in is confirmed."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    otp_login(request, device)
    audit_sign_in_change(
        actor=device.user,
        user=device.user,
        action="staff.two_factor_set_up",
        summary="Authenticator app set up for signing in",
    )


def sign_in_confirm(*, request: HttpRequest, device: TOTPDevice) -> None:
    otp_login(request, device)


@transaction.atomic
def devices_reset(*, actor: Any, user: Any) -> int:
    """Remove a member of staff's authenticator app (a lost phone): they set one up at their next sign-in."""
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    audit_sign_in_change(
        actor=actor,
        user=user,
        action="staff.two_factor_reset",
        summary="Authenticator app removed: a new one is set up at the next sign-in",
    )
    return deleted
