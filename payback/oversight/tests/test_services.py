"""Oversight services and selectors on PostgreSQL: what is recorded and audited, what is refused
(naming the field, with nothing saved), what is due, and that a senior sees only their own team."""

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404

from payback.cases.models import Requirement
from payback.core.selectors import policy_book
from payback.oversight import selectors, services
from payback.oversight.models import ReflectivePractice, SupervisionMeeting, TouchPoint
from payback.staff.models import Team, User
from payback.staff.roles import OPERATIONS_MANAGER
from payback.staff.services import team_member_add
from payback.testing import builders

from .conftest import LONDON, at_risk

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]
TODAY = date(2026, 11, 18)


def refused(call, field: str) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as error:
        call()
    assert field in error.value.message_dict, error.value.message_dict
    return error.value.message_dict[field][0]


def test_a_one_to_one_is_recorded_with_its_notes_and_audited(senior: User, practitioner: User, team: Team) -> None:
    mark = builders.audit_mark()
    meeting = services.supervision_record(
        actor=senior,
        practitioner=practitioner,
        held_on=date(2026, 11, 16),
        wellbeing_notes=" Tired after cover ",
        development_notes="Court report training",
        actions="Book the course",
    )
    meeting.refresh_from_db()
    assert (meeting.senior, meeting.wellbeing_notes, meeting.actions) == (
        senior,
        "Tired after cover",
        "Book the course",
    )
    assert builders.actions_since(mark) == ["oversight.supervision_recorded"]


def test_a_one_to_one_without_notes_or_in_the_future_names_each_field(
    senior: User, practitioner: User, team: Team
) -> None:
    def record(**changes):  # type: ignore[no-untyped-def]
        values = {"held_on": TODAY, "wellbeing_notes": "Well", "development_notes": "Growing"} | changes
        return lambda: services.supervision_record(actor=senior, practitioner=practitioner, **values)

    assert refused(record(wellbeing_notes="  "), "wellbeing_notes") == "Enter notes on the practitioner's wellbeing"
    assert refused(record(development_notes=""), "development_notes") == "Enter notes on the practitioner's development"
    assert (
        refused(record(held_on=date(2026, 11, 19)), "held_on") == "The date of the meeting must be today or in the past"
    )
    assert (
        refused(record(held_on=date(2024, 12, 1)), "held_on")
        == "The date of the meeting must be on or after 6 January 2025"
    )
    assert refused(record(actions="x" * 4001), "actions") == "Actions must be 4,000 characters or fewer"
    with pytest.raises(ValidationError) as error:
        services.supervision_record(
            actor=senior, practitioner=senior, held_on=TODAY, wellbeing_notes="a", development_notes="b"
        )
    assert "practitioner" in error.value.message_dict
    assert SupervisionMeeting.objects.count() == 0


def test_a_case_review_names_one_of_the_practitioners_cases(
    senior: User, practitioner: User, case: Requirement, other_practitioner: User
) -> None:
    def record(**changes):  # type: ignore[no-untyped-def]
        values = {"held_on": TODAY, "kind": "case_review", "requirement": case, "notes": "Risk plan"} | changes
        return lambda: services.reflective_practice_record(actor=senior, practitioner=practitioner, **values)

    assert refused(record(requirement=None), "requirement") == "Select the case reviewed"
    assert refused(record(kind="chat"), "kind") == "Select the kind of session"
    assert refused(record(notes=" "), "notes") == "Enter notes of the session"
    others = builders.new_case(other_practitioner)
    assert refused(record(requirement=others), "requirement") == "Select one of the practitioner's cases"
    assert ReflectivePractice.objects.count() == 0
    mark = builders.audit_mark()
    review = record()()
    observation = record(kind="observation", requirement=None, notes="Induction delivered well")()
    assert (review.requirement, observation.requirement) == (case, None)
    assert builders.actions_since(mark) == ["oversight.reflective_practice_recorded"] * 2


def test_a_touch_point_is_recorded_on_or_after_the_sentence(senior: User, case: Requirement) -> None:
    before = refused(
        lambda: services.touch_point_record(actor=senior, requirement=case, held_on=date(2026, 11, 1), note="Early"),
        "held_on",
    )
    assert before == "The date of the touch point must be on or after 2 November 2026"
    assert refused(
        lambda: services.touch_point_record(actor=senior, requirement=case, held_on=TODAY, note=""), "note"
    ) == ("Enter a note of the touch point")
    mark = builders.audit_mark()
    touch = services.touch_point_record(actor=senior, requirement=case, held_on=TODAY, note="Discussed the risk plan")
    assert TouchPoint.objects.get() == touch
    assert builders.actions_since(mark) == ["oversight.touch_point_recorded"]


def test_a_senior_sees_only_the_practitioners_and_cases_of_their_own_team(
    senior: User, practitioner: User, case: Requirement, other_senior: User, other_practitioner: User
) -> None:
    others = builders.new_case(other_practitioner)
    assert list(selectors.practitioners_for(senior)) == [practitioner]
    assert list(selectors.practitioners_for(other_senior)) == [other_practitioner]
    assert selectors.case_get(senior, case.pk) == case
    with pytest.raises(Http404):
        selectors.practitioner_get(senior, other_practitioner.pk)
    with pytest.raises(Http404):
        selectors.case_get(senior, others.pk)
    with pytest.raises(Http404):
        selectors.case_get(other_senior, case.pk)


def test_an_operations_manager_sees_every_team_of_their_pdu_and_nobody_elsewhere(
    make_user,
    pdu_a,
    pdu_b,
    practitioner: User,
    team: Team,
    other_practitioner: User,  # type: ignore[no-untyped-def]
) -> None:
    manager = make_user("olga", role=OPERATIONS_MANAGER, pdu=pdu_a)
    london = make_user("lottie", role=OPERATIONS_MANAGER, pdu=pdu_b)
    assert set(selectors.practitioners_for(manager)) == {practitioner, other_practitioner}
    assert list(selectors.practitioners_for(london)) == []


def test_what_is_due_comes_from_policy_and_the_records(
    senior: User,
    practitioner: User,
    case: Requirement,
    make_user,
    pdu_a,  # type: ignore[no-untyped-def]
) -> None:
    very_high = at_risk(
        builders.new_case(practitioner, sentence_date=date(2026, 10, 1), last_name="Vance"), "very_high"
    )
    at_risk(builders.new_case(practitioner, sentence_date=date(2026, 1, 5), last_name="Lowe"), "low")
    builders.new_case(practitioner, sentence_date=date(2026, 1, 5), last_name="Unassessed")
    services.supervision_record(
        actor=senior, practitioner=practitioner, held_on=date(2026, 9, 30), wellbeing_notes="a", development_notes="b"
    )
    services.reflective_practice_record(
        actor=senior,
        practitioner=practitioner,
        held_on=date(2026, 3, 31),
        kind="observation",
        requirement=None,
        notes="Last year's",
    )
    services.reflective_practice_record(
        actor=senior,
        practitioner=practitioner,
        held_on=date(2026, 4, 1),
        kind="case_review",
        requirement=case,
        notes="This year's",
    )
    services.touch_point_record(actor=senior, requirement=case, held_on=date(2026, 11, 10), note="Plan agreed")

    due = selectors.oversight_due(senior, today=TODAY, book=policy_book())

    (row,) = due.practitioners
    # Six weeks after 30 September is 11 November: overdue on 18 November.
    assert (row.practitioner, row.supervision_due, row.supervision_overdue) == (practitioner, date(2026, 11, 11), True)
    # The observation of 31 March counts in the year before; one case review held this year, and
    # 7 whole months gone ask for 2 by now.
    assert (row.reflective.observations, row.reflective.case_reviews, row.reflective.behind) == (1, 2, True)
    # Very high: 2 weeks after 1 October sentence (15 October, overdue); high: 4 weeks after the
    # touch point of 10 November (8 December). Low and unassessed cases need none.
    assert [(c.requirement, c.risk, c.due, c.overdue) for c in due.cases] == [
        (very_high, "very_high", date(2026, 10, 15), True),
        (case, "high", date(2026, 12, 8), False),
    ]


def test_a_practitioner_moved_into_the_team_is_due_a_one_to_one_six_weeks_after_the_move(
    senior: User, practitioner: User, team: Team, other_senior: User, other_practitioner: User
) -> None:
    services.supervision_record(
        actor=other_senior,
        practitioner=other_practitioner,
        held_on=date(2026, 10, 1),
        wellbeing_notes="a",
        development_notes="b",
    )
    with time_machine.travel(datetime(2026, 11, 2, 9, tzinfo=LONDON), tick=False):
        team_member_add(actor=senior, team=team, practitioner=other_practitioner)

    rows = selectors.oversight_due(senior, today=TODAY, book=policy_book()).practitioners
    due = {row.practitioner: row.supervision_due for row in rows}

    # Six weeks after the move on 2 November, not after the 1:1 of 1 October with the senior before.
    assert due == {practitioner: date(2025, 2, 17), other_practitioner: date(2026, 12, 14)}
