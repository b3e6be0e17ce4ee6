"""Recording a new case: the person, their order and its Unpaid Work requirement."""

import re
from datetime import date
from typing import Any, NotRequired, TypedDict, Unpack

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction

from payback.core.policy import PolicyBook
from payback.core.selectors import policy_book
from payback.core.services import audit_record
from payback.staff.models import Pdu, User

from .. import rules
from ..models import (
    CLOSED_STATUSES,
    CaseStatus,
    CaseStatusChange,
    DiversityInformation,
    Order,
    OrderType,
    Person,
    Requirement,
)
from .common import today
from .ledger import requirement_due_dates

S = CaseStatus
CRN_PATTERN = re.compile(r"^[A-Z][0-9]{6}$")
YOUTH_REHABILITATION_ORDER = "youth_rehabilitation_order"
YRO_REFUSAL = (
    "Youth Rehabilitation Orders are managed by youth justice services, not in Payback. "
    "Record only Community Orders and Suspended Sentence Orders"
)


def _check_hours(hours: Any, errors: dict[str, str], field: str = "hours") -> int | None:
    if not isinstance(hours, int) or isinstance(hours, bool):
        errors[field] = "Enter the hours ordered as a whole number, like 120"
        return None
    if hours < rules.MIN_HOURS or hours > rules.MAX_HOURS:
        errors[field] = f"Hours ordered must be between {rules.MIN_HOURS} and {rules.MAX_HOURS}"
        return None
    return hours


def _check_aggregate(person: Person, hours: int, concurrent_with: Requirement | None, errors: dict[str, str]) -> None:
    live = list(
        person.requirements.exclude(status__in=CLOSED_STATUSES).values_list(
            "id", "concurrent_with_id", "ordered_minutes"
        )
    )
    items: list[tuple[int, int | None, int]] = [(rid, parent, minutes // 60) for rid, parent, minutes in live]
    items.append((-1, concurrent_with.pk if concurrent_with else None, hours))
    total = rules.aggregate_hours(items)
    if total > rules.MAX_AGGREGATE_HOURS:
        errors["hours"] = (
            f"This would make {total} hours that are not concurrent across the person's orders; "
            f"the most the law allows is {rules.MAX_AGGREGATE_HOURS}. Make it concurrent or reduce the hours"
        )


@transaction.atomic
def requirement_create(
    *, actor: User | None, order: Order, hours: int, concurrent_with: Requirement | None = None, book: PolicyBook
) -> Requirement:
    errors: dict[str, str] = {}
    checked = _check_hours(hours, errors)
    if concurrent_with is not None and concurrent_with.person_id != order.person_id:
        errors["concurrent_with"] = "A requirement can only be concurrent with another of the same person's"
    if checked is not None and "concurrent_with" not in errors:
        _check_aggregate(order.person, checked, concurrent_with, errors)
    if errors:
        raise ValidationError(errors)
    dates = rules.key_dates(order.sentence_date, book)
    requirement = Requirement(
        order=order,
        person=order.person,
        ordered_minutes=hours * 60,
        concurrent_with=concurrent_with,
        status=S.AWAITING_INDUCTION,
        induction_due=dates.induction_due,
        assessment_due=dates.assessment_due,
        window_end=rules.window_end(order.sentence_date, book),
    )
    requirement.due_date, requirement.due_date_without_window = requirement_due_dates(requirement)
    requirement.full_clean()
    requirement.save()
    CaseStatusChange.objects.create(
        requirement=requirement, from_status="", to_status=S.AWAITING_INDUCTION, reason="Order made", changed_by=actor
    )
    audit_record(
        actor=actor,
        action="requirement.created",
        obj=requirement,
        summary=f"Unpaid work requirement of {hours} hours recorded",
        after={"ordered_minutes": requirement.ordered_minutes, "order": order.pk},
    )
    return requirement


def order_type_check(order_type: str) -> None:
    """Only Community Orders and Suspended Sentence Orders are managed here; a Youth
    Rehabilitation Order is refused with a message saying where it belongs."""
    if order_type == YOUTH_REHABILITATION_ORDER:
        raise ValidationError({"order_type": YRO_REFUSAL})
    if order_type not in OrderType.values:
        raise ValidationError({"order_type": "Select the type of order"})


class NewCase(TypedDict):
    """What recording a case is asked with: the person, the order and the hours ordered."""

    crn: str
    first_name: str
    last_name: str
    date_of_birth: date | None
    sex: str
    pdu: Pdu | None
    order_type: str
    sentence_date: date | None
    court: str
    hours: Any
    operational_period_months: NotRequired[int | None]
    phone: NotRequired[str]
    email: NotRequired[str]
    address: NotRequired[str]
    postcode: NotRequired[str]
    practitioner: NotRequired[User | None]


def _person_errors(case: NewCase, crn: str, errors: dict[str, str]) -> None:
    if not CRN_PATTERN.match(crn):
        errors["crn"] = "Enter a CRN in the right format: one letter then six numbers, like X123456"
    elif Person.objects.filter(crn=crn).exists():
        errors["crn"] = f"A person with CRN {crn} is already recorded: open their case instead"
    if not case["first_name"].strip():
        errors["first_name"] = "Enter the person's first name"
    if not case["last_name"].strip():
        errors["last_name"] = "Enter the person's last name"
    if case["sex"] not in {choice for choice, _ in Person._meta.get_field("sex").choices or []}:
        errors["sex"] = "Select the person's sex"
    if case["pdu"] is None:
        errors["pdu"] = "Select the PDU that manages the case"


def _sentence_errors(case: NewCase, errors: dict[str, str]) -> None:
    sentence_date, date_of_birth = case["sentence_date"], case["date_of_birth"]
    try:
        order_type_check(case["order_type"])
    except ValidationError as error:
        errors.update({field: messages[0] for field, messages in error.message_dict.items()})
    if sentence_date is None:
        errors["sentence_date"] = "Enter the date of sentence"
    elif sentence_date > today():
        errors["sentence_date"] = "The date of sentence must be today or in the past"
    if date_of_birth is None:
        errors["date_of_birth"] = "Enter the person's date of birth"
    elif sentence_date is not None and "order_type" not in errors:
        if rules.age_on(date_of_birth, sentence_date) < rules.ADULT_AGE:
            errors["date_of_birth"] = (
                "The person was under 18 when sentenced, so the order is a Youth Rehabilitation Order: "
                "these are managed by youth justice services, not in Payback"
            )
    if not case["court"].strip():
        errors["court"] = "Enter the court that made the order"


def _operational_end(case: NewCase, errors: dict[str, str]) -> date | None:
    """The end of a Suspended Sentence Order's operational period (other orders have none)."""
    months, sentence_date = case.get("operational_period_months"), case["sentence_date"]
    if case["order_type"] == OrderType.SUSPENDED_SENTENCE_ORDER:
        if months is None:
            errors["operational_period_months"] = "Enter the operational period of the suspended sentence in months"
        elif not (rules.SSO_MIN_OPERATIONAL_MONTHS <= months <= rules.SSO_MAX_OPERATIONAL_MONTHS):
            errors["operational_period_months"] = "The operational period must be between 6 and 24 months"
        elif sentence_date is not None:
            return sentence_date + relativedelta(months=months)
    elif months:
        errors["operational_period_months"] = "Only a Suspended Sentence Order has an operational period"
    return None


def _check_case(case: NewCase, crn: str) -> date | None:
    """Refuse a new case if anything about the person, the sentence or the hours is wrong; otherwise
    the end of the order's operational period, if it has one."""
    errors: dict[str, str] = {}
    _person_errors(case, crn, errors)
    _sentence_errors(case, errors)
    operational_end = _operational_end(case, errors)
    _check_hours(case["hours"], errors)
    if errors:
        raise ValidationError(errors)
    return operational_end


def _person_save(case: NewCase, crn: str, diversity: dict[str, Any] | None) -> Person:
    assert case["pdu"] is not None and case["date_of_birth"] is not None
    person = Person(
        crn=crn,
        first_name=case["first_name"].strip(),
        last_name=case["last_name"].strip(),
        date_of_birth=case["date_of_birth"],
        sex=case["sex"],
        phone=case.get("phone", "").strip(),
        email=case.get("email", "").strip(),
        address=case.get("address", "").strip(),
        postcode=case.get("postcode", "").strip().upper(),
        pdu=case["pdu"],
        practitioner=case.get("practitioner"),
    )
    person.full_clean()
    person.save()
    if diversity:
        info = DiversityInformation(person=person, **diversity)
        info.full_clean()
        info.save()
    return person


def _order_save(*, actor: User | None, person: Person, case: NewCase, operational_end: date | None) -> Order:
    sentence_date = case["sentence_date"]
    assert sentence_date is not None
    order = Order(
        person=person,
        order_type=case["order_type"],
        sentence_date=sentence_date,
        court=case["court"].strip(),
        operational_period_months=case.get("operational_period_months") if operational_end else None,
        operational_period_end=operational_end,
    )
    order.full_clean()
    order.save()
    audit_record(
        actor=actor,
        action="case.created",
        obj=person,
        summary=(
            f"{person.full_name} ({person.crn}) recorded with a {order.get_order_type_display()} made at {order.court}"
        ),
        after={"crn": person.crn, "order_type": order.order_type, "sentence_date": sentence_date.isoformat()},
    )
    return order


@transaction.atomic
def case_create(
    *,
    actor: User | None,
    diversity: dict[str, Any] | None = None,
    book: PolicyBook | None = None,
    **case: Unpack[NewCase],
) -> Requirement:
    """Record a new person with their order and its Unpaid Work requirement."""
    book = book or policy_book()
    crn = (case["crn"] or "").strip().upper()
    operational_end = _check_case(case, crn)
    person = _person_save(case, crn, diversity)
    order = _order_save(actor=actor, person=person, case=case, operational_end=operational_end)
    return requirement_create(actor=actor, order=order, hours=case["hours"], book=book)
