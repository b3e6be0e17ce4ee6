"""The person's own API, under `/api/v1/my/`: what their pages show and do, for an app on their phone.

They sign in as on the pages, with a code sent to them (`POST /my/sign-in`, then `/my/sign-in/code`),
and get a bearer token of their own (`pp_…`), which works only here: a member of staff's token is
refused here, and theirs everywhere else. Everything answers about the person signed in alone."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Header, Router
from ninja.files import UploadedFile
from ninja.responses import Status
from ninja.security import HttpBearer

from payback.cases.models import Person
from payback.core.api_common import NO_NUL
from payback.core.selectors import policy_book

from . import api_schemas as schema
from . import selectors, services, signin
from .contact import preferred_channel
from .models import Channel
from .signin_api import SignInApi, SignInSchemas

APPOINTMENT = Form(..., ge=1, le=2**31 - 1, description="The session's `id` from /my/summary")
REASON = Form(..., description=schema.REASON_HELP)
DETAILS = Form(..., min_length=1, max_length=1000, pattern=NO_NUL, description="What has happened")
ABSENCE_FILE = File(None, description="A photo (JPEG or PNG) or PDF under the size limit")
KEY_HEADER = Header(None, alias="Idempotency-Key", min_length=1, max_length=100, pattern=NO_NUL, description=schema.KEY)
SENT = "If the case number and date of birth are right, we have sent a code by text or email."
START_DOC = """The same answer (202, with a challenge) whether or not the case number and date of birth match
anyone; a code is sent only when they do. Too many codes or wrong codes for the case number, or
from your address, is 429."""
FINISH_DOC = """A right code gives a bearer token; a wrong one is 400 naming `code` (5 tries a code). Too many
wrong codes for the case number, or from your address, is 429."""


class PersonTokenAuth(HttpBearer):
    """`Authorization: Bearer pp_…`: a token from signing in with a code. Unused for 20 minutes, or
    2 hours after signing in, it stops working (401)."""

    def authenticate(self, request: HttpRequest, token: str) -> Person | None:
        return signin.person_token_person(token.strip())


router = Router(tags=["the person doing unpaid work"], auth=PersonTokenAuth())


def _person(request: HttpRequest) -> Person:
    person = request.auth  # type: ignore[attr-defined]
    assert isinstance(person, Person)
    return person


SignInApi(
    path="/my",
    name="Person",
    schemas=SignInSchemas(
        sign_in=schema.PersonSignInIn,
        challenge=schema.PersonSignInChallenge,
        code=schema.PersonSignInCodeIn,
        token=schema.PersonTokenOut,
        problem=schema.PersonProblem,
    ),
    start=signin.sign_in_start,
    finish=signin.sign_in_finish,
    sign_in=signin.SIGN_IN,
    sent=SENT,
).add_to(router, start_doc=START_DOC, finish_doc=FINISH_DOC)


@router.get("/my/summary", response=schema.MySummaryOut, operation_id="getMySummary", summary="Your hours and sessions")
def summary(request: HttpRequest) -> schema.MySummaryOut:
    """Hours ordered, worked and still to do, with earned reduction explained and the date to finish
    by; the next sessions (where, when, pick-up, what to wear and bring); sessions missed with no
    decision yet."""
    person, today = _person(request), timezone.localdate()
    return schema.MySummaryOut(
        first_name=person.first_name,
        hours=[schema.hours_out(h) for h in selectors.hours_of(person, today=today, book=policy_book())],
        next_sessions=[schema.session_out(s) for s in selectors.upcoming(person, today=today)],
        missed_sessions=[schema.session_out(s, missed=True) for s in selectors.missed(person)],
    )


@router.get(
    "/my/letters", response=list[schema.MyLetterOut], operation_id="listMyLetters", summary="Letters sent to you"
)
def letters(request: HttpRequest) -> list[schema.MyLetterOut]:
    """Every letter sent to you, newest first, with its words."""
    return [schema.letter_out(letter) for letter in selectors.letters_of(_person(request))]


def _contact(person: Person) -> schema.MyContactOut:
    waiting = selectors.waiting_change(person)
    return schema.MyContactOut(
        phone=person.phone,
        email=person.email,
        address=person.address,
        postcode=person.postcode,
        messages_by=preferred_channel(person),
        waiting_change=schema.change_out(waiting) if waiting else None,
    )


@router.get("/my/contact", response=schema.MyContactOut, operation_id="getMyContact", summary="Your contact details")
def contact(request: HttpRequest) -> schema.MyContactOut:
    """Your phone, email and address as we have them, how you get messages, and any change waiting."""
    return _contact(_person(request))


@router.post(
    "/my/contact/messages", response=schema.MyContactOut, operation_id="setMyMessages", summary="How you get messages"
)
def set_messages(request: HttpRequest, body: schema.MyMessagesIn) -> schema.MyContactOut:
    """By text or email: for a detail we have (400 naming `channel` otherwise)."""
    person = _person(request)
    services.contact_preference_set(person=person, channel=Channel(body.messages_by))
    return _contact(person)


@router.post(
    "/my/contact-changes",
    response={201: schema.MyContactChangeOut},
    operation_id="sendMyContactChange",
    summary="Send new contact details",
)
def send_contact_change(
    request: HttpRequest, body: schema.MyContactChangeIn, key: str | None = KEY_HEADER
) -> Status[schema.MyContactChangeOut]:
    """Only what changed; your probation practitioner confirms it before it is used. One change waits
    at a time. Needs an idempotency key (the body's or the header's): the same key again gives the
    first answer."""
    values = body.dict(exclude={"idempotency_key"})
    change = services.contact_change_send(
        person=_person(request), values=values, idempotency_key=body.idempotency_key or key or ""
    )
    return Status(201, schema.change_out(change))


@router.post(
    "/my/absences",
    response={201: schema.MyAbsenceOut, 404: schema.PersonProblem},
    operation_id="reportMyAbsence",
    summary="Tell us you cannot come to a session",
)
def report_absence(
    request: HttpRequest,
    appointment: int = APPOINTMENT,
    reason: schema.ReasonName = REASON,  # type: ignore[valid-type]
    details: str = DETAILS,
    file: UploadedFile | None = ABSENCE_FILE,
    key: str | None = KEY_HEADER,
) -> Status[schema.MyAbsenceOut]:
    """Sent as `multipart/form-data` with the key in the `Idempotency-Key` header. For a session booked
    from today on, or one the register records as missed with no decision yet; one report a session.
    The file is judged by its contents. Another person's session is 404."""
    person = _person(request)
    booking = selectors.own_appointment(person, appointment)
    if not key:
        raise ValidationError({"idempotency_key": "Send an Idempotency-Key header with each report"})
    report = services.absence_report_send(
        person=person, appointment=booking, reason=reason, details=details, upload=file, idempotency_key=key
    )
    return Status(201, schema.absence_out(report))
