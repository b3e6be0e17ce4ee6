"""Signing in with a one-time code: the code sent to the case's contact details, kept only as a hash;
wrong, expired and used codes; lockout per case number and per address; and nothing that tells
whether a case number exists."""

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils import timezone

from payback.core.models import AuditEvent
from payback.portal import signin
from payback.portal.models import AttemptKind, ContactPreference, SignInAttempt, SignInChallenge
from payback.portal.urls import urlpatterns

from .conftest import CODE, World, ask_for_code, dob, last_code, sent, sign_in, text_of

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]


def code_page(client: Client, code: str) -> Any:
    return client.post("/my/sign-in/code/", {"code": code})


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_a_person_signs_in_with_the_code_texted_to_the_case_phone(world: World, outbox: Path) -> None:
    client = Client()
    response = ask_for_code(client, world.jo.person)
    assert response.status_code == 302 and response["Location"] == "/my/sign-in/code/"
    (name, message) = next(iter(sent(outbox).items()))
    assert name.startswith("text-sign-in-") and message.startswith("To: 07700 900123")
    code = CODE.search(message).group(1)  # type: ignore[union-attr]
    # Only a keyed hash of the code is kept: the code itself is nowhere in the database.
    challenge = SignInChallenge.objects.get()
    assert challenge.code_digest and code not in challenge.code_digest and challenge.sent_by == "text"
    response = code_page(client, code)
    assert response["Location"] == "/my/"
    page = text_of(client.get("/my/"))
    assert "Jo Rivers" in page and "Your hours" in page
    assert AuditEvent.objects.filter(action="portal.signed_in", subject=f"person:{world.jo.person_id}").exists()


def test_the_code_goes_by_email_when_the_person_prefers_it(world: World, outbox: Path) -> None:
    person = world.jo.person
    person.email = "jo@example.com"
    person.save(update_fields=["email"])
    ContactPreference.objects.create(person=person, channel="email")
    ask_for_code(Client(), person)
    (name, message) = next(iter(sent(outbox).items()))
    assert name.startswith("email-sign-in-") and "To: jo@example.com" in message and CODE.search(message)


def _answer(response: Any) -> tuple[int, str, str]:
    """What the person sees, without the parts that differ on every request."""
    page = text_of(response) if response.status_code == 200 else ""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    page = re.sub(r'nonce="[^"]+"', "", page)
    return response.status_code, response.get("Location", ""), page


def test_a_case_number_that_does_not_exist_looks_exactly_like_one_that_does(world: World, outbox: Path) -> None:
    """The same pages, the same records made (a challenge and a count), only no code is sent; any code
    then given is 'not right', in the same words as a wrong code for a real case."""
    real, made_up, wrong_birthday = Client(), Client(), Client()
    answers = [
        ask_for_code(real, world.jo.person),
        ask_for_code(made_up, world.jo.person, crn="Z999999"),
        ask_for_code(wrong_birthday, world.jo.person, born=date(1991, 1, 1)),
    ]
    assert len({_answer(a) for a in answers}) == 1
    assert SignInChallenge.objects.count() == 3
    assert SignInAttempt.objects.filter(kind=AttemptKind.CODE_ASKED).count() == 3
    assert len(sent(outbox)) == 1  # only the real one
    code = last_code(outbox)
    pages = [_answer(code_page(client, wrong(code))) for client in (real, made_up, wrong_birthday)]
    assert len(set(pages)) == 1 and "That code is not right" in pages[0][2]
    # Even the real code does nothing for details that did not match.
    assert "That code is not right" in text_of(code_page(made_up, code))
    assert made_up.get("/my/")["Location"] == "/my/sign-in/"


def test_a_badly_shaped_case_number_or_date_is_named_on_its_field(db: Any, outbox: Path) -> None:
    response = Client().post("/my/sign-in/", {"crn": "12345", **dob(date(2030, 1, 1))})
    page = text_of(response)
    assert response.status_code == 200
    assert "Your case number is a letter and then 6 numbers, like X123456" in page
    assert "Your date of birth must be in the past" in page
    assert not SignInChallenge.objects.exists() and not sent(outbox)


def test_a_code_stops_working_after_five_wrong_tries(world: World, outbox: Path) -> None:
    client = Client()
    ask_for_code(client, world.jo.person)
    code = last_code(outbox)
    for _ in range(4):
        assert "That code is not right" in text_of(code_page(client, wrong(code)))
    assert "That code has stopped working. Ask for a new code." in text_of(code_page(client, wrong(code)))
    assert "That code has stopped working" in text_of(code_page(client, code))
    assert SignInChallenge.objects.get().tries == 5


def test_a_code_stops_working_after_ten_minutes_and_once_used(world: World, outbox: Path) -> None:
    client = Client()
    ask_for_code(client, world.jo.person)
    code = last_code(outbox)
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert "That code has stopped working" in text_of(code_page(client, code))
    other = Client()
    ask_for_code(other, world.jo.person)
    token = other.session[signin.CHALLENGE]
    code = last_code(outbox)
    assert code_page(other, code)["Location"] == "/my/"
    # The same code again (a replayed submit) signs nobody in.
    with pytest.raises(Exception, match="stopped working"):
        signin.sign_in_finish(token=token, code=code, address="127.0.0.1")


def test_wrong_codes_lock_the_case_number_out_whoever_asks_and_whether_or_not_it_exists(
    world: World, outbox: Path
) -> None:
    for crn in (world.jo.person.crn, "Z999999"):
        for n in range(2):  # 2 codes of 5 wrong tries each, from different addresses
            address = f"10.0.{n}.1"
            token = signin.sign_in_start(crn=crn, date_of_birth=world.jo.person.date_of_birth, address=address)
            for _ in range(5):
                with pytest.raises(Exception, match=r"not right|stopped working"):
                    signin.sign_in_finish(token=token, code="000000", address=address)
        # Now locked, for any address: even the right code is refused, with the same words either way.
        with pytest.raises(signin.SignInRefused, match="tried too many times"):
            signin.sign_in_start(crn=crn, date_of_birth=world.jo.person.date_of_birth, address="10.9.9.9")
    page = text_of(ask_for_code(Client(), world.jo.person))
    assert "Too many tries" in page and "wait 15 minutes" in page
    # After 15 minutes the person can sign in again.
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        sign_in(Client(), world.jo.person, outbox)


def test_wrong_codes_from_one_address_lock_that_address_out(world: World, outbox: Path, settings: Any) -> None:
    settings.PORTAL_SIGN_IN = {"wrong_codes_per_address": 6}
    for n in range(2):
        token = signin.sign_in_start(crn=f"Y00000{n}", date_of_birth=date(1990, 1, 1), address="10.1.1.1")
        for _ in range(3):
            with pytest.raises(Exception, match="not right"):
                signin.sign_in_finish(token=token, code="123456", address="10.1.1.1")
    with pytest.raises(signin.SignInRefused):
        signin.sign_in_start(crn=world.jo.person.crn, date_of_birth=world.jo.person.date_of_birth, address="10.1.1.1")
    # Another address is not affected.
    signin.sign_in_start(crn=world.jo.person.crn, date_of_birth=world.jo.person.date_of_birth, address="10.2.2.2")


def test_the_address_counted_is_the_one_the_service_trusts(world: World, outbox: Path, settings: Any) -> None:
    """Behind one trusted proxy, the client is the last address in X-Forwarded-For: a spoofed
    first entry does not escape the limit."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PORTAL_SIGN_IN = {"codes_per_address": 2}
    for spoof in ("1.1.1.1", "2.2.2.2"):
        Client().post(
            "/my/sign-in/",
            {"crn": world.jo.person.crn, **dob(world.jo.person.date_of_birth)},
            HTTP_X_FORWARDED_FOR=f"{spoof}, 203.0.113.9",
        )
    response = Client().post(
        "/my/sign-in/", {"crn": "Z999999", **dob(date(1990, 1, 1))}, HTTP_X_FORWARDED_FOR="3.3.3.3, 203.0.113.9"
    )
    assert response.status_code == 429 and "too many codes" in text_of(response)
    assert set(SignInChallenge.objects.values_list("address", flat=True)) == {"203.0.113.9"}


def test_too_many_codes_for_one_case_number_are_refused(world: World, outbox: Path) -> None:
    for _ in range(5):
        assert ask_for_code(Client(), world.jo.person).status_code == 302
    response = ask_for_code(Client(), world.jo.person)
    assert response.status_code == 429 and "You have asked for too many codes" in text_of(response)
    assert len(sent(outbox)) == 5


def test_a_visit_ends_after_twenty_minutes_unused_and_says_so(world: World, outbox: Path) -> None:
    client = sign_in(Client(), world.jo.person, outbox)
    with time_machine.travel(timezone.now() + timedelta(minutes=15)):
        assert client.get("/my/").status_code == 200  # used: it carries on
    with time_machine.travel(timezone.now() + timedelta(minutes=36)):
        assert client.get("/my/sessions/")["Location"] == "/my/sign-in/"
        assert "You were signed out to keep your details safe" in text_of(client.get("/my/sign-in/"))


def test_signing_out_ends_the_visit(world: World, outbox: Path) -> None:
    client = sign_in(Client(), world.jo.person, outbox)
    assert client.post("/my/sign-out/")["Location"] == "/my/signed-out/"
    assert client.get("/my/")["Location"] == "/my/sign-in/"


def test_a_signed_in_member_of_staff_is_not_a_person(world: World) -> None:
    client = Client()
    client.force_login(world.practitioner)
    assert client.get("/my/")["Location"] == "/my/sign-in/"


def test_every_page_of_the_person_is_never_stored(world: World, outbox: Path) -> None:
    client = sign_in(Client(), world.jo.person, outbox)
    names = [p.name for p in urlpatterns if isinstance(p, URLPattern) and not p.name.startswith("staff-")]
    args = {"cannot-come": [world.booking.pk], "letter": [1]}
    for name in names:
        response = client.get(reverse(f"portal:{name}", args=args.get(name, [])))
        assert "no-store" in response["Cache-Control"], name
    for name in ("sign-in", "code", "signed-out"):
        assert "no-store" in Client().get(reverse(f"portal:{name}"))["Cache-Control"]


def test_the_person_pages_are_never_sent_through_the_staff_two_factor_sign_in(
    world: World, outbox: Path, settings: Any
) -> None:
    """With two-factor on, a member of staff who has given only their password is held at the code
    page everywhere but the person's pages (a shared computer, say)."""
    settings.REQUIRE_TWO_FACTOR = True
    client = Client()
    client.post("/sign-in/", {"username": world.practitioner.username, "password": "correct-horse-battery-staple"})
    assert client.get("/cases/")["Location"].startswith("/account/authenticator/")
    assert client.get("/my/sign-in/").status_code == 200
    sign_in(client, world.jo.person, outbox)
    assert client.get("/my/").status_code == 200
    staff_page = client.get(f"/my/staff/people/{world.jo.person.crn}/")
    assert staff_page["Location"].startswith("/account/authenticator/")
