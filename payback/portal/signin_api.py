"""The API's sign-in with a code, and signing out, written once for each service with its own
sign-in and bearer tokens: the person's (`/my/...`) and a beneficiary contact's (`/partners/...`).
Each service keeps its own schemas (subclasses of those here, under their own names in the OpenAPI
document), operation ids and descriptions. The body of asking for a code is what the service's
`start` is given, with the client's address."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from payback.core.api_common import NO_NUL, InputSchema
from payback.core.client import client_key

from .codes import CodeSignIn, SignInRefused


class SignInChallengeOut(Schema):
    challenge: str = Field(description="Send it back with the code")
    code_minutes: int = Field(description="How long the code works")
    message: str


class SignInCodeIn(InputSchema):
    challenge: str = Field(min_length=1, max_length=100, pattern=NO_NUL)
    code: str = Field(min_length=1, max_length=20, pattern=NO_NUL)


class TokenOut(Schema):
    token: str
    expires_at: datetime = Field(description="The latest it works; unused for 20 minutes, it stops sooner")


class Problem(Schema):
    detail: str


@dataclass(frozen=True)
class SignInSchemas:
    """A service's own schemas for signing in."""

    sign_in: type[InputSchema]
    challenge: type[SignInChallengeOut]
    code: type[SignInCodeIn]
    token: type[TokenOut]
    problem: type[Problem]


@dataclass(frozen=True)
class SignInApi:
    """A service's sign-in endpoints under `path`; `name` goes into their operation ids. `start` and
    `finish` are the service's own; its tokens and limits are `sign_in`'s."""

    path: str
    name: str
    schemas: SignInSchemas
    start: Callable[..., str]
    finish: Callable[..., Any]
    sign_in: CodeSignIn
    sent: str

    def add_to(self, router: Router, *, start_doc: str, finish_doc: str) -> None:
        """Asking for a code, signing in with it (both open) and signing out, in that order."""
        s = self.schemas
        self._route(router, "sign-in", f"start{self.name}SignIn", "Ask for a sign-in code", 202, s.challenge)(
            _view(self._start, s.sign_in, start_doc)
        )
        self._route(router, "sign-in/code", f"finish{self.name}SignIn", "Sign in with the code", 200, s.token)(
            _view(self._finish, s.code, finish_doc)
        )
        router.post(
            f"{self.path}/sign-out",
            response={204: None},
            operation_id=f"{self.name.lower()}SignOut",
            summary="Sign out",
        )(_view(self._sign_out, None, "The token stops working at once."))

    def _route(self, router: Router, path: str, op: str, summary: str, status: int, out: type[Schema]) -> Any:
        return router.post(
            f"{self.path}/{path}",
            response={status: out, 429: self.schemas.problem},
            auth=None,
            operation_id=op,
            summary=summary,
        )

    def _start(self, request: HttpRequest, body: Schema) -> Status[Schema]:
        try:
            token = self.start(**body.model_dump(), address=client_key(request))
        except SignInRefused as error:
            return Status(429, self.schemas.problem(detail=error.message))
        minutes = self.sign_in.limits().code_minutes
        return Status(202, self.schemas.challenge(challenge=token, code_minutes=minutes, message=self.sent))

    def _finish(self, request: HttpRequest, body: SignInCodeIn) -> Status[Schema]:
        try:
            who = self.finish(token=body.challenge, code=body.code, address=client_key(request))
        except SignInRefused as error:
            return Status(429, self.schemas.problem(detail=error.message))
        raw, token = self.sign_in.token_create(who)
        return Status(200, self.schemas.token(token=raw, expires_at=token.expires_at))

    def _sign_out(self, request: HttpRequest) -> Status[None]:
        self.sign_in.token_revoke(request.headers.get("Authorization", "").removeprefix("Bearer").strip())
        return Status(204, None)


def _view(answer: Callable[..., Status[Any]], body: type[Schema] | None, doc: str) -> Callable[..., Status[Any]]:
    """An endpoint answering with `answer`, with its body declared as `body` (if any) for the
    document, and its description `doc`."""

    def with_body(request: HttpRequest, body: Schema) -> Status[Any]:
        return answer(request, body)

    def without_body(request: HttpRequest) -> Status[Any]:
        return answer(request)

    view = without_body if body is None else with_body
    view.__doc__ = doc
    if body is not None:
        view.__annotations__ = {**view.__annotations__, "body": body}
    return view
