"""The enforcement API: failures and their evidence, decisions and the steps that follow, reviews,
the court and letters. The same selectors and services as the pages: anything outside your area is
not found, and every write takes an idempotency key (in the body or the `Idempotency-Key` header)."""

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Path, Query, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from payback.cases.selectors import requirement_get
from payback.core.api_common import shaped
from payback.core.api_ops import Access, Operations, idempotency_header, idempotency_key, path_id
from payback.core.selectors import policy_book
from payback.staff.roles import DECIDE_FAILURES, OVERSEE_DECISIONS, RECORD_COURT_OUTCOMES, REFUSALS, VIEW_CASES

from . import api_schemas as schema
from . import selectors, services
from .models import Action
from .review_selectors import review_figures, review_points

T = TypeVar("T")
router = Router(tags=["enforcement"])
failures = Operations(router)
cases = Operations(router)
access = Access(REFUSALS)

REF = Path(..., description="A and the appointment's id, or I and the induction's id", pattern=r"^[AI][0-9]{1,12}$")
REQUIREMENT_ID = path_id("requirement")
REVIEW_POINT = Path(..., ge=1, le=120, description="The review point, in months from sentence (6 or 9)")
EVIDENCE_DESCRIPTION = Form("", max_length=500, description="What the evidence is (required)")
RECEIVED_ON = Form(None, description="The day it was received (required)")
EVIDENCE_FILE = File(None, description="A PDF, JPEG or PNG under the size limit")
KEY_HEADER = idempotency_header(schema.KEY)


def on_failure(request: HttpRequest, ref: str, body: Any, key: str | None, service: Callable[..., T]) -> T:
    """Run an enforcement service on the failure `ref` with the body's answers, for a member of staff
    who may decide failures."""
    user = access(request, DECIDE_FAILURES)
    source, key = selectors.failure_source_get(user, ref), idempotency_key(body.idempotency_key, key)
    return service(actor=user, source=source, idempotency_key=key, **schema.answers(body))


def on_case(
    request: HttpRequest, id: int, body: Any, key: str | None, service: Callable[..., T], permission: str, **more: Any
) -> T:
    """Run an enforcement service on the requirement `id` with the body's answers."""
    user = access(request, permission)
    requirement, key = requirement_get(user, id), idempotency_key(body.idempotency_key, key)
    return service(actor=user, requirement=requirement, idempotency_key=key, **schema.answers(body), **more)


@failures.get("/failures", list[schema.FailureOut], "listFailuresToDecide", "Failures waiting for a decision")
def list_failures(request: HttpRequest, query: Query[schema.FailuresQuery]) -> list[schema.FailureOut]:
    """Enforceable outcomes with no decision standing, earliest evidence date first: your own caseload,
    or with `everyone` all in your area. `overdue` keeps those whose evidence date has passed."""
    user = access(request, OVERSEE_DECISIONS if query.everyone else DECIDE_FAILURES)
    overdue_on = timezone.localdate() if query.overdue else None
    rows = selectors.failures_to_decide(user, mine_only=not query.everyone, overdue_on=overdue_on)
    return [schema.FailureOut(**schema.failure_out(r.source, r.failure, r.evidence_due)) for r in rows]


@failures.get("/failures/{ref}", schema.FailureDetailOut, "getFailure", "One failure with its evidence and decisions")
def get_failure(request: HttpRequest, ref: str = REF) -> schema.FailureDetailOut:
    """The facts of the failure, every request for evidence, the evidence received and every decision."""
    source = selectors.failure_source_get(access(request, VIEW_CASES), ref)
    return schema.failure_detail_out(source, selectors.failure_of(source))


@failures.create("/failures/{ref}/evidence-requests", schema.EvidenceRequestOut, "askForEvidence", "Ask for evidence")
def ask_for_evidence(
    request: HttpRequest, body: schema.EvidenceRequestIn, ref: str = REF, key: str | None = KEY_HEADER
) -> Status[schema.EvidenceRequestOut]:
    """The person was asked to explain: the evidence is due 5 working days (policy) after `asked_on`."""
    made = on_failure(request, ref, body, key, services.evidence_request_record)
    return Status(201, schema.EvidenceRequestOut.from_orm(made))


@failures.create(
    "/failures/{ref}/evidence", schema.EvidenceOut, "recordEvidence", "Record evidence received, with its file"
)
def record_evidence(
    request: HttpRequest,
    ref: str = REF,
    description: str = EVIDENCE_DESCRIPTION,
    received_on: date | None = RECEIVED_ON,
    file: UploadedFile | None = EVIDENCE_FILE,
    key: str | None = KEY_HEADER,
) -> Status[schema.EvidenceOut]:
    """Sent as `multipart/form-data`, with the key in the header. The file is judged by its contents."""
    user = access(request, DECIDE_FAILURES)
    source = selectors.failure_source_get(user, ref)
    made = services.evidence_record(
        actor=user,
        source=source,
        description=description,
        received_on=received_on,
        upload=file,
        idempotency_key=key or "",
    )
    return Status(201, schema.EvidenceOut.from_orm(made))


@failures.create("/failures/{ref}/decision", schema.DecisionOut, "decideFailure", "Decide a failure acceptable or not")
def decide_failure(
    request: HttpRequest, body: schema.DecisionIn, ref: str = REF, key: str | None = KEY_HEADER
) -> Status[schema.DecisionOut]:
    """An unacceptable failure takes the step the rules give (`step` left out) or, with a
    `departure_reason`, another; not taking mandatory breach action needs a senior probation officer."""
    return Status(201, schema.decision_out(on_failure(request, ref, body, key, services.failure_decide)))


@failures.create("/failures/{ref}/reversal", schema.DecisionOut, "reverseDecision", "Reverse an unacceptable decision")
def reverse_decision(
    request: HttpRequest, body: schema.ReversalIn, ref: str = REF, key: str | None = KEY_HEADER
) -> Status[schema.DecisionOut]:
    """On appeal or correction: the warning or breach it led to is withdrawn and earning resumes."""
    return Status(201, schema.decision_out(on_failure(request, ref, body, key, services.decision_reverse)))


@cases.get(
    "/requirements/{id}/enforcement", schema.EnforcementOut, "getEnforcement", "A requirement's enforcement record"
)
def get_enforcement(request: HttpRequest, id: int = REQUIREMENT_ID) -> schema.EnforcementOut:
    """Warnings and breach with the rules that gave them, the court's outcomes and applications to extend."""
    requirement = requirement_get(access(request, VIEW_CASES), id)
    record = selectors.enforcement_record(requirement)
    breach = record["breach"]
    return schema.EnforcementOut(
        requirement=requirement.pk,
        status=requirement.status,
        earning_stopped_on=requirement.earning_stopped_on,
        open_breach=breach.pk if isinstance(breach, Action) else None,
        steps=[schema.action_out(a) for a in record["actions"]],  # type: ignore[attr-defined]
        court_outcomes=[schema.court_out(c) for c in record["court_outcomes"]],  # type: ignore[attr-defined]
        extension_applications=[schema.extension_out(a) for a in record["applications"]],  # type: ignore[attr-defined]
    )


@cases.create(
    "/requirements/{id}/court-outcomes", schema.CourtOutcomeOut, "recordCourtOutcome", "Record a court outcome"
)
def record_court_outcome(
    request: HttpRequest, body: schema.CourtOutcomeIn, id: int = REQUIREMENT_ID, key: str | None = KEY_HEADER
) -> Status[schema.CourtOutcomeOut]:
    """The order continues (with a fine, extra hours within 300 in total, or more time) or is revoked."""
    made = on_case(request, id, body, key, services.court_outcome_record, RECORD_COURT_OUTCOMES)
    return Status(201, schema.court_out(made))


@cases.create("/requirements/{id}/extension-applications", schema.ExtensionOut, "applyToExtend", "Apply to extend")
def apply_to_extend(
    request: HttpRequest, body: schema.ExtensionIn, id: int = REQUIREMENT_ID, key: str | None = KEY_HEADER
) -> Status[schema.ExtensionOut]:
    """Before the 9-month point and the completion date; never past a suspended sentence's operational period."""
    made = on_case(request, id, body, key, services.extension_apply, RECORD_COURT_OUTCOMES)
    return Status(201, schema.extension_out(made))


@cases.create(
    "/requirements/{id}/further-requirements", schema.FurtherRequirementOut, "addRequirement", "Add a requirement"
)
def add_requirement(
    request: HttpRequest, body: schema.FurtherRequirementIn, id: int = REQUIREMENT_ID, key: str | None = KEY_HEADER
) -> Status[schema.FurtherRequirementOut]:
    """A further requirement on the order: concurrent (alongside this one) or consecutive (after it),
    within 300 hours in total."""
    made = on_case(request, id, body, key, services.requirement_add, RECORD_COURT_OUTCOMES)
    return Status(201, shaped(schema.FurtherRequirementOut, made, concurrent_with=made.concurrent_with_id))


@cases.get(
    "/requirements/{id}/reviews", schema.ReviewsOut, "listReviews", "A requirement's reviews and today's figures"
)
def list_reviews(request: HttpRequest, id: int = REQUIREMENT_ID) -> schema.ReviewsOut:
    """Each review point (done or not), and the figures a review done today would show."""
    requirement, book = requirement_get(access(request, VIEW_CASES), id), policy_book()
    figures = review_figures(requirement, book=book, on=timezone.localdate())
    return schema.ReviewsOut(
        reviews=[schema.review_out(p) for p in review_points(requirement, book=book)],
        figures_today=schema.figures_out(figures),
    )


@cases.create("/requirements/{id}/reviews/{point}", schema.ReviewOut, "completeReview", "Complete a review")
def complete_review(
    request: HttpRequest,
    body: schema.ReviewIn,
    id: int = REQUIREMENT_ID,
    point: int = REVIEW_POINT,
    key: str | None = KEY_HEADER,
) -> Status[schema.ReviewOut]:
    """Once its date has come: the figures are kept with the action taken."""
    review = on_case(request, id, body, key, services.review_complete, DECIDE_FAILURES, point_months=point)
    done = next(p for p in review_points(review.requirement, book=policy_book()) if p.point_months == point)
    return Status(201, schema.review_out(done))


@cases.get("/requirements/{id}/letters", list[schema.LetterOut], "listLetters", "Letters sent about a requirement")
def list_letters(request: HttpRequest, id: int = REQUIREMENT_ID) -> list[schema.LetterOut]:
    """Newest first, with the words of each as sent."""
    requirement = requirement_get(access(request, VIEW_CASES), id)
    return [schema.LetterOut.from_orm(letter) for letter in selectors.letters_for(requirement)]


@cases.create(
    "/requirements/{id}/appointment-letters", schema.LetterOut, "sendAppointmentLetter", "Send an appointment letter"
)
def send_appointment_letter(
    request: HttpRequest, body: schema.AppointmentLetterIn, id: int = REQUIREMENT_ID, key: str | None = KEY_HEADER
) -> Status[schema.LetterOut]:
    """A letter telling the person when and where a session they are booked on is."""
    user = access(request, DECIDE_FAILURES)
    appointment = selectors.booked_appointment_get(user, id, body.appointment)
    key = idempotency_key(body.idempotency_key, key)
    return Status(
        201,
        schema.LetterOut.from_orm(
            services.appointment_letter_issue(actor=user, appointment=appointment, idempotency_key=key)
        ),
    )
