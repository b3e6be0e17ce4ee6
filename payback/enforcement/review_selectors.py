"""Reads for the reviews at 6 and 9 months (policy): which are due, and the figures a review shows
(hours worked against ordered, the person's own rate over the recent weeks, where that rate takes
them, and the action the rules suggest)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Sum

from payback.cases import rules as case_rules
from payback.cases.models import CLOSED_STATUSES, LedgerKind, Requirement
from payback.cases.selectors import (
    requirement_balance,
    requirement_completion_date,
    requirement_outlook,
    requirements_for,
)
from payback.core.policy import PolicyBook
from payback.staff.models import User

from . import rules
from .models import Review


@dataclass(frozen=True)
class ReviewPoint:
    requirement: Requirement
    point_months: int
    due_on: date
    done: Review | None

    @property
    def key(self) -> str:
        return f"{self.requirement.pk}-{self.point_months}"


def review_points(requirement: Requirement, *, book: PolicyBook) -> list[ReviewPoint]:
    """Every review point of the requirement (from the policy in force at sentence), done or not."""
    months = book.value("review_points_months", requirement.order.sentence_date)
    dates = case_rules.key_dates(requirement.order.sentence_date, book).reviews
    done = {r.point_months: r for r in requirement.reviews.all()}
    return [ReviewPoint(requirement, m, d, done.get(m)) for m, d in zip(months, dates, strict=True)]


def reviews_due(user: User, *, book: PolicyBook, on: date, mine_only: bool = True) -> list[ReviewPoint]:
    """Reviews whose date has come on live cases in the user's area (or caseload) and are not done."""
    earliest_point = min(book.value("review_points_months", on), default=6)
    live = (
        requirements_for(user)
        .exclude(status__in=CLOSED_STATUSES)
        .filter(order__sentence_date__lte=on - timedelta(days=28 * earliest_point))
        .prefetch_related("reviews")
    )
    if mine_only:
        live = live.filter(person__practitioner=user)
    due = [p for r in live for p in review_points(r, book=book) if p.done is None and p.due_on <= on]
    return sorted(due, key=lambda p: (p.due_on, p.requirement.pk))


# The figures a completed review keeps as they were, beside where the rate took the person.
KEPT = (
    "ordered_minutes",
    "worked_minutes",
    "still_needed_minutes",
    "recent_minutes",
    "recent_weeks",
    "completion_date",
)


@dataclass(frozen=True)
class Figures(rules.Progress):
    """The progress a review looks at (what remains is the work still needed), with the completion
    date, the last day to apply for an extension and where the person's rate takes them."""

    completion_date: date | None
    extension_by: date | None
    projection: rules.Projection

    @property
    def still_needed_minutes(self) -> int:
        return self.remaining_minutes

    def as_kept(self) -> dict[str, object]:
        """The figures as a completed review keeps them."""
        kept = {name: getattr(self, name) for name in KEPT}
        return {**kept, "projected_finish": self.projection.finish_on, "on_track": self.projection.on_track}


def review_figures(requirement: Requirement, *, book: PolicyBook, on: date) -> Figures:
    balance = requirement_balance(requirement)
    weeks = book.value("review_rate_weeks", on)
    recent = (
        requirement.ledger.filter(
            kind=LedgerKind.WORK, occurred_on__gt=on - timedelta(weeks=weeks), occurred_on__lte=on
        )
        .aggregate(total=Sum("minutes"))
        .get("total")
        or 0
    )
    still_needed = requirement_outlook(requirement, book=book, on=on).still_needed
    completion = requirement_completion_date(requirement, book=book, on=on)
    sentenced = requirement.order.sentence_date
    extension_by = rules.extension_deadline(sentenced, completion, book.value("extension_deadline_months", sentenced))
    progress = rules.Progress(
        worked_minutes=balance.work_minutes,
        ordered_minutes=balance.total_ordered_minutes,
        remaining_minutes=still_needed,
        recent_minutes=recent,
        recent_weeks=weeks,
    )
    projection = rules.projection(
        progress=progress,
        on=on,
        completion=completion,
        weekly_offer=book.value("weekly_offer_minimum_minutes", on),
        extension_by=extension_by,
    )
    return Figures(**vars(progress), completion_date=completion, extension_by=extension_by, projection=projection)
