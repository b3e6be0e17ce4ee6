"""A failure from request to decision: the person asked for evidence, the evidence received, the
practitioner's decision and the enforcement step that follows it, and a decision reversed."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from payback.cases.models import CLOSED_STATUSES, CaseStatus, Requirement
from payback.cases.services import status_set
from payback.cases.services.earning import requirement_earning_stop
from payback.core.selectors import policy_book
from payback.staff.models import User
from payback.staff.roles import AGREE_DEPARTURE

from .. import rules
from ..models import Action, Decision, EvidenceRequest, Failure, RequestMethod, Step, Verdict
from ..selectors import (
    FailureSource,
    breach_heard,
    current_decision,
    open_breach,
    rule_step_for,
    unacceptable_failures,
)
from .common import failure_audit, failure_take_up, once, today
from .letters import letter_for_step


@transaction.atomic
def evidence_request_record(
    *, actor: User, source: FailureSource, method: str, asked_on: date, idempotency_key: str | None = None
) -> EvidenceRequest:
    """The person was asked to explain the failure: the evidence is due the set number of working
    days (policy) after the day they were asked."""
    failure = failure_take_up(source)
    payload = {"failure": failure.pk, "method": method, "asked_on": asked_on}

    def write() -> EvidenceRequest:
        errors = {}
        if method not in RequestMethod.values:
            errors["method"] = "Select how the person was asked"
        if asked_on < failure.occurred_on:
            errors["asked_on"] = f"The day asked must be on or after the failure, {failure.occurred_on:%-d %B %Y}"
        elif asked_on > today():
            errors["asked_on"] = "The day asked cannot be in the future"
        if current_decision(failure) is not None:
            errors["failure"] = "This failure has already been decided"
        if errors:
            raise ValidationError(errors)
        due = rules.evidence_due(asked_on, policy_book().value("failure_evidence_working_days", asked_on))
        request = EvidenceRequest.objects.create(
            failure=failure, method=method, asked_on=asked_on, due_on=due, recorded_by=actor
        )
        failure.evidence_due = due
        failure.save(update_fields=["evidence_due"])
        label = RequestMethod(method).label.lower()
        failure_audit(
            actor, failure, "failure.evidence_requested", f"Asked for evidence by {label}: due {due:%-d %B %Y}"
        )
        return request

    return once(
        actor=actor, key=idempotency_key, scope="evidence_request", payload=payload, model=EvidenceRequest, write=write
    )


@transaction.atomic
def failure_decide(
    *,
    actor: User,
    source: FailureSource,
    verdict: str,
    reason: str,
    step: str | None = None,
    departure_reason: str = "",
    idempotency_key: str | None = None,
) -> Decision:
    """Decide a failure acceptable or unacceptable, with the reason. An unacceptable failure takes
    the step the rules give (a warning, or breach action) unless the practitioner departs from it
    with a reason; not taking mandatory breach action needs a senior probation officer. Earned
    reduction stops from the day of the failure."""
    failure = failure_take_up(source)
    payload = {"failure": failure.pk, "verdict": verdict, "reason": reason, "step": step, "why": departure_reason}

    def write() -> Decision:
        on = today()
        rule = rule_step_for(failure.occurred_on, failure.requirement, book=policy_book(), excluding=failure)
        chosen = step or rule.step
        _check_decision(actor, failure, verdict=verdict, reason=reason, on=on)
        if verdict == Verdict.UNACCEPTABLE:
            _check_step(actor, rule, step=chosen, departure_reason=departure_reason)
        decision = Decision.objects.create(
            failure=failure, verdict=verdict, reason=reason.strip(), decided_on=on, decided_by=actor
        )
        failure_audit(actor, failure, "failure.decided", f"Decided {Verdict(verdict).label.lower()}: {reason.strip()}")
        if verdict == Verdict.UNACCEPTABLE:
            _take_step(actor, failure, rule, step=chosen, departure_reason=departure_reason, on=on)
            _earning_follows_decisions(actor, failure.requirement)
        return decision

    return once(actor=actor, key=idempotency_key, scope="failure_decide", payload=payload, model=Decision, write=write)


def _check_decision(actor: User, failure: Failure, *, verdict: str, reason: str, on: date) -> None:
    errors: dict[str, str] = {}
    if current_decision(failure) is not None:
        errors["verdict"] = "This failure has already been decided: reverse that decision to change it"
    elif verdict not in Verdict.values:
        errors["verdict"] = "Select whether the failure is acceptable or unacceptable"
    elif verdict == Verdict.UNACCEPTABLE and on <= failure.evidence_due and not failure.evidence.exists():
        errors["verdict"] = (
            f"The person has until {failure.evidence_due:%-d %B %Y} to give evidence: record it, or decide after then"
        )
    if not reason.strip():
        errors["reason"] = "Enter the reason for the decision"
    if failure.requirement.status in CLOSED_STATUSES:
        errors["failure"] = f"The case is {CaseStatus(failure.requirement.status).label.lower()}"
    if errors:
        raise ValidationError(errors)


def _check_step(actor: User, rule: rules.RuleStep, *, step: str, departure_reason: str) -> None:
    if step not in Step.values:
        raise ValidationError({"step": "Select the enforcement step"})
    problem = rules.departure_problem(
        rule_step=rule.step, step=step, reason=departure_reason, agreed_by_senior=actor.has_perm(AGREE_DEPARTURE)
    )
    if problem:
        field = "step" if departure_reason.strip() else "departure_reason"
        raise ValidationError({field: problem})


def _take_step(
    actor: User, failure: Failure, rule: rules.RuleStep, *, step: str, departure_reason: str, on: date
) -> Action:
    departed = step != rule.step
    action = Action.objects.create(
        failure=failure,
        requirement=failure.requirement,
        rule_step=rule.step,
        rule_code=rule.code,
        rule_text=rule.text,
        step=step,
        departure_reason=departure_reason.strip() if departed else "",
        agreed_by=actor if departed and rule.step == rules.BREACH else None,
        taken_on=on,
        taken_by=actor,
    )
    summary = f"{Step(step).label}" + (f" (the rules gave: {Step(rule.step).label.lower()})" if departed else "")
    failure_audit(actor, failure, "enforcement.step_taken", f"{summary}: {rule.text}")
    letter_for_step(actor=actor, action=action)
    requirement = failure.requirement
    if step == rules.BREACH and requirement.status != CaseStatus.BREACH_IN_PROGRESS:
        status_set(
            actor=actor, requirement=requirement, to_status=CaseStatus.BREACH_IN_PROGRESS, reason=rule.text[:500]
        )
    return action


@transaction.atomic
def decision_reverse(
    *, actor: User, source: FailureSource, reason: str, idempotency_key: str | None = None
) -> Decision:
    """Reverse an unacceptable decision (on appeal, or because it was wrong): the failure becomes
    acceptable, its warning or breach action is withdrawn and earned reduction is restored. A breach
    the court has dealt with cannot be withdrawn."""
    failure = failure_take_up(source)
    payload = {"failure": failure.pk, "reason": reason}

    def write() -> Decision:
        standing = current_decision(failure)
        errors = {}
        if standing is None or standing.verdict != Verdict.UNACCEPTABLE:
            errors["failure"] = "Only a failure decided unacceptable can have its decision reversed"
        elif hasattr(failure, "action") and breach_heard(failure.action):
            errors["failure"] = "The court has dealt with the breach this failure led to: record its outcome instead"
        if not reason.strip():
            errors["reason"] = "Enter why the decision is being reversed"
        if errors:
            raise ValidationError(errors)
        assert standing is not None
        reversal = Decision.objects.create(
            failure=failure,
            verdict=Verdict.ACCEPTABLE,
            reason=reason.strip(),
            decided_on=today(),
            decided_by=actor,
            reverses=standing,
        )
        failure_audit(actor, failure, "failure.decision_reversed", f"Decision reversed: {reason.strip()}")
        _withdraw_action(actor, failure, reason=reason.strip())
        _earning_follows_decisions(actor, failure.requirement)
        return reversal

    return once(
        actor=actor, key=idempotency_key, scope="decision_reverse", payload=payload, model=Decision, write=write
    )


def _withdraw_action(actor: User, failure: Failure, *, reason: str) -> None:
    action = Action.objects.filter(failure=failure, withdrawn_at__isnull=True).first()
    if action is None:
        return
    action.withdrawn_at = timezone.now()
    action.withdrawn_reason = f"Decision reversed: {reason}"[:500]
    action.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    requirement = Requirement.objects.get(pk=failure.requirement_id)
    if action.step == Step.BREACH and requirement.status == CaseStatus.BREACH_IN_PROGRESS:
        if open_breach(requirement) is None:
            resume = (
                CaseStatus.WORKING if requirement.ledger.filter(kind="work").exists() else CaseStatus.AWAITING_PLACEMENT
            )
            status_set(actor=actor, requirement=requirement, to_status=resume, reason="Breach action withdrawn")


def _earning_follows_decisions(actor: User, requirement: Requirement) -> None:
    """Earning stops from the earliest failure decided unacceptable, and resumes when none stands."""
    failures = unacceptable_failures(requirement)
    stopped_on = min((f.occurred_on for f in failures), default=None)
    why = "an unacceptable failure" if stopped_on else "no unacceptable failure stands"
    requirement_earning_stop(actor=actor, requirement=requirement, stopped_on=stopped_on, why=why)
