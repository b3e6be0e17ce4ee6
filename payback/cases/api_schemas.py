"""The cases API's schemas: what it accepts and answers for people, requirements and the hours ledger,
and the shaping of records into them."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Path, Schema
from pydantic import StrictInt

from payback.core.api_common import (
    NO_NUL,
    InputSchema,
    OptionalChoice,
    Page,
    PageQuery,
    StaffName,
    idempotency_key_field,
    shaped,
)

from .models import CaseAllocation, CaseStatus, LedgerEntry, LedgerKind, OrderType, Person, Requirement, Sex
from .rules import Balance
from .selectors import CaseFlags

CRN_PATTERN = r"^[A-Za-z][0-9]{6}$"
CRN = Path(..., pattern=CRN_PATTERN, description="Case reference number, like X123456")
REQUIREMENT_ID = Path(..., description="Id of the requirement")
ENTRY_ID = Path(..., description="Id of the ledger entry")


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


class PersonPage(Page):
    count: int = Field(description="People matching the filters, across all pages")
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
    practitioner: StaffName = Field(description="Name of the probation practitioner who owns the case")
    requirements: list[RequirementRef] = Field(description="The person's Unpaid Work requirements, newest first")


class FlagsOut(Schema):
    backlog: bool = Field(description="The completion date has passed with hours still owed")
    at_risk: bool = Field(
        description="The hours still owed cannot be worked at the weekly standard before the completion date"
    )
    induction: OptionalChoice[Literal["due", "overdue"]] = Field(
        description="Whether the induction is still to happen and late; null once it has happened"
    )
    assessment: OptionalChoice[Literal["due", "overdue"]] = Field(
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


class RequirementPage(Page):
    count: int = Field(description="Requirements matching the filters, across all pages")
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
    created_by: StaffName = Field(description="Who recorded it; null when the service recorded it itself")


IDEMPOTENCY_KEY_TEXT = (
    "A new key for each request (a UUID, say), kept when the request is retried: a repeat with the same key "
    "and body gets the first answer again and changes nothing. May be sent as the Idempotency-Key header "
    "instead; one of the two is required"
)


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
    idempotency_key: str | None = idempotency_key_field(IDEMPOTENCY_KEY_TEXT, "8b1f0c2e-5d7a-4e8b-9c61-0f4a9d7e2b13")


class CorrectionIn(InputSchema):
    reason: str = Field(
        max_length=500, pattern=NO_NUL, description="Why the entry is being corrected", examples=["Recorded twice"]
    )
    idempotency_key: str | None = idempotency_key_field(IDEMPOTENCY_KEY_TEXT, "3c0e6f5a-2b7d-4f0e-9a51-7d2c8e4b1f60")


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


class ReallocationIn(InputSchema):
    to_practitioner: str = Field(
        max_length=150,
        pattern=NO_NUL,
        description="Username of the probation practitioner in the case's PDU who takes the case on",
        examples=["jsmith"],
    )
    reason: str = Field(
        max_length=500, pattern=NO_NUL, description="Why the case is reallocated", examples=["Balancing caseloads"]
    )
    idempotency_key: str | None = idempotency_key_field(IDEMPOTENCY_KEY_TEXT, "5e2a9c1d-7b3f-4d8e-a6c0-1f9b2e4d7a35")


class ReallocationOut(Schema):
    crn: str = Field(description="The case reference number of the person whose case moved")
    from_practitioner: StaffName = Field(description="Who had the case before; null when nobody had it")
    to_practitioner: StaffName = Field(description="Who has the case now")
    reason: str
    created_at: datetime
    created_by: StaffName = Field(description="Who reallocated the case")


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
    return shaped(PduOut, pdu, region=pdu.region.name)


def person_out(person: Person) -> PersonOut:
    return shaped(PersonOut, person, pdu=_pdu(person))


def person_detail(person: Person, *, requirements: list[Requirement]) -> PersonDetailOut:
    """The person with the requirements of theirs the caller may see."""
    refs = [shaped(RequirementRef, r, sentence_date=r.order.sentence_date) for r in requirements]
    return shaped(PersonDetailOut, person, pdu=_pdu(person), requirements=refs)


def entry_out(entry: LedgerEntry, *, reversed_by: int | None) -> LedgerEntryOut:
    return shaped(
        LedgerEntryOut, entry, requirement=entry.requirement_id, reverses=entry.reverses_id, reversed_by=reversed_by
    )


def requirement_summary(requirement: Requirement, *, flags: CaseFlags) -> RequirementSummaryOut:
    person = requirement.person
    return shaped(
        RequirementSummaryOut,
        requirement,
        crn=person.crn,
        person_name=person.full_name,
        pdu=person.pdu.code,
        remaining_minutes=flags.remaining,
        completion_date=flags.completion,
        flags=flags,
    )


def _balance(balance: Balance) -> BalanceOut:
    credited = CreditedOut(
        work=balance.work_minutes,
        travel=balance.travel_minutes,
        ete=balance.ete_minutes,
        earned_reduction=balance.earned_reduction_minutes,
    )
    return shaped(BalanceOut, balance, credited=credited, percent_complete=max(0, balance.percent_complete))


def requirement_out(
    requirement: Requirement, *, balance: Balance, flags: CaseFlags, review_dates: list[date]
) -> RequirementOut:
    key_dates = shaped(KeyDatesOut, requirement, review_dates=review_dates, completion_date=flags.completion)
    return shaped(
        RequirementOut,
        requirement,
        person=person_out(requirement.person),
        concurrent_with=requirement.concurrent_with_id,
        balance=_balance(balance),
        key_dates=key_dates,
        flags=flags,
    )


class DiversityIn(InputSchema):
    """The Diversity Information Form's answers: give only those being recorded."""

    ethnicity: str | None = Field(None, max_length=100, description="One of the ONS 2021 ethnic groups")
    religion_or_belief: str | None = Field(None, max_length=100)
    disability: str | None = Field(None, max_length=300)
    neurodiversity: str | None = Field(None, max_length=300)
    gender_identity: str | None = Field(None, max_length=100)
    sexual_orientation: str | None = Field(None, max_length=100)
    first_language: str | None = Field(None, max_length=100)
    interpreter_required: bool | None = None


class DiversityOut(Schema):
    recorded: bool = Field(description="Whether the form has been recorded at all")
    ethnicity: str = ""
    religion_or_belief: str = ""
    disability: str = ""
    neurodiversity: str = ""
    gender_identity: str = ""
    sexual_orientation: str = ""
    first_language: str = ""
    interpreter_required: bool = False


def reallocation_out(allocation: CaseAllocation) -> ReallocationOut:
    return ReallocationOut(
        crn=allocation.person.crn,
        from_practitioner=allocation.from_practitioner,
        to_practitioner=allocation.to_practitioner,
        reason=allocation.reason,
        created_at=allocation.created_at,
        created_by=allocation.created_by,
    )
