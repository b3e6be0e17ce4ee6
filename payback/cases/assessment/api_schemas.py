"""Schemas of the induction, UPW assessment and placeability API, and the shaping of records into them."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import StrictBool, StrictInt, StringConstraints

from payback.core.api_common import (
    NO_NUL,
    InputSchema,
    OptionalChoice,
    ServiceDateTime,
    StaffName,
    StaffNameOrEmpty,
    shaped,
    text,
)

from ..models import (
    Assessment,
    AssessmentStatus,
    Induction,
    InductionOutcome,
    NonAssociation,
    Person,
    PlacementPreference,
    PlacementType,
    RoshLevel,
    Transport,
)
from . import rules as arules

Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Part = Literal["morning", "afternoon", "evening"]
Reason = Literal["employment", "caring", "education", "other"]
TEXT = 2000


def _parts(description: str) -> Any:
    return Field(default_factory=list, max_length=len(arules.PARTS), description=description)


# ---------------------------------------------------------------------------------------------
# Induction


class InductionBookIn(InputSchema):
    starts_at: ServiceDateTime = Field(
        description="When the induction starts (ISO 8601). A time without an offset is UK time",
        examples=["2026-03-05T10:00:00+00:00"],
    )
    location: str = Field(
        min_length=1, max_length=200, pattern=NO_NUL, description="Where it happens", examples=["Newcastle office"]
    )
    late_reason: str = text(500, "Why it is booked after the deadline (5 working days from sentence): needed only then")


class InductionOutcomeIn(InputSchema):
    outcome: InductionOutcome = Field(description="What happened", examples=["attended"])
    minutes_attended: StrictInt | None = Field(
        None, description="Attended only: whole minutes the induction lasted (1 to 480)", examples=[90]
    )
    reason: str = text(
        500, "Needed for an acceptable absence (why it is acceptable) and a failure to attend (what is known)"
    )


class InductionOut(Schema):
    id: int
    requirement: int = Field(description="Id of the requirement")
    starts_at: datetime
    location: str
    booked_by: StaffName
    booked_at: datetime
    outcome: OptionalChoice[InductionOutcome] = Field(description="null until the outcome is recorded")
    outcome_reason: str
    minutes_attended: int | None = Field(description="Attended only: the minutes credited when induction counts")
    outcome_recorded_by: StaffName
    outcome_recorded_at: datetime | None


def induction_out(induction: Induction) -> InductionOut:
    return shaped(InductionOut, induction, requirement=induction.requirement_id)


# ---------------------------------------------------------------------------------------------
# The assessment


class Availability(InputSchema):
    """The parts of each day the person is available to work; a day left out is not available."""

    mon: list[Part] = _parts("Monday")
    tue: list[Part] = _parts("Tuesday")
    wed: list[Part] = _parts("Wednesday")
    thu: list[Part] = _parts("Thursday")
    fri: list[Part] = _parts("Friday")
    sat: list[Part] = _parts("Saturday")
    sun: list[Part] = _parts("Sunday")


class Commitment(InputSchema):
    """Why the person is not free for part of a day."""

    day: Day
    parts: list[Part] = _parts("The parts of the day the person is not free")
    reason: Reason = Field(description="employment, caring, education or other")
    detail: str = text(300, "More about the commitment, if it helps to plan work")


class AssessmentAnswers(Schema):
    """Every section of the assessment except availability and the risk flags, which differ in and out."""

    commitments: list[Commitment] = Field(default_factory=list, max_length=21)
    health_limitations: str = text(TEXT, "Health and physical limitations")
    disability_adjustments: str = text(TEXT, "Adjustments for disabilities")
    neurodiversity_adjustments: str = text(TEXT, "Adjustments for neurodiversity")
    first_language: str = text(100)
    interpreter_required: StrictBool = False
    interpreter_language: str = text(100, "Needed when an interpreter is required")
    prayer_times: str = text(300)
    days_cannot_work: list[Day] = Field(
        default_factory=list, max_length=7, description="Days that cannot be worked for religious observance"
    )
    religious_observance_notes: str = text(TEXT)
    placement_preference: PlacementPreference | None = Field(
        None, description="Asked of women only (and needed for them): mixed, women_only or individual"
    )
    skills: str = text(TEXT)
    experience: str = text(TEXT)
    clothing_size: str = text(20)
    boot_size: str = text(10)
    group_work_unsuitable: StrictBool = False
    group_work_unsuitable_reason: str = text(TEXT, "Needed when group work is unsuitable")
    risk_notes: str = text(TEXT)


class AssessmentIn(AssessmentAnswers, InputSchema):
    availability: Availability = Field(description="At least one part of one day")
    transport: Transport = Field(description="How the person will travel to work")
    max_travel_minutes: StrictInt = Field(description="The longest journey the person can make, 1 to 180 minutes")
    suitable_placement_types: list[PlacementType] = Field(
        max_length=len(PlacementType.values), description="At least one"
    )
    rosh_level: RoshLevel = Field(description="Risk of serious harm. high and very_high need a countersignature")
    risk_flags: list[Annotated[str, StringConstraints(max_length=50, pattern=NO_NUL)]] = Field(
        default_factory=list,
        max_length=50,
        description="Codes of the specific risk flags (GET /risk-flags lists them)",
        examples=[["not-near-children"]],
    )
    risk_assessed_on: date = Field(description="The date the risk was assessed: today or earlier")

    def values(self) -> dict[str, Any]:
        """The answers as the assessment stores them."""
        values = self.model_dump(exclude={"risk_flags", "availability"})
        values["availability"] = {
            day: [p for p in arules.PARTS if p in getattr(self.availability, day)] for day in arules.DAYS
        }
        values["commitments"] = [
            {"day": c.day, "parts": [p for p in arules.PARTS if p in c.parts], "reason": c.reason, "detail": c.detail}
            for c in self.commitments
        ]
        values["days_cannot_work"] = [day for day in arules.DAYS if day in self.days_cannot_work]
        values["suitable_placement_types"] = list(dict.fromkeys(t.value for t in self.suitable_placement_types))
        for name in ("placement_preference", "transport", "rosh_level"):
            values[name] = values[name].value if values[name] is not None else ""
        return values


class RiskFlagOut(Schema):
    code: str = Field(description="Use in risk_flags")
    label: str
    description: str


class NonAssociationOut(Schema):
    crn: str = Field(description="The person they must never be placed with")
    name: str
    reason: str
    recorded_at: datetime


class AssessmentOut(AssessmentAnswers):
    id: int
    crn: str
    version: int
    status: AssessmentStatus = Field(
        description="draft, awaiting_countersignature, returned (for changes), current or superseded"
    )
    availability: Availability
    transport: Transport | None
    max_travel_minutes: int | None
    suitable_placement_types: list[PlacementType]
    rosh_level: RoshLevel | None
    risk_flags: list[RiskFlagOut]
    risk_assessed_on: date | None
    non_associations: list[NonAssociationOut] = Field(
        description="People this person must never be placed with (whichever side it was recorded from)"
    )
    needs_countersignature: bool = Field(description="High and very high risk need an SPO's countersignature")
    author: StaffNameOrEmpty
    created_at: datetime
    submitted_at: datetime | None
    countersigned_by: StaffName
    countersigned_at: datetime | None
    review_comment: str = Field(description="The countersigning SPO's comment, if any")


class AssessmentVersionOut(Schema):
    id: int
    version: int
    status: AssessmentStatus
    rosh_level: RoshLevel | None
    author: StaffNameOrEmpty
    created_at: datetime
    submitted_at: datetime | None
    countersigned_by: StaffName
    countersigned_at: datetime | None


def _stored_parts(parts: Any) -> list[Any]:
    values = parts if isinstance(parts, list) else [parts]
    return [p for p in arules.PARTS if p in values]


def _stored_days(days: Any) -> list[Any]:
    return [day for day in arules.DAYS if day in (days if isinstance(days, list) else [])]


def _commitments(stored: Any) -> list[Commitment]:
    commitments = []
    for item in stored if isinstance(stored, list) else []:
        if not isinstance(item, dict) or item.get("day") not in arules.DAYS:
            continue
        if item.get("reason") not in arules.COMMITMENT_REASONS:
            continue
        commitments.append(
            Commitment(
                day=item["day"],
                parts=_stored_parts(item.get("parts", item.get("part", []))),
                reason=item["reason"],
                detail=str(item.get("detail", "")),
            )
        )
    return commitments


def _choice(choices: Any, value: str) -> Any:
    return choices(value) if value in choices.values else None


def assessment_out(assessment: Assessment, *, non_associations: list[tuple[Person, NonAssociation]]) -> AssessmentOut:
    """Stored answers the form no longer offers (a day, part or choice since withdrawn) are left out."""
    availability = assessment.availability if isinstance(assessment.availability, dict) else {}
    return shaped(
        AssessmentOut,
        assessment,
        crn=assessment.person.crn,
        availability=Availability.model_validate({day: _stored_parts(availability.get(day)) for day in arules.DAYS}),
        commitments=_commitments(assessment.commitments),
        days_cannot_work=_stored_days(assessment.days_cannot_work),
        placement_preference=_choice(PlacementPreference, assessment.placement_preference),
        transport=_choice(Transport, assessment.transport),
        suitable_placement_types=[t for t in assessment.suitable_placement_types or [] if t in PlacementType.values],
        rosh_level=_choice(RoshLevel, assessment.rosh_level),
        non_associations=[
            NonAssociationOut(crn=other.crn, name=other.full_name, reason=record.reason, recorded_at=record.recorded_at)
            for other, record in non_associations
        ],
        needs_countersignature=arules.needs_countersignature(assessment.rosh_level),
    )


def version_out(assessment: Assessment) -> AssessmentVersionOut:
    return shaped(AssessmentVersionOut, assessment, rosh_level=_choice(RoshLevel, assessment.rosh_level))


class CountersignatureIn(InputSchema):
    approve: StrictBool = Field(description="true to countersign; false to return it for changes")
    comment: str = text(TEXT, "Needed when returning it: what must change")


class PlaceabilityOut(Schema):
    placeable: bool = Field(description="Whether the person can be placed on work now")
    reasons: list[str] = Field(description="Every reason they cannot, in plain words; empty when placeable")
