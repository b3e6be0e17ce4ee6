"""Signing in with a one-time code, for a beneficiary's named contact.

The contact gives their email address. A challenge is made whether or not it belongs to a live
contact, and the code is made and emailed by a background task, so the answer and its timing are
the same either way. The code, its tries, the limits on codes and wrong codes (for the email address
and for the client address) and how long a visit or token lasts are the person's service's own
(`payback.portal.rules`, with the same `PORTAL_SIGN_IN` overrides); only a keyed hash of the code,
the email address, the challenge and the token is kept.

A signed-in visit lives in its own key of the browser's session. A contact the coordinator removes
is signed out at once: their visit and tokens are checked against the contact on every request."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from payback.core.services import audit_record
from payback.notifications.gateway import message_gateway
from payback.portal import codes
from payback.portal.signin import SignInRefused, limits

from . import wording
from .models import BeneficiaryContact, ContactAttempt, ContactChallenge, ContactToken
from .rules import email_problem, normalise_email

WRONG_CODE = (
    "That code is not right. Check the code and try again. If it still does not work, check your email "
    "address and ask for a new code."
)
TOKEN_PREFIX = "bp_"  # noqa: S105 - the public prefix of a contact's API token, not a secret
__all__ = ["SignInRefused", "limits"]


def audit_by_contact(contact: BeneficiaryContact, action: str, obj: Any, summary: str) -> None:
    actor = codes.OnlineActor(f"{contact.name} ({contact.beneficiary.name}), beneficiary's contact, online")
    audit_record(actor=actor, action=action, obj=obj, summary=summary)


SIGN_IN = codes.CodeSignIn(
    service="partners",
    owner="contact",
    field="email",
    challenges=ContactChallenge,
    attempts=ContactAttempt,
    tokens=ContactToken,
    wrong_code=WRONG_CODE,
    token_prefix=TOKEN_PREFIX,
    limits=limits,
    audit=audit_by_contact,
    related="contact__beneficiary",
)


def live_contact(email: str) -> BeneficiaryContact | None:
    return BeneficiaryContact.objects.filter(email=email, removed_at__isnull=True).first()


@transaction.atomic
def sign_in_start(*, email: str, address: str) -> str:
    """Ask for a code: the challenge's token, which the code must be given with. The same whether or
    not the address belongs to a live contact; a ValidationError names `email` when its shape is
    wrong, and SignInRefused says there have been too many tries."""
    email = normalise_email(email)
    problem = email_problem(email)
    if problem:
        raise ValidationError({"email": problem})
    from .tasks import send_contact_code

    return SIGN_IN.start(
        identifier=email, owner=lambda: live_contact(email), address=address, send=send_contact_code.enqueue
    )


def _deliver(challenge: ContactChallenge, code: str) -> Callable[[], object] | None:
    contact = challenge.contact
    if contact is None:
        return None
    subject, body = wording.code_message(code, limits().code_minutes)
    reference = f"partner-sign-in-{challenge.pk}"
    return lambda: message_gateway().send_email(to=contact.email, subject=subject, body=body, reference=reference)


def sign_in_code_send(*, challenge_id: int) -> str:
    """Make the challenge's code, keep its hash, and email it to the contact. For an address that is
    no live contact's, a code is made and never sent. Once only."""
    return SIGN_IN.code_send(challenge_id, _deliver)


def sign_in_finish(*, token: str, code: str, address: str) -> BeneficiaryContact:
    """The contact, once the code is right for the challenge and they have not been removed since. A
    wrong code counts against the code, the email address and the client address (and is kept even
    though the answer is an error)."""
    contact: BeneficiaryContact = SIGN_IN.finish(token=token, code=code, address=address, live=lambda c: c.live)
    return contact


# ---------------------------------------------------------------------------------------------
# A signed-in visit in the browser: its own key in the session, never Django's staff sign-in

VISITS = SIGN_IN.visits
VISIT, CHALLENGE, ENDED = VISITS.key, VISITS.challenge, VISITS.ended


def visit_contact(request: HttpRequest) -> BeneficiaryContact | None:
    """The signed-in contact, while their visit lasts and they are not removed; None otherwise (a
    visit that has ended is remembered as such for the sign-in page)."""
    live = BeneficiaryContact.objects.select_related("beneficiary").filter(removed_at__isnull=True)
    return VISITS.current(request, lambda pk: live.filter(pk=pk).first())


# ---------------------------------------------------------------------------------------------
# The contact's API tokens


def token_create(contact: BeneficiaryContact) -> tuple[str, ContactToken]:
    """A new bearer token for the contact: shown once, only its hash kept."""
    raw, token = SIGN_IN.token_create(contact)
    return raw, token


def token_contact(raw: str) -> BeneficiaryContact | None:
    """The live contact whose live token this is (and the token kept alive), or None."""
    contact: BeneficiaryContact | None = SIGN_IN.token_owner(raw, contact__removed_at__isnull=True)
    return contact


def tokens_revoke_all(contact: BeneficiaryContact) -> int:
    return ContactToken.objects.filter(contact=contact, revoked_at__isnull=True).update(revoked_at=timezone.now())
