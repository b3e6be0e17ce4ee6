"""Changing a password when signed in, and resetting it by email without telling anyone whether an
account exists."""

import re

import pytest
from django.core import mail
from django.test import Client

from payback.core.models import AuditEvent
from payback.staff.models import User

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"
NEW_PASSWORD = "a-brand-new-passphrase-for-2026"


def test_a_signed_in_member_of_staff_changes_their_password(practitioner: User) -> None:
    client = Client()
    client.force_login(practitioner)
    page = client.get("/account/password/")
    assert page.status_code == 200
    assert "<ul>" not in page.content.decode().split('id="main-content"')[-1].split("</form>")[0]  # plain hint

    wrong = client.post(
        "/account/password/",
        {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.context["form"].errors["old_password"] == ["Your current password is not right"]
    weak = client.post(
        "/account/password/", {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"}
    )
    assert "new_password2" in weak.context["form"].errors
    mismatch = client.post(
        "/account/password/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": "other"}
    )
    assert mismatch.context["form"].errors["new_password2"] == ["The two new passwords are not the same"]

    done = client.post(
        "/account/password/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert client.get("/cases/").status_code == 200  # still signed in
    assert User.objects.get(username="pat").check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="staff.password_changed", actor=practitioner).exists()


def test_password_change_needs_a_sign_in() -> None:
    response = Client().get("/account/password/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_reset_answers_the_same_whether_or_not_the_account_exists(practitioner: User) -> None:
    practitioner.email = "pat@justice.example.gov.uk"
    practitioner.save()
    client = Client()
    known = client.post("/password-reset/", {"email": "PAT@justice.example.gov.uk"})
    unknown = client.post("/password-reset/", {"email": "nobody@justice.example.gov.uk"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/password-reset/sent/"
    sent = client.get("/password-reset/sent/").content.decode()
    assert "If the address you gave belongs to an account" in sent
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["pat@justice.example.gov.uk"]


def test_reset_link_sets_a_new_password_once(practitioner: User) -> None:
    practitioner.email = "pat@justice.example.gov.uk"
    practitioner.save()
    client = Client()
    client.post("/password-reset/", {"email": "pat@justice.example.gov.uk"})
    link = re.search(r"https?://[^/]+(/password-reset/[^/\s]+/[^/\s]+/)", mail.outbox[0].body)
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    assert form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/password-reset/done/"
    assert User.objects.get(username="pat").check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="staff.password_reset", actor=practitioner).exists()
    again = Client().get(link.group(1), follow=True)
    assert not again.context["validlink"]
    assert "The link has expired" in again.content.decode()


def test_reset_asks_for_a_real_address() -> None:
    response = Client().post("/password-reset/", {"email": "not an address"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["Enter an email address like name@justice.gov.uk"]
    assert len(mail.outbox) == 0


def test_the_sign_in_page_offers_a_reset() -> None:
    assert 'href="/password-reset/"' in Client().get("/sign-in/").content.decode()
