"""Every write about nominations, beneficiaries, projects and their assessments. Each service
runs in one transaction, writes an audit event, and saves everything or nothing."""

import random
import secrets
from datetime import date, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from payback.cases.assessment.rules import DAYS
from payback.cases.models import RiskFlag
from payback.core.policy import PolicyBook
from payback.core.selectors import policy_book
from payback.core.services import audit_record
from payback.core.signals import placement_facts_changed
from payback.staff.models import Pdu, Region, User

from . import rules
from .models import (
    AssessmentDecision,
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
    RiskAssessmentAuditSample,
)

DUPLICATE_WINDOW = timedelta(hours=24)
MAX_TEXT = 2000


def _subject(project: Project) -> str:
    return f"project:{project.pk}"


# ---------------------------------------------------------------------------------------------
# Nominations


def _new_reference() -> str:
    rng = random.Random(secrets.randbits(64))
    while True:
        reference = rules.nomination_reference(rng)
        if not Nomination.objects.filter(reference=reference).exists():
            return reference


@transaction.atomic
def nomination_submit(
    *,
    nominator_name: str,
    nominator_email: str,
    nominator_phone: str,
    organisation: str,
    on_behalf_of_group: bool,
    work_description: str,
    location: str,
    postcode: str,
    who_benefits: str,
    heard_about: str,
    pdu: Pdu,
    referral_means: str = ReferralMeans.PUBLIC_FORM,
    book: PolicyBook | None = None,
) -> tuple[Nomination, bool]:
    """Record a nomination. An identical one sent again within a day is not saved twice: the
    first is returned with created=False."""
    book = book or policy_book()
    fingerprint = rules.nomination_fingerprint(
        nominator_email, work_description, location, postcode, who_benefits, str(pdu.pk)
    )
    existing = Nomination.objects.filter(
        fingerprint=fingerprint, submitted_at__gte=timezone.now() - DUPLICATE_WINDOW
    ).first()
    if existing is not None:
        return existing, False
    if heard_about not in HeardAbout.values:
        raise ValidationError({"heard_about": "Select how you heard about Community Payback"})
    if referral_means not in ReferralMeans.values:
        raise ValidationError({"referral_means": "Select how the nomination was received"})
    too_long = {
        field: f"{label} must be {MAX_TEXT} characters or fewer"
        for field, label, value in (
            ("work_description", "The description of the work", work_description),
            ("who_benefits", "Who benefits", who_benefits),
        )
        if len(value.strip()) > MAX_TEXT
    }
    if too_long:
        raise ValidationError(too_long)
    today = timezone.localdate()
    nomination = Nomination(
        reference=_new_reference(),
        nominator_name=nominator_name.strip(),
        nominator_email=nominator_email.strip(),
        nominator_phone=nominator_phone.strip(),
        organisation=organisation.strip(),
        on_behalf_of_group=on_behalf_of_group,
        work_description=work_description.strip(),
        location=location.strip(),
        postcode=postcode.strip().upper(),
        who_benefits=who_benefits.strip(),
        heard_about=heard_about,
        pdu=pdu,
        referral_means=referral_means,
        fingerprint=fingerprint,
        acknowledge_by=rules.acknowledgement_due(today, book),
    )
    nomination.full_clean()
    nomination.save()
    audit_record(
        actor=None,
        action="nomination.submitted",
        obj=nomination,
        summary=f"Nomination {nomination.reference} received for {pdu}",
        subject=f"nomination:{nomination.pk}",
    )
    return nomination, True


@transaction.atomic
def nomination_acknowledge(*, actor: User, nomination: Nomination) -> Nomination:
    """Acknowledge the nomination: recorded, and sent to the nominator by email."""
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if nomination.acknowledged_at is not None:
        raise ValidationError({"nomination": "This nomination has already been acknowledged"})
    nomination.acknowledged_at = timezone.now()
    nomination.acknowledged_by = actor
    if nomination.status == NominationStatus.NEW:
        nomination.status = NominationStatus.ACKNOWLEDGED
    nomination.save()
    send_mail(
        subject=f"Your Community Payback nomination {nomination.reference}",
        message=(
            f"Dear {nomination.nominator_name},\n\n"
            f"Thank you for nominating work for Community Payback ({nomination.reference}). "
            "A placement coordinator will look at whether it can go ahead and will contact you.\n\n"
            "Community Payback, HM Prison and Probation Service"
        ),
        from_email=None,
        recipient_list=[nomination.nominator_email],
    )
    audit_record(
        actor=actor,
        action="nomination.acknowledged",
        obj=nomination,
        summary=f"Nomination {nomination.reference} acknowledged by email to {nomination.nominator_email}",
        subject=f"nomination:{nomination.pk}",
    )
    return nomination


@transaction.atomic
def nomination_set_referral_means(*, actor: User, nomination: Nomination, referral_means: str) -> Nomination:
    if referral_means not in ReferralMeans.values:
        raise ValidationError({"referral_means": "Select how the nomination was received"})
    before = nomination.referral_means
    nomination.referral_means = referral_means
    nomination.save(update_fields=["referral_means"])
    audit_record(
        actor=actor,
        action="nomination.referral_means",
        obj=nomination,
        summary=f"Means of referral recorded as {ReferralMeans(referral_means).label.lower()}",
        subject=f"nomination:{nomination.pk}",
        before={"referral_means": before},
        after={"referral_means": referral_means},
    )
    return nomination


def _check_undecided(nomination: Nomination) -> None:
    if nomination.status in (NominationStatus.ACCEPTED, NominationStatus.REJECTED):
        raise ValidationError({"nomination": f"This nomination has already been {nomination.status}"})


@transaction.atomic
def nomination_accept(
    *,
    actor: User,
    nomination: Nomination,
    project_name: str,
    beneficiary: Beneficiary | None = None,
    new_beneficiary: dict[str, Any] | None = None,
) -> Project:
    """Accept: link an existing beneficiary or create one, and start a draft project."""
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    _check_undecided(nomination)
    if beneficiary is None and not new_beneficiary:
        raise ValidationError({"beneficiary": "Choose the beneficiary, or enter a new one"})
    if not project_name.strip():
        raise ValidationError({"project_name": "Enter a name for the project"})
    if beneficiary is None:
        assert new_beneficiary is not None
        beneficiary = beneficiary_create(actor=actor, pdu=nomination.pdu, **new_beneficiary)
    project = project_create(
        actor=actor,
        beneficiary=beneficiary,
        name=project_name,
        pdu=nomination.pdu,
        description=nomination.work_description,
        address=nomination.location,
        postcode=nomination.postcode,
    )
    nomination.status = NominationStatus.ACCEPTED
    nomination.decided_at = timezone.now()
    nomination.decided_by = actor
    nomination.beneficiary = beneficiary
    nomination.project = project
    nomination.save()
    audit_record(
        actor=actor,
        action="nomination.accepted",
        obj=nomination,
        summary=f"Nomination {nomination.reference} accepted: draft project {project.name} for {beneficiary.name}",
        subject=f"nomination:{nomination.pk}",
    )
    return project


@transaction.atomic
def nomination_reject(*, actor: User, nomination: Nomination, reason: str, detail: str) -> Nomination:
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    _check_undecided(nomination)
    errors = {}
    if reason not in RejectionReason.values:
        errors["reason"] = "Select the reason for rejecting the nomination"
    if not detail.strip():
        errors["detail"] = "Explain the decision, so it can be given to the nominator"
    if errors:
        raise ValidationError(errors)
    nomination.status = NominationStatus.REJECTED
    nomination.rejection_reason = reason
    nomination.rejection_detail = detail.strip()
    nomination.decided_at = timezone.now()
    nomination.decided_by = actor
    nomination.save()
    audit_record(
        actor=actor,
        action="nomination.rejected",
        obj=nomination,
        summary=f"Nomination {nomination.reference} rejected: {RejectionReason(reason).label.lower()}",
        subject=f"nomination:{nomination.pk}",
    )
    return nomination


# ---------------------------------------------------------------------------------------------
# Beneficiaries

BENEFICIARY_FIELDS = (
    "name",
    "kind",
    "additionality_justification",
    "address",
    "postcode",
    "contact_name",
    "contact_email",
    "contact_phone",
    "mou_signed_on",
)


def _beneficiary_errors(values: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not (values.get("name") or "").strip():
        errors["name"] = "Enter the organisation's name"
    if values.get("kind") not in BeneficiaryKind.values:
        errors["kind"] = "Select the type of organisation"
    errors.update(rules.beneficiary_kind_errors(values.get("kind", ""), values.get("additionality_justification", "")))
    if not (values.get("contact_name") or "").strip():
        errors["contact_name"] = "Enter the name of the contact at the organisation"
    signed = values.get("mou_signed_on")
    if isinstance(signed, date) and signed > timezone.localdate():
        errors["mou_signed_on"] = "The memorandum of understanding must be signed today or in the past"
    return errors


@transaction.atomic
def beneficiary_create(*, actor: User, pdu: Pdu, **values: Any) -> Beneficiary:
    unknown = set(values) - set(BENEFICIARY_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "Not a beneficiary detail"})
    errors = _beneficiary_errors(values)
    if errors:
        raise ValidationError(errors)
    beneficiary = Beneficiary(pdu=pdu, **values)
    beneficiary.full_clean()
    beneficiary.save()
    audit_record(
        actor=actor,
        action="beneficiary.created",
        obj=beneficiary,
        summary=f"Beneficiary {beneficiary.name} ({beneficiary.get_kind_display().lower()}) recorded",
        subject=f"beneficiary:{beneficiary.pk}",
    )
    return beneficiary


@transaction.atomic
def beneficiary_update(*, actor: User, beneficiary: Beneficiary, **values: Any) -> Beneficiary:
    unknown = set(values) - set(BENEFICIARY_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "Not a beneficiary detail"})
    # Work on the row as it is now: the caller's copy may predate the feedback link being used.
    beneficiary = Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)
    current = {name: getattr(beneficiary, name) for name in BENEFICIARY_FIELDS}
    merged = {**current, **values}
    errors = _beneficiary_errors(merged)
    if errors:
        raise ValidationError(errors)
    for name, value in values.items():
        setattr(beneficiary, name, value)
    beneficiary.full_clean()
    beneficiary.save()
    changed = {k: str(v) for k, v in values.items() if current.get(k) != v}
    audit_record(
        actor=actor,
        action="beneficiary.updated",
        obj=beneficiary,
        summary=f"Beneficiary {beneficiary.name} updated: {', '.join(changed) or 'no change'}",
        subject=f"beneficiary:{beneficiary.pk}",
        before={k: str(current[k]) for k in changed},
        after=changed,
    )
    return beneficiary


# ---------------------------------------------------------------------------------------------
# Projects

PROJECT_FIELDS = (
    "name",
    "project_type",
    "description",
    "address",
    "postcode",
    "latitude",
    "longitude",
    "days",
    "start_time",
    "end_time",
    "capacity",
)


def _project_errors(values: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not (values.get("name") or "").strip():
        errors["name"] = "Enter a name for the project"
    if values.get("project_type", ProjectType.GROUP) not in ProjectType.values:
        errors["project_type"] = "Select the type of project"
    days = values.get("days") or []
    if any(day not in DAYS for day in days):
        errors["days"] = "Choose days of the week"
    start, end = values.get("start_time"), values.get("end_time")
    if isinstance(start, time) and isinstance(end, time) and end <= start:
        errors["end_time"] = "The finish time must be after the start time"
    capacity = values.get("capacity")
    if capacity is not None and (not isinstance(capacity, int) or not 1 <= capacity <= 30):
        errors["capacity"] = "Enter how many people can work at once, between 1 and 30"
    lat, lon = values.get("latitude"), values.get("longitude")
    if (lat is None) != (lon is None):
        errors["longitude" if lat is not None else "latitude"] = "Enter both latitude and longitude, or neither"
    elif lat is not None and lon is not None and not (49 <= float(lat) <= 56 and -6.5 <= float(lon) <= 2):
        errors["latitude"] = "The location must be in England or Wales"
    return errors


@transaction.atomic
def project_create(*, actor: User, beneficiary: Beneficiary, pdu: Pdu, **values: Any) -> Project:
    unknown = set(values) - set(PROJECT_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "Not a project detail"})
    errors = _project_errors(values)
    if errors:
        raise ValidationError(errors)
    project = Project(beneficiary=beneficiary, pdu=pdu, status=ProjectStatus.DRAFT, **values)
    project.full_clean()
    project.save()
    audit_record(
        actor=actor,
        action="project.created",
        obj=project,
        summary=f"Draft project {project.name} for {beneficiary.name}",
        subject=_subject(project),
    )
    return project


@transaction.atomic
def project_update(*, actor: User, project: Project, **values: Any) -> Project:
    unknown = set(values) - set(PROJECT_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "Not a project detail"})
    # Work on the row as it is now: the caller's copy may predate an approval or a review flag.
    project = Project.objects.select_for_update().get(pk=project.pk)
    merged = {name: getattr(project, name) for name in PROJECT_FIELDS} | values
    errors = _project_errors(merged)
    if errors:
        raise ValidationError(errors)
    for name, value in values.items():
        setattr(project, name, value)
    project.full_clean()
    project.save()
    audit_record(
        actor=actor,
        action="project.updated",
        obj=project,
        summary=f"Project {project.name} updated",
        subject=_subject(project),
    )
    return project


@transaction.atomic
def project_set_tasks(*, actor: User, project: Project, tasks: list[str]) -> list[ProjectTask]:
    """Replace the work schedule with these tasks, in this order."""
    cleaned = [task.strip() for task in tasks if task.strip()]
    if any(len(task) > 300 for task in cleaned):
        raise ValidationError({"tasks": "Each task must be 300 characters or fewer"})
    project.tasks.all().delete()
    created = ProjectTask.objects.bulk_create(
        [ProjectTask(project=project, position=i + 1, description=task) for i, task in enumerate(cleaned)]
    )
    audit_record(
        actor=actor,
        action="project.tasks",
        obj=project,
        summary=f"Work schedule set: {len(created)} task{'s' if len(created) != 1 else ''}",
        subject=_subject(project),
    )
    return created


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


@transaction.atomic
def project_assessment_start(*, actor: User, project: Project) -> ProjectAssessment:
    """Start an assessment (or a review): a draft carrying over the latest answers."""
    open_one = project.assessments.filter(status__in=[AssessmentDecision.DRAFT, AssessmentDecision.RETURNED]).first()
    if open_one is not None:
        return open_one
    if project.assessments.filter(status=AssessmentDecision.RECOMMENDED).exists():
        raise ValidationError({"assessment": "An assessment is waiting for an operations manager's decision"})
    latest = project.assessments.order_by("-created_at").first()
    draft = ProjectAssessment(project=project, assessed_by=actor)
    if latest is not None:
        for name in ASSESSMENT_FIELDS:
            setattr(draft, name, getattr(latest, name))
    draft.save()
    if latest is not None:
        draft.excluded_flags.set(latest.excluded_flags.all())
    audit_record(
        actor=actor,
        action="project_assessment.started",
        obj=draft,
        summary="Project assessment started" if latest is None else "Project assessment review started",
        subject=_subject(project),
    )
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
    if assessment.status not in (AssessmentDecision.DRAFT, AssessmentDecision.RETURNED):
        raise ValidationError({"assessment": "This assessment has been sent for a decision and cannot be changed"})
    unknown = set(values) - set(ASSESSMENT_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "Not part of the project assessment"})
    max_people = values.get("max_people")
    if max_people is not None and (not isinstance(max_people, int) or not 1 <= max_people <= 30):
        raise ValidationError({"max_people": "Enter how many people can be placed, between 1 and 30"})
    for name, value in values.items():
        setattr(assessment, name, value)
    # A principle may stay unanswered while the assessment is a draft; recommending checks it.
    assessment.full_clean(exclude=[field for field in rules.PRINCIPLES if getattr(assessment, field) is None])
    assessment.save()
    if excluded_flags is not None:
        assessment.excluded_flags.set(excluded_flags)
    audit_record(
        actor=actor,
        action="project_assessment.updated",
        obj=assessment,
        summary=f"Project assessment for {assessment.project.name} updated",
        subject=_subject(assessment.project),
    )
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
    if assessment.status not in (AssessmentDecision.DRAFT, AssessmentDecision.RETURNED):
        raise ValidationError({"assessment": "This assessment has already been sent for a decision"})
    assessment.recommendation = recommendation.strip() or assessment.recommendation
    errors = _completeness(assessment)
    if not assessment.recommendation.strip():
        errors["recommendation"] = "Set out the risks and benefits for the operations manager"
    if errors:
        raise ValidationError(errors)
    assessment.status = AssessmentDecision.RECOMMENDED
    assessment.recommended_at = timezone.now()
    assessment.save()
    audit_record(
        actor=actor,
        action="project_assessment.recommended",
        obj=assessment,
        summary=f"Project {assessment.project.name} recommended for approval",
        subject=_subject(assessment.project),
    )
    return assessment


@transaction.atomic
def project_assessment_decide(
    *, actor: User, assessment: ProjectAssessment, approve: bool, comment: str = ""
) -> ProjectAssessment:
    """An operations manager approves the assessment (the project is then assessed) or returns it."""
    assessment = ProjectAssessment.objects.select_for_update().select_related("project").get(pk=assessment.pk)
    errors: dict[str, str] = {}
    if not actor.has_perm("projects.approve_projectassessment"):
        errors["assessment"] = "Only an operations manager can approve a project assessment"
    elif assessment.assessed_by_id == actor.pk:
        errors["assessment"] = "You made this assessment: another manager must decide on it"
    elif assessment.status != AssessmentDecision.RECOMMENDED:
        errors["assessment"] = "This assessment is not waiting for a decision"
    if not approve and not comment.strip():
        errors["comment"] = "Enter what must change before the project can be approved"
    if errors:
        raise ValidationError(errors)
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
    audit_record(
        actor=actor,
        action="project_assessment.approved" if approve else "project_assessment.returned",
        obj=assessment,
        summary=f"Project assessment for {project.name} " + ("approved" if approve else f"returned: {comment.strip()}"),
        subject=_subject(project),
    )
    return assessment


def _approved_assessment(project: Project) -> ProjectAssessment | None:
    return project.assessments.filter(status=AssessmentDecision.APPROVED).order_by("-decided_at").first()


@transaction.atomic
def project_change_status(*, actor: User, project: Project, to_status: str, reason: str) -> Project:
    """Activate, pause or close a project. Activation needs everything a session relies on."""
    project = Project.objects.select_for_update().select_related("beneficiary").get(pk=project.pk)
    errors: dict[str, str] = {}
    allowed = {
        ProjectStatus.DRAFT: {ProjectStatus.CLOSED},
        ProjectStatus.ASSESSED: {ProjectStatus.ACTIVE, ProjectStatus.CLOSED},
        ProjectStatus.ACTIVE: {ProjectStatus.PAUSED, ProjectStatus.CLOSED},
        ProjectStatus.PAUSED: {ProjectStatus.ACTIVE, ProjectStatus.CLOSED},
        ProjectStatus.CLOSED: set(),
    }
    if to_status not in allowed[ProjectStatus(project.status)]:
        errors["to_status"] = (
            f"A {project.get_status_display().lower()} project cannot become "
            f"{ProjectStatus(to_status).label.lower() if to_status in ProjectStatus.values else to_status}"
        )
    elif to_status == ProjectStatus.ACTIVE:
        if _approved_assessment(project) is None:
            errors["to_status"] = "The project needs an approved project assessment before it can start"
        elif project.review_needed:
            errors["to_status"] = "The risk assessment must be reviewed and approved again before work resumes"
        elif project.beneficiary.mou_signed_on is None:
            errors["to_status"] = "The beneficiary has not signed the memorandum of understanding"
        elif not project.days or project.start_time is None or project.end_time is None:
            errors["to_status"] = "Set the days and hours the project can run"
        elif not project.tasks.exists():
            errors["to_status"] = "Add the work schedule: at least one task"
    if not reason.strip():
        errors["reason"] = "Enter the reason"
    if errors:
        raise ValidationError(errors)
    before = project.status
    project.status = to_status
    project.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="project.status",
        obj=project,
        summary=f"Project {project.name} {ProjectStatus(to_status).label.lower()}: {reason.strip()}",
        subject=_subject(project),
        before={"status": before},
        after={"status": to_status},
    )
    return project


@transaction.atomic
def project_flag_review(*, actor: User, project: Project, reason: str) -> Project:
    """After an accident, near miss or change: the risk assessment must be reviewed."""
    if not reason.strip():
        raise ValidationError({"reason": "Enter what happened or what changed"})
    project = Project.objects.select_for_update().get(pk=project.pk)
    project.review_needed = True
    project.review_reason = reason.strip()[:500]
    project.review_raised_by = actor
    project.review_raised_at = timezone.now()
    project.save()
    audit_record(
        actor=actor,
        action="project.review_needed",
        obj=project,
        summary=f"Risk assessment review needed: {project.review_reason}",
        subject=_subject(project),
    )
    return project


@transaction.atomic
def audit_sample_draw(
    *, actor: User, region: Region, year: int, size: int, seed: int | None = None
) -> RiskAssessmentAuditSample:
    """Draw the year's random sample of projects whose risk assessments will be audited."""
    if RiskAssessmentAuditSample.objects.filter(region=region, year=year).exists():
        raise ValidationError({"year": f"The {year} sample for {region} has already been drawn"})
    if not 1 <= size <= 200:
        raise ValidationError({"size": "Enter a sample size between 1 and 200"})
    seed = seed if seed is not None else secrets.randbits(32)
    ids = list(
        Project.objects.filter(pdu__region=region, assessments__status=AssessmentDecision.APPROVED)
        .exclude(status=ProjectStatus.DRAFT)
        .values_list("pk", flat=True)
        .distinct()
    )
    if not ids:
        raise ValidationError({"year": "There are no assessed projects in the region to sample"})
    chosen = rules.draw_sample(ids, size=size, seed=seed)
    sample = RiskAssessmentAuditSample.objects.create(year=year, region=region, seed=seed, size=size, drawn_by=actor)
    sample.projects.set(chosen)
    audit_record(
        actor=actor,
        action="audit_sample.drawn",
        obj=sample,
        summary=f"{len(chosen)} project risk assessments drawn for the {year} audit in {region} (seed {seed})",
        subject=f"region:{region.pk}",
    )
    return sample
