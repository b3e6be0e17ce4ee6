"""Schemas of the induction, UPW assessment and placeability API, and the shaping of records into them."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import StrictBool, StrictInt, StringConstraints, field_validator

from payback.core.api_common import NO_NUL, InputSchema
from payback.staff.models import User

from ..models import (
    Assessment,
    AssessmentStatus,
    Induction,
    InductionOutcome,
    NonAssociation,
    Person,
    PlacementPreference,
    PlacementType,
    RiskFlag,
    RoshLevel,
    Transport,
)
from . import rules as arules

Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Part = Literal["morning", "afternoon", "evening"]
Reason = Literal["employment", "caring", "education", "other"]
TEXT = 2000
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def _parts(description: str) -> Any:
    return Field(default_factory=list, max_length=len(arules.PARTS), description=description)


def _text(max_length: int = TEXT, description: str = "") -> Any:
    return Field("", max_length=max_length, pattern=NO_NUL, description=description)


def name_of(user: User | None) -> str | None:
    return (user.get_full_name() or user.username) if user else None


# ---------------------------------------------------------------------------------------------
# Induction


class InductionBookIn(InputSchema):
    starts_at: datetime = Field(
        description="When the induction starts (ISO 8601). A time without an offset is UK time",
        examples=["2026-03-05T10:00:00+00:00"],
    )
    location: str = Field(
        min_length=1, max_length=200, pattern=NO_NUL, description="Where it happens", examples=["Newcastle office"]
    )
    late_reason: str = _text(
        500, "Why it is booked after the deadline (5 working days from sentence): needed only then"
    )

    @field_validator("starts_at")
    @classmethod
    def _sensible(cls, value: datetime) -> datetime:
        if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            raise ValueError(f"Give a time between {EARLIEST_YEAR} and {LATEST_YEAR}")
        return value if timezone.is_aware(value) else timezone.make_aware(value)


class InductionOutcomeIn(InputSchema):
    outcome: InductionOutcome = Field(description="What happened", examples=["attended"])
    minutes_attended: StrictInt | None = Field(
        None, description="Attended only: whole minutes the induction lasted (1 to 480)", examples=[90]
    )
    reason: str = _text(
        500, "Needed for an acceptable absence (why it is acceptable) and a failure to attend (what is known)"
    )


class InductionOut(Schema):
    id: int
    requirement: int = Field(description="Id of the requirement")
    starts_at: datetime
    location: str
    booked_by: str | None
    booked_at: datetime
    outcome: InductionOutcome | None = Field(description="null until the outcome is recorded")
    outcome_reason: str
    minutes_attended: int | None = Field(description="Attended only: the minutes credited when induction counts")
    outcome_recorded_by: str | None
    outcome_recorded_at: datetime | None


def induction_out(induction: Induction) -> InductionOut:
    return InductionOut(
        id=induction.pk,
        requirement=induction.requirement_id,
        starts_at=induction.starts_at,
        location=induction.location,
        booked_by=name_of(induction.booked_by),
        booked_at=induction.booked_at,
        outcome=InductionOutcome(induction.outcome) if induction.outcome else None,
        outcome_reason=induction.outcome_reason,
        minutes_attended=induction.minutes_attended,
        outcome_recorded_by=name_of(induction.outcome_recorded_by),
        outcome_recorded_at=induction.outcome_recorded_at,
    )


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
    detail: str = _text(300, "More about the commitment, if it helps to plan work")


class AssessmentAnswers(Schema):
    """Every section of the assessment except availability and the risk flags, which differ in and out."""

    commitments: list[Commitment] = Field(default_factory=list, max_length=21)
    health_limitations: str = _text(description="Health and physical limitations")
    disability_adjustments: str = _text(description="Adjustments for disabilities")
    neurodiversity_adjustments: str = _text(description="Adjustments for neurodiversity")
    first_language: str = _text(100)
    interpreter_required: StrictBool = False
    interpreter_language: str = _text(100, "Needed when an interpreter is required")
    prayer_times: str = _text(300)
    days_cannot_work: list[Day] = Field(
        default_factory=list, max_length=7, description="Days that cannot be worked for religious observance"
    )
    religious_observance_notes: str = _text()
    placement_preference: PlacementPreference | None = Field(
        None, description="Asked of women only (and needed for them): mixed, women_only or individual"
    )
    skills: str = _text()
    experience: str = _text()
    clothing_size: str = _text(20)
    boot_size: str = _text(10)
    group_work_unsuitable: StrictBool = False
    group_work_unsuitable_reason: str = _text(description="Needed when group work is unsuitable")
    risk_notes: str = _text()


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
    author: str
    created_at: datetime
    submitted_at: datetime | None
    countersigned_by: str | None
    countersigned_at: datetime | None
    review_comment: str = Field(description="The countersigning SPO's comment, if any")


class AssessmentVersionOut(Schema):
    id: int
    version: int
    status: AssessmentStatus
    rosh_level: RoshLevel | None
    author: str
    created_at: datetime
    submitted_at: datetime | None
    countersigned_by: str | None
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
    availability = assessment.availability if isinstance(assessment.availability, dict) else {}
    flags: list[RiskFlag] = list(assessment.risk_flags.all())
    return AssessmentOut(
        id=assessment.pk,
        crn=assessment.person.crn,
        version=assessment.version,
        status=AssessmentStatus(assessment.status),
        availability=Availability.model_validate({day: _stored_parts(availability.get(day)) for day in arules.DAYS}),
        commitments=_commitments(assessment.commitments),
        health_limitations=assessment.health_limitations,
        disability_adjustments=assessment.disability_adjustments,
        neurodiversity_adjustments=assessment.neurodiversity_adjustments,
        first_language=assessment.first_language,
        interpreter_required=assessment.interpreter_required,
        interpreter_language=assessment.interpreter_language,
        prayer_times=assessment.prayer_times,
        days_cannot_work=_stored_days(assessment.days_cannot_work),
        religious_observance_notes=assessment.religious_observance_notes,
        placement_preference=_choice(PlacementPreference, assessment.placement_preference),
        transport=_choice(Transport, assessment.transport),
        max_travel_minutes=assessment.max_travel_minutes,
        skills=assessment.skills,
        experience=assessment.experience,
        clothing_size=assessment.clothing_size,
        boot_size=assessment.boot_size,
        group_work_unsuitable=assessment.group_work_unsuitable,
        group_work_unsuitable_reason=assessment.group_work_unsuitable_reason,
        suitable_placement_types=[
            PlacementType(t) for t in assessment.suitable_placement_types or [] if t in PlacementType.values
        ],
        rosh_level=_choice(RoshLevel, assessment.rosh_level),
        risk_flags=[RiskFlagOut(code=f.code, label=f.label, description=f.description) for f in flags],
        risk_notes=assessment.risk_notes,
        risk_assessed_on=assessment.risk_assessed_on,
        non_associations=[
            NonAssociationOut(crn=other.crn, name=other.full_name, reason=record.reason, recorded_at=record.recorded_at)
            for other, record in non_associations
        ],
        needs_countersignature=arules.needs_countersignature(assessment.rosh_level),
        author=name_of(assessment.author) or "",
        created_at=assessment.created_at,
        submitted_at=assessment.submitted_at,
        countersigned_by=name_of(assessment.countersigned_by),
        countersigned_at=assessment.countersigned_at,
        review_comment=assessment.review_comment,
    )


def version_out(assessment: Assessment) -> AssessmentVersionOut:
    return AssessmentVersionOut(
        id=assessment.pk,
        version=assessment.version,
        status=AssessmentStatus(assessment.status),
        rosh_level=_choice(RoshLevel, assessment.rosh_level),
        author=name_of(assessment.author) or "",
        created_at=assessment.created_at,
        submitted_at=assessment.submitted_at,
        countersigned_by=name_of(assessment.countersigned_by),
        countersigned_at=assessment.countersigned_at,
    )


class CountersignatureIn(InputSchema):
    approve: StrictBool = Field(description="true to countersign; false to return it for changes")
    comment: str = _text(description="Needed when returning it: what must change")


class PlaceabilityOut(Schema):
    placeable: bool = Field(description="Whether the person can be placed on work now")
    reasons: list[str] = Field(description="Every reason they cannot, in plain words; empty when placeable")
