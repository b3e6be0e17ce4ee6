"""What a beneficiary's contact does, and what the coordinator does about contacts.

The coordinator invites a named contact (emailed a link to sign in) and removes them (their visits
and tokens stop at once). The contact signs timesheets for people on their placements, credited to
the ledger through the same rules as a session (`delivery.services.timesheet_record`); reports a
concern about a person or an incident at the site, which reaches staff where they already see
concerns and incidents; and answers their organisation's surveys through the survey service. Each
write is one transaction; a timesheet and a report carry an idempotency key, so a repeat changes
nothing and gets the first answer."""

import logging
from collections.abc import Callable
from datetime import date, datetime, time
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from payback.core.idempotency import key_check, previous_answer, remember
from payback.core.services import audit_record
from payback.delivery import services as delivery
from payback.delivery.models import IndividualPlacementTimesheet
from payback.delivery.services.timesheets import SignedTimes
from payback.notifications.gateway import message_gateway
from payback.projects import services as projects
from payback.projects.models import Beneficiary, BeneficiarySurvey, Project
from payback.staff.models import User
from payback.staff.roles import MANAGE_PROJECTS, REFUSALS

from . import rules, selectors, signin, wording
from .models import BeneficiaryContact, ContactRequest

logger = logging.getLogger(__name__)


def _key(idempotency_key: Any) -> str:
    try:
        return key_check(idempotency_key)
    except ValidationError:
        raise ValidationError({"idempotency_key": "This form has expired. Go back and fill it in again."}) from None


def once(contact: BeneficiaryContact, key: Any, scope: str, payload: Any, write: Callable[[], int]) -> int:
    """The id `write` makes, once for the key: a repeat with the same request gets the first id."""
    key = _key(key)
    previous = previous_answer(ContactRequest, key=key, user_id=contact.pk, scope=scope, payload=payload)
    if previous is not None:
        return int(previous["id"])
    made = write()
    remember(ContactRequest, key=key, user_id=contact.pk, scope=scope, payload=payload, response={"id": made})
    return made


# ---------------------------------------------------------------------------------------------
# The coordinator's side: inviting and removing contacts


def _check_manages(actor: User) -> None:
    if not actor.has_perm(MANAGE_PROJECTS):
        raise PermissionDenied(REFUSALS[MANAGE_PROJECTS])


@transaction.atomic
def contact_invite(*, actor: User, beneficiary: Beneficiary, name: str, email: str, link: str) -> BeneficiaryContact:
    """Add a named contact who may sign in for the beneficiary, and email them how to. The caller has
    read the beneficiary within the actor's area."""
    _check_manages(actor)
    name, email = name.strip(), rules.normalise_email(email)
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter the contact's full name"
    elif len(name) > 200:
        errors["name"] = "The name must be 200 characters or fewer"
    problem = rules.email_problem(email, whose="their")
    if problem:
        errors["email"] = problem
    elif signin.live_contact(email) is not None:
        errors["email"] = "Someone with this email address can already sign in"
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            contact = BeneficiaryContact.objects.create(
                beneficiary=beneficiary, name=name, email=email, invited_by=actor
            )
    except IntegrityError:
        raise ValidationError({"email": "Someone with this email address can already sign in"}) from None
    audit_record(actor=actor, action="partners.contact_invited", obj=beneficiary, summary=f"{name} invited to sign in")
    subject, body = wording.invitation_message(
        name=name, organisation=beneficiary.name, link=link, invited_by=actor.get_full_name() or "Community Payback"
    )
    transaction.on_commit(partial(_send_invitation, contact, subject, body))  # only once the contact is saved
    return contact


def _send_invitation(contact: BeneficiaryContact, subject: str, body: str) -> None:
    try:
        message_gateway().send_email(
            to=contact.email, subject=subject, body=body, reference=f"partner-invitation-{contact.pk}"
        )
    except Exception:  # the coordinator can tell the contact themselves; signing in works without it
        logger.exception("Could not send the invitation to contact %s", contact.pk)


@transaction.atomic
def contact_remove(*, actor: User, contact: BeneficiaryContact) -> BeneficiaryContact:
    """The contact can no longer sign in: their visits end and their tokens stop at once."""
    _check_manages(actor)
    contact = BeneficiaryContact.objects.select_for_update().get(pk=contact.pk)
    if contact.removed_at is not None:
        raise ValidationError({"contact": f"{contact.name} has already been removed"})
    contact.removed_at, contact.removed_by = timezone.now(), actor
    contact.save(update_fields=["removed_at", "removed_by"])
    signin.tokens_revoke_all(contact)
    audit_record(
        actor=actor,
        action="partners.contact_removed",
        obj=contact.beneficiary,
        summary=f"{contact.name} can no longer sign in",
    )
    return contact


# ---------------------------------------------------------------------------------------------
# The contact's side


@transaction.atomic
def timesheet_sign(
    *,
    contact: BeneficiaryContact,
    placement: Project,
    requirement_id: int,
    worked_on: date,
    started_at: time | None,
    ended_at: time | None,
    break_minutes: int,
    tasks: str,
    note: str,
    idempotency_key: Any,
) -> IndividualPlacementTimesheet:
    """The contact signs a timesheet for a person on their placement: credited to the case through
    the same rules as a session. 404 for a placement or person not theirs."""
    placement = selectors.placement_get(contact, placement.pk)
    person = selectors.person_on_placement(placement, requirement_id, today=timezone.localdate())
    signed = SignedTimes(started_at, ended_at, break_minutes, tasks, note, contact.email)
    payload = [placement.pk, requirement_id, worked_on, started_at, ended_at, break_minutes, tasks, note]

    def write() -> int:
        line = delivery.timesheet_record(
            actor=None,
            project=placement,
            requirement=selectors.requirement_of(person),
            worked_on=worked_on,
            beneficiary_supervisor=contact.name,
            signed=signed,
        )
        summary = f"Timesheet signed for {person.first_name} on {worked_on:%-d %B %Y}: {line.minutes} minutes"
        signin.audit_by_contact(contact, "partners.timesheet_signed", line, summary)
        return line.pk

    return selectors.timesheet_get(contact, once(contact, idempotency_key, "timesheet", payload, write))


@transaction.atomic
def report_send(
    *,
    contact: BeneficiaryContact,
    project: Project,
    kind: str,
    details: str,
    idempotency_key: Any,
    person_id: int | None = None,
    occurred_at: datetime | None = None,
    location: str = "",
) -> str:
    """A concern about a person on the project (to their probation practitioner, as staff raise one)
    or an incident at the site (to the operations manager, as staff report one), recorded as reported
    online by the beneficiary's contact and passed to the coordinator who invited them, whom staff
    can ask. Answers "concern:<id>" or "incident:<id>"."""
    project = selectors.project_get(contact, project.pk)
    refusal = rules.report_problems(
        kind=kind, details=details, has_person=person_id is not None, has_time=occurred_at is not None
    )
    if refusal:
        raise ValidationError(refusal)
    online = f"{contact.name}, the contact at {contact.beneficiary.name}"
    payload = [project.pk, kind, details, person_id, occurred_at, location]

    def write() -> int:
        if kind == "concern":
            assert person_id is not None
            person = selectors.person_on_placement(project, person_id, today=timezone.localdate())
            requirement = selectors.requirement_of(person)
            concern = delivery.risk_concern_raise(
                actor=contact.invited_by,
                person=requirement.person,
                category="other",
                details=details,
                reported_online_by=online,
            )
            signin.audit_by_contact(contact, "partners.concern_reported", concern, f"Concern about {person.first_name}")
            return concern.pk
        assert occurred_at is not None
        incident = delivery.incident_report(
            actor=contact.invited_by,
            project=project,
            occurred_at=occurred_at,
            location=location.strip() or project.name,
            what_happened=details,
            reported_online_by=online,
        )
        signin.audit_by_contact(contact, "partners.incident_reported", incident, f"Incident at {project.name}")
        return incident.pk

    return f"{kind}:{once(contact, idempotency_key, f'report:{kind}', payload, write)}"


def survey_answer(*, contact: BeneficiaryContact, survey: BeneficiarySurvey, **answers: Any) -> BeneficiarySurvey:
    """The contact answers their organisation's open survey, through the survey service."""
    survey = selectors.survey_get(contact, survey.pk, today=timezone.localdate())
    answers["answered_by"] = answers.get("answered_by") or contact.name
    return projects.survey_answer_record(survey=survey, project_id=survey.project_id, **answers)
