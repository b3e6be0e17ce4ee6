"""The cases API: people on probation, their Unpaid Work requirements and the hours ledger.

Thin by design: every read goes through `selectors` (scoped to the caller's PDU, region or the
country, so another region's record is simply not found) and every write through `services`
(which hold the rules and raise ValidationError naming the field). Times are whole minutes."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Header, Query, Router
from ninja.responses import Status

from payback.core import idempotency
from payback.core.api_common import NO_NUL, paginate
from payback.core.edge import api_staff
from payback.core.idempotency import KeyReused
from payback.core.policy import PolicyBook
from payback.core.selectors import policy_book
from payback.staff.roles import CORRECT_LEDGER, RECORD_ADJUSTMENTS, VIEW_CASES

from . import selectors, services
from .api_schemas import (
    CRN,
    ENTRY_ID,
    REQUIREMENT_ID,
    AdjustmentIn,
    AdjustmentOut,
    BalanceOut,
    CorrectionIn,
    CreditedOut,
    FlagsOut,
    KeyDatesOut,
    KeyReusedOut,
    LedgerEntryOut,
    OrderOut,
    PduOut,
    PeopleQuery,
    PersonDetailOut,
    PersonOut,
    PersonPage,
    RequirementOut,
    RequirementPage,
    RequirementRef,
    RequirementsQuery,
    RequirementSummaryOut,
)
from .models import CaseStatus, LedgerEntry, LedgerKind, OrderType, Person, Requirement, Sex

router = Router(tags=["cases"])

CANNOT_VIEW_CASES = "You do not have permission to view cases"
CANNOT_RECORD_ADJUSTMENTS = "You do not have permission to record adjustments"
CANNOT_CORRECT_LEDGER = "You do not have permission to correct the hours ledger"


def _idempotency_header(
    description: str = "The request's idempotency key, instead of the idempotency_key field",
) -> Any:
    return Header(None, alias="Idempotency-Key", min_length=1, max_length=100, pattern=NO_NUL, description=description)


def _idempotency_key(body_key: str | None, header: str | None) -> str:
    if body_key and header and body_key != header:
        raise ValidationError(
            {"idempotency_key": "The Idempotency-Key header and the idempotency_key field differ: send one"}
        )
    return body_key or header or ""


def _key_reused(error: KeyReused) -> Status[KeyReusedOut]:
    return Status(
        409, KeyReusedOut(errors=[{"field": "idempotency_key", "message": error.message_dict["idempotency_key"][0]}])
    )


# ---------------------------------------------------------------------------------------------
# Shaping records into schemas


def _pdu(person: Person) -> PduOut:
    pdu = person.pdu
    return PduOut(id=pdu.pk, code=pdu.code, name=pdu.name, region=pdu.region.name)


def _person(person: Person) -> PersonOut:
    return PersonOut(
        crn=person.crn,
        first_name=person.first_name,
        last_name=person.last_name,
        date_of_birth=person.date_of_birth,
        sex=Sex(person.sex),
        pdu=_pdu(person),
    )


def _flags(flags: selectors.CaseFlags) -> FlagsOut:
    return FlagsOut(
        backlog=flags.backlog,
        at_risk=flags.at_risk,
        induction=flags.induction or None,  # type: ignore[arg-type]
        assessment=flags.assessment or None,  # type: ignore[arg-type]
    )


def _entry(entry: LedgerEntry, *, reversed_by: int | None) -> LedgerEntryOut:
    author = entry.created_by
    return LedgerEntryOut(
        id=entry.pk,
        requirement=entry.requirement_id,
        kind=LedgerKind(entry.kind),
        minutes=entry.minutes,
        occurred_on=entry.occurred_on,
        reason=entry.reason,
        source=entry.source,
        reverses=entry.reverses_id,
        reversed_by=reversed_by,
        created_at=entry.created_at,
        created_by=(author.get_full_name() or author.username) if author else None,
    )


def _reversed_by(entry: LedgerEntry) -> int | None:
    try:
        return entry.reversed_by.pk  # type: ignore[attr-defined]
    except LedgerEntry.DoesNotExist:
        return None


def _requirement_detail(requirement: Requirement, *, book: PolicyBook, today: date) -> RequirementOut:
    balance = selectors.requirement_balance(requirement)
    flags = selectors.case_flags(requirement, book=book, today=today)
    order = requirement.order
    return RequirementOut(
        id=requirement.pk,
        person=_person(requirement.person),
        order=OrderOut(
            order_type=OrderType(order.order_type),
            sentence_date=order.sentence_date,
            court=order.court,
            operational_period_end=order.operational_period_end,
        ),
        status=CaseStatus(requirement.status),
        concurrent_with=requirement.concurrent_with_id,
        earning_stopped_on=requirement.earning_stopped_on,
        balance=BalanceOut(
            ordered_minutes=balance.ordered_minutes,
            variation_minutes=balance.variation_minutes,
            total_ordered_minutes=balance.total_ordered_minutes,
            credited=CreditedOut(
                work=balance.work_minutes,
                travel=balance.travel_minutes,
                ete=balance.ete_minutes,
                earned_reduction=balance.earned_reduction_minutes,
            ),
            credited_minutes=balance.credited_minutes,
            remaining_minutes=balance.remaining_minutes,
            percent_complete=max(0, balance.percent_complete),
        ),
        key_dates=KeyDatesOut(
            induction_due=requirement.induction_due,
            assessment_due=requirement.assessment_due,
            review_dates=list(selectors.review_dates(requirement, book=book)),
            window_end=requirement.window_end,
            extended_until=requirement.extended_until,
            completion_date=flags.completion,
        ),
        flags=_flags(flags),
    )


# ---------------------------------------------------------------------------------------------
# People


@router.get(
    "/people",
    response=PersonPage,
    operation_id="listPeople",
    summary="List people on probation",
    tags=["people"],
)
def list_people(request: HttpRequest, query: Query[PeopleQuery]) -> PersonPage:
    """People whose cases you may see, by last name then first name. Filter by exact CRN or by name."""
    user = api_staff(request, VIEW_CASES, message=CANNOT_VIEW_CASES)
    qs = selectors.people_for(user).select_related("pdu__region").order_by("last_name", "first_name", "id")
    if query.crn:
        qs = qs.filter(crn=query.crn.upper())
    if query.name:
        for word in query.name.split()[:3]:
            qs = qs.filter(Q(first_name__istartswith=word) | Q(last_name__istartswith=word))
    count, people = paginate(qs, query)
    return PersonPage(count=count, page=query.page, page_size=query.page_size, items=[_person(p) for p in people])


@router.get(
    "/people/{crn}",
    response=PersonDetailOut,
    operation_id="getPerson",
    summary="One person on probation",
    tags=["people"],
)
def get_person(request: HttpRequest, crn: str = CRN) -> PersonDetailOut:
    """The person with their contact details and Unpaid Work requirements. 404 if outside your area."""
    user = api_staff(request, VIEW_CASES, message=CANNOT_VIEW_CASES)
    person = selectors.person_get(user, crn)
    practitioner = person.practitioner
    requirements = selectors.requirements_for(user).filter(person=person).order_by("-order__sentence_date", "-id")
    return PersonDetailOut(
        **_person(person).model_dump(),
        phone=person.phone,
        email=person.email,
        address=person.address,
        postcode=person.postcode,
        practitioner=(practitioner.get_full_name() or practitioner.username) if practitioner else None,
        requirements=[
            RequirementRef(
                id=r.pk,
                status=CaseStatus(r.status),
                ordered_minutes=r.ordered_minutes,
                sentence_date=r.order.sentence_date,
            )
            for r in requirements
        ],
    )


# ---------------------------------------------------------------------------------------------
# Requirements


@router.get(
    "/requirements",
    response=RequirementPage,
    operation_id="listRequirements",
    summary="List Unpaid Work requirements (the caseload)",
    tags=["requirements"],
)
def list_requirements(request: HttpRequest, query: Query[RequirementsQuery]) -> RequirementPage:
    """Requirements you may see, soonest completion date first; open cases only unless a status is given."""
    user = api_staff(request, VIEW_CASES, message=CANNOT_VIEW_CASES)
    today = timezone.localdate()
    filters = selectors.CaseloadFilters(
        status=query.status.value if query.status else "", pdu=query.pdu, flag=query.flag or ""
    )
    count, requirements = paginate(selectors.caseload(user, filters, today=today), query)
    book = policy_book()
    items = []
    for r in requirements:
        flags = selectors.case_flags(r, book=book, today=today)
        items.append(
            RequirementSummaryOut(
                id=r.pk,
                crn=r.person.crn,
                person_name=r.person.full_name,
                pdu=r.person.pdu.code,
                status=CaseStatus(r.status),
                ordered_minutes=r.ordered_minutes,
                remaining_minutes=flags.remaining,
                completion_date=flags.completion,
                flags=_flags(flags),
            )
        )
    return RequirementPage(count=count, page=query.page, page_size=query.page_size, items=items)


@router.get(
    "/requirements/{id}",
    response=RequirementOut,
    operation_id="getRequirement",
    summary="One requirement with its balance, key dates and flags",
    tags=["requirements"],
)
def get_requirement(request: HttpRequest, id: int = REQUIREMENT_ID) -> RequirementOut:
    """The hours balance (ordered, court variations, credited by kind, remaining), the key dates and the
    flags of one requirement. 404 if outside your area."""
    user = api_staff(request, VIEW_CASES, message=CANNOT_VIEW_CASES)
    requirement = selectors.requirement_get(user, id)
    return _requirement_detail(requirement, book=policy_book(), today=timezone.localdate())


@router.get(
    "/requirements/{id}/ledger",
    response=list[LedgerEntryOut],
    operation_id="listLedgerEntries",
    summary="The hours ledger of one requirement",
    tags=["ledger"],
)
def list_ledger(request: HttpRequest, id: int = REQUIREMENT_ID) -> list[LedgerEntryOut]:
    """Every entry in date order. Entries are never edited: a correction is a new entry with the
    opposite minutes that points at the entry it reverses."""
    user = api_staff(request, VIEW_CASES, message=CANNOT_VIEW_CASES)
    requirement = selectors.requirement_get(user, id)
    entries = selectors.ledger_for(requirement)
    reversed_by = {e.reverses_id: e.pk for e in entries if e.reverses_id}
    return [_entry(e, reversed_by=reversed_by.get(e.pk)) for e in entries]


@router.post(
    "/requirements/{id}/adjustments",
    response={201: AdjustmentOut, 409: KeyReusedOut},
    operation_id="recordAdjustment",
    summary="Record a travel time adjustment or ETE credit",
    tags=["ledger"],
)
def record_adjustment(
    request: HttpRequest,
    body: AdjustmentIn,
    response: HttpResponse,
    id: int = REQUIREMENT_ID,
    idempotency_header: str | None = _idempotency_header(),
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
    key = _idempotency_key(body.idempotency_key, idempotency_header)
    try:
        with transaction.atomic():
            write = services.ledger_record_adjustment(
                actor=user,
                requirement=requirement,
                kind=body.kind,
                minutes=body.minutes,
                occurred_on=body.occurred_on,
                reason=body.reason,
                idempotency_key=idempotency.key_check(key),
            )
    except KeyReused as error:
        return _key_reused(error)
    if write.replayed:
        response["Idempotent-Replayed"] = "true"
    entry = _entry(write.entry, reversed_by=None)
    return Status(201, AdjustmentOut(**entry.model_dump(), requested_minutes=write.requested_minutes, note=write.note))


# ---------------------------------------------------------------------------------------------
# Ledger entries


@router.get(
    "/ledger-entries/{id}",
    response=LedgerEntryOut,
    operation_id="getLedgerEntry",
    summary="One ledger entry",
    tags=["ledger"],
)
def get_ledger_entry(request: HttpRequest, id: int = ENTRY_ID) -> LedgerEntryOut:
    """404 if the entry's case is outside your area."""
    user = api_staff(request, VIEW_CASES, message=CANNOT_VIEW_CASES)
    entry = selectors.ledger_entry_get(user, id)
    return _entry(entry, reversed_by=_reversed_by(entry))


@router.post(
    "/ledger-entries/{id}/corrections",
    response={201: LedgerEntryOut, 409: KeyReusedOut},
    operation_id="correctLedgerEntry",
    summary="Correct (reverse) a ledger entry",
    tags=["ledger"],
)
def correct_ledger_entry(
    request: HttpRequest,
    body: CorrectionIn,
    response: HttpResponse,
    id: int = ENTRY_ID,
    idempotency_header: str | None = _idempotency_header(),
) -> Status[LedgerEntryOut] | Status[KeyReusedOut]:
    """Reverse an entry with a new one of the opposite minutes; the original is kept. An entry can be
    corrected once; a correction and earned reduction cannot be corrected (400, field `entry`).

    Every request carries an idempotency key (the `Idempotency-Key` header or the `idempotency_key`
    field; 400 naming `idempotency_key` without one). A repeat with the same key and body gets the
    first answer again (201, with the header `Idempotent-Replayed: true`); the same key with a
    different body is **409** naming `idempotency_key`."""
    user = api_staff(request, CORRECT_LEDGER, message=CANNOT_CORRECT_LEDGER)
    entry = selectors.ledger_entry_get(user, id)
    key = _idempotency_key(body.idempotency_key, idempotency_header)
    try:
        with transaction.atomic():
            write = services.ledger_correct_entry(
                actor=user, entry=entry, reason=body.reason, idempotency_key=idempotency.key_check(key)
            )
    except KeyReused as error:
        return _key_reused(error)
    if write.replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(201, _entry(write.entry, reversed_by=None))
