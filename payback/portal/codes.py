"""Signing in with a one-time code, written once for each service that has its own sign-in: the
person doing unpaid work's (`portal.signin`, a case number and date of birth) and a beneficiary
contact's (`partners.signin`, an email address). Each keeps its own tables of the same shape
(challenges, attempts and tokens) and passes them in; the rules are `portal.rules`.

- `digest`: a keyed hash (HMAC with the secret key) of a code, a challenge, an identifier or a token;
  nothing else of them is kept.
- `attempt_counts`: what the limits count, for the identifier's hash and the client address.
- `code_answer`: whether a code is right for its challenge, or what to say.
- `Visits`: a signed-in visit in its own key of the browser's session (never Django's staff sign-in).
- `token_new`, `token_live`: bearer tokens with a public prefix, living as long as a visit.
- `CodeSignIn`: the whole flow (asking for a code, making and sending it, giving it, and the bearer
  tokens) over one service's tables."""

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from payback.core.queue import enqueue_after_commit
from payback.core.tidy import keep_for

from . import rules
from .models import AttemptKind

T = TypeVar("T")
logger = logging.getLogger(__name__)
CODE_STOPPED = "That code has stopped working. Ask for a new code."
LOCKED = "You have tried too many times. For your safety, wait 15 minutes and then try again."
TOO_MANY_CODES = "You have asked for too many codes. Wait 15 minutes and then ask for a new code."


class SignInRefused(Exception):
    """Too many tries or codes: nothing was checked or sent. The message says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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


@dataclass(frozen=True)
class OnlineActor:
    """Someone outside the office (not staff), named in the audit trail for what they did themselves."""

    name: str
    pk: None = None

    def get_full_name(self) -> str:
        return self.name


class Visits:
    """A signed-in visit in its own key of the browser's session, with the challenge waiting for a
    code and a mark that a visit has ended (for the sign-in page to say so)."""

    def __init__(self, service: str, who: str, limits: Callable[[], rules.Limits]) -> None:
        self.key, self.challenge, self.ended = f"{service}.{who}", f"{service}.challenge", f"{service}.ended"
        self.limits = limits

    def start(self, request: HttpRequest, who: Any) -> None:
        """Signed in: a new session key (nothing from before carries over), who and when."""
        request.session.cycle_key()
        now = timezone.now().isoformat()
        request.session.pop(self.challenge, None)
        request.session.pop(self.ended, None)
        request.session[self.key] = {"id": who.pk, "since": now, "seen": now}

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


Deliver = Callable[[Any, str], Callable[[], object] | None]


@dataclass(frozen=True)
class CodeSignIn:
    """Signing in with a code over one service's tables: `challenges` (each with its `owner`, the one
    the details matched, or none, and the keyed hash of the identifier in `<field>_digest`),
    `attempts` and `tokens`. `audit` records a signing in by the owner themselves."""

    service: str
    owner: str
    field: str
    challenges: type[models.Model]
    attempts: type[models.Model]
    tokens: type[models.Model]
    wrong_code: str
    token_prefix: str
    limits: Callable[[], rules.Limits]
    audit: Callable[[Any, str, Any, str], None]
    related: str

    @property
    def visits(self) -> Visits:
        return Visits(self.service, self.owner, self.limits)

    def digest(self, purpose: str, value: str) -> str:
        return digest(self.service, purpose, value)

    def _counts(self, key: str, address: str, now: datetime, window: int) -> rules.Counts:
        return attempt_counts(self.attempts, f"{self.field}_digest", key, address, now, window)

    def _attempt(self, kind: str, key: str, address: str, now: datetime) -> None:
        self.attempts._default_manager.create(kind=kind, address=address, at=now, **{f"{self.field}_digest": key})

    def start(self, *, identifier: str, owner: Callable[[], Any], address: str, send: Callable[[int], Any]) -> str:
        """Ask for a code for the identifier (`owner` finds whom it matches, or None): the challenge's
        token, the same either way; `send` queues making and sending the code. SignInRefused says
        there have been too many tries."""
        now, limit = timezone.now(), self.limits()
        key = self.digest(self.field, identifier)
        counts = self._counts(key, address, now, limit.window_minutes)
        if rules.locked_out(counts, limit):
            raise SignInRefused(LOCKED)
        if rules.too_many_codes(counts, limit):
            raise SignInRefused(TOO_MANY_CODES)
        token = secrets.token_urlsafe(32)
        challenge = self.challenges._default_manager.create(
            token_digest=self.digest("challenge", token),
            address=address,
            expires_at=now + timedelta(minutes=limit.code_minutes),
            **{self.owner: owner(), f"{self.field}_digest": key},
        )
        self._attempt(AttemptKind.CODE_ASKED, key, address, now)
        enqueue_after_commit(partial(send, challenge.pk))  # the worker makes and sends it once committed
        return token

    def _code_digest(self, challenge_id: int, code: str) -> str:
        return self.digest("code", f"{challenge_id}:{code}")

    def code_send(self, challenge_id: int, deliver: Deliver, also_saved: tuple[str, ...] = ()) -> str:
        """Make the challenge's code and keep its hash, once only. `deliver` (given the challenge and
        the code) may mark the challenge (`also_saved` names what it changes) and gives what sends the
        code, or None when there is no one to send it to."""
        with transaction.atomic():
            locked = self.challenges._default_manager.select_for_update(of=("self",)).select_related(self.owner)
            challenge: Any = locked.get(pk=challenge_id)
            if challenge.code_digest or challenge.used_at is not None:
                return "already made"
            code = new_code()
            challenge.code_digest = self._code_digest(challenge.pk, code)
            send = deliver(challenge, code)
            challenge.save(update_fields=["code_digest", *also_saved])
        if send is None:
            return "not sent"
        try:
            send()
        except Exception:  # they are told to ask for a new code if none comes
            logger.exception("Could not send sign-in code %s", challenge.pk)
            return "failed"
        return "sent"

    def finish(self, *, token: str, code: str, address: str, live: Callable[[Any], bool] = bool) -> Any:
        """The owner, once the code is right for the challenge and `live` says they may still sign
        in. A wrong code counts against the code, the identifier and the address (and is kept even
        though the answer is an error)."""
        code = rules.normalise_code(code)
        problem = rules.code_problem(code)
        if problem:
            raise ValidationError({"code": problem})
        now, limit = timezone.now(), self.limits()
        with transaction.atomic():
            challenge = self._challenge_locked(token)
            key = getattr(challenge, f"{self.field}_digest", "")
            if rules.locked_out(self._counts(key, address, now, limit.window_minutes), limit):
                raise SignInRefused(LOCKED)
            wrong = self._answer(challenge, code, now, limit)
            if wrong == self.wrong_code and challenge is not None:
                challenge.tries += 1
                challenge.save(update_fields=["tries"])
                self._attempt(AttemptKind.WRONG_CODE, key, address, now)
                if challenge.tries >= limit.tries_per_code:
                    wrong = CODE_STOPPED
            owner = getattr(challenge, self.owner, None)
            if wrong is None and owner is not None and live(owner):
                challenge.used_at = now
                challenge.save(update_fields=["used_at"])
                mine = {f"{self.field}_digest": key, "address": address}
                self.attempts._default_manager.filter(kind=AttemptKind.WRONG_CODE, **mine).delete()
                self.audit(owner, f"{self.service}.signed_in", owner, "Signed in to Community Payback")
                return owner
        raise ValidationError({"code": wrong or CODE_STOPPED})

    def _challenge_locked(self, token: str) -> Any:
        found = self.challenges._default_manager.select_for_update(of=("self",)).select_related(self.related)
        return found.filter(token_digest=self.digest("challenge", token)).first()

    def _answer(self, challenge: Any, code: str, now: datetime, limit: rules.Limits) -> str | None:
        return code_answer(
            challenge,
            matched=getattr(challenge, f"{self.owner}_id", None) is not None,
            given_digest=self._code_digest(challenge.pk, code) if challenge is not None else "",
            now=now,
            limit=limit,
            wrong=self.wrong_code,
        )

    def token_create(self, owner: Any) -> tuple[str, Any]:
        """A new bearer token for the owner: shown once, only its hash kept."""
        raw, now, expires_at = token_new(self.token_prefix, self.limits())
        token = self.tokens._default_manager.create(
            digest=self.digest("token", raw), last_used_at=now, expires_at=expires_at, **{self.owner: owner}
        )
        return raw, token

    def token_owner(self, raw: str, **live: Any) -> Any:
        """The owner (matching `live`) whose live token this is (and the token kept alive), or None."""
        if not raw.startswith(self.token_prefix):
            return None
        now = timezone.now()
        token = (
            self.tokens._default_manager.select_related(self.related)
            .filter(digest=self.digest("token", raw), revoked_at__isnull=True, expires_at__gt=now, **live)
            .first()
        )
        if token is None or not token_live(token, now, self.limits()):
            return None
        self.tokens._default_manager.filter(pk=token.pk).update(last_used_at=now)
        return getattr(token, self.owner)

    def token_revoke(self, raw: str) -> int:
        found = self.tokens._default_manager.filter(digest=self.digest("token", raw), revoked_at__isnull=True)
        return found.update(revoked_at=timezone.now())


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
