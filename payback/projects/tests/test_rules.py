"""The pure rules of SPEC §5: acknowledgement deadline, the principles of Community Payback,
commercial beneficiaries, placement restrictions, the audit sample and repeat submissions.
No database."""

import random
import re
from datetime import date

import pytest

from payback.core.policy import PolicyBook
from payback.projects.rules import (
    PRINCIPLES,
    acknowledgement_due,
    beneficiary_kind_errors,
    draw_sample,
    nomination_fingerprint,
    nomination_reference,
    placement_conflicts,
    principle_breaches,
)

ACK = "nomination_acknowledgement_working_days"

# ---------------------------------------------------------------------------------------------
# Acknowledgement deadline: 5 working days (policy), England and Wales bank holidays.
# The day the nomination arrives does not count; the deadline is the fifth working day after it.


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Mon 30 Nov 2026, an ordinary week: Tue 1, Wed 2, Thu 3, Fri 4, (weekend) Mon 7 Dec.
        (date(2026, 11, 30), date(2026, 12, 7)),
        # Sat 28 Nov 2026, received at the weekend: Mon 30 Nov, Tue 1, Wed 2, Thu 3, Fri 4 Dec.
        (date(2026, 11, 28), date(2026, 12, 4)),
        # Fri 18 Dec 2026: Mon 21, Tue 22, Wed 23, Thu 24; Fri 25 (Christmas) and Mon 28 (Boxing Day
        # substitute, Boxing Day falling on a Saturday) are holidays; fifth day Tue 29 Dec.
        (date(2026, 12, 18), date(2026, 12, 29)),
        # Wed 23 Dec 2026: Thu 24 (1); Fri 25, Sat 26, Sun 27, Mon 28 are not working days; Tue 29 (2),
        # Wed 30 (3), Thu 31 (4); Fri 1 Jan 2027 is New Year's Day, then the weekend; Mon 4 Jan (5).
        (date(2026, 12, 23), date(2027, 1, 4)),
        # Thu 24 Dec 2026: Tue 29 (1), Wed 30 (2), Thu 31 (3), Mon 4 Jan (4), Tue 5 Jan (5).
        (date(2026, 12, 24), date(2027, 1, 5)),
        # Christmas Day itself, a holiday: counting starts the same way as from the 24th.
        (date(2026, 12, 25), date(2027, 1, 5)),
        # Wed 24 Mar 2027: Thu 25 (1); Good Friday 26 Mar, the weekend and Easter Monday 29 Mar are
        # skipped; Tue 30 (2), Wed 31 (3), Thu 1 Apr (4), Fri 2 Apr (5).
        (date(2027, 3, 24), date(2027, 4, 2)),
        # Thu 25 Mar 2027: Tue 30 (1), Wed 31 (2), Thu 1 Apr (3), Fri 2 Apr (4), Mon 5 Apr (5).
        (date(2027, 3, 25), date(2027, 4, 5)),
        # Good Friday 26 Mar 2027 itself: the same five days as from the Thursday.
        (date(2027, 3, 26), date(2027, 4, 5)),
    ],
)
def test_acknowledgement_due_counts_five_working_days(received: date, due: date) -> None:
    assert acknowledgement_due(received, PolicyBook()) == due


def test_acknowledgement_days_come_from_the_policy_in_force_on_the_day_received() -> None:
    # From Mon 4 Jan 2027 the rule is 10 working days; before that it stays 5.
    book = PolicyBook(versions={ACK: [(date(2027, 1, 4), 10)]})
    # Thu 31 Dec 2026, under the old rule: Mon 4 (1), Tue 5, Wed 6, Thu 7, Fri 8 Jan (5).
    assert acknowledgement_due(date(2026, 12, 31), book) == date(2027, 1, 8)
    # Fri 1 Jan 2027 (New Year's Day), still before the change: the same Fri 8 Jan.
    assert acknowledgement_due(date(2027, 1, 1), book) == date(2027, 1, 8)
    # Mon 4 Jan 2027, the day the change takes effect: Tue 5 (1) ... Fri 8 (4), Mon 11 (5) ...
    # Fri 15 (9), Mon 18 Jan (10).
    assert acknowledgement_due(date(2027, 1, 4), book) == date(2027, 1, 18)


# ---------------------------------------------------------------------------------------------
# The principles of Community Payback

ALL_NO = dict.fromkeys(PRINCIPLES, False)


def test_principles_all_answered_no_pass() -> None:
    assert principle_breaches(ALL_NO) == {}


@pytest.mark.parametrize("field", sorted(PRINCIPLES))
def test_a_principle_answered_yes_is_a_breach_on_that_field(field: str) -> None:
    problems = principle_breaches({**ALL_NO, field: True})
    assert list(problems) == [field]
    assert problems[field].startswith(PRINCIPLES[field])
    assert "cannot go ahead" in problems[field]


@pytest.mark.parametrize("field", sorted(PRINCIPLES))
def test_a_principle_left_unanswered_must_be_answered(field: str) -> None:
    problems = principle_breaches({**ALL_NO, field: None})
    assert list(problems) == [field]
    assert problems[field].startswith("Answer whether the work breaks this principle")


def test_no_answers_at_all_name_all_four_principles() -> None:
    assert set(principle_breaches({})) == {
        "replaces_paid_work",
        "makes_profit",
        "involves_personal_care",
        "supervises_children_or_vulnerable_adults",
    }


# ---------------------------------------------------------------------------------------------
# Beneficiaries


@pytest.mark.parametrize("justification", ["", "   \n "])
def test_commercial_beneficiary_needs_an_additionality_justification(justification: str) -> None:
    errors = beneficiary_kind_errors("commercial", justification)
    assert list(errors) == ["additionality_justification"]
    assert "additional" in errors["additionality_justification"]


def test_commercial_beneficiary_with_a_justification_is_accepted() -> None:
    assert beneficiary_kind_errors("commercial", "Litter picking alongside the grounds contractor") == {}


@pytest.mark.parametrize("kind", ["charity", "council", "community_group", "public_body"])
def test_not_for_profit_and_public_beneficiaries_need_no_justification(kind: str) -> None:
    assert beneficiary_kind_errors(kind, "") == {}


# ---------------------------------------------------------------------------------------------
# Placement restrictions (a school site excludes "not near children")


def test_school_site_refuses_a_person_flagged_not_near_children() -> None:
    reasons = placement_conflicts(
        excluded_flag_codes=["not-near-children"],
        women_only=False,
        person_flag_codes=["not-near-children", "self-harm"],
        person_is_woman=False,
    )
    assert reasons == ["The project excludes people flagged 'not near children'"]


def test_school_site_accepts_a_person_without_that_flag() -> None:
    assert (
        placement_conflicts(
            excluded_flag_codes=["not-near-children"],
            women_only=False,
            person_flag_codes=["self-harm"],
            person_is_woman=False,
        )
        == []
    )


def test_women_only_project_refuses_a_man_and_accepts_a_woman() -> None:
    kwargs = {"excluded_flag_codes": [], "women_only": True, "person_flag_codes": []}
    assert placement_conflicts(**kwargs, person_is_woman=False) == ["The project is for women only"]
    assert placement_conflicts(**kwargs, person_is_woman=True) == []


def test_every_conflict_is_given() -> None:
    reasons = placement_conflicts(
        excluded_flag_codes=["not-near-children", "arson"],
        women_only=True,
        person_flag_codes=["arson", "not-near-children"],
        person_is_woman=False,
    )
    assert reasons == [
        "The project excludes people flagged 'arson'",
        "The project excludes people flagged 'not near children'",
        "The project is for women only",
    ]


# ---------------------------------------------------------------------------------------------
# The yearly audit sample


def test_draw_sample_is_reproducible_with_a_seed() -> None:
    ids = list(range(1, 41))
    first = draw_sample(ids, size=5, seed=2026)
    assert first == draw_sample(ids, size=5, seed=2026)
    # The order the ids come in does not matter: the same population gives the same draw.
    assert first == draw_sample(list(reversed(ids)), size=5, seed=2026)
    assert len(first) == 5
    assert len(set(first)) == 5
    assert set(first) <= set(ids)
    assert first == sorted(first)


def test_draw_sample_differs_with_another_seed() -> None:
    ids = list(range(1, 41))
    draws = {tuple(draw_sample(ids, size=5, seed=seed)) for seed in range(10)}
    # 658,008 possible samples of 5 from 40: ten seeds giving the same one would be a broken draw.
    assert len(draws) > 1
    assert draw_sample(ids, size=5, seed=1) != draw_sample(ids, size=5, seed=2)


@pytest.mark.parametrize("size", [3, 4, 10])
def test_draw_sample_takes_everything_when_the_sample_is_as_big_as_the_population(size: int) -> None:
    assert draw_sample([9, 3, 7], size=size, seed=1) == [3, 7, 9]


# ---------------------------------------------------------------------------------------------
# Repeat submissions and references


def test_fingerprint_ignores_case_and_spacing() -> None:
    first = nomination_fingerprint("jo@example.org", "Clear the  towpath\nof litter", "NE1 4XF")
    again = nomination_fingerprint("  JO@Example.org ", "clear the towpath of LITTER  ", "ne1   4xf")
    assert first == again


def test_fingerprint_changes_with_the_content() -> None:
    first = nomination_fingerprint("jo@example.org", "Clear the towpath", "NE1 4XF")
    assert first != nomination_fingerprint("jo@example.org", "Clear the towpath", "NE1 4XG")
    # Words moving between answers make a different nomination.
    assert nomination_fingerprint("a b", "c") != nomination_fingerprint("a", "b c")


def test_nomination_reference_shape() -> None:
    rng = random.Random(7)
    references = {nomination_reference(rng) for _ in range(50)}
    assert len(references) == 50
    for reference in references:
        # No 0/O or 1/I, which are easily misread on the phone.
        assert re.fullmatch(r"NOM-[A-HJ-NP-Z2-9]{6}", reference), reference
