"""Every write to a case, and the rules applied when writing. Each service runs in one
transaction, writes an audit event and either saves everything or nothing."""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, OuterRef, Q, Subquery, Sum, When
from django.db.models.functions import Coalesce, Least
from django.db.models.lookups import IsNull
from django.utils import timezone

from payback.core import idempotency
from payback.core.policy import PolicyBook
from payback.core.selectors import policy_book
from payback.core.services import audit_record
from payback.staff.models import Pdu, User

from . import rules
from .models import (
    CLOSED_STATUSES,
    CaseStatus,
    CaseStatusChange,
    DiversityInformation,
    LedgerEntry,
    LedgerKind,
    LedgerRequest,
    LedgerTotals,
    Order,
    OrderType,
    Person,
    Requirement,
)

CRN_PATTERN = re.compile(r"^[A-Z][0-9]{6}$")
YOUTH_REHABILITATION_ORDER = "youth_rehabilitation_order"
YRO_REFUSAL = (
    "Youth Rehabilitation Orders are managed by youth justice services, not in Payback. "
    "Record only Community Orders and Suspended Sentence Orders"
)

S = CaseStatus
ACTIVE = {S.AWAITING_INDUCTION, S.AWAITING_ASSESSMENT, S.AWAITING_PLACEMENT, S.WORKING}
ENDINGS = {S.REVOKED, S.TRANSFERRED_OUT, S.COMPLETED}
STATUS_TRANSITIONS: dict[str, set[str]] = {
    S.AWAITING_INDUCTION: {S.AWAITING_ASSESSMENT, S.PAUSED, S.BACKLOG, S.BREACH_IN_PROGRESS} | ENDINGS,
    S.AWAITING_ASSESSMENT: {S.AWAITING_PLACEMENT, S.PAUSED, S.BACKLOG, S.BREACH_IN_PROGRESS} | ENDINGS,
    S.AWAITING_PLACEMENT: {S.WORKING, S.PAUSED, S.BACKLOG, S.BREACH_IN_PROGRESS} | ENDINGS,
    S.WORKING: {S.AWAITING_PLACEMENT, S.PAUSED, S.BACKLOG, S.BREACH_IN_PROGRESS} | ENDINGS,
    S.PAUSED: ACTIVE | {S.BACKLOG, S.BREACH_IN_PROGRESS} | ENDINGS,
    S.BACKLOG: {S.AWAITING_PLACEMENT, S.WORKING, S.BREACH_IN_PROGRESS} | ENDINGS,
    S.BREACH_IN_PROGRESS: ACTIVE | {S.PAUSED, S.BACKLOG} | ENDINGS,
    S.COMPLETED: set(),
    S.REVOKED: set(),
    S.TRANSFERRED_OUT: set(),
}


def _subject(requirement: Requirement) -> str:
    return f"person:{requirement.person_id}"


def _today() -> date:
    return timezone.localdate()


# ---------------------------------------------------------------------------------------------
# Reading the ledger inside a write (locks the requirement so two writes cannot race)


def _locked(requirement: Requirement) -> Requirement:
    return Requirement.objects.select_for_update().select_related("order", "person").get(pk=requirement.pk)


def requirement_balance(requirement: Requirement) -> rules.Balance:
    rows = requirement.ledger.values("kind").annotate(total=Sum("minutes")).values_list("kind", "total")
    return rules.balance_of(requirement.ordered_minutes, rows)


def requirement_completion_date(requirement: Requirement, *, book: PolicyBook, on: date) -> date | None:
    return rules.completion_date(
        window_end=requirement.window_end,
        extended_until=requirement.extended_until,
        operational_period_end=requirement.order.operational_period_end,
        window_applies=rules.window_in_force(book, on),
    )


def requirement_is_backlog(requirement: Requirement, *, book: PolicyBook, on: date, remaining: int) -> bool:
    return rules.is_backlog(
        completion=requirement_completion_date(requirement, book=book, on=on),
        remaining_minutes=remaining,
        closed=requirement.status in CLOSED_STATUSES,
        on=on,
    )


# ---------------------------------------------------------------------------------------------
# Creating a case


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
    LedgerTotals.objects.create(requirement=requirement)
    CaseStatusChange.objects.create(
        requirement=requirement, from_status="", to_status=S.AWAITING_INDUCTION, reason="Order made", changed_by=actor
    )
    audit_record(
        actor=actor,
        action="requirement.created",
        obj=requirement,
        summary=f"Unpaid work requirement of {hours} hours recorded",
        subject=_subject(requirement),
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


@transaction.atomic
def case_create(
    *,
    actor: User | None,
    crn: str,
    first_name: str,
    last_name: str,
    date_of_birth: date | None,
    sex: str,
    pdu: Pdu | None,
    order_type: str,
    sentence_date: date | None,
    court: str,
    hours: Any,
    operational_period_months: int | None = None,
    phone: str = "",
    email: str = "",
    address: str = "",
    postcode: str = "",
    practitioner: User | None = None,
    diversity: dict[str, Any] | None = None,
    book: PolicyBook | None = None,
) -> Requirement:
    """Record a new person with their order and its Unpaid Work requirement."""
    book = book or policy_book()
    errors: dict[str, str] = {}
    crn = (crn or "").strip().upper()
    if not CRN_PATTERN.match(crn):
        errors["crn"] = "Enter a CRN in the right format: one letter then six numbers, like X123456"
    elif Person.objects.filter(crn=crn).exists():
        errors["crn"] = f"A person with CRN {crn} is already recorded: open their case instead"
    if not first_name.strip():
        errors["first_name"] = "Enter the person's first name"
    if not last_name.strip():
        errors["last_name"] = "Enter the person's last name"
    if sex not in {choice for choice, _ in Person._meta.get_field("sex").choices or []}:
        errors["sex"] = "Select the person's sex"
    if pdu is None:
        errors["pdu"] = "Select the PDU that manages the case"
    try:
        order_type_check(order_type)
    except ValidationError as error:
        errors.update({field: messages[0] for field, messages in error.message_dict.items()})
    if sentence_date is None:
        errors["sentence_date"] = "Enter the date of sentence"
    elif sentence_date > _today():
        errors["sentence_date"] = "The date of sentence must be today or in the past"
    if date_of_birth is None:
        errors["date_of_birth"] = "Enter the person's date of birth"
    elif sentence_date is not None and "order_type" not in errors:
        if rules.age_on(date_of_birth, sentence_date) < rules.ADULT_AGE:
            errors["date_of_birth"] = (
                "The person was under 18 when sentenced, so the order is a Youth Rehabilitation Order: "
                "these are managed by youth justice services, not in Payback"
            )
    if not court.strip():
        errors["court"] = "Enter the court that made the order"
    operational_end = None
    if order_type == OrderType.SUSPENDED_SENTENCE_ORDER:
        if operational_period_months is None:
            errors["operational_period_months"] = "Enter the operational period of the suspended sentence in months"
        elif not (rules.SSO_MIN_OPERATIONAL_MONTHS <= operational_period_months <= rules.SSO_MAX_OPERATIONAL_MONTHS):
            errors["operational_period_months"] = "The operational period must be between 6 and 24 months"
        elif sentence_date is not None:
            operational_end = sentence_date + relativedelta(months=operational_period_months)
    elif operational_period_months:
        errors["operational_period_months"] = "Only a Suspended Sentence Order has an operational period"
    _check_hours(hours, errors)
    if errors:
        raise ValidationError(errors)
    assert pdu is not None and sentence_date is not None and date_of_birth is not None

    person = Person(
        crn=crn,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        date_of_birth=date_of_birth,
        sex=sex,
        phone=phone.strip(),
        email=email.strip(),
        address=address.strip(),
        postcode=postcode.strip().upper(),
        pdu=pdu,
        practitioner=practitioner,
    )
    person.full_clean()
    person.save()
    if diversity:
        info = DiversityInformation(person=person, **diversity)
        info.full_clean()
        info.save()
    order = Order(
        person=person,
        order_type=order_type,
        sentence_date=sentence_date,
        court=court.strip(),
        operational_period_months=operational_period_months if operational_end else None,
        operational_period_end=operational_end,
    )
    order.full_clean()
    order.save()
    audit_record(
        actor=actor,
        action="case.created",
        obj=person,
        summary=f"{person.full_name} ({crn}) recorded with a {order.get_order_type_display()} made at {order.court}",
        subject=f"person:{person.pk}",
        after={"crn": crn, "order_type": order_type, "sentence_date": sentence_date.isoformat()},
    )
    return requirement_create(actor=actor, order=order, hours=hours, book=book)


# ---------------------------------------------------------------------------------------------
# Case status


@transaction.atomic
def requirement_change_status(
    *, actor: User | None, requirement: Requirement, to_status: str, reason: str, on: date | None = None
) -> Requirement:
    """Move a case to another status, if the move is allowed, and record the change."""
    requirement = _locked(requirement)
    on = on or _today()
    current = requirement.status
    if to_status not in S.values:
        raise ValidationError({"to_status": "Select a status from the list"})
    if to_status not in STATUS_TRANSITIONS[current]:
        raise ValidationError(
            {"to_status": f"A case that is {S(current).label.lower()} cannot become {S(to_status).label.lower()}"}
        )
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the status is changing"})
    remaining = requirement_balance(requirement).remaining_minutes
    if to_status == S.COMPLETED and remaining > 0:
        raise ValidationError(
            {"to_status": f"The case cannot be completed: {rules.format_minutes(remaining)} are still owed"}
        )
    if current == S.BACKLOG and to_status in ACTIVE:
        if requirement_is_backlog(requirement, book=policy_book(), on=on, remaining=remaining):
            raise ValidationError(
                {"to_status": "The completion date has passed: record the court's variation before work resumes"}
            )
    return _set_status(actor=actor, requirement=requirement, to_status=to_status, reason=reason.strip())


def _set_status(*, actor: User | None, requirement: Requirement, to_status: str, reason: str) -> Requirement:
    before = requirement.status
    requirement.status = to_status
    requirement.save(update_fields=["status"])
    CaseStatusChange.objects.create(
        requirement=requirement, from_status=before, to_status=to_status, reason=reason, changed_by=actor
    )
    audit_record(
        actor=actor,
        action="requirement.status_changed",
        obj=requirement,
        summary=f"Status changed from {S(before).label.lower()} to {S(to_status).label.lower()}: {reason}",
        subject=_subject(requirement),
        before={"status": before},
        after={"status": to_status},
    )
    return requirement


# ---------------------------------------------------------------------------------------------
# The hours ledger


def _post(
    *,
    actor: User | None,
    requirement: Requirement,
    kind: str,
    minutes: int,
    occurred_on: date,
    reason: str,
    source: str,
    source_ref: str = "",
    reverses: LedgerEntry | None = None,
) -> LedgerEntry:
    if "\x00" in reason or "\x00" in source_ref:
        raise ValidationError({"reason": "The reason contains a character that cannot be stored"})
    entry = LedgerEntry(
        requirement=requirement,
        kind=kind,
        minutes=minutes,
        occurred_on=occurred_on,
        reason=reason,
        source=source,
        source_ref=source_ref,
        reverses=reverses,
        created_by=actor,
    )
    entry.full_clean()
    entry.save()
    _add_to_totals(requirement, kind=kind, minutes=minutes)
    verb = "Correction of" if reverses else "Recorded"
    audit_record(
        actor=actor,
        action="ledger.correction" if reverses else f"ledger.{kind}",
        obj=entry,
        summary=f"{verb} {LedgerKind(kind).label.lower()}: {rules.format_minutes(minutes)} ({reason})",
        subject=_subject(requirement),
        after={"kind": kind, "minutes": minutes, "occurred_on": occurred_on.isoformat(), "source": source},
    )
    return entry


def _add_to_totals(requirement: Requirement, *, kind: str, minutes: int) -> None:
    field = "variation_minutes" if kind == LedgerKind.COURT_VARIATION else "credited_minutes"
    updated = LedgerTotals.objects.filter(requirement=requirement).update(**{field: F(field) + minutes})
    if not updated:
        ledger_totals_rebuild(requirement_ids=[requirement.pk])


def ledger_totals_rebuild(*, requirement_ids: list[int] | None = None) -> int:
    """Rebuild the running sums from the ledger (all requirements, or those given)."""
    requirements = Requirement.objects.all()
    if requirement_ids is not None:
        requirements = requirements.filter(pk__in=requirement_ids)
    LedgerTotals.objects.filter(requirement__in=requirements).delete()
    credited = Sum("ledger__minutes", filter=~Q(ledger__kind=LedgerKind.COURT_VARIATION), default=0)
    variation = Sum("ledger__minutes", filter=Q(ledger__kind=LedgerKind.COURT_VARIATION), default=0)
    rows = requirements.annotate(c=credited, v=variation).values_list("pk", "c", "v")
    created = LedgerTotals.objects.bulk_create(
        (LedgerTotals(requirement_id=pk, credited_minutes=c, variation_minutes=v) for pk, c, v in rows.iterator()),
        batch_size=5000,
    )
    return len(created)


def requirement_due_dates(requirement: Requirement) -> tuple[date | None, date | None]:
    """The completion date with a window in force, and without one."""
    op_end = requirement.order.operational_period_end
    return (
        rules.completion_date(
            window_end=requirement.window_end,
            extended_until=requirement.extended_until,
            operational_period_end=op_end,
            window_applies=True,
        ),
        rules.completion_date(
            window_end=requirement.window_end,
            extended_until=requirement.extended_until,
            operational_period_end=op_end,
            window_applies=False,
        ),
    )


def requirement_due_dates_rebuild() -> int:
    """Set every requirement's stored completion dates from its window, extension and operational
    period, in the database (used after bulk loads)."""
    op_end = Subquery(Order.objects.filter(pk=OuterRef("order_id")).values("operational_period_end")[:1])
    with_window = Coalesce(F("extended_until"), F("window_end"))
    count = Requirement.objects.update(
        due_date=Case(
            When(IsNull(op_end, True), then=with_window),
            When(Q(extended_until__isnull=True, window_end__isnull=True), then=op_end),
            default=Least(with_window, op_end),
        ),
        due_date_without_window=Case(
            When(IsNull(op_end, True), then=F("extended_until")),
            When(Q(extended_until__isnull=True), then=op_end),
            default=Least(F("extended_until"), op_end),
        ),
    )
    return count


def _check_can_credit(
    requirement: Requirement, *, occurred_on: date, book: PolicyBook, remaining: int, errors: dict[str, str]
) -> None:
    if requirement.status in CLOSED_STATUSES:
        errors["requirement"] = f"The case is {S(requirement.status).label.lower()}: no more hours can be credited"
        return
    if occurred_on < requirement.order.sentence_date:
        errors["occurred_on"] = "The date must be on or after the date of sentence"
    elif occurred_on > _today():
        errors["occurred_on"] = "The date must be today or in the past"
    op_end = requirement.order.operational_period_end
    if op_end is not None and occurred_on > op_end:
        errors["occurred_on"] = (
            f"The suspended sentence's operational period ended on {op_end:%d %B %Y}: hours cannot be credited after it"
        )
    if requirement_is_backlog(requirement, book=book, on=occurred_on, remaining=remaining):
        errors["requirement"] = (
            "The case is in backlog: its completion date has passed with hours outstanding. "
            "No hours can be credited until the court varies the order"
        )
    if remaining <= 0:
        errors["minutes"] = "No hours are owed on this requirement"


def _after_credit(*, actor: User | None, requirement: Requirement, book: PolicyBook, on: date) -> None:
    """Earned reduction, then completion, kept in step with every credit or correction."""
    _apply_earned_reduction(actor=actor, requirement=requirement, book=book, on=on)
    balance = requirement_balance(requirement)
    if balance.remaining_minutes == 0 and requirement.status not in CLOSED_STATUSES:
        _set_status(actor=None, requirement=requirement, to_status=S.COMPLETED, reason="All hours credited")


def _earning_terms(requirement: Requirement, *, book: PolicyBook, on: date) -> rules.EarningTerms:
    # Worked out afresh from every hour worked, on the scheme's terms as they stand now: an entry
    # dated before the scheme began must not take back what later hours earned.
    return rules.EarningTerms(
        scheme=book.value("earned_reduction", max(on, _today())),
        scheme_start=book.first_date_with_value("earned_reduction"),
        earning_stopped_on=requirement.earning_stopped_on,
    )


def _work_of(requirement: Requirement) -> list[tuple[date, int]]:
    return list(
        requirement.ledger.filter(kind=LedgerKind.WORK).values_list("occurred_on", "minutes").order_by("occurred_on")
    )


def _apply_earned_reduction(*, actor: User | None, requirement: Requirement, book: PolicyBook, on: date) -> None:
    delta = rules.reduction_change(
        balance=requirement_balance(requirement),
        work=_work_of(requirement),
        terms=_earning_terms(requirement, book=book, on=on),
    )
    if delta:
        _post(
            actor=None,
            requirement=requirement,
            kind=LedgerKind.EARNED_REDUCTION,
            minutes=delta,
            occurred_on=on,
            reason="Earned reduction for hours worked beyond the threshold"
            if delta > 0
            else "Earned reduction recalculated after a correction",
            source="earned_reduction",
        )


@dataclass(frozen=True)
class LedgerWrite:
    """What a write to the ledger did: the entry, the minutes asked for and, when fewer were
    credited, why. `replayed` when the answer is the one first given for the same idempotency key."""

    entry: LedgerEntry
    requested_minutes: int
    note: str = ""
    replayed: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"entry": self.entry.pk, "requested_minutes": self.requested_minutes, "note": self.note}


def _replay(*, actor: User | None, key: str | None, scope: str, payload: dict[str, Any]) -> LedgerWrite | None:
    if key is None:
        return None
    answer = idempotency.previous_answer(
        LedgerRequest, key=idempotency.key_check(key), user_id=actor.pk if actor else None, scope=scope, payload=payload
    )
    if answer is None:
        return None
    entry = LedgerEntry.objects.get(pk=answer["entry"])
    return LedgerWrite(entry=entry, requested_minutes=answer["requested_minutes"], note=answer["note"], replayed=True)


def _remember(
    *, actor: User | None, key: str | None, scope: str, payload: dict[str, Any], write: LedgerWrite
) -> LedgerWrite:
    if key is not None:
        idempotency.remember(
            LedgerRequest,
            key=key,
            user_id=actor.pk if actor else None,
            scope=scope,
            payload=payload,
            response=write.as_dict(),
        )
    return write


def _with_note(reason: str, note: str) -> str:
    if not note:
        return reason
    suffix = f" ({note})"
    return reason[: 500 - len(suffix)] + suffix


def _post_credit(
    *,
    actor: User | None,
    requirement: Requirement,
    kind: str,
    minutes: int,
    occurred_on: date,
    reason: str,
    source: str,
    source_ref: str = "",
    book: PolicyBook,
) -> LedgerWrite:
    """Post the part of a credit that is needed (`rules.credit_needed`: what completes the order,
    counting the earned reduction the credit itself earns), then the reduction, then completion."""
    decision = rules.credit_needed(
        kind=kind,
        minutes=minutes,
        occurred_on=occurred_on,
        balance=requirement_balance(requirement),
        work=_work_of(requirement),
        terms=_earning_terms(requirement, book=book, on=occurred_on),
    )
    entry = _post(
        actor=actor,
        requirement=requirement,
        kind=kind,
        minutes=decision.credited,
        occurred_on=occurred_on,
        reason=_with_note(reason, decision.note),
        source=source,
        source_ref=source_ref,
    )
    if kind == LedgerKind.WORK and requirement.status == S.AWAITING_PLACEMENT:
        _set_status(actor=None, requirement=requirement, to_status=S.WORKING, reason="Hours worked")
    _after_credit(actor=actor, requirement=requirement, book=book, on=occurred_on)
    return LedgerWrite(entry=entry, requested_minutes=minutes, note=decision.note)


@transaction.atomic
def ledger_credit_work_noted(
    *,
    actor: User | None,
    requirement: Requirement,
    minutes: int,
    occurred_on: date,
    source: str,
    source_ref: str = "",
    reason: str = "Hours worked",
    book: PolicyBook | None = None,
) -> LedgerWrite:
    """Credit minutes worked: only the part still needed, counting the earned reduction this credit
    earns. The note says so when fewer minutes were credited than worked."""
    book = book or policy_book()
    requirement = _locked(requirement)
    errors: dict[str, str] = {}
    if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes <= 0:
        raise ValidationError({"minutes": "Enter the minutes worked as a whole number greater than 0"})
    remaining = requirement_balance(requirement).remaining_minutes
    _check_can_credit(requirement, occurred_on=occurred_on, book=book, remaining=remaining, errors=errors)
    if errors:
        raise ValidationError(errors)
    return _post_credit(
        actor=actor,
        requirement=requirement,
        kind=LedgerKind.WORK,
        minutes=minutes,
        occurred_on=occurred_on,
        reason=reason,
        source=source,
        source_ref=source_ref,
        book=book,
    )


def ledger_credit_work(
    *,
    actor: User | None,
    requirement: Requirement,
    minutes: int,
    occurred_on: date,
    source: str,
    source_ref: str = "",
    reason: str = "Hours worked",
    book: PolicyBook | None = None,
) -> LedgerEntry | None:
    """Credit minutes worked, capped at what is still needed (see `ledger_credit_work_noted`)."""
    return ledger_credit_work_noted(
        actor=actor,
        requirement=requirement,
        minutes=minutes,
        occurred_on=occurred_on,
        source=source,
        source_ref=source_ref,
        reason=reason,
        book=book,
    ).entry


@transaction.atomic
def ledger_credit_stand_down(
    *,
    actor: User | None,
    requirement: Requirement,
    minutes: int,
    occurred_on: date,
    source_ref: str,
    reason: str,
    book: PolicyBook | None = None,
) -> LedgerEntry | None:
    """Credit the stand-down allowance when the service cancels a session: capped at what is
    needed; nothing in backlog or when nothing is owed (returns None). It is not work, so it
    earns no reduction."""
    book = book or policy_book()
    requirement = _locked(requirement)
    remaining = requirement_balance(requirement).remaining_minutes
    errors: dict[str, str] = {}
    _check_can_credit(requirement, occurred_on=occurred_on, book=book, remaining=remaining, errors=errors)
    if errors or minutes <= 0:
        return None
    return _post_credit(
        actor=actor,
        requirement=requirement,
        kind=LedgerKind.STAND_DOWN,
        minutes=minutes,
        occurred_on=occurred_on,
        reason=reason,
        source="stand_down",
        source_ref=source_ref,
        book=book,
    ).entry


def _travel_errors(
    requirement: Requirement, *, minutes: int, occurred_on: date, book: PolicyBook, errors: dict[str, str]
) -> None:
    """The travel cap applies to all the adjustments for one day together, net of corrections."""
    cap = book.value("travel_adjustment_cap_minutes", occurred_on)
    recorded = (
        requirement.ledger.filter(kind=LedgerKind.TRAVEL, occurred_on=occurred_on).aggregate(
            total=Sum("minutes", default=0)
        )["total"]
        or 0
    )
    room = rules.travel_day_room(cap_minutes=cap, recorded_that_day=recorded)
    if minutes > room:
        day = f"{occurred_on.day} {occurred_on:%B %Y}"
        if recorded:
            more = f"up to {rules.format_minutes(room)} more" if room else "no more"
            left = f"{rules.format_minutes(recorded)} is already recorded for {day}, so you can add {more} for that day"
        else:
            left = f"you can add up to {rules.format_minutes(room)} for {day}"
        errors["minutes"] = f"Travel adjustments can be at most {rules.format_minutes(cap)} a day: {left}"


def _ete_errors(
    requirement: Requirement, *, minutes: int, occurred_on: date, book: PolicyBook, errors: dict[str, str]
) -> None:
    balance = requirement_balance(requirement)
    cap = rules.ete_cap_minutes(balance.total_ordered_minutes, book.value("ete_cap_percent", occurred_on))
    room = cap - balance.ete_minutes
    if minutes > room:
        errors["minutes"] = (
            f"ETE can count for at most {rules.format_minutes(cap)} of this order and "
            f"{rules.format_minutes(balance.ete_minutes)} is already credited: "
            f"you can credit up to {rules.format_minutes(max(0, room))} more"
        )


ADJUSTMENT_KINDS = {
    LedgerKind.TRAVEL: (
        "Enter the travel time in minutes, a whole number greater than 0",
        "Enter the reason for the travel adjustment",
    ),
    LedgerKind.ETE: (
        "Enter the ETE time in minutes, a whole number greater than 0",
        "Enter what the education, training or employment activity was",
    ),
}


@transaction.atomic
def ledger_record_adjustment(
    *,
    actor: User | None,
    requirement: Requirement,
    kind: str,
    minutes: int,
    occurred_on: date,
    reason: str,
    book: PolicyBook | None = None,
    idempotency_key: str | None = None,
) -> LedgerWrite:
    """A travel time adjustment (the policy's cap applies to each day's adjustments together) or
    ETE credit (capped at a share of the ordered hours). Only the part still needed is credited,
    with a note saying so. With an idempotency key, a repeat gets the first answer."""
    book = book or policy_book()
    if kind not in ADJUSTMENT_KINDS:
        raise ValidationError({"kind": "Select travel or ETE"})
    payload = {
        "requirement": requirement.pk,
        "kind": kind,
        "minutes": minutes,
        "occurred_on": occurred_on,
        "reason": reason,
    }
    requirement = _locked(requirement)
    scope = "ledger.adjustment"
    replayed = _replay(actor=actor, key=idempotency_key, scope=scope, payload=payload)
    if replayed is not None:
        return replayed
    minutes_message, reason_message = ADJUSTMENT_KINDS[LedgerKind(kind)]
    errors: dict[str, str] = {}
    if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes <= 0:
        errors["minutes"] = minutes_message
    else:
        check = _travel_errors if kind == LedgerKind.TRAVEL else _ete_errors
        check(requirement, minutes=minutes, occurred_on=occurred_on, book=book, errors=errors)
    if not reason.strip():
        errors["reason"] = reason_message
    remaining = requirement_balance(requirement).remaining_minutes
    _check_can_credit(requirement, occurred_on=occurred_on, book=book, remaining=remaining, errors=errors)
    if errors:
        raise ValidationError(errors)
    write = _post_credit(
        actor=actor,
        requirement=requirement,
        kind=kind,
        minutes=minutes,
        occurred_on=occurred_on,
        reason=reason.strip(),
        source="adjustment" if kind == LedgerKind.TRAVEL else "ete",
        book=book,
    )
    return _remember(actor=actor, key=idempotency_key, scope=scope, payload=payload, write=write)


def ledger_record_travel(
    *,
    actor: User | None,
    requirement: Requirement,
    minutes: int,
    occurred_on: date,
    reason: str,
    book: PolicyBook | None = None,
) -> LedgerEntry:
    """A travel time adjustment (see `ledger_record_adjustment`)."""
    return ledger_record_adjustment(
        actor=actor,
        requirement=requirement,
        kind=LedgerKind.TRAVEL,
        minutes=minutes,
        occurred_on=occurred_on,
        reason=reason,
        book=book,
    ).entry


def ledger_record_ete(
    *,
    actor: User | None,
    requirement: Requirement,
    minutes: int,
    occurred_on: date,
    reason: str,
    book: PolicyBook | None = None,
) -> LedgerEntry:
    """Education, training and employment credit (see `ledger_record_adjustment`)."""
    return ledger_record_adjustment(
        actor=actor,
        requirement=requirement,
        kind=LedgerKind.ETE,
        minutes=minutes,
        occurred_on=occurred_on,
        reason=reason,
        book=book,
    ).entry


@transaction.atomic
def ledger_record_court_variation(
    *,
    actor: User | None,
    requirement: Requirement,
    minutes: int,
    occurred_on: date,
    reason: str,
    extended_until: date | None = None,
    book: PolicyBook | None = None,
    idempotency_key: str | None = None,
) -> LedgerEntry:
    """The court varies the order: hours added (positive) or taken away (negative), and/or the
    time to complete extended. A Suspended Sentence Order cannot run past its operational period.
    With an idempotency key, a repeat gets the first answer."""
    book = book or policy_book()
    payload = {
        "requirement": requirement.pk,
        "minutes": minutes,
        "occurred_on": occurred_on,
        "reason": reason,
        "extended_until": extended_until,
    }
    requirement = _locked(requirement)
    scope = "ledger.court_variation"
    replayed = _replay(actor=actor, key=idempotency_key, scope=scope, payload=payload)
    if replayed is not None:
        return replayed.entry
    errors: dict[str, str] = {}
    balance = requirement_balance(requirement)
    if not isinstance(minutes, int):
        errors["minutes"] = "Enter the change in minutes as a whole number (0 for an extension only)"
    elif minutes == 0 and extended_until is None:
        errors["minutes"] = "Enter a change in hours, or a new completion date, or both"
    elif balance.remaining_minutes + minutes < 0:
        errors["minutes"] = (
            f"The order cannot be reduced by more than the {rules.format_minutes(balance.remaining_minutes)} owed"
        )
    elif minutes and (balance.total_ordered_minutes + minutes) > rules.MAX_HOURS * 60:
        errors["minutes"] = f"An order cannot be for more than {rules.MAX_HOURS} hours"
    elif minutes < 0 and balance.ete_minutes > rules.ete_cap_minutes(
        balance.total_ordered_minutes + minutes, book.value("ete_cap_percent", occurred_on)
    ):
        errors["minutes"] = (
            f"The {rules.format_minutes(balance.ete_minutes)} of ETE credited would be more than the reduced order "
            "allows: correct the ETE credit first"
        )
    op_end = requirement.order.operational_period_end
    if extended_until is not None:
        if extended_until <= requirement.order.sentence_date:
            errors["extended_until"] = "The new completion date must be after the date of sentence"
        elif op_end is not None and extended_until > op_end:
            errors["extended_until"] = (
                f"A suspended sentence cannot be extended past the end of its operational period, {op_end:%d %B %Y}"
            )
    if not reason.strip():
        errors["reason"] = "Enter the court's decision"
    if requirement.status in CLOSED_STATUSES and isinstance(minutes, int) and minutes > 0:
        errors["requirement"] = f"The case is {S(requirement.status).label.lower()}"
    if errors:
        raise ValidationError(errors)
    if extended_until is not None:
        before = requirement.extended_until
        requirement.extended_until = extended_until
        requirement.due_date, requirement.due_date_without_window = requirement_due_dates(requirement)
        requirement.save(update_fields=["extended_until", "due_date", "due_date_without_window"])
        audit_record(
            actor=actor,
            action="requirement.extended",
            obj=requirement,
            summary=f"Court extended the time to complete to {extended_until:%d %B %Y}",
            subject=_subject(requirement),
            before={"extended_until": before.isoformat() if before else None},
            after={"extended_until": extended_until.isoformat()},
        )
    entry = _post(
        actor=actor,
        requirement=requirement,
        kind=LedgerKind.COURT_VARIATION,
        minutes=minutes,
        occurred_on=occurred_on,
        reason=reason.strip(),
        source="court",
    )
    if requirement.status == S.BACKLOG and not requirement_is_backlog(
        requirement, book=book, on=_today(), remaining=requirement_balance(requirement).remaining_minutes
    ):
        _set_status(
            actor=actor, requirement=requirement, to_status=S.AWAITING_PLACEMENT, reason="Court varied the order"
        )
    _after_credit(actor=actor, requirement=requirement, book=book, on=occurred_on)
    write = LedgerWrite(entry=entry, requested_minutes=minutes)
    return _remember(actor=actor, key=idempotency_key, scope=scope, payload=payload, write=write).entry


def ledger_correct(
    *, actor: User | None, entry: LedgerEntry, reason: str, book: PolicyBook | None = None
) -> LedgerEntry:
    """Reverse an entry with a new one of opposite minutes (see `ledger_correct_entry`)."""
    return ledger_correct_entry(actor=actor, entry=entry, reason=reason, book=book).entry


@transaction.atomic
def ledger_correct_entry(
    *,
    actor: User | None,
    entry: LedgerEntry,
    reason: str,
    book: PolicyBook | None = None,
    idempotency_key: str | None = None,
) -> LedgerWrite:
    """Reverse an entry with a new one of opposite minutes. The original is never edited. With an
    idempotency key, a repeat gets the first answer (the same reversal)."""
    book = book or policy_book()
    payload = {"entry": entry.pk, "reason": reason}
    requirement = _locked(entry.requirement)
    scope = "ledger.correction"
    replayed = _replay(actor=actor, key=idempotency_key, scope=scope, payload=payload)
    if replayed is not None:
        return replayed
    entry = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
    errors: dict[str, str] = {}
    if entry.reverses_id is not None:
        errors["entry"] = "This entry is itself a correction: record a new entry instead of correcting it"
    elif LedgerEntry.objects.filter(reverses=entry).exists():
        errors["entry"] = "This entry has already been corrected"
    elif entry.kind == LedgerKind.EARNED_REDUCTION:
        errors["entry"] = "Earned reduction is worked out from the hours worked: correct the hours instead"
    if not reason.strip():
        errors["reason"] = "Enter why the entry is being corrected"
    balance = requirement_balance(requirement)
    if not errors:
        effect_on_remaining = entry.minutes if entry.kind != LedgerKind.COURT_VARIATION else -entry.minutes
        total_after = balance.total_ordered_minutes - (entry.minutes if entry.kind == LedgerKind.COURT_VARIATION else 0)
        if balance.remaining_minutes + effect_on_remaining < 0:
            errors["entry"] = (
                "Reversing this court variation would leave more hours credited than ordered: correct the credits first"
            )
        elif total_after > rules.MAX_HOURS * 60:
            errors["entry"] = f"Reversing this court variation would make the order more than {rules.MAX_HOURS} hours"
        elif balance.ete_minutes > rules.ete_cap_minutes(total_after, book.value("ete_cap_percent", entry.occurred_on)):
            errors["entry"] = (
                f"Reversing this court variation would leave the {rules.format_minutes(balance.ete_minutes)} of ETE "
                "credited more than the order allows: correct the ETE credit first"
            )
    if errors:
        raise ValidationError(errors)
    reversal = _post(
        actor=actor,
        requirement=requirement,
        kind=entry.kind,
        minutes=-entry.minutes,
        occurred_on=entry.occurred_on,
        reason=reason.strip(),
        source="correction",
        source_ref=str(entry.pk),
        reverses=entry,
    )
    if requirement.status == S.COMPLETED and requirement_balance(requirement).remaining_minutes > 0:
        _set_status(actor=actor, requirement=requirement, to_status=S.WORKING, reason="Hours corrected")
    _after_credit(actor=actor, requirement=requirement, book=book, on=entry.occurred_on)
    write = LedgerWrite(entry=reversal, requested_minutes=reversal.minutes)
    return _remember(actor=actor, key=idempotency_key, scope=scope, payload=payload, write=write)
