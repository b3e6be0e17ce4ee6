"""The schemas of the person's own API (`/api/v1/my/...`)."""

from datetime import date, datetime, time
from typing import Literal

from ninja import Field, Schema

from payback.core.api_common import NO_NUL, InputSchema, idempotency_key_field, text
from payback.delivery.models import AbsenceReason
from payback.enforcement.models import Letter

from .forms import REASONS
from .models import AbsenceReport, Channel, ContactChange
from .selectors import Hours, SessionView
from .signin_api import Problem, SignInChallengeOut, SignInCodeIn, TokenOut
from .templatetags.portal import letter_title

KEY = "A key made by the app for this submit: the same key again changes nothing and gets the first answer"
ChannelName = Literal[tuple(Channel.values)]  # type: ignore[valid-type]
ReasonName = Literal[tuple(AbsenceReason.values)]  # type: ignore[valid-type]


class PersonSignInIn(InputSchema):
    crn: str = Field(min_length=1, max_length=20, pattern=NO_NUL, description="The case number, like X123456")
    date_of_birth: date


class PersonSignInChallenge(SignInChallengeOut):
    pass


class PersonSignInCodeIn(SignInCodeIn):
    code: str = Field(min_length=1, max_length=20, pattern=NO_NUL, description="The 6 numbers sent by text or email")


class PersonTokenOut(TokenOut):
    token: str = Field(description="Send as `Authorization: Bearer pp_…` (never a member of staff's token)")


class PersonProblem(Problem):
    """Too many tries (nothing was checked or sent), or no such session of yours."""

    detail: str


class MyEarningOut(Schema):
    threshold_minutes: int = Field(description="Work needed before time off starts")
    minutes_off_per_hour: int = Field(description="Each hour worked after that takes this much off")
    most_minutes_off: int
    earned_minutes: int
    stopped_on: date | None = Field(description="No more can be earned from this day (an unacceptable failure)")
    explanation: list[str] = Field(description="The same, in the words the person's pages use")


class MyHoursOut(Schema):
    sentence_date: date
    ordered_minutes: int
    worked_minutes: int
    other_credit_minutes: int = Field(description="Travel, training and stand-down credit")
    earned_reduction_minutes: int
    remaining_minutes: int
    still_to_work_minutes: int = Field(description="What remains, less the time off that work will itself earn")
    finish_by: date | None = Field(description="The date all hours must be done by, if there is one")
    earned_reduction: MyEarningOut | None


class MySessionOut(Schema):
    id: int = Field(description="The booking: give it as `appointment` to report an absence")
    date: date
    start_time: time
    end_time: time
    place: str
    address: str
    pick_up_point: str
    pick_up_time: time | None
    wear: list[str]
    bring: list[str]
    notes: list[str]
    told_us_cannot_come: bool
    missed: bool = Field(description="The register records it as missed, and no decision is made yet")


class MySummaryOut(Schema):
    first_name: str
    hours: list[MyHoursOut]
    next_sessions: list[MySessionOut]
    missed_sessions: list[MySessionOut]


class MyLetterOut(Schema):
    id: int
    kind: str
    title: str
    issued_on: date
    text: str


class MyContactChangeOut(Schema):
    id: int
    phone: str
    email: str
    address: str
    postcode: str
    status: str
    sent_at: datetime


class MyContactOut(Schema):
    phone: str
    email: str
    address: str
    postcode: str
    messages_by: str = Field(description="text or email")
    waiting_change: MyContactChangeOut | None


class MyContactChangeIn(InputSchema):
    phone: str = text(30, "A new mobile phone number")
    email: str = text(254, "A new email address")
    address: str = text(300, "A new address (with its postcode)")
    postcode: str = text(10, "The postcode of the new address")
    idempotency_key: str | None = idempotency_key_field(KEY, "change-3f9a")


class MyMessagesIn(InputSchema):
    messages_by: ChannelName  # type: ignore[valid-type]


class MyAbsenceOut(Schema):
    id: int
    appointment: int
    reason: str
    details: str
    file_sent: bool
    sent_at: datetime


REASON_HELP = "; ".join(f"{value}: {label}" for value, label in REASONS)


def hours_out(hours: Hours) -> MyHoursOut:
    earning = hours.earning
    return MyHoursOut(
        sentence_date=hours.requirement.order.sentence_date,
        ordered_minutes=hours.ordered,
        worked_minutes=hours.worked,
        other_credit_minutes=hours.other_credit,
        earned_reduction_minutes=hours.earned,
        remaining_minutes=hours.remaining,
        still_to_work_minutes=hours.still_to_work,
        finish_by=hours.finish_by,
        earned_reduction=MyEarningOut(
            threshold_minutes=earning.threshold_minutes,
            minutes_off_per_hour=earning.minutes_off_per_hour,
            most_minutes_off=earning.most_minutes_off,
            earned_minutes=earning.earned_minutes,
            stopped_on=earning.stopped_on,
            explanation=hours.earning_words,
        )
        if earning
        else None,
    )


def session_out(view: SessionView, *, missed: bool = False) -> MySessionOut:
    facts = view.facts
    return MySessionOut(
        id=view.appointment.pk,
        date=facts.date,
        start_time=facts.start,
        end_time=facts.end,
        place=facts.place,
        address=facts.address,
        pick_up_point=facts.pick_up_point,
        pick_up_time=facts.pick_up_time,
        wear=view.wear,
        bring=view.bring,
        notes=view.notes,
        told_us_cannot_come=view.report is not None,
        missed=missed,
    )


def letter_out(letter: Letter) -> MyLetterOut:
    return MyLetterOut(
        id=letter.pk, kind=letter.kind, title=letter_title(letter), issued_on=letter.issued_on, text=letter.text
    )


def change_out(change: ContactChange) -> MyContactChangeOut:
    return MyContactChangeOut(
        id=change.pk,
        phone=change.phone,
        email=change.email,
        address=change.address,
        postcode=change.postcode,
        status=change.status,
        sent_at=change.sent_at,
    )


def absence_out(report: AbsenceReport) -> MyAbsenceOut:
    return MyAbsenceOut(
        id=report.pk,
        appointment=report.appointment_id,
        reason=report.reason,
        details=report.details,
        file_sent=bool(report.file),
        sent_at=report.sent_at,
    )
