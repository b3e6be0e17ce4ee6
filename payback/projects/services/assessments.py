"""Project assessments: started, filled in, recommended by the placement coordinator, and approved
or returned by an operations manager."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from payback.cases.models import RiskFlag
from payback.core.services import Drafts, SignOff, audit_record
from payback.core.signals import placement_facts_changed
from payback.staff.models import User

from .. import rules
from ..models import (
    AssessmentDecision,
    Project,
    ProjectAssessment,
    ProjectStatus,
)

ASSESSMENT_FIELDS = (
    "hazards",
    "controls",
    "welfare_toilets",
    "welfare_shelter",
    "welfare_drinking_water",
    "all_weather",
    "wet_weather_contingency",
    "duration_weeks",
    "max_people",
    "women_only",
    "tools_provided",
    "environmental_value",
    "replaces_paid_work",
    "makes_profit",
    "involves_personal_care",
    "supervises_children_or_vulnerable_adults",
    "recommendation",
)

DRAFTS = Drafts(
    fields=ASSESSMENT_FIELDS,
    flags="excluded_flags",
    open_statuses=(AssessmentDecision.DRAFT, AssessmentDecision.RETURNED),
    waiting_status=AssessmentDecision.RECOMMENDED,
    waiting="An assessment is waiting for an operations manager's decision",
    not_an_answer="Not part of the project assessment",
)


@transaction.atomic
def project_assessment_start(*, actor: User, project: Project) -> ProjectAssessment:
    """Start an assessment (or a review): a draft carrying over the latest answers."""
    open_one = DRAFTS.open_draft(project.assessments.all())
    if open_one is not None:
        return open_one
    latest = project.assessments.order_by("-created_at").first()
    draft = DRAFTS.carry_over(ProjectAssessment(project=project, assessed_by=actor), latest)
    summary = "Project assessment started" if latest is None else "Project assessment review started"
    audit_record(actor=actor, action="project_assessment.started", obj=draft, summary=summary)
    return draft


@transaction.atomic
def project_assessment_update(
    *,
    actor: User,
    assessment: ProjectAssessment,
    values: dict[str, Any],
    excluded_flags: list[RiskFlag] | None = None,
) -> ProjectAssessment:
    assessment = ProjectAssessment.objects.select_for_update().select_related("project").get(pk=assessment.pk)
    DRAFTS.check_answers(
        assessment, values, not_open="This assessment has been sent for a decision and cannot be changed"
    )
    max_people = values.get("max_people")
    if max_people is not None and (not isinstance(max_people, int) or not 1 <= max_people <= 30):
        raise ValidationError({"max_people": "Enter how many people can be placed, between 1 and 30"})
    # A principle may stay unanswered while the assessment is a draft; recommending checks it.
    unanswered = [field for field in rules.PRINCIPLES if values.get(field, getattr(assessment, field)) is None]
    DRAFTS.save_answers(assessment, values, flags=excluded_flags, exclude=unanswered)
    summary = f"Project assessment for {assessment.project.name} updated"
    audit_record(actor=actor, action="project_assessment.updated", obj=assessment, summary=summary)
    return assessment


def _completeness(assessment: ProjectAssessment) -> dict[str, str]:
    errors = rules.principle_breaches({field: getattr(assessment, field) for field in rules.PRINCIPLES})
    if not assessment.hazards.strip():
        errors["hazards"] = "Describe the hazards on the site"
    if not assessment.controls.strip():
        errors["controls"] = "Describe how each risk is controlled"
    if not assessment.all_weather and not assessment.wet_weather_contingency.strip():
        errors["wet_weather_contingency"] = "The site is not all-weather: describe the wet-weather contingency"
    if not assessment.max_people:
        errors["max_people"] = "Enter how many people can be placed"
    if not assessment.welfare_toilets:
        errors["welfare_toilets"] = "A site needs toilets, on site or arranged nearby"
    if not assessment.welfare_drinking_water:
        errors["welfare_drinking_water"] = "A site needs drinking water, on site or arranged nearby"
    return errors


@transaction.atomic
def project_assessment_recommend(
    *, actor: User, assessment: ProjectAssessment, recommendation: str
) -> ProjectAssessment:
    """The placement coordinator recommends the project for approval."""
    assessment = ProjectAssessment.objects.select_for_update().select_related("project").get(pk=assessment.pk)
    DRAFTS.require_open(assessment, "This assessment has already been sent for a decision")
    assessment.recommendation = recommendation.strip() or assessment.recommendation
    errors = _completeness(assessment)
    if not assessment.recommendation.strip():
        errors["recommendation"] = "Set out the risks and benefits for the operations manager"
    if errors:
        raise ValidationError(errors)
    assessment.status = AssessmentDecision.RECOMMENDED
    assessment.recommended_at = timezone.now()
    assessment.save()
    summary = f"Project {assessment.project.name} recommended for approval"
    audit_record(actor=actor, action="project_assessment.recommended", obj=assessment, summary=summary)
    return assessment


DECISION = SignOff(
    permission="projects.approve_projectassessment",
    not_permitted="Only an operations manager can approve a project assessment",
    own_work="You made this assessment: another manager must decide on it",
    not_waiting="This assessment is not waiting for a decision",
    comment_needed="Enter what must change before the project can be approved",
)


@transaction.atomic
def project_assessment_decide(
    *, actor: User, assessment: ProjectAssessment, approve: bool, comment: str = ""
) -> ProjectAssessment:
    """An operations manager approves the assessment (the project is then assessed) or returns it."""
    assessment = ProjectAssessment.objects.select_for_update().select_related("project").get(pk=assessment.pk)
    DECISION.check(
        actor=actor,
        author_id=assessment.assessed_by_id,
        waiting=assessment.status == AssessmentDecision.RECOMMENDED,
        approve=approve,
        comment=comment,
    )
    project = assessment.project
    assessment.decided_by = actor
    assessment.decided_at = timezone.now()
    assessment.decision_comment = comment.strip()
    assessment.status = AssessmentDecision.APPROVED if approve else AssessmentDecision.RETURNED
    assessment.save()
    if approve:
        if project.status == ProjectStatus.DRAFT:
            project.status = ProjectStatus.ASSESSED
        # A review raised after the assessment was recommended is not answered by it.
        raised, recommended = project.review_raised_at, assessment.recommended_at
        if raised is None or recommended is None or raised <= recommended:
            project.review_needed = False
            project.review_reason = ""
        if assessment.max_people and project.capacity > assessment.max_people:
            project.capacity = assessment.max_people
        project.save()
        placement_facts_changed.send(sender=ProjectAssessment, person_ids=[], project_ids=[project.pk])
    action = "project_assessment.approved" if approve else "project_assessment.returned"
    summary = f"Project assessment for {project.name} " + ("approved" if approve else f"returned: {comment.strip()}")
    audit_record(actor=actor, action=action, obj=assessment, summary=summary)
    return assessment
