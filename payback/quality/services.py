"""Writes for quality assurance: each checked, saved in one transaction and audited. A record once
made is kept as it is; only an audit finding's action is later marked done."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from payback.core.services import audit_record, save_audited
from payback.delivery.models import Session, SessionStatus
from payback.projects.models import Project, RiskAssessmentAuditSample
from payback.staff.models import User

from . import rules
from .models import AuditFinding, ReflectiveSupervision, SpotCheck, SupervisorObservation

TEXT_LIMIT = 2000


def _check_day(day: date, field: str, errors: dict[str, str], *, not_before: date | None = None, what: str) -> None:
    if day > timezone.localdate():
        errors[field] = f"The date of the {what} must be today or in the past"
    elif not_before is not None and day < not_before:
        errors[field] = f"The date of the {what} must be on or after {not_before:%-d %B %Y}"


def _check_lengths(values: dict[str, str], errors: dict[str, str], limit: int = TEXT_LIMIT) -> None:
    for name, text in values.items():
        if len(text) > limit:
            errors.setdefault(name, f"{name.replace('_', ' ').capitalize()} must be {limit:,} characters or fewer")


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def _joined(member: User) -> date:
    return timezone.localdate(member.date_joined)


@transaction.atomic
def spot_check_record(
    *, actor: User, session: Session, answers: dict[str, bool], findings: str = "", actions: str = ""
) -> SpotCheck:
    """Record an unannounced spot check of a session on its day: every question answered yes or no,
    and what was found whenever an answer is no."""
    errors: dict[str, str] = {}
    if session.status == SessionStatus.STOOD_DOWN:
        errors["session"] = "The session was stood down: there was no work to check"
    elif session.date > timezone.localdate():
        errors["session"] = "A spot check can only be recorded on or after the day of the session"
    for name, _ in rules.SPOT_CHECK_ITEMS:
        if not isinstance(answers.get(name), bool):
            errors[name] = "Select yes or no"
    findings, actions = findings.strip(), actions.strip()
    if rules.failed_items(answers) and not findings:
        errors["findings"] = "Enter what was found where an answer is no"
    _check_lengths({"findings": findings, "actions": actions}, errors)
    _raise(errors)
    check = SpotCheck(
        session=session,
        checked_by=actor,
        checked_on=session.date,
        findings=findings,
        actions=actions,
        **{name: answers[name] for name, _ in rules.SPOT_CHECK_ITEMS},
    )
    failed = len(rules.failed_items(answers))
    summary = f"Spot check of {session.project.name} on {session.date:%-d %B %Y}: {failed} answered no"
    return save_audited(check, actor=actor, action="quality.spot_check_recorded", summary=summary)


@transaction.atomic
def observation_record(
    *,
    actor: User,
    supervisor: User,
    observed_on: date,
    ratings: dict[str, str],
    strengths: str,
    development_points: str = "",
    agreed_actions: str = "",
) -> SupervisorObservation:
    """Record an observation of a supervisor at work: a rating for each part of their practice,
    their strengths, what to develop and the actions agreed."""
    errors: dict[str, str] = {}
    if supervisor.pk == actor.pk:
        errors["supervisor"] = "You cannot record an observation of yourself"
    _check_day(observed_on, "observed_on", errors, not_before=_joined(supervisor), what="observation")
    valid = {choice for choice, _ in SupervisorObservation._meta.get_field("rating_briefing").choices or []}
    for name, _ in rules.OBSERVATION_AREAS:
        if ratings.get(name) not in valid:
            errors[name] = "Select a rating"
    strengths = strengths.strip()
    if not strengths:
        errors["strengths"] = "Enter the supervisor's strengths"
    texts = {"strengths": strengths, "development_points": development_points, "agreed_actions": agreed_actions}
    _check_lengths(texts, errors)
    _raise(errors)
    observation = SupervisorObservation(
        supervisor=supervisor,
        observer=actor,
        observed_on=observed_on,
        strengths=strengths,
        development_points=development_points.strip(),
        agreed_actions=agreed_actions.strip(),
        **{name: ratings[name] for name, _ in rules.OBSERVATION_AREAS},
    )
    summary = f"Observation of {supervisor.get_full_name()} on {observed_on:%-d %B %Y}"
    return save_audited(observation, actor=actor, action="quality.observation_recorded", summary=summary)


@transaction.atomic
def audit_finding_record(
    *,
    actor: User,
    sample: RiskAssessmentAuditSample,
    project: Project,
    checked: str,
    compliant: bool,
    findings: str,
    action: str = "",
    action_due: date | None = None,
) -> AuditFinding:
    """Record what the audit of a sampled project's risk assessment or placement agreement found.
    Anything not compliant needs an action, and every action a day it is due by."""
    errors: dict[str, str] = {}
    if not sample.projects.filter(pk=project.pk).exists():
        errors["project"] = "Select a project from the year's sample"
    elif AuditFinding.objects.filter(sample=sample, project=project, checked=checked).exists():
        errors["checked"] = "The audit of this has already been recorded for the project"
    findings, action = findings.strip(), action.strip()
    if not findings:
        errors["findings"] = "Enter what the audit found"
    if not compliant and not action:
        errors["action"] = "Enter the action needed to put it right"
    if action and action_due is None:
        errors["action_due"] = "Enter the date the action is due by"
    elif action_due is not None and not action:
        errors["action"] = "Enter the action due by that date"
    _check_lengths({"findings": findings, "action": action}, errors)
    _raise(errors)
    finding = AuditFinding(
        sample=sample,
        project=project,
        checked=checked,
        compliant=compliant,
        findings=findings,
        action=action,
        action_due=action_due,
        recorded_by=actor,
    )
    summary = f"Audit of the {finding.get_checked_display().lower()} of {project.name}: " + (
        "compliant" if compliant else "not compliant"
    )
    return save_audited(finding, actor=actor, action="quality.audit_finding_recorded", summary=summary)


@transaction.atomic
def audit_action_done(*, actor: User, finding: AuditFinding, done_on: date) -> AuditFinding:
    """Mark an audit finding's action done on a day."""
    errors: dict[str, str] = {}
    if not finding.action:
        errors["done_on"] = "The finding has no action to complete"
    elif finding.action_done_on is not None:
        errors["done_on"] = f"The action was already done on {finding.action_done_on:%-d %B %Y}"
    else:
        _check_day(done_on, "done_on", errors, not_before=timezone.localdate(finding.recorded_at), what="action")
    _raise(errors)
    summary = f"Audit action for {finding.project.name} done on {done_on:%-d %B %Y}"
    finding.action_done_on = done_on
    finding.save(update_fields=["action_done_on"])
    after = {"action_done_on": done_on.isoformat()}
    audit_record(actor=actor, action="quality.audit_action_done", obj=finding, summary=summary, after=after)
    return finding


@transaction.atomic
def reflective_supervision_record(*, actor: User, member: User, held_on: date, notes: str) -> ReflectiveSupervision:
    """Record a reflective supervision appointment with a member of staff."""
    errors: dict[str, Any] = {}
    if member.pk == actor.pk:
        errors["member"] = "You cannot record reflective supervision with yourself"
    _check_day(held_on, "held_on", errors, not_before=_joined(member), what="supervision")
    notes = notes.strip()
    if not notes:
        errors["notes"] = "Enter notes of the supervision"
    _check_lengths({"notes": notes}, errors, limit=4000)
    _raise(errors)
    supervision = ReflectiveSupervision(member=member, supervised_by=actor, held_on=held_on, notes=notes)
    summary = f"Reflective supervision with {member.get_full_name()} on {held_on:%-d %B %Y}"
    return save_audited(supervision, actor=actor, action="quality.reflective_supervision_recorded", summary=summary)
