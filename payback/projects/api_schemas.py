"""Schemas of the projects, beneficiaries and nominations API, and the shaping of records into them."""

from datetime import date, datetime, time
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import StrictInt, field_validator

from payback.cases.assessment.rules import DAYS
from payback.core.api_common import (
    NO_NUL,
    InputSchema,
    OptionalChoice,
    Page,
    PageQuery,
    Ref,
    StaffName,
    name_of,
    shaped,
    text,
)

from .models import (
    Beneficiary,
    BeneficiaryKind,
    HeardAbout,
    Nomination,
    NominationStatus,
    Project,
    ProjectAssessment,
    ProjectStatus,
    ProjectTask,
    ProjectType,
    ReferralMeans,
    RejectionReason,
)
from .services import MAX_TEXT

Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
PHONE = r"^(\+?[0-9 ()\-]{7,30})?$"


# ---------------------------------------------------------------------------------------------
# Projects


class ProjectsQuery(PageQuery):
    status: ProjectStatus | None = Field(None, description="Only projects in this status")
    project_type: ProjectType | None = Field(None, description="Only projects of this type")
    review_needed: bool = Field(False, description="true: only projects whose risk assessment must be reviewed")
    q: str | None = Field(
        None, max_length=100, pattern=NO_NUL, description="Part of the project's or beneficiary's name"
    )


class TaskOut(Schema):
    position: int = Field(description="Order in the work schedule, from 1")
    description: str


class ApprovedAssessmentOut(Schema):
    """The latest approved project assessment (risk assessment): what sessions on the project rely on."""

    id: int
    approved_at: datetime | None
    approved_by: str | None
    hazards: str
    controls: str
    max_people: int | None = Field(description="How many people can be placed")
    duration_weeks: int | None = Field(description="null for ongoing work")
    excluded_risk_flags: list[str] = Field(description="Codes of the risk flags of people who may not be placed here")
    women_only: bool
    welfare_toilets: bool
    welfare_shelter: bool
    welfare_drinking_water: bool
    all_weather: bool
    wet_weather_contingency: str
    tools_provided: str


class ProjectSummaryOut(Schema):
    id: int
    name: str
    project_type: ProjectType
    status: ProjectStatus
    beneficiary: Ref
    pdu: str = Field(description="Code of the PDU running the project")
    postcode: str
    capacity: int = Field(description="How many people can work at once")
    review_needed: bool = Field(
        description="The risk assessment must be reviewed (after an accident, near miss or change)"
    )


class ProjectOut(ProjectSummaryOut):
    description: str
    address: str
    latitude: float | None
    longitude: float | None
    days: list[Day] = Field(description="Days the project can run")
    start_time: time | None
    end_time: time | None
    review_reason: str
    review_raised_at: datetime | None
    created_at: datetime
    tasks: list[TaskOut] = Field(description="The work schedule, in order")
    assessment: ApprovedAssessmentOut | None = Field(description="null until a project assessment is approved")


class ProjectPage(Page):
    count: int = Field(description="Projects matching the filters, across all pages")
    items: list[ProjectSummaryOut]


class ProjectIn(InputSchema):
    beneficiary_id: int = Field(description="The beneficiary the work is for (in your area)")
    pdu: int | None = Field(None, description="Id of the PDU running the project; the beneficiary's PDU if left out")
    name: str = text(200, "A short name staff will recognise", required=True)
    project_type: ProjectType = Field(ProjectType.GROUP, description="group, individual, pip, ete or induction")
    description: str = text(MAX_TEXT)
    address: str = text(300, "Address of the site")
    postcode: str = text(10, "Postcode of the site, like NE1 4ST")
    latitude: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False, description="With longitude, or neither")
    longitude: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False)
    days: list[Day] = Field(default_factory=list, max_length=7, description="Days the project can run")
    start_time: time | None = Field(None, description="Like 09:30, UK time")
    end_time: time | None = Field(None, description="After the start time")
    capacity: StrictInt | None = Field(None, description="How many people can work at once, 1 to 30 (6 if left out)")

    @field_validator("start_time", "end_time")
    @classmethod
    def _no_offset(cls, value: time | None) -> time | None:
        if value is not None and value.tzinfo is not None:
            raise ValueError("Give a time of day without an offset, like 09:30 (UK time)")
        return value


class ProjectStatusIn(InputSchema):
    to_status: ProjectStatus = Field(
        description="active (needs an approved assessment, signed MOU, days, hours and tasks), paused or closed"
    )
    reason: str = text(500, "Why")


class ReviewNeededIn(InputSchema):
    reason: str = text(500, "The accident, near miss or change that means the risk assessment must be reviewed")


def _approved(assessment: ProjectAssessment) -> ApprovedAssessmentOut:
    return shaped(
        ApprovedAssessmentOut,
        assessment,
        approved_at=assessment.decided_at,
        approved_by=name_of(assessment.decided_by),
        excluded_risk_flags=sorted(flag.code for flag in assessment.excluded_flags.all()),
    )


def _days(stored: Any) -> list[Any]:
    return [day for day in DAYS if day in (stored if isinstance(stored, list) else [])]


def project_summary(project: Project) -> ProjectSummaryOut:
    return shaped(ProjectSummaryOut, project, pdu=project.pdu.code)


def project_out(project: Project, *, tasks: list[ProjectTask], assessment: ProjectAssessment | None) -> ProjectOut:
    return shaped(
        ProjectOut,
        project,
        pdu=project.pdu.code,
        days=_days(project.days),
        tasks=tasks,
        assessment=_approved(assessment) if assessment is not None else None,
    )


# ---------------------------------------------------------------------------------------------
# Beneficiaries


class BeneficiariesQuery(PageQuery):
    kind: BeneficiaryKind | None = Field(None, description="Only beneficiaries of this type")
    q: str | None = Field(None, max_length=100, pattern=NO_NUL, description="Part of the name or contact's name")


class BeneficiarySummaryOut(Schema):
    id: int
    name: str
    kind: BeneficiaryKind
    pdu: str = Field(description="Code of the PDU the beneficiary is in")
    contact_name: str
    mou_signed_on: date | None = Field(description="When the memorandum of understanding was signed; null if not yet")
    project_count: int


class BeneficiaryProjectOut(Schema):
    id: int
    name: str
    project_type: ProjectType
    status: ProjectStatus
    created_at: datetime


class BeneficiaryOut(BeneficiarySummaryOut):
    additionality_justification: str = Field(description="Commercial organisations: how the work is additional")
    address: str
    postcode: str
    contact_email: str
    contact_phone: str
    created_at: datetime
    projects: list[BeneficiaryProjectOut] = Field(description="Its projects in your area, newest first")


class BeneficiaryPage(Page):
    count: int = Field(description="Beneficiaries matching the filters, across all pages")
    items: list[BeneficiarySummaryOut]


class NewBeneficiaryIn(InputSchema):
    name: str = text(200, "The organisation's name", required=True)
    kind: BeneficiaryKind = Field(description="charity, council, community_group, public_body or commercial")
    additionality_justification: str = text(MAX_TEXT, "Needed for a commercial organisation")
    address: str = text(300)
    postcode: str = text(10, "Like NE1 4ST")
    contact_name: str = text(200, "The contact at the organisation", required=True)
    contact_email: str = text(254)
    contact_phone: str = Field("", max_length=30, pattern=PHONE, description="Like 01632 960 001")
    mou_signed_on: date | None = Field(
        None, description="When the memorandum of understanding was signed, if it has been"
    )


class BeneficiaryIn(NewBeneficiaryIn):
    pdu: int | None = Field(
        None, description="Id of the PDU the beneficiary is in; needed unless your account is for one PDU"
    )


def beneficiary_summary(beneficiary: Beneficiary) -> BeneficiarySummaryOut:
    return shaped(
        BeneficiarySummaryOut,
        beneficiary,
        pdu=beneficiary.pdu.code,
        project_count=getattr(beneficiary, "project_count", 0),
    )


def beneficiary_out(beneficiary: Beneficiary, *, projects: list[Project]) -> BeneficiaryOut:
    # The projects are those in the caller's area, not every project of the beneficiary.
    return shaped(
        BeneficiaryOut,
        beneficiary,
        pdu=beneficiary.pdu.code,
        project_count=getattr(beneficiary, "project_count", 0),
        projects=projects,
    )


# ---------------------------------------------------------------------------------------------
# Nominations


class NominationsQuery(PageQuery):
    status: NominationStatus | None = Field(None, description="Only nominations in this status")
    overdue: bool = Field(False, description="true: only those not acknowledged by their due date")


class NominationSummaryOut(Schema):
    id: int
    reference: str = Field(description="The reference the nominator was given, like NOM-7K2Q9D")
    status: NominationStatus
    submitted_at: datetime
    acknowledge_by: date = Field(description="Acknowledgement due date (5 working days, by policy)")
    acknowledgement: OptionalChoice[Literal["due", "overdue"]] = Field(description="null once acknowledged")
    nominator_name: str
    organisation: str
    location: str
    postcode: str
    pdu: str = Field(description="Code of the PDU the work is in")


class NominationOut(NominationSummaryOut):
    nominator_email: str
    nominator_phone: str
    on_behalf_of_group: bool
    work_description: str
    who_benefits: str
    heard_about: HeardAbout
    referral_means: ReferralMeans
    acknowledged_at: datetime | None
    acknowledged_by: StaffName
    decided_at: datetime | None
    decided_by: StaffName
    rejection_reason: OptionalChoice[RejectionReason]
    rejection_detail: str
    beneficiary: Ref | None = Field(description="Set when accepted")
    project: Ref | None = Field(description="The draft project made when accepted")


class NominationPage(Page):
    count: int = Field(description="Nominations matching the filters, across all pages")
    items: list[NominationSummaryOut]


class RejectIn(InputSchema):
    reason: RejectionReason = Field(description="The reason, from the list")
    detail: str = text(MAX_TEXT, "The decision explained, so it can be passed on to the nominator")


class AcceptIn(InputSchema):
    project_name: str = text(200, "Name of the draft project the nomination becomes")
    beneficiary_id: int | None = Field(
        None, description="An existing beneficiary in your area; or give new_beneficiary"
    )
    new_beneficiary: NewBeneficiaryIn | None = Field(
        None, description="A beneficiary to record (in the nomination's PDU); or give beneficiary_id"
    )


def nomination_summary(nomination: Nomination, *, acknowledgement: str) -> NominationSummaryOut:
    """`acknowledgement` is "due" or "overdue" while the nomination waits for one, else empty."""
    return shaped(NominationSummaryOut, nomination, acknowledgement=acknowledgement, pdu=nomination.pdu.code)


def nomination_out(nomination: Nomination, *, acknowledgement: str) -> NominationOut:
    return shaped(NominationOut, nomination, acknowledgement=acknowledgement, pdu=nomination.pdu.code)
