"""The cases API: people on probation, their Unpaid Work requirements and the hours ledger.

Thin by design: every read goes through `selectors` (scoped to the caller's PDU, region or the
country, so another region's record is simply not found) and every write through `services`
(which hold the rules and raise ValidationError naming the field). Times are whole minutes."""

from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Header, Path, Query, Router, Schema
from ninja.responses import Status
from pydantic import StrictInt

from payback.core import idempotency
from payback.core.api_common import NO_NUL, InputSchema, PageQuery, paginate
from payback.core.idempotency import KeyReused
from payback.core.policy import PolicyBook
from payback.core.selectors import policy_book
from payback.staff.models import User
from payback.staff.roles import ASSESS, CORRECT_LEDGER, COUNTERSIGN, RECORD_ADJUSTMENTS, VIEW_CASES

from . import selectors, services
from .models import CaseStatus, LedgerEntry, LedgerKind, OrderType, Person, Requirement, Sex

router = Router(tags=["cases"])

CRN_PATTERN = r"^[A-Za-z][0-9]{6}$"
CRN = Path(..., pattern=CRN_PATTERN, description="Case reference number, like X123456")
REQUIREMENT_ID = Path(..., description="Id of the requirement")
ENTRY_ID = Path(..., description="Id of the ledger entry")

PERMISSION_MESSAGES = {
    VIEW_CASES: "You do not have permission to view cases",
    RECORD_ADJUSTMENTS: "You do not have permission to record adjustments",
    CORRECT_LEDGER: "You do not have permission to correct the hours ledger",
    ASSESS: "You do not have permission to record inductions and assessments",
    COUNTERSIGN: "You do not have permission to countersign assessments",
}


def _staff(request: HttpRequest, permission: str) -> User:
    user: User = request.auth  # type: ignore[attr-defined]
    if not user.has_perm(permission):
        raise PermissionDenied(PERMISSION_MESSAGES[permission])
    return user


# ---------------------------------------------------------------------------------------------
# Schemas


class PduOut(Schema):
    id: int = Field(description="Use as the `pdu` filter of the requirements list")
    code: str
    name: str
    region: str = Field(description="Name of the probation region the PDU belongs to")


class PersonOut(Schema):
    crn: str = Field(description="Case reference number, as in nDelius: one letter then six numbers")
    first_name: str
    last_name: str
    date_of_birth: date
    sex: Sex
    pdu: PduOut = Field(description="The Probation Delivery Unit that manages the case")


class PersonPage(Schema):
    count: int = Field(description="People matching the filters, across all pages")
    page: int
    page_size: int
    items: list[PersonOut]


class OrderOut(Schema):
    order_type: OrderType
    sentence_date: date
    court: str
    operational_period_end: date | None = Field(
        description="Suspended Sentence Orders only: hours cannot be worked or extended past this date"
    )


class RequirementRef(Schema):
    id: int
    status: CaseStatus
    ordered_minutes: int = Field(description="Minutes ordered at sentence (before any court variation)")
    sentence_date: date


class PersonDetailOut(PersonOut):
    phone: str
    email: str
    address: str
    postcode: str
    practitioner: str | None = Field(description="Name of the probation practitioner who owns the case")
    requirements: list[RequirementRef] = Field(description="The person's Unpaid Work requirements, newest first")


class FlagsOut(Schema):
    backlog: bool = Field(description="The completion date has passed with hours still owed")
    at_risk: bool = Field(
        description="The hours still owed cannot be worked at the weekly standard before the completion date"
    )
    induction: Literal["due", "overdue"] | None = Field(
        description="Whether the induction is still to happen and late; null once it has happened"
    )
    assessment: Literal["due", "overdue"] | None = Field(
        description="Whether the UPW assessment is still to happen and late; null once it has happened"
    )


class RequirementSummaryOut(Schema):
    id: int
    crn: str
    person_name: str
    pdu: str = Field(description="Code of the PDU that manages the case")
    status: CaseStatus
    ordered_minutes: int = Field(description="Minutes ordered at sentence")
    remaining_minutes: int = Field(description="Minutes still owed, after variations and every credit")
    completion_date: date | None = Field(description="Date by which every hour must be worked; null if no limit")
    flags: FlagsOut


class RequirementPage(Schema):
    count: int = Field(description="Requirements matching the filters, across all pages")
    page: int
    page_size: int
    items: list[RequirementSummaryOut]


class CreditedOut(Schema):
    work: int = Field(description="Minutes worked on placements")
    travel: int = Field(description="Minutes of travel time adjustments")
    ete: int = Field(description="Minutes of education, training and employment")
    earned_reduction: int = Field(description="Minutes of earned reduction")


class BalanceOut(Schema):
    ordered_minutes: int = Field(description="Minutes ordered at sentence")
    variation_minutes: int = Field(description="Minutes added (positive) or taken away (negative) by the court")
    total_ordered_minutes: int = Field(description="Ordered plus variations")
    credited: CreditedOut = Field(description="Minutes credited, by kind (corrections already netted off)")
    credited_minutes: int = Field(description="All minutes credited")
    remaining_minutes: int = Field(description="Minutes still owed")
    percent_complete: int = Field(ge=0, le=100)


class KeyDatesOut(Schema):
    induction_due: date
    assessment_due: date
    review_dates: list[date] = Field(description="Progress review points, from the policy in force at sentence")
    window_end: date | None = Field(description="End of the completion window set at sentence, if one applied")
    extended_until: date | None = Field(description="Completion date set by the court when it extended the order")
    completion_date: date | None = Field(
        description="Date by which every hour must be worked, under the rules in force today; null if no limit"
    )


class RequirementOut(Schema):
    id: int
    person: PersonOut
    order: OrderOut
    status: CaseStatus
    concurrent_with: int | None = Field(description="The requirement this one runs concurrently with, if any")
    earning_stopped_on: date | None = Field(
        description="Set when an unacceptable failure stopped further earned reduction"
    )
    balance: BalanceOut
    key_dates: KeyDatesOut
    flags: FlagsOut


class LedgerEntryOut(Schema):
    id: int
    requirement: int = Field(description="Id of the requirement the entry belongs to")
    kind: LedgerKind
    minutes: int = Field(
        description="For credits, minutes that reduce what is owed; for a court variation, minutes added "
        "(positive) or taken away (negative). A correction carries the opposite minutes of the entry it reverses"
    )
    occurred_on: date = Field(description="The day worked, or the day the adjustment applies from")
    reason: str
    source: str = Field(description="Where the entry came from, for example adjustment, ete, court or correction")
    reverses: int | None = Field(description="For a correction, the id of the entry it reverses")
    reversed_by: int | None = Field(description="The id of the correction that reverses this entry, if any")
    created_at: datetime
    created_by: str | None = Field(description="Who recorded it; null when the service recorded it itself")


IDEMPOTENCY_KEY_TEXT = (
    "A new key for each request (a UUID, say), kept when the request is retried: a repeat with the same key "
    "and body gets the first answer again and changes nothing. May be sent as the Idempotency-Key header "
    "instead; one of the two is required"
)


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


class AdjustmentIn(InputSchema):
    kind: Literal["travel", "ete"] = Field(
        description="travel: a travel time adjustment; ete: education, training and employment", examples=["travel"]
    )
    minutes: StrictInt = Field(description="Whole minutes to credit", examples=[90])
    occurred_on: date = Field(description="The day the adjustment applies from (ISO 8601)", examples=["2026-03-10"])
    reason: str = Field(
        max_length=500,
        pattern=NO_NUL,
        description="Why the adjustment is made, or what the activity was",
        examples=["Two buses each way to the project"],
    )
    idempotency_key: str | None = Field(
        None,
        min_length=1,
        max_length=100,
        pattern=NO_NUL,
        description=IDEMPOTENCY_KEY_TEXT,
        examples=["8b1f0c2e-5d7a-4e8b-9c61-0f4a9d7e2b13"],
    )


class CorrectionIn(InputSchema):
    reason: str = Field(
        max_length=500, pattern=NO_NUL, description="Why the entry is being corrected", examples=["Recorded twice"]
    )
    idempotency_key: str | None = Field(
        None,
        min_length=1,
        max_length=100,
        pattern=NO_NUL,
        description=IDEMPOTENCY_KEY_TEXT,
        examples=["3c0e6f5a-2b7d-4f0e-9a51-7d2c8e4b1f60"],
    )


class AdjustmentOut(LedgerEntryOut):
    requested_minutes: int = Field(description="The minutes asked for")
    note: str = Field(
        description="Why fewer minutes were credited than asked for (only what completes the order, counting "
        "the earned reduction the credit itself earns); empty when all were credited"
    )


class KeyReusedOut(Schema):
    errors: list[dict[str, str]] = Field(
        description='One error naming `idempotency_key`: [{"field": "idempotency_key", "message": "..."}]'
    )


def _key_reused(error: KeyReused) -> Status[KeyReusedOut]:
    return Status(
        409, KeyReusedOut(errors=[{"field": "idempotency_key", "message": error.message_dict["idempotency_key"][0]}])
    )


class PeopleQuery(PageQuery):
    crn: str | None = Field(None, pattern=CRN_PATTERN, description="Exact CRN, like X123456")
    name: str | None = Field(
        None,
        max_length=100,
        pattern=NO_NUL,
        description="Words that start the person's first or last name, like 'Ale Smi'",
    )


class RequirementsQuery(PageQuery):
    status: CaseStatus | None = Field(None, description="Only this status. Without it, closed cases are left out")
    pdu: int | None = Field(None, ge=1, description="Only cases managed by this PDU (its id)")
    flag: Literal["overdue", "due_soon", "at_risk", "backlog"] | None = Field(
        None,
        description="overdue: induction or assessment overdue; due_soon: due in the next 7 days; "
        "at_risk: at risk of not finishing in time; backlog: completion date passed with hours owed",
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
    balance = services.requirement_balance(requirement)
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
    user = _staff(request, VIEW_CASES)
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
    user = _staff(request, VIEW_CASES)
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
    user = _staff(request, VIEW_CASES)
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
    user = _staff(request, VIEW_CASES)
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
    user = _staff(request, VIEW_CASES)
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
    user = _staff(request, RECORD_ADJUSTMENTS)
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
    user = _staff(request, VIEW_CASES)
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
    user = _staff(request, CORRECT_LEDGER)
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
