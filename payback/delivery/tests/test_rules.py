"""The register's pure rules: which outcomes earn credit, how much, and what a line must hold.
A session here runs 09:00 to 16:00 (420 minutes)."""

from datetime import time
from typing import Any

import pytest

from payback.delivery import rules
from payback.delivery.models import Outcome
from payback.delivery.rules import OutcomeFacts, credit_minutes, outcome_errors

START, END = time(9), time(16)
ATTENDED = sorted(rules.ATTENDED)
NOT_ATTENDED = sorted(set(Outcome.values) - rules.ATTENDED)


def facts(outcome: str = "attended_complied", **fields: Any) -> OutcomeFacts:
    return OutcomeFacts(outcome=outcome, session_start=START, session_end=END, **fields)


def test_every_outcome_is_either_attended_or_not() -> None:
    assert set(Outcome.values) == rules.ATTENDED | rules.NO_SHOW
    assert not rules.ATTENDED & rules.NO_SHOW
    assert rules.SENT_HOME <= rules.ATTENDED


def test_a_full_session_credits_420_minutes() -> None:
    assert outcome_errors(facts()) == {}
    assert credit_minutes(facts()) == 420


def test_times_at_the_session_edges_are_the_full_session() -> None:
    line = facts(arrived_at=time(9), left_at=time(16))
    assert outcome_errors(line) == {}
    assert credit_minutes(line) == 420


def test_a_late_arrival_admitted_at_1015_earns_nothing_for_the_time_missed() -> None:
    line = facts(arrived_at=time(10, 15))
    assert outcome_errors(line) == {}
    assert credit_minutes(line) == 345


def test_someone_sent_home_at_1230_is_credited_only_up_to_that_time() -> None:
    line = facts("sent_home_behaviour", left_at=time(12, 30))
    assert outcome_errors(line) == {}
    assert credit_minutes(line) == 210


def test_late_and_sent_home_counts_only_the_time_between() -> None:
    line = facts("sent_home_unfit", arrived_at=time(10, 15), left_at=time(12, 30))
    assert outcome_errors(line) == {}
    assert credit_minutes(line) == 135


@pytest.mark.parametrize("outcome", sorted(rules.SENT_HOME))
def test_sent_home_without_the_time_is_refused_on_left_at(outcome: str) -> None:
    assert outcome_errors(facts(outcome)) == {"left_at": "Enter the time the person was sent home"}


def test_30_penalty_minutes_are_taken_off() -> None:
    line = facts(penalty_minutes=30)
    assert outcome_errors(line) == {}
    assert credit_minutes(line) == 390


def test_penalty_comes_off_the_time_actually_worked() -> None:
    line = facts(arrived_at=time(10, 15), penalty_minutes=30)
    assert credit_minutes(line) == 315


def test_a_penalty_of_all_the_time_worked_leaves_nothing() -> None:
    line = facts("sent_home_behaviour", left_at=time(12, 30), penalty_minutes=210)
    assert outcome_errors(line) == {}
    assert credit_minutes(line) == 0


@pytest.mark.parametrize(
    ("fields", "worked"),
    [
        ({}, 420),
        ({"arrived_at": time(15)}, 60),
        ({"left_at": time(9, 30)}, 30),
    ],
)
def test_a_penalty_of_more_than_the_time_worked_is_refused(fields: dict[str, Any], worked: int) -> None:
    assert outcome_errors(facts(**fields, penalty_minutes=worked)) == {}
    assert credit_minutes(facts(**fields, penalty_minutes=worked)) == 0
    assert outcome_errors(facts(**fields, penalty_minutes=worked + 1)) == {
        "penalty_minutes": "Penalty minutes cannot be more than the time worked"
    }


def test_a_negative_penalty_is_refused() -> None:
    assert outcome_errors(facts(penalty_minutes=-5)) == {"penalty_minutes": "Penalty minutes cannot be negative"}


def test_times_out_of_order_are_refused_on_left_at() -> None:
    assert outcome_errors(facts(arrived_at=time(12), left_at=time(11))) == {
        "left_at": "The finish time must be after the start time"
    }
    assert outcome_errors(facts(arrived_at=time(12), left_at=time(12))) == {
        "left_at": "The finish time must be after the start time"
    }


def test_arriving_at_the_end_of_the_session_is_refused() -> None:
    assert outcome_errors(facts(arrived_at=time(16))) == {"left_at": "The finish time must be after the start time"}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"arrived_at": time(8, 30)}, "arrived_at"),
        ({"arrived_at": time(16, 1)}, "arrived_at"),
        ({"left_at": time(16, 30)}, "left_at"),
        ({"left_at": time(8, 59)}, "left_at"),
    ],
)
def test_times_outside_the_session_are_refused_naming_the_field(fields: dict[str, Any], field: str) -> None:
    errors = outcome_errors(facts(**fields))
    assert list(errors) == [field]
    assert "09:00 to 16:00" in errors[field]


def test_both_times_outside_the_session_name_both_fields() -> None:
    errors = outcome_errors(facts(arrived_at=time(7), left_at=time(18)))
    assert set(errors) == {"arrived_at", "left_at"}


def test_credit_is_never_counted_outside_the_session() -> None:
    # The service refuses such times; the arithmetic still clamps to the session.
    assert credit_minutes(facts(arrived_at=time(8), left_at=time(17))) == 420


def test_an_acceptable_absence_needs_a_reason() -> None:
    assert outcome_errors(facts("acceptable_absence")) == {
        "absence_reason": "Select the reason the absence is acceptable"
    }
    assert outcome_errors(facts("acceptable_absence", absence_reason="medical")) == {}


@pytest.mark.parametrize("outcome", NOT_ATTENDED)
def test_outcomes_without_attendance_credit_nothing(outcome: str) -> None:
    line = facts(outcome, absence_reason="medical" if outcome == "acceptable_absence" else "")
    assert outcome_errors(line) == {}
    assert credit_minutes(line) == 0


@pytest.mark.parametrize("outcome", NOT_ATTENDED)
def test_outcomes_without_attendance_refuse_times_and_penalties(outcome: str) -> None:
    reason = "medical" if outcome == "acceptable_absence" else ""
    assert outcome_errors(facts(outcome, absence_reason=reason, arrived_at=time(10))) == {
        "arrived_at": "Times are recorded only for people who attended"
    }
    assert outcome_errors(facts(outcome, absence_reason=reason, left_at=time(12))) == {
        "left_at": "Times are recorded only for people who attended"
    }
    assert outcome_errors(facts(outcome, absence_reason=reason, penalty_minutes=30)) == {
        "penalty_minutes": "Penalty minutes apply only to people who attended"
    }


@pytest.mark.parametrize("outcome", ATTENDED)
def test_every_attended_outcome_earns_the_time_worked(outcome: str) -> None:
    line = facts(outcome, left_at=time(12, 30)) if outcome in rules.SENT_HOME else facts(outcome)
    assert credit_minutes(line) == (210 if outcome in rules.SENT_HOME else 420)


def test_failures_are_the_outcomes_the_practitioner_must_decide_on() -> None:
    assert {"unacceptable_absence", "attended_failed_to_comply", "sent_home_behaviour"} <= rules.FAILURES
    assert not {"attended_complied", "acceptable_absence", "sent_home_service", "stood_down"} & rules.FAILURES


def test_session_minutes() -> None:
    assert rules.session_minutes(time(9), time(16)) == 420
    assert rules.session_minutes(time(13, 30), time(16, 45)) == 195
    assert rules.session_minutes(time(16), time(9)) == 0
