"""The pure rules and words of the person's service: shapes of case numbers and codes, the limits,
how long a visit lasts, what to wear and bring, and earned reduction in plain words."""

from datetime import date, datetime, time, timedelta

import pytest

from payback.portal import rules, wording

NOW = datetime(2026, 11, 18, 10, 0)
LIMITS = rules.Limits()


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        (" x123 456 ", None),
        ("", "Enter your case number"),
        ("123456", "Your case number is a letter and then 6 numbers, like X123456"),
        ("XX12345", "Your case number is a letter and then 6 numbers, like X123456"),
    ],
)
def test_a_case_number_is_a_letter_and_six_numbers(typed: str, problem: str | None) -> None:
    assert rules.crn_problem(rules.normalise_crn(typed)) == problem


def test_a_code_is_six_numbers_and_spaces_do_not_matter() -> None:
    assert rules.code_problem(rules.normalise_code(" 123 456 ")) is None
    assert rules.code_problem("") == "Enter the code we sent you"
    assert rules.code_problem("12345a") == "The code is 6 numbers, like 123456"


def test_lockout_comes_from_wrong_codes_for_the_case_number_or_from_the_address() -> None:
    def counts(crn: int = 0, address: int = 0, codes: int = 0) -> rules.Counts:
        return rules.Counts(codes_for_crn=codes, codes_from_address=0, wrong_for_crn=crn, wrong_from_address=address)

    assert not rules.locked_out(counts(crn=9, address=19), LIMITS)
    assert rules.locked_out(counts(crn=10), LIMITS)
    assert rules.locked_out(counts(address=20), LIMITS)
    assert not rules.too_many_codes(counts(codes=4), LIMITS) and rules.too_many_codes(counts(codes=5), LIMITS)


def test_limits_can_be_set_and_unknown_ones_are_ignored() -> None:
    limits = rules.Limits.with_overrides({"idle_minutes": "5", "nonsense": 1})
    assert limits.idle_minutes == 5 and limits.code_minutes == 10


def test_a_visit_lasts_while_used_every_twenty_minutes_and_two_hours_at_most() -> None:
    def live(since: int, seen: int) -> bool:
        return rules.visit_is_live(
            signed_in_at=NOW - timedelta(minutes=since),
            last_seen_at=NOW - timedelta(minutes=seen),
            now=NOW,
            limits=LIMITS,
        )

    assert live(since=30, seen=20) and not live(since=30, seen=21)
    assert live(since=120, seen=1) and not live(since=121, seen=1)
    assert not live(since=0, seen=-5)  # a time from the future is not believed


def test_what_to_wear_and_bring_follows_the_site() -> None:
    bare = rules.SiteFacts(individual=False, drinking_water=False, toilets=False, all_weather=False)
    assert "Long trousers (not shorts or a short skirt)" in rules.what_to_wear(bare)
    assert "Enough water to drink for the whole day" in rules.what_to_bring(bare)
    assert "A warm, waterproof coat" in rules.what_to_bring(bare)
    assert rules.site_notes(bare) == [
        "There are no toilets at the site. Your supervisor will tell you where the nearest ones are."
    ]
    shop = rules.SiteFacts(individual=True, drinking_water=True, toilets=True, all_weather=None)
    assert rules.what_to_wear(shop)[0] == "Clean, tidy clothes that are fine to work in"
    assert "A drink" in rules.what_to_bring(shop) and rules.site_notes(shop) == []


SCHEME = {"threshold_percent": 25, "minutes_per_hour": 30, "cap_percent": 25}


def test_earned_reduction_in_plain_words_before_and_after_the_threshold() -> None:
    before = rules.earning_for(
        scheme=SCHEME, total_ordered_minutes=6000, worked_minutes=600, earned_minutes=0, stopped_on=None, on=NOW.date()
    )
    assert before is not None and before.still_to_reach == 900
    said = wording.earning_explained(before)
    assert said[1] == (
        "When you have worked 25 hours, each hour you work after that takes 30 minutes off the hours you "
        "still have to do."
    )
    assert said[-1] == "Work 15 hours more to start earning time off."
    after = rules.earning_for(
        scheme=SCHEME,
        total_ordered_minutes=6001,
        worked_minutes=1800,
        earned_minutes=150,
        stopped_on=None,
        on=NOW.date(),
    )
    assert after is not None and after.most_minutes_off == 1500  # rounded down, as the ledger rounds it
    assert wording.earning_explained(after)[-1] == "So far you have earned 2 hours 30 minutes off."


def test_earning_stopped_by_a_failure_says_so_and_what_is_kept() -> None:
    stopped = rules.earning_for(
        scheme=SCHEME,
        total_ordered_minutes=6000,
        worked_minutes=2400,
        earned_minutes=450,
        stopped_on=date(2026, 10, 5),
        on=NOW.date(),
    )
    assert stopped is not None
    assert wording.earning_explained(stopped) == [
        "You cannot earn any more time off. This is because on Monday 5 October 2026 you missed a session or "
        "broke the rules without a good reason.",
        "You keep the 7 hours 30 minutes you already earned.",
    ]
    # A stop dated later than today is not yet in force; without a scheme and nothing earned, nothing is said.
    later = rules.earning_for(
        scheme=SCHEME,
        total_ordered_minutes=6000,
        worked_minutes=0,
        earned_minutes=0,
        stopped_on=date(2027, 1, 1),
        on=NOW.date(),
    )
    assert later is not None and later.stopped_on is None
    assert (
        rules.earning_for(
            scheme=None, total_ordered_minutes=6000, worked_minutes=0, earned_minutes=0, stopped_on=None, on=NOW.date()
        )
        is None
    )


def test_times_and_days_are_written_as_people_read_them() -> None:
    assert [wording.clock(time(h, m)) for h, m in ((9, 0), (8, 30), (12, 0), (16, 15), (0, 5))] == [
        "9am",
        "8:30am",
        "midday",
        "4:15pm",
        "12:05am",
    ]
    assert wording.day(date(2026, 11, 19)) == "Thursday 19 November"


def test_the_sign_in_code_message_says_how_long_it_works_and_not_to_share_it() -> None:
    subject, body = wording.code_message("042917", 10)
    assert subject == "Your Community Payback code"
    assert body.startswith("Your Community Payback code is 042917. It works for 10 minutes.")
    assert "Do not give this code to anyone" in body
