"""The person before placement: induction, the versioned UPW assessment with its risk picture, and
whether the person can be placed. Reads go through the scoped selectors, writes through the services."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router
from ninja.responses import Status

from payback.core.api_ops import Access, Operations, path_id
from payback.core.selectors import policy_book
from payback.staff.roles import ASSESS, COUNTERSIGN, REFUSALS, VIEW_CASES

from .. import lookup_selectors, selectors
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

router = Router(tags=["assessment"])
assessments = Operations(router)
inductions = Operations(router, "induction")
placeability = Operations(router, "requirements")
staff = Access(REFUSALS)

INDUCTION_ID = path_id("induction")
ASSESSMENT_ID = path_id("assessment version")


def _full(assessment: Assessment) -> AssessmentOut:
    return assessment_out(assessment, non_associations=aselectors.non_associations_of(assessment.person))


# ---------------------------------------------------------------------------------------------
# Induction


@inductions.get(
    "/requirements/{id}/inductions", list[InductionOut], "listInductions", "The induction bookings of one requirement"
)
def list_inductions(request: HttpRequest, id: int = REQUIREMENT_ID) -> list[InductionOut]:
    """Every booking in time order with its outcome; a rescheduled induction is followed by a new booking."""
    requirement = selectors.requirement_get(staff(request, VIEW_CASES), id)
    return [induction_out(booking) for booking in aselectors.inductions_for(requirement)]


@inductions.create("/requirements/{id}/inductions", InductionOut, "bookInduction", "Book the induction")
def book_induction(request: HttpRequest, body: InductionBookIn, id: int = REQUIREMENT_ID) -> Status[InductionOut]:
    """Book the first appointment, on or after the date of sentence. After the deadline (5 working days
    from sentence, by policy) `late_reason` is needed. Only one booking can wait for its outcome."""
    user = staff(request, ASSESS)
    requirement = selectors.requirement_get(user, id)
    with transaction.atomic():
        booked = aservices.induction_book(actor=user, requirement=requirement, **body.model_dump())
        return Status(201, induction_out(booked))


@inductions.post(
    "/inductions/{id}/outcome", InductionOut, "recordInductionOutcome", "Record what happened at the induction"
)
def record_induction_outcome(request: HttpRequest, body: InductionOutcomeIn, id: int = INDUCTION_ID) -> InductionOut:
    """Attended (with the minutes it lasted), failed to attend or acceptable absence (each with a reason),
    or rescheduled (then book again). Attended credits its minutes to the ledger as work when policy says
    induction counts towards the hours, and moves the case on. The outcome is recorded once."""
    user = staff(request, ASSESS)
    booked = lookup_selectors.induction_get(user, id)
    with transaction.atomic():
        recorded = aservices.induction_record_outcome(
            actor=user,
            induction=booked,
            outcome=body.outcome.value,
            reason=body.reason,
            minutes_attended=body.minutes_attended,
        )
        return induction_out(lookup_selectors.induction_get(user, recorded.pk))


# ---------------------------------------------------------------------------------------------
# The assessment and risk picture


@assessments.get("/risk-flags", list[RiskFlagOut], "listRiskFlags", "The specific risk flags an assessment can carry")
def list_risk_flags(request: HttpRequest) -> list[RiskFlagOut]:
    """The codes to use in `risk_flags`, with their labels."""
    staff(request, VIEW_CASES)
    return [RiskFlagOut.from_orm(flag) for flag in lookup_selectors.risk_flags()]


@assessments.get(
    "/people/{crn}/assessment",
    AssessmentOut,
    "getCurrentAssessment",
    "The person's current UPW assessment and risk picture",
)
def get_current_assessment(request: HttpRequest, crn: str = CRN) -> AssessmentOut:
    """Every section of the version in force, its risk flags and the person's non-associations.
    404 when the person has no current assessment (none completed, or one still waiting for a
    countersignature: see the versions)."""
    user = staff(request, VIEW_CASES)
    person = selectors.person_get(user, crn)
    current = aselectors.current_assessment(person)
    if current is None:
        raise Http404("No current assessment")
    return _full(aselectors.assessment_get(user, current.pk))


@assessments.get(
    "/people/{crn}/assessments",
    list[AssessmentVersionOut],
    "listAssessmentVersions",
    "Every version of the person's assessment",
)
def list_assessment_versions(request: HttpRequest, crn: str = CRN) -> list[AssessmentVersionOut]:
    """Newest first, whatever their status: a new version supersedes the one before, which is kept."""
    person = selectors.person_get(staff(request, VIEW_CASES), crn)
    return [version_out(version) for version in aselectors.assessment_versions(person)]


@assessments.create(
    "/people/{crn}/assessments", AssessmentOut, "submitAssessment", "Submit a new version of the assessment"
)
def submit_assessment(request: HttpRequest, body: AssessmentIn, crn: str = CRN) -> Status[AssessmentOut]:
    """Every section in one call. Low and medium risk of serious harm make the version current at once;
    high and very high wait for a senior probation officer's countersignature (status
    `awaiting_countersignature`). A version the SPO returned, or a draft started on the pages, is
    completed by this call. Anything refused (400, naming the field) saves nothing."""
    user = staff(request, ASSESS)
    person = selectors.person_get(user, crn)
    flags, unknown = lookup_selectors.risk_flags_by_code(body.risk_flags)
    if unknown:
        raise ValidationError({"risk_flags": f"Unknown risk flag {unknown[0]!r}: GET /risk-flags lists the codes"})
    with transaction.atomic():
        draft = aservices.assessment_start(actor=user, person=person)
        aservices.assessment_update(actor=user, assessment=draft, values=body.values(), risk_flags=flags)
        submitted = aservices.assessment_submit(actor=user, assessment=draft)
        return Status(201, _full(aselectors.assessment_get(user, submitted.pk)))


@assessments.get("/assessments/{id}", AssessmentOut, "getAssessment", "One version of an assessment")
def get_assessment(request: HttpRequest, id: int = ASSESSMENT_ID) -> AssessmentOut:
    """Any version, in any status: for example one waiting for countersignature."""
    return _full(aselectors.assessment_get(staff(request, VIEW_CASES), id))


@assessments.post(
    "/assessments/{id}/countersignature",
    AssessmentOut,
    "countersignAssessment",
    "Countersign a high-risk assessment, or return it",
)
def countersign_assessment(request: HttpRequest, body: CountersignatureIn, id: int = ASSESSMENT_ID) -> AssessmentOut:
    """A senior probation officer other than the author approves the version (it becomes current) or
    returns it with a comment saying what must change."""
    user = staff(request, COUNTERSIGN)
    version = aselectors.assessment_get(user, id)
    with transaction.atomic():
        aservices.assessment_countersign(actor=user, assessment=version, approve=body.approve, comment=body.comment)
        return _full(aselectors.assessment_get(user, id))


# ---------------------------------------------------------------------------------------------
# Placeability


@placeability.get(
    "/requirements/{id}/placeability",
    PlaceabilityOut,
    "getPlaceability",
    "Whether the person can be placed on work now, or why not",
)
def get_placeability(request: HttpRequest, id: int = REQUIREMENT_ID) -> PlaceabilityOut:
    """Placeable only when inducted, with a current (countersigned where needed) assessment, not paused,
    not in backlog, not closed and with hours remaining; otherwise every reason."""
    requirement = selectors.requirement_get(staff(request, VIEW_CASES), id)
    result = aselectors.requirement_placeability(requirement, book=policy_book(), today=timezone.localdate())
    return PlaceabilityOut.from_orm(result)
