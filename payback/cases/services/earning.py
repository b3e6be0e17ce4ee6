"""Earned reduction stops at an unacceptable failure and resumes if that decision is reversed."""

from datetime import date

from django.db import transaction

from payback.core.selectors import policy_book
from payback.core.services import audit_record
from payback.staff.models import User

from ..models import Requirement
from .common import requirement_locked, today
from .ledger import earned_reduction_apply


@transaction.atomic
def requirement_earning_stop(
    *, actor: User | None, requirement: Requirement, stopped_on: date | None, why: str
) -> None:
    """Stop further earning from `stopped_on` (None: earning resumes), and bring the earned
    reduction in the ledger into line: what was earned before that day is kept, what later work
    earned is taken back, and on resuming what the work since would have earned is credited."""
    requirement = requirement_locked(requirement)
    before = requirement.earning_stopped_on
    if before == stopped_on:
        return
    requirement.earning_stopped_on = stopped_on
    requirement.save(update_fields=["earning_stopped_on"])
    audit_record(
        actor=actor,
        action="requirement.earning_stopped" if stopped_on else "requirement.earning_resumed",
        obj=requirement,
        summary=(f"Earned reduction stopped from {stopped_on:%-d %B %Y}" if stopped_on else "Earned reduction resumed")
        + f": {why}",
        subject=f"person:{requirement.person_id}",
        before={"earning_stopped_on": before.isoformat() if before else None},
        after={"earning_stopped_on": stopped_on.isoformat() if stopped_on else None},
    )
    earned_reduction_apply(actor=actor, requirement=requirement, book=policy_book(), on=today())
