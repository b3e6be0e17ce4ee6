"""The cases API: people on probation, their Unpaid Work requirements and the hours ledger.

Thin by design: every read goes through `selectors` (scoped to the caller's PDU, region or the
country, so another region's record is simply not found) and every write through `services`
(which hold the rules and raise ValidationError naming the field). Times are whole minutes."""

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router
from ninja.responses import Status
from pydantic import BaseModel

from payback.core import idempotency
from payback.core.api_common import page_of, page_shaped_together
from payback.core.api_ops import Operations, idempotency_header, idempotency_key
from payback.core.edge import api_staff
from payback.core.idempotency import KeyReused
from payback.core.selectors import policy_book
from payback.staff.models import User
from payback.staff.roles import (
    CORRECT_LEDGER,
    CREATE_CASES,
    MANAGE_CASELOADS,
    RECORD_ADJUSTMENTS,
    REFUSALS,
    VIEW_CASES,
)
from payback.staff.selectors import in_area

from . import selectors, services
from .api_schemas import (
    CRN,
    ENTRY_ID,
    REQUIREMENT_ID,
    AdjustmentIn,
    AdjustmentOut,
    CorrectionIn,
    DiversityIn,
    DiversityOut,
    KeyReusedOut,
    LedgerEntryOut,
    PeopleQuery,
    PersonDetailOut,
    PersonPage,
    ReallocationIn,
    ReallocationOut,
    RequirementOut,
    RequirementPage,
    RequirementsQuery,
    entry_out,
    person_detail,
    person_out,
    reallocation_out,
    requirement_out,
    requirement_summary,
)
from .diversity import QUESTIONS
from .models import DiversityInformation, LedgerEntry, Person
from .sbar_api import router as sbar_router
from .services.diversity import diversity_record

router = Router(tags=["cases"])
router.add_router("", sbar_router)
people = Operations(router, "people")
requirements = Operations(router, "requirements")
ledger = Operations(router, "ledger")

CANNOT_VIEW_CASES = "You do not have permission to view cases"
CANNOT_RECORD_ADJUSTMENTS = "You do not have permission to record adjustments"
CANNOT_CORRECT_LEDGER = "You do not have permission to correct the hours ledger"
KEY_HEADER = "The request's idempotency key, instead of the idempotency_key field"
A = TypeVar("A", bound=BaseModel)


def _viewer(request: HttpRequest) -> User:
    return api_staff(request, VIEW_CASES, message=CANNOT_VIEW_CASES)


def _credit_once(
    response: HttpResponse, write: Callable[[], services.LedgerWrite], answer: Callable[[services.LedgerWrite], A]
) -> Status[A] | Status[KeyReusedOut]:
    """A write to the ledger made once for its idempotency key: 201 with the answer (a repeat gets the first
    answer again, marked `Idempotent-Replayed`), or 409 naming `idempotency_key` when the key was used for
    another request."""
    try:
        with transaction.atomic():
            done = write()
    except KeyReused as error:
        message = error.message_dict["idempotency_key"][0]
        return Status(409, KeyReusedOut(errors=[{"field": "idempotency_key", "message": message}]))
    if done.replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(201, answer(done))


def _reversed_by(entry: LedgerEntry) -> int | None:
    try:
        return entry.reversed_by.pk  # type: ignore[attr-defined]
    except LedgerEntry.DoesNotExist:
        return None


# ---------------------------------------------------------------------------------------------
# People


@people.get("/people", PersonPage, "listPeople", "List people on probation")
def list_people(request: HttpRequest, query: Query[PeopleQuery]) -> PersonPage:
    """People whose cases you may see, by last name then first name. Filter by exact CRN or by name."""
    qs = selectors.people_for(_viewer(request)).select_related("pdu__region").order_by("last_name", "first_name", "id")
    if query.crn:
        qs = qs.filter(crn=query.crn.upper())
    if query.name:
        for word in query.name.split()[:3]:
            qs = qs.filter(Q(first_name__istartswith=word) | Q(last_name__istartswith=word))
    return page_of(PersonPage, qs, query, person_out)


@people.get("/people/{crn}", PersonDetailOut, "getPerson", "One person on probation")
def get_person(request: HttpRequest, crn: str = CRN) -> PersonDetailOut:
    """The person with their contact details and Unpaid Work requirements. 404 if outside your area."""
    user = _viewer(request)
    person = selectors.person_get(user, crn)
    shown = selectors.requirements_for(user).filter(person=person).order_by("-order__sentence_date", "-id")
    return person_detail(person, requirements=list(shown))


def _diversity(person: Person) -> DiversityOut:
    info = DiversityInformation.objects.filter(person=person).first()
    answers = {name: getattr(info, name) for name in QUESTIONS} if info else {}
    return DiversityOut(recorded=info is not None, **answers)


@people.get("/people/{crn}/diversity", DiversityOut, "getDiversity", "The person's Diversity Information Form")
def get_diversity(request: HttpRequest, crn: str = CRN) -> DiversityOut:
    """Used only for adjustments and to check outcomes are fair, never to decide about the person."""
    return _diversity(selectors.person_get(_viewer(request), crn))


@people.post("/people/{crn}/diversity", DiversityOut, "recordDiversity", "Record the Diversity Information Form")
def record_diversity(request: HttpRequest, body: DiversityIn, crn: str = CRN) -> DiversityOut:
    """Records the answers given (the rest stay as they were); the same answers again change nothing."""
    user = api_staff(request, CREATE_CASES, message=REFUSALS[CREATE_CASES])
    person = selectors.person_get(user, crn)
    diversity_record(actor=user, person=person, answers=body.dict(exclude_none=True))
    return _diversity(person)


@people.post(
    "/people/{crn}/reallocation",
    {201: ReallocationOut, 409: KeyReusedOut},
    "reallocateCase",
    "Reallocate a case to another practitioner",
)
def reallocate_case(
    request: HttpRequest,
    body: ReallocationIn,
    crn: str = CRN,
    idempotency_header: str | None = idempotency_header(KEY_HEADER),
) -> Status[ReallocationOut] | Status[KeyReusedOut]:
    """Give the person's case to another probation practitioner in the PDU that manages it, with the
    reason recorded in the case's reallocations and history. Someone who is not a practitioner, who
    works elsewhere or already has the case is a 400 naming `to_practitioner`; a blank reason names
    `reason`.

    Every request carries an idempotency key (the `Idempotency-Key` header or the `idempotency_key`
    field; 400 naming `idempotency_key` without one). A repeat with the same key and body gets the
    first answer again and changes nothing; the same key with a different body is **409** naming
    `idempotency_key`."""
    user = api_staff(request, MANAGE_CASELOADS, message=REFUSALS[MANAGE_CASELOADS])
    person = selectors.person_get(user, crn)
    key = idempotency.key_check(idempotency_key(body.idempotency_key, idempotency_header))
    to = in_area(User, user).filter(username=body.to_practitioner).first()
    if to is None:
        raise ValidationError({"to_practitioner": "No one in your area has that username"})
    try:
        with transaction.atomic():
            allocation = services.case_reallocate(
                actor=user, person=person, to_practitioner=to, reason=body.reason, idempotency_key=key
            )
    except KeyReused as error:
        message = error.message_dict["idempotency_key"][0]
        return Status(409, KeyReusedOut(errors=[{"field": "idempotency_key", "message": message}]))
    return Status(201, reallocation_out(allocation))


# ---------------------------------------------------------------------------------------------
# Requirements


@requirements.get("/requirements", RequirementPage, "listRequirements", "List Unpaid Work requirements (the caseload)")
def list_requirements(request: HttpRequest, query: Query[RequirementsQuery]) -> RequirementPage:
    """Requirements you may see, soonest completion date first; open cases only unless a status is given."""
    user = _viewer(request)
    today = timezone.localdate()
    filters = selectors.CaseloadFilters(
        status=query.status.value if query.status else "", pdu=query.pdu, flag=query.flag or ""
    )
    book = policy_book()
    return page_shaped_together(
        RequirementPage,
        selectors.caseload(user, filters, today=today),
        query,
        lambda records: [
            requirement_summary(r, flags=flags)
            for r, flags in zip(records, selectors.case_flags_of(records, book=book, today=today), strict=True)
        ],
    )


@requirements.get(
    "/requirements/{id}", RequirementOut, "getRequirement", "One requirement with its balance, key dates and flags"
)
def get_requirement(request: HttpRequest, id: int = REQUIREMENT_ID) -> RequirementOut:
    """The hours balance (ordered, court variations, credited by kind, remaining), the key dates and the
    flags of one requirement. 404 if outside your area."""
    requirement = selectors.requirement_get(_viewer(request), id)
    book = policy_book()
    return requirement_out(
        requirement,
        balance=selectors.requirement_balance(requirement),
        flags=selectors.case_flags(requirement, book=book, today=timezone.localdate()),
        review_dates=list(selectors.review_dates(requirement, book=book)),
    )


@ledger.get(
    "/requirements/{id}/ledger", list[LedgerEntryOut], "listLedgerEntries", "The hours ledger of one requirement"
)
def list_ledger(request: HttpRequest, id: int = REQUIREMENT_ID) -> list[LedgerEntryOut]:
    """Every entry in date order. Entries are never edited: a correction is a new entry with the
    opposite minutes that points at the entry it reverses."""
    entries = selectors.ledger_for(selectors.requirement_get(_viewer(request), id))
    reversed_by = {e.reverses_id: e.pk for e in entries if e.reverses_id}
    return [entry_out(e, reversed_by=reversed_by.get(e.pk)) for e in entries]


@ledger.post(
    "/requirements/{id}/adjustments",
    {201: AdjustmentOut, 409: KeyReusedOut},
    "recordAdjustment",
    "Record a travel time adjustment or ETE credit",
)
def record_adjustment(
    request: HttpRequest,
    body: AdjustmentIn,
    response: HttpResponse,
    id: int = REQUIREMENT_ID,
    idempotency_header: str | None = idempotency_header(KEY_HEADER),
) -> Status[AdjustmentOut] | Status[KeyReusedOut]:
    """Credit minutes of travel time or of education, training and employment (ETE). The rules of the
    policy in force on `occurred_on` apply: a cap on the travel adjustments for one day together, a cap
    on ETE as a share of the ordered hours. Only the minutes still needed are credited, counting the
    earned reduction they earn: `note` says so when that is fewer than asked. A rule broken is a 400
    naming the field.

    Every request carries an idempotency key (the `Idempotency-Key` header or the `idempotency_key`
    field; 400 naming `idempotency_key` without one). A repeat with the same key and body gets the
    first answer again (201, with the header `Idempotent-Replayed: true`) and records nothing; the same
    key with a different body is **409** naming `idempotency_key`."""
    user = api_staff(request, RECORD_ADJUSTMENTS, message=CANNOT_RECORD_ADJUSTMENTS)
    requirement = selectors.requirement_get(user, id)
    key = idempotency.key_check(idempotency_key(body.idempotency_key, idempotency_header))
    return _credit_once(
        response,
        lambda: services.ledger_record_adjustment(
            actor=user, requirement=requirement, idempotency_key=key, **body.model_dump(exclude={"idempotency_key"})
        ),
        lambda write: AdjustmentOut(
            **entry_out(write.entry, reversed_by=None).model_dump(),
            requested_minutes=write.requested_minutes,
            note=write.note,
        ),
    )


# ---------------------------------------------------------------------------------------------
# Ledger entries


@ledger.get("/ledger-entries/{id}", LedgerEntryOut, "getLedgerEntry", "One ledger entry")
def get_ledger_entry(request: HttpRequest, id: int = ENTRY_ID) -> LedgerEntryOut:
    """404 if the entry's case is outside your area."""
    entry = selectors.ledger_entry_get(_viewer(request), id)
    return entry_out(entry, reversed_by=_reversed_by(entry))


@ledger.post(
    "/ledger-entries/{id}/corrections",
    {201: LedgerEntryOut, 409: KeyReusedOut},
    "correctLedgerEntry",
    "Correct (reverse) a ledger entry",
)
def correct_ledger_entry(
    request: HttpRequest,
    body: CorrectionIn,
    response: HttpResponse,
    id: int = ENTRY_ID,
    idempotency_header: str | None = idempotency_header(KEY_HEADER),
) -> Status[LedgerEntryOut] | Status[KeyReusedOut]:
    """Reverse an entry with a new one of the opposite minutes; the original is kept. An entry can be
    corrected once; a correction and earned reduction cannot be corrected (400, field `entry`).

    Every request carries an idempotency key (the `Idempotency-Key` header or the `idempotency_key`
    field; 400 naming `idempotency_key` without one). A repeat with the same key and body gets the
    first answer again (201, with the header `Idempotent-Replayed: true`); the same key with a
    different body is **409** naming `idempotency_key`."""
    user = api_staff(request, CORRECT_LEDGER, message=CANNOT_CORRECT_LEDGER)
    entry = selectors.ledger_entry_get(user, id)
    key = idempotency.key_check(idempotency_key(body.idempotency_key, idempotency_header))
    return _credit_once(
        response,
        lambda: services.ledger_correct_entry(actor=user, entry=entry, reason=body.reason, idempotency_key=key),
        lambda write: entry_out(write.entry, reversed_by=None),
    )
