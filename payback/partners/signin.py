"""Signing in with a one-time code, for a beneficiary's named contact.

The contact gives their email address. A challenge is made whether or not it belongs to a live
contact, and the code is made and emailed by a background task, so the answer and its timing are
the same either way. The code, its tries, the limits on codes and wrong codes (for the email address
and for the client address) and how long a visit or token lasts are the person's service's own
(`payback.portal.rules`, with the same `PORTAL_SIGN_IN` overrides); only a keyed hash of the code,
the email address, the challenge and the token is kept.

A signed-in visit lives in its own key of the browser's session. A contact the coordinator removes
is signed out at once: their visit and tokens are checked against the contact on every request."""

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from payback.core.services import audit_record
from payback.notifications.gateway import message_gateway
from payback.portal import codes, rules
from payback.portal.models import AttemptKind
from payback.portal.signin import CODE_STOPPED, LOCKED, TOO_MANY_CODES, SignInRefused, limits

from . import wording
from .models import BeneficiaryContact, ContactAttempt, ContactChallenge, ContactToken
from .rules import email_problem, normalise_email

logger = logging.getLogger(__name__)

WRONG_CODE = (
    "That code is not right. Check the code and try again. If it still does not work, check your email "
    "address and ask for a new code."
)
TOKEN_PREFIX = "bp_"  # noqa: S105 - the public prefix of a contact's API token, not a secret
__all__ = ["SignInRefused", "limits"]


def _digest(purpose: str, value: str) -> str:
    return codes.digest("partners", purpose, value)


@dataclass(frozen=True)
class ContactActor:
    """The beneficiary's contact, named in the audit trail for what they did themselves (not staff)."""

    contact: BeneficiaryContact
    pk: None = None

    def get_full_name(self) -> str:
        return f"{self.contact.name} ({self.contact.beneficiary.name}), beneficiary's contact, online"


def audit_by_contact(contact: BeneficiaryContact, action: str, obj: Any, summary: str) -> None:
    audit_record(actor=ContactActor(contact), action=action, obj=obj, summary=summary)


def _counts(email_digest: str, address: str, now: datetime, window: int) -> rules.Counts:
    return codes.attempt_counts(ContactAttempt, "email_digest", email_digest, address, now, window)


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
    now, limit = timezone.now(), limits()
    email_digest = _digest("email", email)
    counts = _counts(email_digest, address, now, limit.window_minutes)
    if rules.locked_out(counts, limit):
        raise SignInRefused(LOCKED)
    if rules.too_many_codes(counts, limit):
        raise SignInRefused(TOO_MANY_CODES)
    token = secrets.token_urlsafe(32)
    challenge = ContactChallenge.objects.create(
        contact=live_contact(email),
        token_digest=_digest("challenge", token),
        email_digest=email_digest,
        address=address,
        expires_at=now + timedelta(minutes=limit.code_minutes),
    )
    ContactAttempt.objects.create(kind=AttemptKind.CODE_ASKED, email_digest=email_digest, address=address, at=now)
    from .tasks import send_contact_code

    send_contact_code.enqueue(challenge.pk)
    return token


def sign_in_code_send(*, challenge_id: int) -> str:
    """Make the challenge's code, keep its hash, and email it to the contact. For an address that is
    no live contact's, a code is made and never sent. Once only."""
    with transaction.atomic():
        locked = ContactChallenge.objects.select_for_update(of=("self",)).select_related("contact")
        challenge = locked.get(pk=challenge_id)
        if challenge.code_digest or challenge.used_at is not None:
            return "already made"
        code = codes.new_code()
        challenge.code_digest = _digest("code", f"{challenge.pk}:{code}")
        challenge.save(update_fields=["code_digest"])
    if challenge.contact is None:
        return "not sent"
    subject, body = wording.code_message(code, limits().code_minutes)
    try:
        message_gateway().send_email(
            to=challenge.contact.email, subject=subject, body=body, reference=f"partner-sign-in-{challenge.pk}"
        )
    except Exception:  # the contact is told to ask for a new code if none comes
        logger.exception("Could not send sign-in code %s", challenge.pk)
        return "failed"
    return "sent"


def _check_code(challenge: ContactChallenge | None, code: str, now: datetime, limit: rules.Limits) -> str | None:
    """None when the code is right for the challenge; otherwise what to tell the contact."""
    return codes.code_answer(
        challenge,
        matched=challenge is not None and challenge.contact_id is not None,
        given_digest=_digest("code", f"{challenge.pk}:{code}") if challenge is not None else "",
        now=now,
        limit=limit,
        wrong=WRONG_CODE,
    )


def sign_in_finish(*, token: str, code: str, address: str) -> BeneficiaryContact:
    """The contact, once the code is right for the challenge and they have not been removed since. A
    wrong code counts against the code, the email address and the client address (and is kept even
    though the answer is an error)."""
    code = rules.normalise_code(code)
    problem = rules.code_problem(code)
    if problem:
        raise ValidationError({"code": problem})
    now, limit = timezone.now(), limits()
    with transaction.atomic():
        challenge = (
            ContactChallenge.objects.select_for_update(of=("self",))
            .select_related("contact__beneficiary")
            .filter(token_digest=_digest("challenge", token))
            .first()
        )
        email_digest = challenge.email_digest if challenge is not None else ""
        if rules.locked_out(_counts(email_digest, address, now, limit.window_minutes), limit):
            raise SignInRefused(LOCKED)
        wrong = _check_code(challenge, code, now, limit)
        if wrong == WRONG_CODE and challenge is not None:
            challenge.tries += 1
            challenge.save(update_fields=["tries"])
            ContactAttempt.objects.create(
                kind=AttemptKind.WRONG_CODE, email_digest=email_digest, address=address, at=now
            )
            if challenge.tries >= limit.tries_per_code:
                wrong = CODE_STOPPED
        contact = challenge.contact if challenge is not None else None
        if wrong is None and challenge is not None and contact is not None and contact.live:
            challenge.used_at = now
            challenge.save(update_fields=["used_at"])
            ContactAttempt.objects.filter(
                kind=AttemptKind.WRONG_CODE, email_digest=email_digest, address=address
            ).delete()
            audit_by_contact(contact, "partners.signed_in", contact, "Signed in to Community Payback")
            return contact
    raise ValidationError({"code": wrong or CODE_STOPPED})


# ---------------------------------------------------------------------------------------------
# A signed-in visit in the browser: its own key in the session, never Django's staff sign-in

VISITS = codes.Visits("partners", "contact", limits)
VISIT, CHALLENGE, ENDED = VISITS.key, VISITS.challenge, VISITS.ended


def visit_start(request: HttpRequest, contact: BeneficiaryContact) -> None:
    VISITS.start(request, contact.pk)


def visit_contact(request: HttpRequest) -> BeneficiaryContact | None:
    """The signed-in contact, while their visit lasts and they are not removed; None otherwise (a
    visit that has ended is remembered as such for the sign-in page)."""
    live = BeneficiaryContact.objects.select_related("beneficiary").filter(removed_at__isnull=True)
    return VISITS.current(request, lambda pk: live.filter(pk=pk).first())


def visit_end(request: HttpRequest) -> None:
    VISITS.end(request)


# ---------------------------------------------------------------------------------------------
# The contact's API tokens


def token_create(contact: BeneficiaryContact) -> tuple[str, ContactToken]:
    """A new bearer token for the contact: shown once, only its hash kept."""
    raw, now, expires_at = codes.token_new(TOKEN_PREFIX, limits())
    token = ContactToken.objects.create(
        contact=contact, digest=_digest("token", raw), last_used_at=now, expires_at=expires_at
    )
    return raw, token


def token_contact(raw: str) -> BeneficiaryContact | None:
    """The live contact whose live token this is (and the token kept alive), or None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    token = (
        ContactToken.objects.select_related("contact__beneficiary")
        .filter(
            digest=_digest("token", raw), revoked_at__isnull=True, expires_at__gt=now, contact__removed_at__isnull=True
        )
        .first()
    )
    if token is None or not codes.token_live(token, now, limits()):
        return None
    ContactToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.contact


def token_revoke(raw: str) -> int:
    return ContactToken.objects.filter(digest=_digest("token", raw), revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def tokens_revoke_all(contact: BeneficiaryContact) -> int:
    return ContactToken.objects.filter(contact=contact, revoked_at__isnull=True).update(revoked_at=timezone.now())
