"""Signing in with a one-time code, written once for each service that has its own sign-in: the
person doing unpaid work's (`portal.signin`, a case number and date of birth) and a beneficiary
contact's (`partners.signin`, an email address). Each keeps its own tables of the same shape
(challenges, attempts and tokens) and passes them in; the rules are `portal.rules`.

- `digest`: a keyed hash (HMAC with the secret key) of a code, a challenge, an identifier or a token;
  nothing else of them is kept.
- `attempt_counts`: what the limits count, for the identifier's hash and the client address.
- `code_answer`: whether a code is right for its challenge, or what to say.
- `Visits`: a signed-in visit in its own key of the browser's session (never Django's staff sign-in).
- `token_new`, `token_live`: bearer tokens with a public prefix, living as long as a visit."""

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.db import models
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from payback.core.tidy import keep_for

from . import rules
from .models import AttemptKind

T = TypeVar("T")
CODE_STOPPED = "That code has stopped working. Ask for a new code."


def digest(service: str, purpose: str, value: str) -> str:
    return salted_hmac(f"payback.{service}.{purpose}", value, algorithm="sha256").hexdigest()


def new_code() -> str:
    return f"{secrets.randbelow(10**rules.CODE_LENGTH):0{rules.CODE_LENGTH}d}"


def attempt_counts(
    attempts: type[models.Model], field: str, key: str, address: str, now: datetime, window: int
) -> rules.Counts:
    """Codes asked for and wrong codes over the last `window` minutes, for the identifier's hash `key`
    (in `field` of the `attempts` table) and for the client address."""
    mine = Q(**{field: key})
    recent = attempts._default_manager.filter(at__gt=now - timedelta(minutes=window)).filter(mine | Q(address=address))
    asked, wrong = Q(kind=AttemptKind.CODE_ASKED), Q(kind=AttemptKind.WRONG_CODE)
    found = recent.aggregate(
        codes_for_crn=Count("pk", filter=asked & mine),
        codes_from_address=Count("pk", filter=asked & Q(address=address)),
        wrong_for_crn=Count("pk", filter=wrong & mine),
        wrong_from_address=Count("pk", filter=wrong & Q(address=address)),
    )
    return rules.Counts(**found)


def code_answer(
    challenge: Any, *, matched: bool, given_digest: str, now: datetime, limit: rules.Limits, wrong: str
) -> str | None:
    """None when the code is right for the challenge (`matched`: the challenge's details matched
    someone); otherwise what to say: the code has stopped working, or `wrong`."""
    if challenge is None or challenge.used_at is not None or challenge.expires_at <= now:
        return CODE_STOPPED
    if challenge.tries >= limit.tries_per_code:
        return CODE_STOPPED
    right = matched and bool(challenge.code_digest) and constant_time_compare(challenge.code_digest, given_digest)
    return None if right else wrong


class Visits:
    """A signed-in visit in its own key of the browser's session, with the challenge waiting for a
    code and a mark that a visit has ended (for the sign-in page to say so)."""

    def __init__(self, service: str, who: str, limits: Callable[[], rules.Limits]) -> None:
        self.key, self.challenge, self.ended = f"{service}.{who}", f"{service}.challenge", f"{service}.ended"
        self.limits = limits

    def start(self, request: HttpRequest, pk: int) -> None:
        """Signed in: a new session key (nothing from before carries over), who and when."""
        request.session.cycle_key()
        now = timezone.now().isoformat()
        request.session.pop(self.challenge, None)
        request.session.pop(self.ended, None)
        request.session[self.key] = {"id": pk, "since": now, "seen": now}

    def current(self, request: HttpRequest, find: Callable[[int], T | None]) -> T | None:
        """Who is signed in (`find` reads them by id, None if they may no longer sign in), while the
        visit lasts (each page keeps it going); otherwise the visit is ended and marked so."""
        visit = request.session.get(self.key)
        if not isinstance(visit, dict):
            return None
        now = timezone.now()
        live = rules.visit_is_live(
            signed_in_at=datetime.fromisoformat(visit["since"]),
            last_seen_at=datetime.fromisoformat(visit["seen"]),
            now=now,
            limits=self.limits(),
        )
        found = find(visit["id"]) if live else None
        if found is None:
            self.end(request)
            request.session[self.ended] = True
            return None
        request.session[self.key] = {**visit, "seen": now.isoformat()}
        return found

    def end(self, request: HttpRequest) -> None:
        request.session.pop(self.key, None)
        request.session.pop(self.challenge, None)
        request.session.cycle_key()


def token_new(prefix: str, limit: rules.Limits) -> tuple[str, datetime, datetime]:
    """A new raw token with its public prefix, now, and the latest it can work."""
    now = timezone.now()
    return prefix + secrets.token_urlsafe(32), now, now + timedelta(minutes=limit.longest_minutes)


def token_live(token: Any, now: datetime, limit: rules.Limits) -> bool:
    """A token (found unrevoked and unexpired) lasts as a visit does."""
    return token is not None and rules.visit_is_live(
        signed_in_at=token.created_at, last_seen_at=token.last_used_at, now=now, limits=limit
    )


def keep_sign_ins(
    who: str, *, challenges: type[models.Model], attempts: type[models.Model], tokens: type[models.Model]
) -> None:
    """Say how long a service's sign-in records are kept (see `payback.core.tidy`): its codes and
    the counts the limits go by, a week (long enough to look into a run of guesses); its API
    tokens, a month after they expire."""
    keep_for(
        f"Sign-in codes asked for by {who}",
        days=7,
        older_than=lambda cutoff: challenges._default_manager.filter(expires_at__lt=cutoff),
    )
    keep_for(
        f"Sign-in attempts by {who}",
        days=7,
        older_than=lambda cutoff: attempts._default_manager.filter(at__lt=cutoff),
    )
    keep_for(
        f"API tokens of {who}",
        days=30,
        older_than=lambda cutoff: tokens._default_manager.filter(expires_at__lt=cutoff),
    )
