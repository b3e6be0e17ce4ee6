"""Effective-dated policy: looking a rule up by date, adding versions, keeping history."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from payback.core.models import AuditEvent, PolicyVersion
from payback.core.policy import RULES, SERVICE_START, PolicyBook
from payback.core.selectors import policy_book, policy_value, policy_versions
from payback.core.services import policy_version_add
from payback.staff.models import Scope, User
from payback.staff.roles import HEAD_OF_UNPAID_WORK

SCHEME = {"threshold_percent": 25, "minutes_per_hour": 30, "cap_percent": 25}

# ---------------------------------------------------------------------------------------------
# PolicyBook, without the database


def test_book_without_versions_gives_the_initial_values() -> None:
    book = PolicyBook()
    assert book.value("completion_window_months", date(2026, 1, 1)) == 12
    assert book.value("induction_deadline_working_days", date(2026, 1, 1)) == 5
    assert book.value("assessment_deadline_working_days", date(2026, 1, 1)) == 15
    assert book.value("review_points_months", date(2026, 1, 1)) == [6, 9]
    assert book.value("ete_cap_percent", date(2026, 1, 1)) == 30
    assert book.value("travel_adjustment_cap_minutes", date(2026, 1, 1)) == 180
    assert book.value("earned_reduction", date(2026, 1, 1)) is None
    assert book.value("weekly_offer_minimum_minutes", date(2026, 1, 1)) == 360


def test_book_looks_up_the_version_in_force_on_the_date() -> None:
    book = PolicyBook(
        versions={"ete_cap_percent": [(date(2020, 1, 1), 30), (date(2026, 6, 1), 20), (date(2027, 1, 1), 25)]}
    )
    assert book.value("ete_cap_percent", date(2026, 5, 31)) == 30
    assert book.value("ete_cap_percent", date(2026, 6, 1)) == 20  # in force from its first day
    assert book.value("ete_cap_percent", date(2026, 12, 31)) == 20
    assert book.value("ete_cap_percent", date(2027, 1, 1)) == 25
    # Before the first version: the rule's initial value.
    assert book.value("ete_cap_percent", date(2019, 12, 31)) == 30


def test_book_before_the_first_version_gives_the_initial_value_not_the_version() -> None:
    book = PolicyBook(versions={"travel_adjustment_cap_minutes": [(date(2026, 6, 1), 120)]})
    assert book.value("travel_adjustment_cap_minutes", date(2026, 5, 31)) == 180
    assert book.value("travel_adjustment_cap_minutes", date(2026, 6, 1)) == 120


def test_a_version_of_none_takes_a_rule_out_of_force() -> None:
    book = PolicyBook(versions={"completion_window_months": [(date(2020, 1, 1), 12), (date(2027, 1, 1), None)]})
    assert book.value("completion_window_months", date(2026, 12, 31)) == 12
    assert book.value("completion_window_months", date(2027, 1, 1)) is None


def test_book_refuses_an_unknown_rule() -> None:
    with pytest.raises(KeyError):
        PolicyBook().value("no_such_rule", date(2026, 1, 1))


def test_first_date_with_value() -> None:
    book = PolicyBook(
        versions={
            "earned_reduction": [(date(2020, 1, 1), None), (date(2026, 6, 1), SCHEME), (date(2027, 1, 1), None)],
            "completion_window_months": [(date(2020, 1, 1), 12)],
        }
    )
    assert book.first_date_with_value("earned_reduction") == date(2026, 6, 1)
    assert book.first_date_with_value("completion_window_months") == date(2020, 1, 1)
    assert PolicyBook().first_date_with_value("earned_reduction") is None
    assert (
        PolicyBook(versions={"earned_reduction": [(date(2020, 1, 1), None)]}).first_date_with_value("earned_reduction")
        is None
    )


# ---------------------------------------------------------------------------------------------
# Versions in the database


@pytest.fixture
def head(make_user: Callable[..., User]) -> User:
    return make_user("helen", role=HEAD_OF_UNPAID_WORK, scope=Scope.NATIONAL)


@pytest.mark.django_db
def test_every_rule_starts_with_its_initial_value() -> None:
    book = policy_book()
    for key, rule in RULES.items():
        assert book.versions[key] == [(SERVICE_START, rule.initial)], key
        assert policy_value(key, on=date(2026, 1, 1)) == rule.initial


@pytest.mark.today("2026-05-01")
@pytest.mark.django_db
def test_adding_a_version_changes_the_rule_from_its_date_and_keeps_history(head: User) -> None:
    version = policy_version_add(
        actor=head, key="ete_cap_percent", effective_from=date(2026, 6, 1), value=20, reason="  New guidance  "
    )
    assert version.reason == "New guidance"
    assert version.created_by == head
    assert policy_value("ete_cap_percent", on=date(2026, 5, 31)) == 30
    assert policy_value("ete_cap_percent", on=date(2026, 6, 1)) == 20

    policy_version_add(actor=head, key="ete_cap_percent", effective_from=date(2027, 1, 1), value=25, reason="Again")
    history = list(policy_versions("ete_cap_percent").values_list("effective_from", "value"))
    assert history == [(date(2027, 1, 1), 25), (date(2026, 6, 1), 20), (SERVICE_START, 30)]
    assert policy_value("ete_cap_percent", on=date(2026, 12, 31)) == 20
    assert policy_value("ete_cap_percent", on=date(2027, 1, 1)) == 25

    event = AuditEvent.objects.get(action="policy.version_added", object_id=str(version.pk))
    assert event.subject == "policy:ete_cap_percent"
    assert event.actor == head
    assert event.after == {"key": "ete_cap_percent", "effective_from": "2026-06-01", "value": 20}


@pytest.mark.today("2026-05-01")
@pytest.mark.django_db
def test_completion_window_can_be_removed_from_a_date(head: User) -> None:
    policy_version_add(
        actor=head,
        key="completion_window_months",
        effective_from=date(2027, 1, 1),
        value=None,
        reason="Sentencing Act 2026 s.36 commences",
    )
    assert policy_value("completion_window_months", on=date(2026, 12, 31)) == 12
    assert policy_value("completion_window_months", on=date(2027, 1, 1)) is None


@pytest.mark.today("2026-05-01")
@pytest.mark.django_db
def test_earned_reduction_scheme_can_start(head: User) -> None:
    policy_version_add(
        actor=head, key="earned_reduction", effective_from=date(2026, 6, 1), value=dict(SCHEME), reason="s.37"
    )
    book = policy_book()
    assert book.value("earned_reduction", date(2026, 5, 31)) is None
    assert book.value("earned_reduction", date(2026, 6, 1)) == SCHEME
    assert book.first_date_with_value("earned_reduction") == date(2026, 6, 1)


@pytest.mark.today("2026-05-01")
@pytest.mark.django_db
def test_review_points_are_stored_sorted(head: User) -> None:
    policy_version_add(
        actor=head, key="review_points_months", effective_from=date(2026, 6, 1), value=[9, 3, 6], reason="Extra"
    )
    assert policy_value("review_points_months", on=date(2026, 6, 1)) == [3, 6, 9]


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("no_such_rule", 5, "key"),
        ("ete_cap_percent", "30", "value"),
        ("ete_cap_percent", -1, "value"),
        ("ete_cap_percent", True, "value"),
        ("ete_cap_percent", 12.5, "value"),
        ("induction_deadline_working_days", None, "value"),  # this rule must always have a value
        ("review_points_months", [], "value"),
        ("review_points_months", [6, "9"], "value"),
        ("review_points_months", [0, 6], "value"),
        ("review_points_months", 6, "value"),
        ("earned_reduction", {"threshold_percent": 25, "minutes_per_hour": 30}, "value"),
        ("earned_reduction", {**SCHEME, "extra": 1}, "value"),
        ("earned_reduction", {**SCHEME, "cap_percent": 101}, "value"),
        ("earned_reduction", {**SCHEME, "threshold_percent": "25"}, "value"),
        ("earned_reduction", 25, "value"),
    ],
)
@pytest.mark.today("2026-05-01")
@pytest.mark.django_db
def test_adding_a_version_refuses_a_bad_key_or_value(head: User, key: str, value: Any, field: str) -> None:
    versions, events = PolicyVersion.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        policy_version_add(actor=head, key=key, effective_from=date(2026, 6, 1), value=value, reason="Change")
    assert set(caught.value.message_dict) == {field}
    assert PolicyVersion.objects.count() == versions
    assert AuditEvent.objects.count() == events


@pytest.mark.today("2026-05-01")
@pytest.mark.django_db
def test_adding_a_version_refuses_a_second_version_on_the_same_date(head: User) -> None:
    policy_version_add(actor=head, key="ete_cap_percent", effective_from=date(2026, 6, 1), value=20, reason="One")
    with pytest.raises(ValidationError) as caught:
        policy_version_add(actor=head, key="ete_cap_percent", effective_from=date(2026, 6, 1), value=25, reason="Two")
    assert "already starts on that date" in caught.value.message_dict["effective_from"][0]
    # The first version stands.
    assert policy_value("ete_cap_percent", on=date(2026, 6, 1)) == 20
    # The same date is fine for a different rule.
    policy_version_add(
        actor=head, key="travel_adjustment_cap_minutes", effective_from=date(2026, 6, 1), value=120, reason="Three"
    )


@pytest.mark.today("2026-05-01")
@pytest.mark.django_db
def test_adding_a_version_refuses_an_empty_reason(head: User) -> None:
    with pytest.raises(ValidationError) as caught:
        policy_version_add(actor=head, key="ete_cap_percent", effective_from=date(2026, 6, 1), value=20, reason="  ")
    assert set(caught.value.message_dict) == {"reason"}
    assert policy_value("ete_cap_percent", on=date(2026, 6, 1)) == 30


@pytest.mark.django_db
def test_adding_a_version_reports_every_problem_at_once(head: User) -> None:
    with pytest.raises(ValidationError) as caught:
        policy_version_add(actor=head, key="ete_cap_percent", effective_from=SERVICE_START, value="x", reason="")
    assert set(caught.value.message_dict) == {"value", "effective_from", "reason"}
