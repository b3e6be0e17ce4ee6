"""Beneficiary feedback (SPEC §9): a survey sent to the beneficiary's contact about one project, at
its end, on each anniversary of its start, or whenever staff ask for feedback; answered once,
without signing in, through the link in the email."""

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from payback.core.services import audit_record
from payback.staff.models import User
from payback.staff.roles import MANAGE_PROJECTS, REFUSALS
from payback.staff.selectors import in_area

from .. import rules
from ..models import BeneficiarySurvey, Project, ProjectStatus, Satisfaction, SurveyKind, WorkQuality

SURVEY_ANSWERS = ("overall_satisfaction", "work_quality", "would_have_again", "comments", "answered_by")
MAX_COMMENTS = 2000
MAX_ANSWERED_BY = 200
# Why a link cannot be answered, as the person holding it is told.
LINK_REFUSALS = {
    rules.LINK_WRONG_PROJECT: "This link is for a different project: use the link in the email about this project",
    rules.LINK_USED: "This survey has already been answered: each link can be used once",
    rules.LINK_EXPIRED: "This link has expired: a survey can be answered for 60 days after it is sent",
}


@dataclass(frozen=True)
class DueSurvey:
    project: Project
    kind: str
    point: date


def _sent_points(projects: Any) -> dict[int, set[tuple[str, date]]]:
    sent: dict[int, set[tuple[str, date]]] = {}
    rows = BeneficiarySurvey.objects.filter(project__in=projects).exclude(kind=SurveyKind.ONGOING)
    for project_id, kind, point in rows.values_list("project_id", "kind", "point"):
        sent.setdefault(project_id, set()).add((kind, point))
    return sent


def surveys_due(on: date) -> list[DueSurvey]:
    """Every project due a survey on the day: closed within the last SURVEY_DUE_DAYS and not yet
    surveyed at its end, or active with an anniversary of its start in that time not yet surveyed."""
    # A first anniversary is at least 365 days after the start; the rules settle the day.
    yearly = Q(status=ProjectStatus.ACTIVE, started_on__lte=on - timedelta(days=365))
    ended = Q(status=ProjectStatus.CLOSED, closed_on__lte=on, closed_on__gt=on - timedelta(days=rules.SURVEY_DUE_DAYS))
    candidates = (
        Project.objects.filter(yearly | ended, started_on__isnull=False)
        .select_related("beneficiary", "pdu")
        .order_by("pdu__name", "name", "pk")
    )
    sent = _sent_points(candidates)
    return [
        DueSurvey(project, point.kind, point.point)
        for project in candidates
        for point in rules.survey_points_due(
            status=project.status,
            started_on=project.started_on,
            closed_on=project.closed_on,
            today=on,
            sent=sent.get(project.pk, set()),
        )
    ]


def _link(site: str, token: str) -> str:
    return site.rstrip("/") + reverse("feedback:survey", kwargs={"token": token})


def _issue(*, actor: User | None, project: Project, kind: str, point: date, site: str) -> BeneficiarySurvey:
    """Record the survey (keeping only its token's hash), audit it and email the link to the contact.
    The caller holds the project's row locked."""
    beneficiary = project.beneficiary
    if not beneficiary.contact_email:
        raise ValidationError(
            {
                "contact_email": f"{beneficiary.name} has no email address for its contact: add one to the "
                "beneficiary's details to send the survey"
            }
        )
    if kind != SurveyKind.ONGOING and project.surveys.filter(kind=kind, point=point).exists():
        raise ValidationError({"point": "This project has already been sent this survey"})
    token = secrets.token_urlsafe(32)
    today = timezone.localdate()
    survey = BeneficiarySurvey(
        project=project,
        kind=kind,
        point=point,
        token_hash=rules.survey_token_hash(token),
        sent_to=beneficiary.contact_email,
        sent_on=today,
        expires_on=rules.survey_expires_on(today),
        sent_by=actor,
    )
    survey.full_clean()
    survey.save()
    summary = (
        f"{survey.get_kind_display()} survey about {project.name} sent to {survey.sent_to}; "
        f"it can be answered until {survey.expires_on:%-d %B %Y}"
    )
    audit_record(actor=actor, action="survey.sent", obj=survey, subject=f"project:{project.pk}", summary=summary)
    context = {"survey": survey, "project": project, "beneficiary": beneficiary, "link": _link(site, token)}
    send_mail(
        subject=f"Tell us what you think of the Community Payback work at {project.name}",
        message=render_to_string("projects/email/survey.txt", context),
        from_email=None,
        recipient_list=[survey.sent_to],
    )
    return survey


def _check_may_send(actor: User, project: Project) -> None:
    if not actor.has_perm(MANAGE_PROJECTS):
        raise PermissionDenied(REFUSALS[MANAGE_PROJECTS])
    if not in_area(Project, actor, "pdu").filter(pk=project.pk).exists():
        raise PermissionDenied("The project is outside your area")


@transaction.atomic
def survey_send_now(*, actor: User, project: Project, site: str) -> BeneficiarySurvey:
    """Ask the beneficiary for feedback on the project now (ongoing feedback), by email with a link
    to `site`. Refused while another survey of the project is waiting for an answer."""
    _check_may_send(actor, project)
    project = Project.objects.select_for_update().select_related("beneficiary").get(pk=project.pk)
    if project.started_on is None:
        raise ValidationError(
            {"project": "Work has not started on this project: there is nothing to ask the beneficiary about yet"}
        )
    today = timezone.localdate()
    waiting = project.surveys.filter(used_at__isnull=True, expires_on__gte=today).order_by("-sent_on").first()
    if waiting is not None:
        raise ValidationError(
            {
                "project": f"The survey sent on {waiting.sent_on:%-d %B %Y} is waiting for an answer: it can be "
                f"answered until {waiting.expires_on:%-d %B %Y}"
            }
        )
    return _issue(actor=actor, project=project, kind=SurveyKind.ONGOING, point=today, site=site)


@transaction.atomic
def survey_send_due(*, due: DueSurvey, site: str) -> BeneficiarySurvey:
    """Send a survey the project is due (see `surveys_due`), once: refused if it is no longer due."""
    project = Project.objects.select_for_update().select_related("beneficiary").get(pk=due.project.pk)
    today = timezone.localdate()
    still_due = rules.survey_points_due(
        status=project.status,
        started_on=project.started_on,
        closed_on=project.closed_on,
        today=today,
        sent=_sent_points([project.pk]).get(project.pk, set()),
    )
    if rules.SurveyPoint(due.kind, due.point) not in still_due:
        raise ValidationError({"point": "This survey is no longer due: it has been sent, or the project has changed"})
    return _issue(actor=None, project=project, kind=due.kind, point=due.point, site=site)


def _answer_errors(answers: dict[str, Any]) -> dict[str, str]:
    """Each answer that will not do, named by its field."""
    errors: dict[str, str] = {}
    if answers.get("overall_satisfaction") not in Satisfaction.values:
        errors["overall_satisfaction"] = "Select how satisfied you are with the work overall"
    if answers.get("work_quality") not in WorkQuality.values:
        errors["work_quality"] = "Select how good the quality of the work was"
    if not isinstance(answers.get("would_have_again"), bool):
        errors["would_have_again"] = "Select yes if you would have people on Community Payback work for you again"
    if not isinstance(answers.get("comments", ""), str) or len(answers.get("comments", "")) > MAX_COMMENTS:
        errors["comments"] = f"Comments must be {MAX_COMMENTS:,} characters or fewer"
    if not isinstance(answers.get("answered_by", ""), str) or len(answers.get("answered_by", "")) > MAX_ANSWERED_BY:
        errors["answered_by"] = f"Your name must be {MAX_ANSWERED_BY} characters or fewer"
    return errors


def link_refusal(problem: str) -> ValidationError:
    """The refusal of a link that cannot be answered: under "link", with the problem as its code."""
    return ValidationError({"link": ValidationError(LINK_REFUSALS[problem], code=problem)})


@transaction.atomic
def survey_answer(*, token: str, project_id: int, **answers: Any) -> BeneficiarySurvey:
    """Record the answers given through a survey link, for the project it is about. A link that is
    unknown, for another project, already used or expired is refused and nothing changes; so is any
    answer that will not do, named by its field."""
    unknown = set(answers) - set(SURVEY_ANSWERS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "Not a survey answer"})
    survey = (
        BeneficiarySurvey.objects.select_for_update()
        .select_related("project")
        .filter(token_hash=rules.survey_token_hash(token))
        .first()
    )
    if survey is None:
        raise ValidationError({"link": ValidationError("This link is not recognised", code="unknown")})
    return survey_answer_record(survey=survey, project_id=project_id, **answers)


@transaction.atomic
def survey_answer_record(*, survey: BeneficiarySurvey, project_id: int, **answers: Any) -> BeneficiarySurvey:
    """Record the answers to a survey found by its link (or, signed in, by the beneficiary's own
    contact), for the project it is about: the same rules and refusals as `survey_answer`."""
    unknown = set(answers) - set(SURVEY_ANSWERS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "Not a survey answer"})
    survey = BeneficiarySurvey.objects.select_for_update().select_related("project").get(pk=survey.pk)
    today = timezone.localdate()
    problem = rules.survey_link_problem(
        link_project_id=survey.project_id,
        project_id=project_id,
        used=survey.used_at is not None,
        expires_on=survey.expires_on,
        today=today,
    )
    if problem is not None:
        raise link_refusal(problem)
    errors = _answer_errors(answers)
    if errors:
        raise ValidationError(errors)
    for name in SURVEY_ANSWERS:
        setattr(survey, name, answers.get(name, ""))
    survey.comments, survey.answered_by = survey.comments.strip(), survey.answered_by.strip()
    survey.used_at, survey.answered_on = timezone.now(), today
    survey.full_clean()
    survey.save()
    satisfaction = Satisfaction(answers["overall_satisfaction"]).label.lower()
    summary = f"{survey.get_kind_display()} survey about {survey.project.name} answered: {satisfaction} overall"
    subject = f"project:{survey.project_id}"
    audit_record(actor=None, action="survey.answered", obj=survey, subject=subject, summary=summary)
    return survey
