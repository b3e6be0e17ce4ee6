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

from collections.abc import Callable
from datetime import date
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
from .models import PersonToken, SignInAttempt, SignInChallenge

WRONG_CODE = (
    "That code is not right. Check the code and try again. If it still does not work, check your case "
    "number and date of birth and ask for a new code."
)
CODE_STOPPED, LOCKED, TOO_MANY_CODES = codes.CODE_STOPPED, codes.LOCKED, codes.TOO_MANY_CODES
SignInRefused = codes.SignInRefused
TOKEN_PREFIX = "pp_"  # noqa: S105 - the public prefix of a person's API token, not a secret


def limits() -> rules.Limits:
    return rules.Limits.with_overrides(getattr(settings, "PORTAL_SIGN_IN", {}))


def audit_by_person(person: Person, action: str, obj: Any, summary: str) -> None:
    actor = codes.OnlineActor(f"{person.full_name} ({person.crn}), online")
    audit_record(actor=actor, action=action, obj=obj, summary=summary, subject=f"person:{person.pk}")


SIGN_IN = codes.CodeSignIn(
    service="portal",
    owner="person",
    field="crn",
    challenges=SignInChallenge,
    attempts=SignInAttempt,
    tokens=PersonToken,
    wrong_code=WRONG_CODE,
    token_prefix=TOKEN_PREFIX,
    limits=limits,
    audit=audit_by_person,
    related="person",
)


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
    assert date_of_birth is not None
    from .tasks import send_sign_in_code

    # Queued in this transaction (the task table is in the database): the worker makes and sends the code.
    person = Person.objects.filter(crn=crn, date_of_birth=date_of_birth).first
    return SIGN_IN.start(identifier=crn, owner=person, address=address, send=send_sign_in_code.enqueue)


def _deliver(challenge: SignInChallenge, code: str) -> Callable[[], object] | None:
    channel, to = contact_for(challenge.person) if challenge.person is not None else ("", "")
    challenge.sent_by = channel
    if not to:
        return None
    subject, body = wording.code_message(code, limits().code_minutes)
    reference = f"sign-in-{challenge.pk}"
    return lambda: gateway_send(channel=channel, to=to, subject=subject, body=body, reference=reference)


def sign_in_code_send(*, challenge_id: int) -> str:
    """Make the challenge's code, keep its hash, and send it to the person by text or email as they
    prefer. For details that matched nobody a code is made and never sent. Once only."""
    return SIGN_IN.code_send(challenge_id, _deliver, also_saved=("sent_by",))


def sign_in_finish(*, token: str, code: str, address: str) -> Person:
    """The person, once the code is right for the challenge. A wrong code counts against the code,
    the case number and the address (and is kept even though the answer is an error)."""
    person: Person = SIGN_IN.finish(token=token, code=code, address=address)
    return person


# ---------------------------------------------------------------------------------------------
# A signed-in visit in the browser: its own key in the session, never Django's staff sign-in

VISITS = SIGN_IN.visits
VISIT, CHALLENGE, ENDED = VISITS.key, VISITS.challenge, VISITS.ended


def visit_person(request: HttpRequest) -> Person | None:
    """The signed-in person, while their visit lasts (each page keeps it going); None otherwise, and
    a visit that has run out is ended and remembered as such for the sign-in page."""
    return VISITS.current(request, lambda pk: Person.objects.filter(pk=pk).first())


# ---------------------------------------------------------------------------------------------
# The person's API tokens


def person_token_create(person: Person) -> tuple[str, PersonToken]:
    """A new bearer token for the person: shown once, only its hash kept."""
    raw, token = SIGN_IN.token_create(person)
    return raw, token


def person_token_person(raw: str) -> Person | None:
    """The person whose live token this is (and the token kept alive), or None."""
    person: Person | None = SIGN_IN.token_owner(raw)
    return person
