"""Completing a review at 6 or 9 months: the figures as they stand are kept with the action the
rules suggested and the action taken (a different action needs a note saying why)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from payback.cases.models import CLOSED_STATUSES, CaseStatus, Requirement
from payback.cases.services.common import requirement_locked
from payback.core.selectors import policy_book
from payback.core.services import audit_record
from payback.staff.models import User

from ..models import Review, ReviewAction
from ..review_selectors import review_figures, review_points
from .common import once, subject_of, today


@transaction.atomic
def review_complete(
    *,
    actor: User,
    requirement: Requirement,
    point_months: int,
    action: str,
    notes: str = "",
    idempotency_key: str | None = None,
) -> Review:
    """Record the review at `point_months` as done, once its date has come."""
    requirement = requirement_locked(requirement)
    payload = {"requirement": requirement.pk, "point": point_months, "action": action, "notes": notes}

    def write() -> Review:
        on, book = today(), policy_book()
        point = next((p for p in review_points(requirement, book=book) if p.point_months == point_months), None)
        figures = review_figures(requirement, book=book, on=on)
        suggested = figures.projection.action
        errors: dict[str, str] = {}
        if point is None:
            errors["point_months"] = "There is no review at that point of this order"
        elif point.done is not None:
            errors["point_months"] = "This review has already been done"
        elif point.due_on > on:
            errors["point_months"] = f"This review is not due until {point.due_on:%-d %B %Y}"
        if requirement.status in CLOSED_STATUSES:
            errors["requirement"] = f"The case is {CaseStatus(requirement.status).label.lower()}"
        if action not in ReviewAction.values:
            errors["action"] = "Select the action you are taking"
        elif action != suggested and not notes.strip():
            errors["notes"] = "Enter why you are taking a different action from the one suggested"
        if errors:
            raise ValidationError(errors)
        assert point is not None
        review = Review.objects.create(
            requirement=requirement,
            point_months=point_months,
            due_on=point.due_on,
            completed_on=on,
            completed_by=actor,
            suggested_action=suggested,
            action=action,
            notes=notes.strip(),
            **figures.as_kept(),
        )
        summary = f"{point_months}-month review: {'on track' if review.on_track else 'not on track'}; "
        summary += ReviewAction(action).label.lower()
        audit_record(
            actor=actor, action="review.completed", obj=review, summary=summary, subject=subject_of(requirement)
        )
        return review

    return once(actor=actor, key=idempotency_key, scope="review", payload=payload, model=Review, write=write)
