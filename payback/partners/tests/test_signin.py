"""A contact signs in with a code emailed to them, kept only as a hash; wrong, expired and used
codes; lockout per email address and per client address; an address that is no contact's gets the
same answer and no email; a removed contact is signed out at once."""

from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from payback.core.models import AuditEvent
from payback.partners import services, signin
from payback.partners.models import ContactChallenge

from .conftest import CODE, World, last_code, sent, sign_in, text_of

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_a_contact_signs_in_with_the_code_emailed_to_them(world: World, outbox: Path) -> None:
    client = Client()
    response = client.post("/partners/sign-in/", {"email": " alex@shop.EXAMPLE "})
    assert response.status_code == 302 and response["Location"] == "/partners/sign-in/code/"
    (name, message) = next((n, m) for n, m in sent(outbox).items() if "sign-in" in n)
    assert name.startswith("email-partner-sign-in-") and message.startswith("To: alex@shop.example")
    code = CODE.search(message).group(1)  # type: ignore[union-attr]
    assert code not in ContactChallenge.objects.get().code_digest
    assert client.post("/partners/sign-in/code/", {"code": code})["Location"] == "/partners/"
    page = text_of(client.get("/partners/"))
    assert "Alex Ward, Charity shop Trust" in page and "Charity shop" in page and "Food bank" not in page
    assert AuditEvent.objects.filter(action="partners.signed_in").exists()
    # A code works once.
    token = signin.sign_in_start(email="alex@shop.example", address="192.0.2.1")
    fresh = last_code(outbox)
    assert signin.sign_in_finish(token=token, code=fresh, address="192.0.2.1") == world.alex
    with pytest.raises(ValidationError) as refused:
        signin.sign_in_finish(token=token, code=fresh, address="192.0.2.1")
    assert refused.value.message_dict == {"code": ["That code has stopped working. Ask for a new code."]}


def test_an_address_that_is_no_contacts_gets_the_same_answer_and_no_email(world: World, outbox: Path) -> None:
    before = set(sent(outbox))
    response = Client().post("/partners/sign-in/", {"email": "nobody@example.org"})
    assert response.status_code == 302 and response["Location"] == "/partners/sign-in/code/"
    assert {n for n in sent(outbox) if "sign-in" in n} - before == set()
    assert ContactChallenge.objects.get().contact is None


def test_bad_email_wrong_code_and_expired_code_are_refused_with_clear_messages(world: World, outbox: Path) -> None:
    client = Client()
    page = text_of(client.post("/partners/sign-in/", {"email": "not an email"}))
    assert "Enter your email address in the right format" in page and "There is a problem" in page
    client.post("/partners/sign-in/", {"email": "alex@shop.example"})
    code = last_code(outbox)
    page = text_of(client.post("/partners/sign-in/code/", {"code": wrong(code)}))
    assert "That code is not right" in page
    assert "The code is 6 numbers" in text_of(client.post("/partners/sign-in/code/", {"code": "12"}))
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=11)):
        page = text_of(client.post("/partners/sign-in/code/", {"code": code}))
    assert "That code has stopped working. Ask for a new code." in page
    assert client.get("/partners/")["Location"] == "/partners/sign-in/"


def test_five_wrong_tries_stop_the_code_and_ten_wrong_codes_lock_the_address(world: World, outbox: Path) -> None:
    client = Client()
    client.post("/partners/sign-in/", {"email": "alex@shop.example"})
    code = last_code(outbox)
    for _ in range(5):
        client.post("/partners/sign-in/code/", {"code": wrong(code)})
    assert "stopped working" in text_of(client.post("/partners/sign-in/code/", {"code": code}))
    client.post("/partners/sign-in/", {"email": "alex@shop.example"})
    code = last_code(outbox)
    for _ in range(5):
        client.post("/partners/sign-in/code/", {"code": wrong(code)})
    # 10 wrong codes for the email address: even the right code is refused for a while.
    response = client.post("/partners/sign-in/code/", {"code": code})
    assert response.status_code == 429 and "tried too many times" in text_of(response)
    response = client.post("/partners/sign-in/", {"email": "alex@shop.example"})
    assert response.status_code == 429 and "tried too many times" in text_of(response)
    # Another address, for another contact, is not locked out.
    assert Client(REMOTE_ADDR="192.0.2.9").post("/partners/sign-in/", {"email": "bea@bank.example"}).status_code == 302


def test_too_many_codes_asked_for_one_address_is_refused(world: World, outbox: Path) -> None:
    client = Client()
    for _ in range(5):
        assert client.post("/partners/sign-in/", {"email": "alex@shop.example"}).status_code == 302
    response = client.post("/partners/sign-in/", {"email": "alex@shop.example"})
    assert response.status_code == 429 and "asked for too many codes" in text_of(response)


def test_a_removed_contact_is_signed_out_at_once_and_cannot_sign_in_again(world: World, outbox: Path) -> None:
    client = sign_in(Client(), "alex@shop.example", outbox)
    raw, _ = signin.token_create(world.alex)
    assert signin.token_contact(raw) == world.alex
    services.contact_remove(actor=world.coordinator, contact=world.alex)
    assert client.get("/partners/")["Location"] == "/partners/sign-in/"
    assert "You were signed out" in text_of(client.get("/partners/sign-in/"))
    assert signin.token_contact(raw) is None
    emails = len(sent(outbox))
    client.post("/partners/sign-in/", {"email": "alex@shop.example"})
    assert len(sent(outbox)) == emails  # no code for a removed contact
    assert ContactChallenge.objects.order_by("-pk").first().contact is None  # type: ignore[union-attr]


def test_a_visit_ends_after_20_minutes_unused(world: World, outbox: Path) -> None:
    client = sign_in(Client(), "alex@shop.example", outbox)
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=21)):
        assert client.get("/partners/")["Location"] == "/partners/sign-in/"
