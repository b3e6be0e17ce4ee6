"""SBAR consultations in the API: a person's consultations, raising one on their case and answering
one, through the same selectors and services as the pages (scoped to the caller's area, idempotent,
each problem a 400 naming its field)."""

from collections.abc import Callable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from payback.core import idempotency
from payback.core.api_common import InputSchema, StaffName, idempotency_key_field, text
from payback.core.api_ops import Access, Operations, idempotency_header, idempotency_key
from payback.core.idempotency import KeyReused
from payback.staff.models import User
from payback.staff.roles import ASSESS, COUNTERSIGN, VIEW_CASES

from . import sbar_selectors, selectors
from .api_schemas import CRN, IDEMPOTENCY_KEY_TEXT, KeyReusedOut
from .models import CLOSED_STATUSES, Person, Requirement, SbarAnswer, SbarConsultation
from .services.sbar import SBAR_LENGTH, sbar_answer, sbar_raise

router = Router(tags=["consultations"])
consultations = Operations(router)
staff = Access(
    {
        VIEW_CASES: "You do not have permission to view cases",
        ASSESS: "You do not have permission to raise a consultation",
        COUNTERSIGN: "You do not have permission to answer a consultation",
    }
)
KEY_HEADER = "The request's idempotency key, instead of the idempotency_key field"


class AnswerOut(Schema):
    decision: str = Field(description="The senior's decision or advice")
    answered_by: StaffName = Field(description="Who answered")
    answered_at: datetime


class ConsultationOut(Schema):
    id: int
    crn: str = Field(description="The case reference number of the person")
    requirement: int = Field(description="Id of the requirement the consultation is about")
    situation: str
    background: str
    assessment: str
    recommendation: str
    raised_by: StaffName = Field(description="The practitioner who raised it")
    raised_at: datetime
    addressed_to: StaffName = Field(
        description="The senior who leads the practitioner's team; null when any senior in the case's PDU may answer"
    )
    answer: AnswerOut | None = Field(description="The answer, once given; null while it waits")


class ConsultationIn(InputSchema):
    requirement: int | None = Field(
        None,
        ge=1,
        le=2_147_483_647,
        description="Id of the person's requirement it is about; the most recent open one when left out",
    )
    situation: str = text(SBAR_LENGTH, "What is happening now, and why a decision or advice is needed")
    background: str = text(SBAR_LENGTH, "What the senior needs to know about the case")
    assessment: str = text(SBAR_LENGTH, "What the practitioner thinks the problem is")
    recommendation: str = text(SBAR_LENGTH, "What the practitioner thinks should happen, and by when")
    idempotency_key: str | None = idempotency_key_field(IDEMPOTENCY_KEY_TEXT, "0b1e7f5a-3c2d-4e8f-9a6b-5d4c3b2a1f0e")


class AnswerIn(InputSchema):
    consultation: int = Field(ge=1, le=2_147_483_647, description="Id of the consultation answered")
    decision: str = text(SBAR_LENGTH, "The decision or advice")
    idempotency_key: str | None = idempotency_key_field(IDEMPOTENCY_KEY_TEXT, "7c6d5e4f-3a2b-4c1d-8e9f-0a1b2c3d4e5f")


def consultation_out(consultation: SbarConsultation) -> ConsultationOut:
    try:
        answer: SbarAnswer | None = consultation.answer  # type: ignore[attr-defined]
    except SbarAnswer.DoesNotExist:
        answer = None
    return ConsultationOut(
        id=consultation.pk,
        crn=consultation.requirement.person.crn,
        requirement=consultation.requirement_id,
        situation=consultation.situation,
        background=consultation.background,
        assessment=consultation.assessment,
        recommendation=consultation.recommendation,
        raised_by=consultation.raised_by,
        raised_at=consultation.raised_at,
        addressed_to=consultation.addressed_to,
        answer=AnswerOut(decision=answer.decision, answered_by=answer.answered_by, answered_at=answer.answered_at)
        if answer
        else None,
    )


def _requirement(user: User, person: Person, pk: int | None) -> Requirement:
    """The person's requirement named, or their most recent open one: a 400 naming `requirement` otherwise."""
    theirs = selectors.requirements_for(user).filter(person=person)
    if pk is not None:
        found = theirs.filter(pk=pk).first()
        message = "The person has no requirement with that id"
    else:
        found = theirs.exclude(status__in=CLOSED_STATUSES).order_by("-order__sentence_date", "-pk").first()
        message = "The person has no open requirement: name the requirement"
    if found is None:
        raise ValidationError({"requirement": message})
    return found


def _once(write: Callable[[], SbarConsultation]) -> Status[ConsultationOut] | Status[KeyReusedOut]:
    """201 with the consultation as it stands, or 409 naming `idempotency_key` when the key was used for
    another request."""
    try:
        with transaction.atomic():
            consultation = write()
    except KeyReused as error:
        message = error.message_dict["idempotency_key"][0]
        return Status(409, KeyReusedOut(errors=[{"field": "idempotency_key", "message": message}]))
    return Status(
        201, consultation_out(sbar_selectors.consultations_of(consultation.requirement).get(pk=consultation.pk))
    )


@consultations.get(
    "/people/{crn}/consultations", list[ConsultationOut], "listConsultations", "The person's SBAR consultations"
)
def list_consultations(request: HttpRequest, crn: str = CRN) -> list[ConsultationOut]:
    """Every SBAR consultation on the person's cases, with its answer, newest first. 404 if the person
    is outside your area."""
    user = staff(request, VIEW_CASES)
    person = selectors.person_get(user, crn)
    found = sbar_selectors.consultations_for(user).filter(requirement__person=person).order_by("-raised_at", "-id")
    return [consultation_out(consultation) for consultation in found]


@consultations.post(
    "/people/{crn}/consultations",
    {201: ConsultationOut, 409: KeyReusedOut},
    "raiseConsultation",
    "Raise an SBAR consultation on the person's case",
)
def raise_consultation(
    request: HttpRequest,
    body: ConsultationIn,
    crn: str = CRN,
    idempotency_header: str | None = idempotency_header(KEY_HEADER),
) -> Status[ConsultationOut] | Status[KeyReusedOut]:
    """Ask for a senior's decision or advice on the case, set out as situation, background, assessment
    and recommendation (each required, at most 2,000 characters: a blank one is a 400 naming it). It goes
    to the senior who leads your team, or to any senior in the case's PDU when you have none.

    Every request carries an idempotency key (the `Idempotency-Key` header or the `idempotency_key`
    field; 400 naming `idempotency_key` without one). A repeat with the same key and body gets the
    first answer again and raises nothing; the same key with a different body is **409** naming
    `idempotency_key`."""
    user = staff(request, ASSESS)
    person = selectors.person_get(user, crn)
    key = idempotency.key_check(idempotency_key(body.idempotency_key, idempotency_header))
    requirement = _requirement(user, person, body.requirement)
    parts = body.model_dump(include={"situation", "background", "assessment", "recommendation"})
    return _once(lambda: sbar_raise(actor=user, requirement=requirement, idempotency_key=key, **parts))


@consultations.post(
    "/people/{crn}/consultations/answer",
    {201: ConsultationOut, 409: KeyReusedOut},
    "answerConsultation",
    "Answer an SBAR consultation on the person's case",
)
def answer_consultation(
    request: HttpRequest,
    body: AnswerIn,
    crn: str = CRN,
    idempotency_header: str | None = idempotency_header(KEY_HEADER),
) -> Status[ConsultationOut] | Status[KeyReusedOut]:
    """Give your decision or advice on one of the person's consultations. A consultation is answered
    once: a second answer is a 400 naming `consultation`, saying who answered and when; one addressed
    to another senior, or not on this person's cases, is a 400 naming `consultation`; a blank decision
    names `decision`.

    Every request carries an idempotency key, as for raising one: a repeat with the same key and body
    gets the first answer again; the same key with a different body is **409**."""
    user = staff(request, COUNTERSIGN)
    person = selectors.person_get(user, crn)
    key = idempotency.key_check(idempotency_key(body.idempotency_key, idempotency_header))
    consultation = (
        sbar_selectors.consultations_for(user).filter(requirement__person=person, pk=body.consultation).first()
    )
    if consultation is None:
        raise ValidationError({"consultation": "The person has no consultation with that id"})
    return _once(
        lambda: (
            sbar_answer(actor=user, consultation=consultation, decision=body.decision, idempotency_key=key).consultation
        )
    )
