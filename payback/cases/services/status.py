"""Moving a case from one status to another, and recording the change."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from payback.core.selectors import policy_book
from payback.core.services import audit_record
from payback.core.signals import case_closed
from payback.staff.models import User

from .. import rules
from ..models import CaseStatus, CaseStatusChange, Requirement
from ..selectors import requirement_balance, requirement_is_backlog
from .common import requirement_locked, today

S = CaseStatus
ACTIVE = {S.AWAITING_INDUCTION, S.AWAITING_ASSESSMENT, S.AWAITING_PLACEMENT, S.WORKING}
ENDINGS = {S.REVOKED, S.TRANSFERRED_OUT, S.COMPLETED}
STATUS_TRANSITIONS: dict[str, set[str]] = {
    S.AWAITING_INDUCTION: {S.AWAITING_ASSESSMENT, S.PAUSED, S.BACKLOG, S.BREACH_IN_PROGRESS} | ENDINGS,
    S.AWAITING_ASSESSMENT: {S.AWAITING_PLACEMENT, S.PAUSED, S.BACKLOG, S.BREACH_IN_PROGRESS} | ENDINGS,
    S.AWAITING_PLACEMENT: {S.WORKING, S.PAUSED, S.BACKLOG, S.BREACH_IN_PROGRESS} | ENDINGS,
    S.WORKING: {S.AWAITING_PLACEMENT, S.PAUSED, S.BACKLOG, S.BREACH_IN_PROGRESS} | ENDINGS,
    S.PAUSED: ACTIVE | {S.BACKLOG, S.BREACH_IN_PROGRESS} | ENDINGS,
    S.BACKLOG: {S.AWAITING_PLACEMENT, S.WORKING, S.BREACH_IN_PROGRESS} | ENDINGS,
    S.BREACH_IN_PROGRESS: ACTIVE | {S.PAUSED, S.BACKLOG} | ENDINGS,
    S.COMPLETED: set(),
    S.REVOKED: set(),
    S.TRANSFERRED_OUT: set(),
}


@transaction.atomic
def requirement_change_status(
    *, actor: User | None, requirement: Requirement, to_status: str, reason: str, on: date | None = None
) -> Requirement:
    """Move a case to another status, if the move is allowed, and record the change."""
    requirement = requirement_locked(requirement)
    on = on or today()
    current = requirement.status
    if to_status not in S.values:
        raise ValidationError({"to_status": "Select a status from the list"})
    if to_status not in STATUS_TRANSITIONS[current]:
        raise ValidationError(
            {"to_status": f"A case that is {S(current).label.lower()} cannot become {S(to_status).label.lower()}"}
        )
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the status is changing"})
    remaining = requirement_balance(requirement).remaining_minutes
    if to_status == S.COMPLETED and remaining > 0:
        raise ValidationError(
            {"to_status": f"The case cannot be completed: {rules.format_minutes(remaining)} are still owed"}
        )
    if current == S.BACKLOG and to_status in ACTIVE:
        if requirement_is_backlog(requirement, book=policy_book(), on=on, remaining=remaining):
            raise ValidationError(
                {"to_status": "The completion date has passed: record the court's variation before work resumes"}
            )
    return status_set(actor=actor, requirement=requirement, to_status=to_status, reason=reason.strip())


def status_set(*, actor: User | None, requirement: Requirement, to_status: str, reason: str) -> Requirement:
    before = requirement.status
    requirement.status = to_status
    requirement.save(update_fields=["status"])
    CaseStatusChange.objects.create(
        requirement=requirement, from_status=before, to_status=to_status, reason=reason, changed_by=actor
    )
    audit_record(
        actor=actor,
        action="requirement.status_changed",
        obj=requirement,
        summary=f"Status changed from {S(before).label.lower()} to {S(to_status).label.lower()}: {reason}",
        before={"status": before},
        after={"status": to_status},
    )
    if to_status in ENDINGS:
        case_closed.send(sender=Requirement, requirement=requirement, status=to_status)
    return requirement
