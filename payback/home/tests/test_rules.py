"""The ranking of work, as pure rules: overdue before due today before waiting before later before
what is only for information; the earliest first within each; recurring work shown a week ahead."""

from datetime import date

from payback.home.items import Record, work
from payback.home.rules import Urgency, rank_key, urgency_of, within_horizon

TODAY = date(2026, 11, 18)


def test_urgency_follows_the_date() -> None:
    assert urgency_of(date(2026, 11, 17), TODAY) == Urgency.OVERDUE
    assert urgency_of(TODAY, TODAY) == Urgency.TODAY
    assert urgency_of(date(2026, 11, 19), TODAY) == Urgency.LATER
    assert urgency_of(None, TODAY) == Urgency.WAITING
    assert urgency_of(None, TODAY, undated=Urgency.INFORMATION) == Urgency.INFORMATION


def test_the_most_urgent_comes_first_then_the_earliest_then_by_name() -> None:
    keys = [
        rank_key(Urgency.LATER, date(2026, 11, 20), "a"),
        rank_key(Urgency.WAITING, None, "b"),
        rank_key(Urgency.OVERDUE, date(2026, 11, 10), "c"),
        rank_key(Urgency.OVERDUE, date(2026, 11, 1), "d"),
        rank_key(Urgency.TODAY, TODAY, "e"),
        rank_key(Urgency.INFORMATION, None, "f"),
    ]
    assert [key[2] for key in sorted(keys)] == ["d", "c", "e", "b", "a", "f"]


def test_work_that_comes_round_again_is_shown_a_week_ahead() -> None:
    assert within_horizon(date(2026, 11, 1), TODAY)
    assert within_horizon(date(2026, 11, 25), TODAY)
    assert not within_horizon(date(2026, 11, 26), TODAY)
    assert not within_horizon(None, TODAY)


def test_a_piece_of_work_takes_the_most_urgent_of_its_records() -> None:
    records = [
        Record("Later", "/b", date(2026, 11, 30), "Due", Urgency.LATER),
        Record("Late", "/a", date(2026, 11, 2), "Due", Urgency.OVERDUE),
        Record("Waiting", "/c", date(2026, 11, 17), "Raised", Urgency.WAITING),
        Record("Later still", "/d", date(2026, 12, 30), "Due", Urgency.LATER),
    ]
    item = work("k", "Things", "/things/", records, noun="person")
    assert (item.urgency, item.due, item.overdue, item.count) == (Urgency.OVERDUE, date(2026, 11, 2), 1, 4)
    assert [r.label for r in item.records] == ["Late", "Waiting", "Later"] and item.more == 1
    assert item.counted == "4 people" and item.tag_text == "1 overdue"
    later = work("k", "Things", "/things/", records[:1], noun="case")
    assert later.tag_text == "Due 30 November" and later.counted == "1 case"
