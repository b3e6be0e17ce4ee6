"""Reads of projects, beneficiaries, nominations and feedback surveys, always scoped to the user's
area (a survey link is read by its token alone: it is how the beneficiary answers)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet

from payback.core.selectors import found_or_404
from payback.staff.models import Pdu, User
from payback.staff.selectors import in_area, scope_q

from . import rules
from .models import (
    AssessmentDecision,
    Beneficiary,
    BeneficiarySurvey,
    Nomination,
    NominationStatus,
    Project,
    ProjectAssessment,
    RiskAssessmentAuditSample,
)


def nominations_for(user: User) -> QuerySet[Nomination]:
    return in_area(Nomination, user, "pdu").select_related("pdu", "beneficiary", "project")


@dataclass(frozen=True)
class NominationFilters:
    status: str = ""
    overdue: bool = False
    q: str = ""


def nomination_register(user: User, filters: NominationFilters, *, today: date) -> QuerySet[Nomination]:
    qs = nominations_for(user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.overdue:
        qs = qs.filter(acknowledged_at__isnull=True, status=NominationStatus.NEW, acknowledge_by__lt=today)
    if filters.q:
        term = filters.q.strip()
        qs = qs.filter(
            Q(reference__iexact=term)
            | Q(nominator_name__icontains=term)
            | Q(location__icontains=term)
            | Q(postcode__istartswith=term)
        )
    return qs.order_by("-submitted_at")


def nomination_get(user: User, pk: int) -> Nomination:
    return found_or_404(nominations_for(user), "nomination", pk=pk)


def acknowledgement_tag(nomination: Nomination, *, today: date) -> str:
    """'overdue', 'due' or '' (acknowledged)."""
    if nomination.acknowledged_at is not None or nomination.status != NominationStatus.NEW:
        return ""
    return "overdue" if nomination.acknowledge_by < today else "due"


def beneficiaries_for(user: User) -> QuerySet[Beneficiary]:
    """Beneficiaries in the user's area, each with how many of its projects are in the area too."""
    area_projects = scope_q(user, pdu_field="projects__pdu")
    return (
        in_area(Beneficiary, user, "pdu")
        .select_related("pdu")
        .annotate(project_count=Count("projects", filter=area_projects) if area_projects else Count("projects"))
    )


def beneficiary_projects(user: User, beneficiary: Beneficiary) -> QuerySet[Project]:
    """The beneficiary's projects in the user's area (a beneficiary may have work in other areas)."""
    return projects_for(user).filter(beneficiary=beneficiary).order_by("-created_at", "-id")


def beneficiary_nominations(user: User, beneficiary: Beneficiary) -> QuerySet[Nomination]:
    """Nominations linked to the beneficiary in the user's area."""
    return nominations_for(user).filter(beneficiary=beneficiary).order_by("-submitted_at", "-id")


def beneficiary_search(user: User, *, kind: str = "", q: str = "") -> QuerySet[Beneficiary]:
    """Beneficiaries in the user's area by name, of one kind, or whose name or contact's name has `q`."""
    qs = beneficiaries_for(user).order_by("name")
    if kind:
        qs = qs.filter(kind=kind)
    if term := q.strip():
        qs = qs.filter(Q(name__icontains=term) | Q(contact_name__icontains=term))
    return qs


def beneficiary_get(user: User, pk: int) -> Beneficiary:
    return found_or_404(beneficiaries_for(user), "beneficiary", pk=pk)


@dataclass(frozen=True)
class ProjectFilters:
    status: str = ""
    project_type: str = ""
    review_needed: bool = False
    q: str = ""


def projects_for(user: User) -> QuerySet[Project]:
    return in_area(Project, user, "pdu").select_related("beneficiary", "pdu")


def project_list(user: User, filters: ProjectFilters) -> QuerySet[Project]:
    qs = projects_for(user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.project_type:
        qs = qs.filter(project_type=filters.project_type)
    if filters.review_needed:
        qs = qs.filter(review_needed=True)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(beneficiary__name__icontains=filters.q))
    return qs.order_by("name")


def project_assessments_for(user: User) -> QuerySet[ProjectAssessment]:
    """Every assessment, past and present, of the projects in the user's area."""
    return in_area(ProjectAssessment, user, "project__pdu")


def project_get(user: User, pk: int) -> Project:
    return found_or_404(projects_for(user), "project", pk=pk)


def project_assessment_get(user: User, pk: int) -> ProjectAssessment:
    found = project_assessments_for(user).select_related("project", "assessed_by", "decided_by")
    return found_or_404(found.prefetch_related("excluded_flags"), "project assessment", pk=pk)


def project_assessments(project: Project) -> list[ProjectAssessment]:
    """Every assessment of the project, newest first."""
    return list(
        project.assessments.select_related("assessed_by", "decided_by")
        .prefetch_related("excluded_flags")
        .order_by("-created_at")
    )


def current_project_assessment(project: Project) -> ProjectAssessment | None:
    return (
        project.assessments.filter(status=AssessmentDecision.APPROVED)
        .prefetch_related("excluded_flags")
        .order_by("-decided_at")
        .first()
    )


def approvals_waiting(user: User) -> QuerySet[ProjectAssessment]:
    """Project assessments in the user's area recommended and waiting for a manager's decision."""
    waiting = project_assessments_for(user).filter(status=AssessmentDecision.RECOMMENDED).exclude(assessed_by=user)
    return waiting.select_related("project", "assessed_by").order_by("recommended_at")


def project_placement_conflicts(project: Project, *, person_flag_codes: list[str], person_is_woman: bool) -> list[str]:
    """Why a person may not be placed on this project, from its approved assessment's restrictions."""
    assessment = current_project_assessment(project)
    if assessment is None:
        return ["The project has no approved assessment"]
    return rules.placement_conflicts(
        excluded_flag_codes=[flag.code for flag in assessment.excluded_flags.all()],
        women_only=assessment.women_only,
        person_flag_codes=person_flag_codes,
        person_is_woman=person_is_woman,
    )


def audit_samples_for(user: User) -> QuerySet[RiskAssessmentAuditSample]:
    qs = RiskAssessmentAuditSample.objects.select_related("region", "drawn_by").prefetch_related("projects")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.scope == "national":
        return qs
    region_id = user.region_id
    if region_id is None:
        return qs.none()
    return qs.filter(region_id=region_id)


def pdu_with_region(pk: int | str | None) -> Pdu | None:
    """The PDU a member of the public chose on the nomination form (any PDU: the form lists them all)."""
    return Pdu.objects.select_related("region").filter(pk=pk or 0).first()


def nomination_pdu(pk: int) -> Pdu:
    """The PDU of a nomination being sent (the form's answers have been checked)."""
    return Pdu.objects.get(pk=pk)


def open_nomination_count(user: User) -> int:
    return nominations_for(user).filter(status=NominationStatus.NEW).count()


@dataclass(frozen=True)
class SurveyRow:
    survey: BeneficiarySurvey
    state: str  # "answered", "waiting" or "expired"


def _survey_rows(surveys: QuerySet[BeneficiarySurvey], today: date) -> list[SurveyRow]:
    return [
        SurveyRow(s, rules.survey_state(used=s.used_at is not None, expires_on=s.expires_on, today=today))
        for s in surveys
    ]


def project_surveys(project: Project, *, today: date) -> list[SurveyRow]:
    """The feedback surveys sent about the project (read through a scoped project), newest first."""
    surveys = project.surveys.select_related("sent_by").order_by("-sent_on", "-id")
    return _survey_rows(surveys, today)


def beneficiary_surveys(user: User, beneficiary: Beneficiary, *, today: date) -> list[SurveyRow]:
    """The feedback surveys about the beneficiary's projects in the user's area, newest first."""
    surveys = in_area(BeneficiarySurvey, user, "project__pdu").filter(project__beneficiary=beneficiary)
    return _survey_rows(surveys.select_related("project").order_by("-sent_on", "-id"), today)


def survey_by_token(token: str) -> BeneficiarySurvey | None:
    """The survey a link's token opens, with its project and beneficiary; None for a token that is
    not a survey's."""
    if not 20 <= len(token) <= 100:
        return None
    found = BeneficiarySurvey.objects.select_related("project__beneficiary")
    return found.filter(token_hash=rules.survey_token_hash(token)).first()
