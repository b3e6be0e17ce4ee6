"""The court: an application to extend the time to complete, and the outcome of a hearing (on
breach, or on an application), each writing its ledger entry or status change."""

from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction

from payback.cases import rules as case_rules
from payback.cases.models import CLOSED_STATUSES, CaseStatus, Requirement
from payback.cases.selectors import requirement_balance, requirement_completion_date, requirement_is_backlog
from payback.cases.services import ledger_record_court_variation, requirement_create, status_set
from payback.cases.services.common import requirement_locked
from payback.core.selectors import policy_book
from payback.core.services import audit_record
from payback.staff.models import User

from .. import rules
from ..models import CourtOutcome, ExtensionApplication, HearingKind, HearingOutcome
from ..selectors import open_breach
from .common import once, subject_of, today

Outcome = HearingOutcome
REVOKED = {Outcome.REVOKED_RESENTENCED, Outcome.REVOKED_NO_ACTION}


@transaction.atomic
def extension_apply(
    *,
    actor: User,
    requirement: Requirement,
    asked_until: date,
    reason: str,
    idempotency_key: str | None = None,
) -> ExtensionApplication:
    """The practitioner applies to the court to extend the time to complete: before the 9-month
    point, and before the completion date; never past a suspended sentence's operational period."""
    requirement = requirement_locked(requirement)
    payload = {"requirement": requirement.pk, "asked_until": asked_until, "reason": reason}

    def write() -> ExtensionApplication:
        on = today()
        completion = requirement_completion_date(requirement, book=policy_book(), on=on)
        sentenced = requirement.order.sentence_date
        deadline = rules.extension_deadline(
            sentenced, completion, policy_book().value("extension_deadline_months", sentenced)
        )
        errors: dict[str, str] = {}
        if requirement.status in CLOSED_STATUSES:
            errors["requirement"] = f"The case is {CaseStatus(requirement.status).label.lower()}"
        elif deadline is not None and on > deadline and requirement.status != CaseStatus.BACKLOG:
            errors["requirement"] = (
                f"An extension had to be applied for by {deadline:%-d %B %Y}: the 9-month point or the "
                "completion date, whichever came first. Consider breach or revocation instead"
            )
        errors.update(_extension_errors(requirement, asked_until, completion))
        if not reason.strip():
            errors["reason"] = "Enter why more time is needed"
        if errors:
            raise ValidationError(errors)
        application = ExtensionApplication.objects.create(
            requirement=requirement, applied_on=on, asked_until=asked_until, reason=reason.strip(), applied_by=actor
        )
        _audit(
            actor, requirement, application, "court.extension_applied", f"Applied to extend to {asked_until:%-d %B %Y}"
        )
        return application

    return once(
        actor=actor,
        key=idempotency_key,
        scope="extension_apply",
        payload=payload,
        model=ExtensionApplication,
        write=write,
    )


def _extension_errors(requirement: Requirement, until: date, completion: date | None) -> dict[str, str]:
    op_end = requirement.order.operational_period_end
    if completion is not None and until <= completion:
        return {"asked_until": f"The new date must be after the current completion date, {completion:%-d %B %Y}"}
    if until <= today():
        return {"asked_until": "The new date must be in the future"}
    if op_end is not None and until > op_end:
        return {
            "asked_until": f"A suspended sentence cannot be extended past its operational period, {op_end:%-d %B %Y}"
        }
    if until > requirement.order.sentence_date + relativedelta(years=rules.ORDER_LONGEST_YEARS):
        return {"asked_until": f"The new date must be within {rules.ORDER_LONGEST_YEARS} years of the sentence"}
    return {}


@transaction.atomic
def court_outcome_record(
    *,
    actor: User,
    requirement: Requirement,
    kind: str,
    hearing_on: date,
    court: str,
    outcome: str,
    extra_minutes: int = 0,
    fine_pence: int = 0,
    extended_until: date | None = None,
    notes: str = "",
    idempotency_key: str | None = None,
) -> CourtOutcome:
    """What the court decided. The order continues (with a fine, with extra hours within the
    300-hour total across the person's requirements, or with more time), or is revoked: each
    writes its ledger entry or status change, and a breach or application it answers is closed."""
    requirement = requirement_locked(requirement)
    heard: dict[str, Any] = {"kind": kind, "hearing_on": hearing_on, "court": court.strip(), "outcome": outcome}
    given = {"extra_minutes": extra_minutes, "fine_pence": fine_pence, "extended_until": extended_until}
    payload = {"requirement": requirement.pk, **heard, **given, "notes": notes}

    def write() -> CourtOutcome:
        _check_outcome(requirement, **heard, extra_minutes=extra_minutes, extended_until=extended_until)
        breach = open_breach(requirement) if kind == HearingKind.BREACH else None
        record = CourtOutcome.objects.create(
            requirement=requirement, breach=breach, notes=notes.strip(), recorded_by=actor, **heard, **given
        )
        _apply(actor, requirement, record)
        summary = f"{court.strip()} on {hearing_on:%-d %B %Y}: {Outcome(outcome).label.lower()}"
        _audit(actor, requirement, record, "court.outcome_recorded", summary)
        return record

    return once(
        actor=actor, key=idempotency_key, scope="court_outcome", payload=payload, model=CourtOutcome, write=write
    )


def _check_outcome(
    requirement: Requirement,
    *,
    kind: str,
    hearing_on: date,
    court: str,
    outcome: str,
    extra_minutes: int,
    extended_until: date | None,
) -> None:
    errors: dict[str, str] = {}
    if kind not in HearingKind.values:
        errors["kind"] = "Select what the hearing was about"
    elif kind == HearingKind.BREACH and open_breach(requirement) is None:
        errors["kind"] = "There is no breach action open on this case"
    if outcome not in Outcome.values:
        errors["outcome"] = "Select what the court decided"
    if hearing_on > today():
        errors["hearing_on"] = "The hearing date cannot be in the future"
    elif hearing_on < requirement.order.sentence_date:
        errors["hearing_on"] = "The hearing date must be on or after the date of sentence"
    if not court.strip():
        errors["court"] = "Enter the court's name"
    if requirement.status in CLOSED_STATUSES:
        errors["requirement"] = f"The case is {CaseStatus(requirement.status).label.lower()}"
    if outcome == Outcome.CONTINUES_EXTRA_HOURS:
        errors.update(_extra_hours_errors(requirement, extra_minutes))
    elif extra_minutes:
        errors["extra_minutes"] = "Extra hours are only given when the order continues with extra hours"
    if outcome == Outcome.EXTENDED and extended_until is None:
        errors["extended_until"] = "Enter the new date by which the hours must be completed"
    if errors:
        raise ValidationError(errors)


def _extra_hours_errors(requirement: Requirement, extra_minutes: int) -> dict[str, str]:
    if extra_minutes <= 0:
        return {"extra_minutes": "Enter the extra hours the court gave"}
    live = Requirement.objects.filter(person_id=requirement.person_id).exclude(status__in=CLOSED_STATUSES)
    hours = [(r.pk, r.concurrent_with_id, requirement_balance(r).total_ordered_minutes) for r in live]
    grown = [(pk, parent, m + extra_minutes if pk == requirement.pk else m) for pk, parent, m in hours]
    if case_rules.aggregate_hours(grown) > case_rules.MAX_HOURS * 60:
        return {
            "extra_minutes": (
                f"The extra hours would take the person's orders above {case_rules.MAX_HOURS} hours in total"
            )
        }
    return {}


def _apply(actor: User, requirement: Requirement, record: CourtOutcome) -> None:
    reason = f"{record.court}: {Outcome(record.outcome).label.lower()}"
    if record.outcome in REVOKED:
        status_set(actor=actor, requirement=requirement, to_status=CaseStatus.REVOKED, reason=reason)
        return
    if record.extra_minutes or record.extended_until:
        record.ledger_entry = ledger_record_court_variation(
            actor=actor,
            requirement=requirement,
            minutes=record.extra_minutes,
            occurred_on=record.hearing_on,
            reason=reason,
            extended_until=record.extended_until,
        )
        record.save(update_fields=["ledger_entry"])
        requirement.refresh_from_db()
    if record.kind == HearingKind.EXTENSION:
        application = requirement.extension_applications.filter(outcome__isnull=True).order_by("-applied_on").first()
        if application is not None:
            application.outcome = record
            application.save(update_fields=["outcome"])
    _resume(actor, requirement, reason=reason)


def _resume(actor: User, requirement: Requirement, *, reason: str) -> None:
    """After the hearing, work resumes unless the completion date has still passed."""
    if requirement.status not in (CaseStatus.BREACH_IN_PROGRESS, CaseStatus.BACKLOG):
        return
    remaining = requirement_balance(requirement).remaining_minutes
    if requirement_is_backlog(requirement, book=policy_book(), on=today(), remaining=remaining):
        target = CaseStatus.BACKLOG
    elif requirement.ledger.filter(kind="work").exists():
        target = CaseStatus.WORKING
    else:
        target = CaseStatus.AWAITING_PLACEMENT
    if target != requirement.status:
        status_set(actor=actor, requirement=requirement, to_status=target, reason=reason)


def _audit(actor: User, requirement: Requirement, obj: object, action: str, summary: str) -> None:
    audit_record(actor=actor, action=action, obj=obj, summary=summary, subject=subject_of(requirement))  # type: ignore[arg-type]


@transaction.atomic
def requirement_add(
    *,
    actor: User,
    requirement: Requirement,
    hours: int,
    concurrent: bool,
    idempotency_key: str | None = None,
) -> Requirement:
    """The court adds a further unpaid work requirement to the order, running alongside this one
    (concurrent) or after it (consecutive); the person's non-concurrent total stays within 300 hours.
    A person already inducted (and assessed) under the order is not inducted again."""
    requirement = requirement_locked(requirement)
    payload = {"requirement": requirement.pk, "hours": hours, "concurrent": concurrent}

    def write() -> Requirement:
        if requirement.status in CLOSED_STATUSES:
            raise ValidationError({"requirement": f"The case is {CaseStatus(requirement.status).label.lower()}"})
        added = requirement_create(
            actor=actor,
            order=requirement.order,
            hours=hours,
            concurrent_with=requirement if concurrent else None,
            book=policy_book(),
        )
        stage = STAGE_AFTER.get(requirement.status)
        if stage is not None:
            status_set(actor=actor, requirement=added, to_status=stage, reason="Already inducted under this order")
        kind = "concurrent" if concurrent else "consecutive"
        _audit(actor, requirement, added, "requirement.added", f"Court added {hours} hours ({kind})")
        return added

    return once(
        actor=actor, key=idempotency_key, scope="requirement_add", payload=payload, model=Requirement, write=write
    )


# Where a further requirement starts, by where the order's first requirement has got to.
STAGE_AFTER: dict[str, str] = {
    CaseStatus.AWAITING_ASSESSMENT: CaseStatus.AWAITING_ASSESSMENT,
    CaseStatus.AWAITING_PLACEMENT: CaseStatus.AWAITING_PLACEMENT,
    CaseStatus.WORKING: CaseStatus.AWAITING_PLACEMENT,
    CaseStatus.PAUSED: CaseStatus.AWAITING_PLACEMENT,
    CaseStatus.BACKLOG: CaseStatus.AWAITING_PLACEMENT,
    CaseStatus.BREACH_IN_PROGRESS: CaseStatus.AWAITING_PLACEMENT,
}
