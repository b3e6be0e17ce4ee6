"""The enforcement API: failures and their evidence, decisions and the steps that follow, and the
court. The same selectors and services as the pages: anything outside your area is not found, and
every write takes an idempotency key (in the body or the `Idempotency-Key` header)."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Path, Query, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from payback.cases.selectors import requirement_get
from payback.core.api_common import name_of, shaped
from payback.core.api_ops import Operations, idempotency_header, idempotency_key
from payback.core.edge import api_staff
from payback.core.selectors import policy_book
from payback.staff.models import User
from payback.staff.roles import DECIDE_FAILURES, OVERSEE_DECISIONS, RECORD_COURT_OUTCOMES, VIEW_CASES

from . import selectors, services
from .api_schemas import (
    KEY,
    ActionOut,
    AppointmentLetterIn,
    CourtOutcomeIn,
    CourtOutcomeOut,
    DecisionIn,
    DecisionOut,
    EnforcementOut,
    EvidenceOut,
    EvidenceRequestIn,
    EvidenceRequestOut,
    ExtensionIn,
    ExtensionOut,
    FailureDetailOut,
    FailureOut,
    FailuresQuery,
    FurtherRequirementIn,
    FurtherRequirementOut,
    LetterOut,
    ReversalIn,
    ReviewFiguresOut,
    ReviewIn,
    ReviewOut,
    ReviewsOut,
)
from .models import Action, Decision, Failure
from .review_selectors import Figures, ReviewPoint, review_figures, review_points

router = Router(tags=["enforcement"])
ops = Operations(router)

REF = Path(..., description="A and the appointment's id, or I and the induction's id", pattern=r"^[AI][0-9]{1,12}$")
REQUIREMENT_ID = Path(..., description="Id of the requirement")
REVIEW_POINT = Path(..., ge=1, le=120, description="The review point, in months from sentence (6 or 9)")
EVIDENCE_DESCRIPTION = Form("", max_length=500, description="What the evidence is (required)")
RECEIVED_ON = Form(None, description="The day it was received (required)")
EVIDENCE_FILE = File(None, description="A PDF, JPEG or PNG under the size limit")
MESSAGES = {
    VIEW_CASES: "You do not have permission to see cases",
    DECIDE_FAILURES: "You do not have permission to decide failures",
    OVERSEE_DECISIONS: "You do not have permission to see everyone's overdue decisions",
    RECORD_COURT_OUTCOMES: "You do not have permission to record court outcomes",
}


def _staff(request: HttpRequest, permission: str) -> User:
    return api_staff(request, permission, message=MESSAGES[permission])


def _decision(d: Decision) -> DecisionOut:
    return DecisionOut(
        id=d.pk,
        verdict=d.verdict,
        reason=d.reason,
        decided_on=d.decided_on,
        decided_by=name_of(d.decided_by) or "",
        reverses=d.reverses_id,
    )


def _action(a: Action) -> ActionOut:
    return ActionOut(
        id=a.pk,
        failure=a.failure.ref,
        step=a.step,
        rule_step=a.rule_step,
        rule_code=a.rule_code,
        rule_text=a.rule_text,
        departure_reason=a.departure_reason,
        taken_on=a.taken_on,
        withdrawn_at=a.withdrawn_at,
    )


def _failure(source: selectors.FailureSource, failure: Failure | None, due: Any) -> dict[str, Any]:
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
        "decision": _decision(decision) if decision else None,
        "step": _action(action) if action else None,
    }


@ops.get("/failures", list[FailureOut], "listFailuresToDecide", "Failures waiting for a decision")
def list_failures(request: HttpRequest, query: Query[FailuresQuery]) -> list[FailureOut]:
    """Enforceable outcomes with no decision standing, earliest evidence date first: your own caseload,
    or with `everyone` all in your area. `overdue` keeps those whose evidence date has passed."""
    user = _staff(request, OVERSEE_DECISIONS if query.everyone else DECIDE_FAILURES)
    overdue_on = timezone.localdate() if query.overdue else None
    rows = selectors.failures_to_decide(user, mine_only=not query.everyone, overdue_on=overdue_on)
    return [FailureOut(**_failure(r.source, r.failure, r.evidence_due)) for r in rows]


def _detail(user: User, ref: str) -> FailureDetailOut:
    source = selectors.failure_source_get(user, ref)
    failure = selectors.failure_of(source)
    due = failure.evidence_due if failure else source.register_evidence_due
    return FailureDetailOut(
        **_failure(source, failure, due),
        requests=[EvidenceRequestOut.from_orm(r) for r in failure.evidence_requests.all()] if failure else [],
        evidence=[EvidenceOut.from_orm(e) for e in failure.evidence.all()] if failure else [],
        decisions=[_decision(d) for d in failure.decisions.all()] if failure else [],
    )


@ops.get("/failures/{ref}", FailureDetailOut, "getFailure", "One failure with its evidence and decisions")
def get_failure(request: HttpRequest, ref: str = REF) -> FailureDetailOut:
    """The facts of the failure, every request for evidence, the evidence received and every decision."""
    return _detail(_staff(request, VIEW_CASES), ref)


@ops.create("/failures/{ref}/evidence-requests", EvidenceRequestOut, "askForEvidence", "Record a request for evidence")
def ask_for_evidence(
    request: HttpRequest, body: EvidenceRequestIn, ref: str = REF, key: str | None = idempotency_header(KEY)
) -> Status[EvidenceRequestOut]:
    """The person was asked to explain: the evidence is due 5 working days (policy) after `asked_on`."""
    user = _staff(request, DECIDE_FAILURES)
    made = services.evidence_request_record(
        actor=user,
        source=selectors.failure_source_get(user, ref),
        method=body.method,
        asked_on=body.asked_on,
        idempotency_key=idempotency_key(body.idempotency_key, key),
    )
    return Status(201, EvidenceRequestOut.from_orm(made))


@ops.create("/failures/{ref}/evidence", EvidenceOut, "recordEvidence", "Record evidence received, with its file")
def record_evidence(
    request: HttpRequest,
    ref: str = REF,
    description: str = EVIDENCE_DESCRIPTION,
    received_on: date | None = RECEIVED_ON,
    file: UploadedFile | None = EVIDENCE_FILE,
    key: str | None = idempotency_header(KEY),
) -> Status[EvidenceOut]:
    """Sent as `multipart/form-data`. The file is judged by its contents, not its name."""
    user = _staff(request, DECIDE_FAILURES)
    made = services.evidence_record(
        actor=user,
        source=selectors.failure_source_get(user, ref),
        description=description,
        received_on=received_on,
        upload=file,
        idempotency_key=key or "",
    )
    return Status(201, EvidenceOut.from_orm(made))


@ops.create("/failures/{ref}/decision", DecisionOut, "decideFailure", "Decide a failure acceptable or not")
def decide_failure(
    request: HttpRequest, body: DecisionIn, ref: str = REF, key: str | None = idempotency_header(KEY)
) -> Status[DecisionOut]:
    """An unacceptable failure takes the step the rules give (`step` left out) or, with a
    `departure_reason`, another; not taking mandatory breach action needs a senior probation officer."""
    user = _staff(request, DECIDE_FAILURES)
    made = services.failure_decide(
        actor=user,
        source=selectors.failure_source_get(user, ref),
        verdict=body.verdict,
        reason=body.reason,
        step=body.step,
        departure_reason=body.departure_reason,
        idempotency_key=idempotency_key(body.idempotency_key, key),
    )
    return Status(201, _decision(made))


@ops.create("/failures/{ref}/reversal", DecisionOut, "reverseDecision", "Reverse an unacceptable decision")
def reverse_decision(
    request: HttpRequest, body: ReversalIn, ref: str = REF, key: str | None = idempotency_header(KEY)
) -> Status[DecisionOut]:
    """On appeal or correction: the warning or breach it led to is withdrawn and earning resumes."""
    user = _staff(request, DECIDE_FAILURES)
    made = services.decision_reverse(
        actor=user,
        source=selectors.failure_source_get(user, ref),
        reason=body.reason,
        idempotency_key=idempotency_key(body.idempotency_key, key),
    )
    return Status(201, _decision(made))


def _court(c: Any) -> CourtOutcomeOut:
    return shaped(CourtOutcomeOut, c, breach=c.breach_id, ledger_entry=c.ledger_entry_id)


def _extension(a: Any) -> ExtensionOut:
    return shaped(ExtensionOut, a, outcome=a.outcome_id)


@ops.get("/requirements/{id}/enforcement", EnforcementOut, "getEnforcement", "A requirement's enforcement record")
def get_enforcement(request: HttpRequest, id: int = REQUIREMENT_ID) -> EnforcementOut:
    """Warnings and breach with the rules that gave them, the court's outcomes and applications to extend."""
    user = _staff(request, VIEW_CASES)
    requirement = requirement_get(user, id)
    record = selectors.enforcement_record(requirement)
    breach = record["breach"]
    return EnforcementOut(
        requirement=requirement.pk,
        status=requirement.status,
        earning_stopped_on=requirement.earning_stopped_on,
        open_breach=breach.pk if isinstance(breach, Action) else None,
        steps=[_action(a) for a in record["actions"]],  # type: ignore[attr-defined]
        court_outcomes=[_court(c) for c in record["court_outcomes"]],  # type: ignore[attr-defined]
        extension_applications=[
            _extension(a)
            for a in record["applications"]  # type: ignore[attr-defined]
        ],
    )


@ops.create("/requirements/{id}/court-outcomes", CourtOutcomeOut, "recordCourtOutcome", "Record a court outcome")
def record_court_outcome(
    request: HttpRequest, body: CourtOutcomeIn, id: int = REQUIREMENT_ID, key: str | None = idempotency_header(KEY)
) -> Status[CourtOutcomeOut]:
    """The order continues (with a fine, extra hours within 300 in total, or more time) or is revoked."""
    user = _staff(request, RECORD_COURT_OUTCOMES)
    fields = body.dict(exclude={"idempotency_key"})
    made = services.court_outcome_record(
        actor=user,
        requirement=requirement_get(user, id),
        idempotency_key=idempotency_key(body.idempotency_key, key),
        **fields,
    )
    return Status(201, _court(made))


@ops.create("/requirements/{id}/extension-applications", ExtensionOut, "applyToExtend", "Apply to the court to extend")
def apply_to_extend(
    request: HttpRequest, body: ExtensionIn, id: int = REQUIREMENT_ID, key: str | None = idempotency_header(KEY)
) -> Status[ExtensionOut]:
    """Before the 9-month point and the completion date; never past a suspended sentence's operational period."""
    user = _staff(request, RECORD_COURT_OUTCOMES)
    made = services.extension_apply(
        actor=user,
        requirement=requirement_get(user, id),
        asked_until=body.asked_until,
        reason=body.reason,
        idempotency_key=idempotency_key(body.idempotency_key, key),
    )
    return Status(201, _extension(made))


def _figures(f: Figures) -> ReviewFiguresOut:
    p = f.projection
    return ReviewFiguresOut(
        ordered_minutes=f.ordered_minutes,
        worked_minutes=f.worked_minutes,
        still_needed_minutes=f.still_needed_minutes,
        recent_minutes=f.recent_minutes,
        recent_weeks=f.recent_weeks,
        weekly_minutes=p.weekly_minutes,
        projected_finish=p.finish_on,
        completion_date=f.completion_date,
        on_track=p.on_track,
        suggested_action=p.action,
        suggested_text=p.action_text,
        extension_by=f.extension_by,
    )


def _review(p: ReviewPoint) -> ReviewOut:
    done = p.done
    if done is None:
        return ReviewOut(point_months=p.point_months, due_on=p.due_on, done=False)
    return ReviewOut(
        point_months=p.point_months,
        due_on=p.due_on,
        done=True,
        completed_on=done.completed_on,
        action=done.action,
        notes=done.notes,
        on_track=done.on_track,
    )


@ops.get("/requirements/{id}/reviews", ReviewsOut, "listReviews", "A requirement's reviews and today's figures")
def list_reviews(request: HttpRequest, id: int = REQUIREMENT_ID) -> ReviewsOut:
    """Each review point (done or not), and the figures a review done today would show."""
    user = _staff(request, VIEW_CASES)
    requirement = requirement_get(user, id)
    book, on = policy_book(), timezone.localdate()
    points = review_points(requirement, book=book)
    return ReviewsOut(
        reviews=[_review(p) for p in points], figures_today=_figures(review_figures(requirement, book=book, on=on))
    )


@ops.create("/requirements/{id}/reviews/{point}", ReviewOut, "completeReview", "Complete a review")
def complete_review(
    request: HttpRequest,
    body: ReviewIn,
    id: int = REQUIREMENT_ID,
    point: int = REVIEW_POINT,
    key: str | None = idempotency_header(KEY),
) -> Status[ReviewOut]:
    """Once its date has come: the figures are kept with the action taken."""
    user = _staff(request, DECIDE_FAILURES)
    requirement = requirement_get(user, id)
    services.review_complete(
        actor=user,
        requirement=requirement,
        point_months=point,
        action=body.action,
        notes=body.notes,
        idempotency_key=idempotency_key(body.idempotency_key, key),
    )
    done = next(p for p in review_points(requirement, book=policy_book()) if p.point_months == point)
    return Status(201, _review(done))


@ops.create(
    "/requirements/{id}/further-requirements",
    FurtherRequirementOut,
    "addRequirement",
    "Add a further requirement to the order",
)
def add_requirement(
    request: HttpRequest,
    body: FurtherRequirementIn,
    id: int = REQUIREMENT_ID,
    key: str | None = idempotency_header(KEY),
) -> Status[FurtherRequirementOut]:
    """Concurrent (alongside this requirement) or consecutive (after it), within 300 hours in total."""
    user = _staff(request, RECORD_COURT_OUTCOMES)
    made = services.requirement_add(
        actor=user,
        requirement=requirement_get(user, id),
        hours=body.hours,
        concurrent=body.concurrent,
        idempotency_key=idempotency_key(body.idempotency_key, key),
    )
    return Status(201, shaped(FurtherRequirementOut, made, concurrent_with=made.concurrent_with_id))


@ops.get("/requirements/{id}/letters", list[LetterOut], "listLetters", "Letters sent about a requirement")
def list_letters(request: HttpRequest, id: int = REQUIREMENT_ID) -> list[LetterOut]:
    """Newest first, with the words of each as sent."""
    user = _staff(request, VIEW_CASES)
    return [LetterOut.from_orm(letter) for letter in selectors.letters_for(requirement_get(user, id))]


@ops.create("/requirements/{id}/appointment-letters", LetterOut, "sendAppointmentLetter", "Send an appointment letter")
def send_appointment_letter(
    request: HttpRequest, body: AppointmentLetterIn, id: int = REQUIREMENT_ID, key: str | None = idempotency_header(KEY)
) -> Status[LetterOut]:
    """A letter telling the person when and where a session they are booked on is."""
    user = _staff(request, DECIDE_FAILURES)
    appointment = selectors.booked_appointment_get(user, id, body.appointment)
    letter = services.appointment_letter_issue(
        actor=user, appointment=appointment, idempotency_key=idempotency_key(body.idempotency_key, key)
    )
    return Status(201, LetterOut.from_orm(letter))
