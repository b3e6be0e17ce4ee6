"""The person before placement: induction, the versioned UPW assessment with its risk picture, and
whether the person can be placed. Reads go through the scoped selectors, writes through the services."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Path, Router
from ninja.responses import Status

from payback.core.edge import api_staff
from payback.core.selectors import policy_book
from payback.staff.roles import ASSESS, COUNTERSIGN, VIEW_CASES

from .. import lookup_selectors, selectors
from ..api import CANNOT_VIEW_CASES
from ..api_schemas import CRN, REQUIREMENT_ID
from ..models import Assessment
from . import selectors as aselectors
from . import services as aservices
from .api_schemas import (
    AssessmentIn,
    AssessmentOut,
    AssessmentVersionOut,
    CountersignatureIn,
    InductionBookIn,
    InductionOut,
    InductionOutcomeIn,
    PlaceabilityOut,
    RiskFlagOut,
    assessment_out,
    induction_out,
    version_out,
)

CANNOT_ASSESS = "You do not have permission to record inductions and assessments"
CANNOT_COUNTERSIGN = "You do not have permission to countersign assessments"

router = Router(tags=["assessment"])

INDUCTION_ID = Path(..., description="Id of the induction")
ASSESSMENT_ID = Path(..., description="Id of the assessment version")


def _full(assessment: Assessment) -> AssessmentOut:
    return assessment_out(assessment, non_associations=aselectors.non_associations_of(assessment.person))


# ---------------------------------------------------------------------------------------------
# Induction


@router.get(
    "/requirements/{id}/inductions",
    response=list[InductionOut],
    operation_id="listInductions",
    summary="The induction bookings of one requirement",
    tags=["induction"],
)
def list_inductions(request: HttpRequest, id: int = REQUIREMENT_ID) -> list[InductionOut]:
    """Every booking in time order with its outcome; a rescheduled induction is followed by a new booking."""
    user = api_staff(request, VIEW_CASES, message=CANNOT_VIEW_CASES)
    requirement = selectors.requirement_get(user, id)
    return [induction_out(induction) for induction in aselectors.inductions_for(requirement)]


@router.post(
    "/requirements/{id}/inductions",
    response={201: InductionOut},
    operation_id="bookInduction",
    summary="Book the induction",
    tags=["induction"],
)
def book_induction(request: HttpRequest, body: InductionBookIn, id: int = REQUIREMENT_ID) -> Status[InductionOut]:
    """Book the first appointment, on or after the date of sentence. After the deadline (5 working days
    from sentence, by policy) `late_reason` is needed. Only one booking can wait for its outcome."""
    user = api_staff(request, ASSESS, message=CANNOT_ASSESS)
    requirement = selectors.requirement_get(user, id)
    with transaction.atomic():
        induction = aservices.induction_book(
            actor=user,
            requirement=requirement,
            starts_at=body.starts_at,
            location=body.location,
            late_reason=body.late_reason,
        )
        return Status(201, induction_out(induction))


@router.post(
    "/inductions/{id}/outcome",
    response=InductionOut,
    operation_id="recordInductionOutcome",
    summary="Record what happened at the induction",
    tags=["induction"],
)
def record_induction_outcome(request: HttpRequest, body: InductionOutcomeIn, id: int = INDUCTION_ID) -> InductionOut:
    """Attended (with the minutes it lasted), failed to attend or acceptable absence (each with a reason),
    or rescheduled (then book again). Attended credits its minutes to the ledger as work when policy says
    induction counts towards the hours, and moves the case on. The outcome is recorded once."""
    user = api_staff(request, ASSESS, message=CANNOT_ASSESS)
    induction = lookup_selectors.induction_get(user, id)
    with transaction.atomic():
        induction = aservices.induction_record_outcome(
            actor=user,
            induction=induction,
            outcome=body.outcome.value,
            reason=body.reason,
            minutes_attended=body.minutes_attended,
        )
        return induction_out(lookup_selectors.induction_get(user, induction.pk))


# ---------------------------------------------------------------------------------------------
# The assessment and risk picture


@router.get(
    "/risk-flags",
    response=list[RiskFlagOut],
    operation_id="listRiskFlags",
    summary="The specific risk flags an assessment can carry",
    tags=["assessment"],
)
def list_risk_flags(request: HttpRequest) -> list[RiskFlagOut]:
    """The codes to use in `risk_flags`, with their labels."""
    api_staff(request, VIEW_CASES, message=CANNOT_VIEW_CASES)
    return [RiskFlagOut(code=f.code, label=f.label, description=f.description) for f in lookup_selectors.risk_flags()]


@router.get(
    "/people/{crn}/assessment",
    response=AssessmentOut,
    operation_id="getCurrentAssessment",
    summary="The person's current UPW assessment and risk picture",
)
def get_current_assessment(request: HttpRequest, crn: str = CRN) -> AssessmentOut:
    """Every section of the version in force, its risk flags and the person's non-associations.
    404 when the person has no current assessment (none completed, or one still waiting for a
    countersignature: see the versions)."""
    user = api_staff(request, VIEW_CASES, message=CANNOT_VIEW_CASES)
    person = selectors.person_get(user, crn)
    current = aselectors.current_assessment(person)
    if current is None:
        raise Http404("No current assessment")
    return _full(aselectors.assessment_get(user, current.pk))


@router.get(
    "/people/{crn}/assessments",
    response=list[AssessmentVersionOut],
    operation_id="listAssessmentVersions",
    summary="Every version of the person's assessment",
)
def list_assessment_versions(request: HttpRequest, crn: str = CRN) -> list[AssessmentVersionOut]:
    """Newest first, whatever their status: a new version supersedes the one before, which is kept."""
    user = api_staff(request, VIEW_CASES, message=CANNOT_VIEW_CASES)
    person = selectors.person_get(user, crn)
    return [version_out(assessment) for assessment in aselectors.assessment_versions(person)]


@router.post(
    "/people/{crn}/assessments",
    response={201: AssessmentOut},
    operation_id="submitAssessment",
    summary="Submit a new version of the assessment",
)
def submit_assessment(request: HttpRequest, body: AssessmentIn, crn: str = CRN) -> Status[AssessmentOut]:
    """Every section in one call. Low and medium risk of serious harm make the version current at once;
    high and very high wait for a senior probation officer's countersignature (status
    `awaiting_countersignature`). A version the SPO returned, or a draft started on the pages, is
    completed by this call. Anything refused (400, naming the field) saves nothing."""
    user = api_staff(request, ASSESS, message=CANNOT_ASSESS)
    person = selectors.person_get(user, crn)
    flags, unknown = lookup_selectors.risk_flags_by_code(body.risk_flags)
    if unknown:
        raise ValidationError({"risk_flags": f"Unknown risk flag {unknown[0]!r}: GET /risk-flags lists the codes"})
    with transaction.atomic():
        draft = aservices.assessment_start(actor=user, person=person)
        aservices.assessment_update(actor=user, assessment=draft, values=body.values(), risk_flags=flags)
        submitted = aservices.assessment_submit(actor=user, assessment=draft)
        return Status(201, _full(aselectors.assessment_get(user, submitted.pk)))


@router.get(
    "/assessments/{id}",
    response=AssessmentOut,
    operation_id="getAssessment",
    summary="One version of an assessment",
)
def get_assessment(request: HttpRequest, id: int = ASSESSMENT_ID) -> AssessmentOut:
    """Any version, in any status: for example one waiting for countersignature."""
    user = api_staff(request, VIEW_CASES, message=CANNOT_VIEW_CASES)
    return _full(aselectors.assessment_get(user, id))


@router.post(
    "/assessments/{id}/countersignature",
    response=AssessmentOut,
    operation_id="countersignAssessment",
    summary="Countersign a high-risk assessment, or return it",
)
def countersign_assessment(request: HttpRequest, body: CountersignatureIn, id: int = ASSESSMENT_ID) -> AssessmentOut:
    """A senior probation officer other than the author approves the version (it becomes current) or
    returns it with a comment saying what must change."""
    user = api_staff(request, COUNTERSIGN, message=CANNOT_COUNTERSIGN)
    assessment = aselectors.assessment_get(user, id)
    with transaction.atomic():
        aservices.assessment_countersign(actor=user, assessment=assessment, approve=body.approve, comment=body.comment)
        return _full(aselectors.assessment_get(user, id))


# ---------------------------------------------------------------------------------------------
# Placeability


@router.get(
    "/requirements/{id}/placeability",
    response=PlaceabilityOut,
    operation_id="getPlaceability",
    summary="Whether the person can be placed on work now, or why not",
    tags=["requirements"],
)
def get_placeability(request: HttpRequest, id: int = REQUIREMENT_ID) -> PlaceabilityOut:
    """Placeable only when inducted, with a current (countersigned where needed) assessment, not paused,
    not in backlog, not closed and with hours remaining; otherwise every reason."""
    user = api_staff(request, VIEW_CASES, message=CANNOT_VIEW_CASES)
    requirement = selectors.requirement_get(user, id)
    result = aselectors.requirement_placeability(requirement, book=policy_book(), today=timezone.localdate())
    return PlaceabilityOut(placeable=result.placeable, reasons=result.reasons)
