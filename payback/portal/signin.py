"""Signing in with a one-time code, for the person doing unpaid work.

The person gives their case number (CRN) and date of birth. A challenge is made whether or not they
match anyone, and the code is made and sent by a background task, so the answer and the time it
takes are the same either way: nothing says whether a case number exists, and nothing is sent when
the details do not match. A code is 6 numbers, works for 10 minutes and for 5 tries, and only a keyed
hash of it is kept. Codes asked for and wrong codes are counted for the case number and for the client
address; past the limits (`rules.Limits`, overridden by the setting `PORTAL_SIGN_IN`) sign-in stops
for a while.

A signed-in visit lives in its own key of the browser's session (never Django's staff sign-in) and
ends after 20 minutes unused; the API's bearer tokens for the person follow the same limits."""

import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from payback.cases.models import Person
from payback.core.services import audit_record

from . import codes, rules, wording
from .contact import contact_for, gateway_send
from .models import AttemptKind, PersonToken, SignInAttempt, SignInChallenge

logger = logging.getLogger(__name__)

LOCKED = "You have tried too many times. For your safety, wait 15 minutes and then try again."
TOO_MANY_CODES = "You have asked for too many codes. Wait 15 minutes and then ask for a new code."
WRONG_CODE = (
    "That code is not right. Check the code and try again. If it still does not work, check your case "
    "number and date of birth and ask for a new code."
)
CODE_STOPPED = codes.CODE_STOPPED
TOKEN_PREFIX = "pp_"  # noqa: S105 - the public prefix of a person's API token, not a secret


class SignInRefused(Exception):
    """Too many tries or codes: nothing was checked or sent. The message says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def limits() -> rules.Limits:
    return rules.Limits.with_overrides(getattr(settings, "PORTAL_SIGN_IN", {}))


def _digest(purpose: str, value: str) -> str:
    return codes.digest("portal", purpose, value)


def _code_digest(challenge_id: int, code: str) -> str:
    return _digest("code", f"{challenge_id}:{code}")


@dataclass(frozen=True)
class PersonActor:
    """The person, named in the audit trail for what they did themselves (they are not staff)."""

    person: Person
    pk: None = None

    def get_full_name(self) -> str:
        return f"{self.person.full_name} ({self.person.crn}), online"


def audit_by_person(person: Person, action: str, obj: Any, summary: str) -> None:
    audit_record(actor=PersonActor(person), action=action, obj=obj, summary=summary, subject=f"person:{person.pk}")


def _counts(crn_digest: str, address: str, now: datetime, window: int) -> rules.Counts:
    return codes.attempt_counts(SignInAttempt, "crn_digest", crn_digest, address, now, window)


def _start_errors(crn: str, date_of_birth: date | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    problem = rules.crn_problem(crn)
    if problem:
        errors["crn"] = problem
    if date_of_birth is None:
        errors["date_of_birth"] = "Enter your date of birth"
    elif date_of_birth >= timezone.localdate():
        errors["date_of_birth"] = "Your date of birth must be in the past"
    return errors


@transaction.atomic
def sign_in_start(*, crn: str, date_of_birth: date | None, address: str) -> str:
    """Ask for a code: the challenge's token, which the code must be given with. The same whether or
    not the details match someone; a ValidationError names a field whose shape is wrong, and
    SignInRefused says there have been too many tries."""
    crn = rules.normalise_crn(crn)
    errors = _start_errors(crn, date_of_birth)
    if errors:
        raise ValidationError(errors)
    now, limit = timezone.now(), limits()
    crn_digest = _digest("crn", crn)
    counts = _counts(crn_digest, address, now, limit.window_minutes)
    if rules.locked_out(counts, limit):
        raise SignInRefused(LOCKED)
    if rules.too_many_codes(counts, limit):
        raise SignInRefused(TOO_MANY_CODES)
    assert date_of_birth is not None
    token = secrets.token_urlsafe(32)
    challenge = SignInChallenge.objects.create(
        person=Person.objects.filter(crn=crn, date_of_birth=date_of_birth).first(),
        token_digest=_digest("challenge", token),
        crn_digest=crn_digest,
        address=address,
        expires_at=now + timedelta(minutes=limit.code_minutes),
    )
    SignInAttempt.objects.create(kind=AttemptKind.CODE_ASKED, crn_digest=crn_digest, address=address, at=now)
    from .tasks import send_sign_in_code

    # Queued in this transaction (the task table is in the database): the worker makes and sends the code.
    send_sign_in_code.enqueue(challenge.pk)
    return token


def sign_in_code_send(*, challenge_id: int) -> str:
    """Make the challenge's code, keep its hash, and send it to the person by text or email as they
    prefer. For details that matched nobody a code is made and never sent. Once only."""
    with transaction.atomic():
        locked = SignInChallenge.objects.select_for_update(of=("self",)).select_related("person")
        challenge = locked.get(pk=challenge_id)
        if challenge.code_digest or challenge.used_at is not None:
            return "already made"
        code = codes.new_code()
        challenge.code_digest = _code_digest(challenge.pk, code)
        channel, to = contact_for(challenge.person) if challenge.person is not None else ("", "")
        challenge.sent_by = channel
        challenge.save(update_fields=["code_digest", "sent_by"])
    if not to:
        return "not sent"
    subject, body = wording.code_message(code, limits().code_minutes)
    try:
        gateway_send(channel=channel, to=to, subject=subject, body=body, reference=f"sign-in-{challenge.pk}")
    except Exception:  # the person is told to ask for a new code if none comes
        logger.exception("Could not send sign-in code %s", challenge.pk)
        return "failed"
    return "sent"


def _check_code(challenge: SignInChallenge | None, code: str, now: datetime, limit: rules.Limits) -> str | None:
    """None when the code is right for the challenge; otherwise what to tell the person."""
    return codes.code_answer(
        challenge,
        matched=challenge is not None and challenge.person_id is not None,
        given_digest=_code_digest(challenge.pk, code) if challenge is not None else "",
        now=now,
        limit=limit,
        wrong=WRONG_CODE,
    )


def sign_in_finish(*, token: str, code: str, address: str) -> Person:
    """The person, once the code is right for the challenge. A wrong code counts against the code,
    the case number and the address (and is kept even though the answer is an error)."""
    code = rules.normalise_code(code)
    problem = rules.code_problem(code)
    if problem:
        raise ValidationError({"code": problem})
    now, limit = timezone.now(), limits()
    with transaction.atomic():
        challenge = SignInChallenge.objects.select_for_update().filter(token_digest=_digest("challenge", token)).first()
        crn_digest = challenge.crn_digest if challenge is not None else ""
        if rules.locked_out(_counts(crn_digest, address, now, limit.window_minutes), limit):
            raise SignInRefused(LOCKED)
        wrong = _check_code(challenge, code, now, limit)
        if wrong == WRONG_CODE and challenge is not None:
            challenge.tries += 1
            challenge.save(update_fields=["tries"])
            SignInAttempt.objects.create(kind=AttemptKind.WRONG_CODE, crn_digest=crn_digest, address=address, at=now)
            if challenge.tries >= limit.tries_per_code:
                wrong = CODE_STOPPED
        if wrong is None and challenge is not None and challenge.person is not None:
            challenge.used_at = now
            challenge.save(update_fields=["used_at"])
            SignInAttempt.objects.filter(kind=AttemptKind.WRONG_CODE, crn_digest=crn_digest, address=address).delete()
            audit_by_person(challenge.person, "portal.signed_in", challenge.person, "Signed in to Community Payback")
            return challenge.person
    raise ValidationError({"code": wrong})


# ---------------------------------------------------------------------------------------------
# A signed-in visit in the browser: its own key in the session, never Django's staff sign-in

VISITS = codes.Visits("portal", "person", limits)
VISIT, CHALLENGE, ENDED = VISITS.key, VISITS.challenge, VISITS.ended


def visit_start(request: HttpRequest, person: Person) -> None:
    """Signed in: a new session key (nothing from before carries over), the person and the time."""
    VISITS.start(request, person.pk)


def visit_person(request: HttpRequest) -> Person | None:
    """The signed-in person, while their visit lasts (each page keeps it going); None otherwise, and
    a visit that has run out is ended and remembered as such for the sign-in page."""
    return VISITS.current(request, lambda pk: Person.objects.filter(pk=pk).first())


def visit_end(request: HttpRequest) -> None:
    VISITS.end(request)


# ---------------------------------------------------------------------------------------------
# The person's API tokens


def person_token_create(person: Person) -> tuple[str, PersonToken]:
    """A new bearer token for the person: shown once, only its hash kept."""
    raw, now, expires_at = codes.token_new(TOKEN_PREFIX, limits())
    token = PersonToken.objects.create(
        person=person, digest=_digest("token", raw), last_used_at=now, expires_at=expires_at
    )
    return raw, token


def person_token_person(raw: str) -> Person | None:
    """The person whose live token this is (and the token kept alive), or None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    token = (
        PersonToken.objects.select_related("person")
        .filter(digest=_digest("token", raw), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not codes.token_live(token, now, limits()):
        return None
    PersonToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.person


def person_token_revoke(raw: str) -> int:
    return PersonToken.objects.filter(digest=_digest("token", raw), revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
