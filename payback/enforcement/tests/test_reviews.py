"""Reviews at 6 and 9 months: due on the day, the person's own rate over the last 8 weeks, a
projected finish, the action the rules suggest, and overdue reviews listed for the senior."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from payback.cases.models import Requirement
from payback.cases.services import ledger_credit_work
from payback.core.selectors import policy_book
from payback.enforcement import services
from payback.enforcement.models import Review
from payback.enforcement.review_selectors import review_figures, reviews_due
from payback.staff.models import User
from payback.testing.builders import Clock, new_case

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]

SIX_MONTHS = date(2026, 9, 2)  # sentenced 2 March 2026


def worked_weekly(practitioner: User, requirement: Requirement, *, minutes: int, weeks: int, before: date) -> None:
    for week in range(weeks):
        ledger_credit_work(
            actor=practitioner,
            requirement=requirement,
            minutes=minutes,
            occurred_on=before - timedelta(weeks=week, days=1),
            source="earlier_work",
        )


def test_a_review_is_due_on_its_date_and_shows_the_persons_rate(clock: Clock, practitioner: User) -> None:
    case = new_case(practitioner, hours=200)
    clock.today = SIX_MONTHS - timedelta(days=1)
    worked_weekly(practitioner, case, minutes=120, weeks=8, before=SIX_MONTHS - timedelta(days=1))
    assert reviews_due(practitioner, book=policy_book(), on=clock.today) == []
    clock.today = SIX_MONTHS
    (due,) = reviews_due(practitioner, book=policy_book(), on=SIX_MONTHS)
    assert (due.point_months, due.due_on) == (6, SIX_MONTHS)

    figures = review_figures(case, book=policy_book(), on=SIX_MONTHS)
    # 16 hours in 8 weeks is 2 hours a week: 184 hours would take 92 weeks, long past 2 March 2027.
    assert (figures.recent_minutes, figures.projection.weekly_minutes) == (960, 120)
    assert figures.projection.on_track is False
    assert figures.projection.action == "extend"  # even 6 hours a week cannot finish by then
    assert figures.extension_by == date(2026, 12, 2)

    with pytest.raises(ValidationError) as needs_a_note:
        services.review_complete(actor=practitioner, requirement=case, point_months=6, action="carry_on")
    assert "Enter why" in needs_a_note.value.message_dict["notes"][0]
    review = services.review_complete(actor=practitioner, requirement=case, point_months=6, action="extend")
    assert (review.on_track, review.suggested_action, review.still_needed_minutes) == (False, "extend", 200 * 60 - 960)
    assert reviews_due(practitioner, book=policy_book(), on=SIX_MONTHS) == []
    with pytest.raises(ValidationError) as twice:
        services.review_complete(actor=practitioner, requirement=case, point_months=6, action="extend")
    assert "already been done" in twice.value.message_dict["point_months"][0]
    assert Review.objects.count() == 1


def test_on_track_at_a_good_rate(clock: Clock, practitioner: User) -> None:
    case = new_case(practitioner, hours=60)
    clock.today = SIX_MONTHS
    worked_weekly(practitioner, case, minutes=360, weeks=8, before=SIX_MONTHS)
    figures = review_figures(case, book=policy_book(), on=SIX_MONTHS)
    assert figures.projection.on_track and figures.projection.action == "carry_on"
    assert figures.projection.finish_on == SIX_MONTHS + timedelta(weeks=2)


def test_a_review_not_yet_due_is_refused(clock: Clock, practitioner: User) -> None:
    case = new_case(practitioner, hours=60)
    clock.today = SIX_MONTHS - timedelta(days=1)
    with pytest.raises(ValidationError) as early:
        services.review_complete(actor=practitioner, requirement=case, point_months=6, action="carry_on")
    assert "not due until 2 September 2026" in early.value.message_dict["point_months"][0]
    with pytest.raises(ValidationError) as no_point:
        services.review_complete(actor=practitioner, requirement=case, point_months=7, action="carry_on")
    assert "no review at that point" in no_point.value.message_dict["point_months"][0]
