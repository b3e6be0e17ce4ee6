"""What the enforcement API takes and answers."""

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema

from payback.core.api_common import InputSchema, StaffNameOrEmpty, idempotency_key_field, name_of, shaped, text

from .models import HearingKind, HearingOutcome, RequestMethod, ReviewAction, Step, Verdict

KEY = "Makes the request safe to repeat: a repeat with the same key gets the first answer and changes nothing"

MethodName = Literal[tuple(RequestMethod.values)]  # type: ignore[valid-type]
VerdictName = Literal[tuple(Verdict.values)]  # type: ignore[valid-type]
StepName = Literal[tuple(Step.values)]  # type: ignore[valid-type]
HearingKindName = Literal[tuple(HearingKind.values)]  # type: ignore[valid-type]
ReviewActionName = Literal[tuple(ReviewAction.values)]  # type: ignore[valid-type]
HearingOutcomeName = Literal[tuple(HearingOutcome.values)]  # type: ignore[valid-type]


class DecisionOut(Schema):
    id: int
    verdict: str
    reason: str
    decided_on: date
    decided_by: StaffNameOrEmpty
    reverses: int | None = Field(None, description="The decision this one reverses, if any")


class ActionOut(Schema):
    id: int
    failure: str = Field(description="Reference of the failure the step was taken on")
    step: str = Field(description="The step taken: none, warning or breach")
    rule_step: str = Field(description="The step the enforcement rules gave")
    rule_code: str
    rule_text: str
    departure_reason: str
    taken_on: date
    withdrawn_at: datetime | None


class FailureOut(Schema):
    ref: str = Field(description="A and the appointment's id, or I and the induction's id")
    requirement: int
    crn: str
    person_name: str
    occurred_on: date
    outcome: str
    outcome_label: str
    where: str
    note: str
    evidence_due: date | None
    decision: DecisionOut | None
    step: ActionOut | None


class EvidenceRequestOut(Schema):
    id: int
    method: str
    asked_on: date
    due_on: date


class EvidenceOut(Schema):
    id: int
    description: str
    received_on: date
    content_type: str
    size_bytes: int
    scan_status: str


class FailureDetailOut(FailureOut):
    requests: list[EvidenceRequestOut]
    evidence: list[EvidenceOut]
    decisions: list[DecisionOut]


class FailuresQuery(Schema):
    everyone: bool = Field(False, description="Everyone in your area rather than your own caseload")
    overdue: bool = Field(False, description="Only those whose evidence date has passed")


class EvidenceRequestIn(InputSchema):
    method: MethodName  # type: ignore[valid-type]
    asked_on: date
    idempotency_key: str | None = idempotency_key_field(KEY, "ask-3f9a")


class DecisionIn(InputSchema):
    verdict: VerdictName  # type: ignore[valid-type]
    reason: str = text(1000, "Why the failure is acceptable or not", required=True)
    step: StepName | None = Field(  # type: ignore[valid-type]
        None, description="For an unacceptable failure: the step taken; left out, the step the rules give"
    )
    departure_reason: str = text(1000, "Why the step the rules give is not taken (required when departing)")
    idempotency_key: str | None = idempotency_key_field(KEY, "decide-3f9a")


class ReversalIn(InputSchema):
    reason: str = text(1000, "Why the decision is reversed", required=True)
    idempotency_key: str | None = idempotency_key_field(KEY, "reverse-3f9a")


class CourtOutcomeIn(InputSchema):
    kind: HearingKindName  # type: ignore[valid-type]
    hearing_on: date
    court: str = text(200, "The court's name", required=True)
    outcome: HearingOutcomeName  # type: ignore[valid-type]
    extra_minutes: int = Field(0, ge=0, le=300 * 60, description="Hours added by the court, in minutes")
    fine_pence: int = Field(0, ge=0, le=10_000_000)
    extended_until: date | None = None
    notes: str = text(1000)
    idempotency_key: str | None = idempotency_key_field(KEY, "court-3f9a")


class CourtOutcomeOut(Schema):
    id: int
    kind: str
    hearing_on: date
    court: str
    outcome: str
    extra_minutes: int
    fine_pence: int
    extended_until: date | None
    notes: str
    breach: int | None = Field(None, description="The breach action the hearing dealt with")
    ledger_entry: int | None = Field(None, description="The court variation it wrote to the ledger")


class ExtensionIn(InputSchema):
    asked_until: date
    reason: str = text(1000, "Why more time is needed", required=True)
    idempotency_key: str | None = idempotency_key_field(KEY, "extend-3f9a")


class ExtensionOut(Schema):
    id: int
    applied_on: date
    asked_until: date
    reason: str
    outcome: int | None = Field(None, description="The court outcome that answered it")


class EnforcementOut(Schema):
    requirement: int
    status: str
    earning_stopped_on: date | None
    open_breach: int | None
    steps: list[ActionOut]
    court_outcomes: list[CourtOutcomeOut]
    extension_applications: list[ExtensionOut]


class ReviewFiguresOut(Schema):
    ordered_minutes: int
    worked_minutes: int
    still_needed_minutes: int = Field(description="Remaining minutes less what that work will earn")
    recent_minutes: int
    recent_weeks: int
    weekly_minutes: int = Field(description="The person's own rate over the recent weeks")
    projected_finish: date | None
    completion_date: date | None
    on_track: bool
    suggested_action: str
    suggested_text: str
    extension_by: date | None


class ReviewOut(Schema):
    point_months: int
    due_on: date
    done: bool
    completed_on: date | None = None
    action: str | None = None
    notes: str = ""
    on_track: bool | None = None


class ReviewsOut(Schema):
    reviews: list[ReviewOut]
    figures_today: ReviewFiguresOut


class ReviewIn(InputSchema):
    action: ReviewActionName  # type: ignore[valid-type]
    notes: str = text(2000, "Required when the action differs from the one suggested")
    idempotency_key: str | None = idempotency_key_field(KEY, "review-3f9a")


class FurtherRequirementIn(InputSchema):
    hours: int = Field(ge=1, le=1000, description="Hours ordered (40 to 300)")
    concurrent: bool = Field(description="True if it runs alongside this requirement, false if after it")
    idempotency_key: str | None = idempotency_key_field(KEY, "add-3f9a")


class FurtherRequirementOut(Schema):
    id: int
    ordered_minutes: int
    concurrent_with: int | None
    status: str


class LetterOut(Schema):
    id: int
    kind: str
    reference: str
    issued_on: date
    status: str
    sent_via: str
    text: str


class AppointmentLetterIn(InputSchema):
    appointment: int = Field(description="Id of a session booking the person has yet to attend")
    idempotency_key: str | None = idempotency_key_field(KEY, "letter-3f9a")


# ---------------------------------------------------------------------------------------------
# Records as the API shows them


def decision_out(d: Any) -> DecisionOut:
    return shaped(DecisionOut, d, decided_by=name_of(d.decided_by) or "", reverses=d.reverses_id)


def action_out(a: Any) -> ActionOut:
    return shaped(ActionOut, a, failure=a.failure.ref)


def failure_out(source: Any, failure: Any, due: date | None) -> dict[str, Any]:
    """The fields of a failure, from its source in the register (and its record once taken up)."""
    decision = failure.standing if failure else None
    action = getattr(failure, "action", None) if failure else None
    person = source.requirement.person
    return {
        "ref": source.ref,
        "requirement": source.requirement.pk,
        "crn": person.crn,
        "person_name": person.full_name,
        "occurred_on": source.occurred_on,
        "outcome": source.outcome,
        "outcome_label": source.outcome_label,
        "where": source.where,
        "note": source.supervisor_note,
        "evidence_due": due,
        "decision": decision_out(decision) if decision else None,
        "step": action_out(action) if action else None,
    }


def failure_detail_out(source: Any, failure: Any) -> FailureDetailOut:
    due = failure.evidence_due if failure else source.register_evidence_due
    return FailureDetailOut(
        **failure_out(source, failure, due),
        requests=[EvidenceRequestOut.from_orm(r) for r in failure.evidence_requests.all()] if failure else [],
        evidence=[EvidenceOut.from_orm(e) for e in failure.evidence.all()] if failure else [],
        decisions=[decision_out(d) for d in failure.decisions.all()] if failure else [],
    )


def court_out(c: Any) -> CourtOutcomeOut:
    return shaped(CourtOutcomeOut, c, breach=c.breach_id, ledger_entry=c.ledger_entry_id)


def extension_out(a: Any) -> ExtensionOut:
    return shaped(ExtensionOut, a, outcome=a.outcome_id)


def figures_out(f: Any) -> ReviewFiguresOut:
    p = f.projection
    return shaped(
        ReviewFiguresOut,
        f,
        weekly_minutes=p.weekly_minutes,
        projected_finish=p.finish_on,
        on_track=p.on_track,
        suggested_action=p.action,
        suggested_text=p.action_text,
    )


def review_out(p: Any) -> ReviewOut:
    done = p.done
    if done is None:
        return ReviewOut(point_months=p.point_months, due_on=p.due_on, done=False)
    return shaped(ReviewOut, done, due_on=p.due_on, done=True)


def answers(body: Schema) -> dict[str, Any]:
    """What a request body asks for, under the names the service takes (the key goes separately)."""
    return body.dict(exclude={"idempotency_key"})
