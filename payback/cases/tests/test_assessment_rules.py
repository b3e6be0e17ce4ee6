"""The pure rules of induction, the UPW assessment and placeability: no database."""

from datetime import date
from typing import Any

import pytest

from payback.cases import rules
from payback.cases.assessment import rules as arules
from payback.core.policy import PolicyBook
from payback.core.workingdays import add_working_days

READY: dict[str, Any] = {
    "inducted": True,
    "has_current_assessment": True,
    "awaiting_countersignature": False,
    "paused": False,
    "closed_status": None,
    "backlog": False,
    "remaining_minutes": 600,
}

NOT_INDUCTED = "Not inducted yet: record an attended induction"
NO_ASSESSMENT = "No completed UPW assessment and risk picture"
AWAITING = "The assessment is waiting for a senior probation officer's countersignature"
PAUSED = "The case is paused"
BACKLOG = "In backlog: the completion date has passed, so the court must vary the order first"
NO_HOURS = "No hours remaining"


# ---------------------------------------------------------------------------------------------
# Deadlines in working days (England and Wales bank holidays excluded)


@pytest.mark.parametrize(
    ("sentenced", "induction_due", "assessment_due"),
    [
        # Christmas Day (Fri 25), Boxing Day substitute (Mon 28 Dec), New Year's Day (Fri 1 Jan 2027)
        (date(2026, 12, 22), date(2026, 12, 31), date(2027, 1, 15)),
        # Good Friday 3 April and Easter Monday 6 April 2026
        (date(2026, 3, 31), date(2026, 4, 9), date(2026, 4, 23)),
        # No bank holiday: Monday 2 March 2026
        (date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 23)),
        # Sentenced on a Saturday: the first working day is the Monday
        (date(2026, 3, 7), date(2026, 3, 13), date(2026, 3, 27)),
    ],
)
def test_key_dates_count_working_days_only(sentenced: date, induction_due: date, assessment_due: date) -> None:
    dates = rules.key_dates(sentenced, PolicyBook())
    assert (dates.induction_due, dates.assessment_due) == (induction_due, assessment_due)
    assert add_working_days(sentenced, 5) == induction_due
    assert add_working_days(sentenced, 15) == assessment_due


def test_key_dates_follow_the_policy_in_force_on_the_day_of_sentence() -> None:
    book = PolicyBook(versions={"induction_deadline_working_days": [(date(2020, 1, 1), 5), (date(2026, 12, 1), 3)]})
    assert rules.key_dates(date(2026, 11, 30), book).induction_due == date(2026, 12, 7)
    # from 1 December the induction is due within 3 working days: 22 Dec + 23, 24, 29 (25, 28 are holidays)
    assert rules.key_dates(date(2026, 12, 22), book).induction_due == date(2026, 12, 29)


# ---------------------------------------------------------------------------------------------
# Countersigning


@pytest.mark.parametrize(
    ("level", "needed"),
    [("low", False), ("medium", False), ("high", True), ("very_high", True), ("", False)],
)
def test_only_high_and_very_high_risk_need_a_countersignature(level: str, needed: bool) -> None:
    assert arules.needs_countersignature(level) is needed


# ---------------------------------------------------------------------------------------------
# Availability and commitments


def test_availability_with_at_least_one_part_of_a_day_is_accepted() -> None:
    assert arules.availability_errors({"mon": ["morning"], "tue": []}) == []
    assert arules.availability_errors({day: list(arules.PARTS) for day in arules.DAYS}) == []


@pytest.mark.parametrize(
    ("availability", "message"),
    [
        ({}, "Select at least one day and part of the day when the person is available to work"),
        (
            {day: [] for day in arules.DAYS},
            "Select at least one day and part of the day when the person is available to work",
        ),
        ({"monday": ["morning"]}, "Unknown day monday"),
        ({"mon": ["night"]}, "Choose morning, afternoon or evening for Monday"),
        ({"sat": "morning"}, "Choose morning, afternoon or evening for Saturday"),
        (["mon"], "Select the days and parts of the day the person is available"),
        (None, "Select the days and parts of the day the person is available"),
    ],
)
def test_availability_errors_say_what_is_wrong(availability: Any, message: str) -> None:
    assert arules.availability_errors(availability) == [message]


def test_available_days_are_in_week_order() -> None:
    assert arules.available_days({"sun": ["morning"], "mon": ["evening"], "wed": []}) == ["mon", "sun"]
    assert arules.available_days({}) == []


@pytest.mark.parametrize(
    ("commitments", "errors"),
    [
        ([], []),
        ([{"day": "tue", "parts": ["morning"], "reason": "caring"}], []),
        ([{"day": "tue", "reason": "employment"}, {"day": "fri", "reason": "education"}], []),
        ({"day": "tue"}, ["Commitments must be a list"]),
        ([{"reason": "caring"}], ["Each commitment needs a day"]),
        (["tue"], ["Each commitment needs a day"]),
        ([{"day": "wed", "reason": "golf"}], ["Give the reason the person is not free on Wednesday"]),
        ([{"day": "thu"}], ["Give the reason the person is not free on Thursday"]),
    ],
)
def test_commitment_errors(commitments: Any, errors: list[str]) -> None:
    assert arules.commitment_errors(commitments) == errors


# ---------------------------------------------------------------------------------------------
# Placeable, or why not


def test_placeable_when_all_is_well() -> None:
    result = arules.placeability(**READY)
    assert result.placeable is True
    assert result.reasons == []


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"inducted": False}, NOT_INDUCTED),
        ({"has_current_assessment": False}, NO_ASSESSMENT),
        ({"has_current_assessment": False, "awaiting_countersignature": True}, AWAITING),
        ({"paused": True}, PAUSED),
        ({"backlog": True}, BACKLOG),
        ({"remaining_minutes": 0}, NO_HOURS),
        ({"remaining_minutes": -30}, NO_HOURS),
        ({"closed_status": "revoked"}, "The case is revoked"),
        ({"closed_status": "transferred out"}, "The case is transferred out"),
    ],
)
def test_each_reason_for_not_being_placeable(change: dict[str, Any], reason: str) -> None:
    result = arules.placeability(**{**READY, **change})
    assert result.placeable is False
    assert result.reasons == [reason]


def test_a_current_assessment_counts_even_while_a_new_version_waits_for_countersignature() -> None:
    result = arules.placeability(**{**READY, "awaiting_countersignature": True})
    assert result.placeable is True


def test_every_reason_is_given_at_once_in_a_fixed_order() -> None:
    result = arules.placeability(
        inducted=False,
        has_current_assessment=False,
        awaiting_countersignature=True,
        paused=True,
        closed_status="completed",
        backlog=True,
        remaining_minutes=0,
    )
    assert result.placeable is False
    assert result.reasons == ["The case is completed", NOT_INDUCTED, AWAITING, PAUSED, BACKLOG, NO_HOURS]


def test_induction_may_last_at_most_eight_hours() -> None:
    assert arules.MAX_INDUCTION_MINUTES == 480
