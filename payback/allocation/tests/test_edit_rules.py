"""A coordinator's hand edit to a plan is refused, with the rule named, for every hard rule
between a person and a session (the rules in `payback.placement`) and between people."""

import pytest

from payback.allocation.engine.edits import apply_edit
from payback.allocation.engine.model import Instance, Person, Session

from .small_weeks import MON, TUE, person, session, week, woman

FLAGGED = frozenset({"not-with-women"})


def add(instance: Instance, plan: list[tuple[int, int]], pid: int, sid: int) -> str | None:
    after, broken = apply_edit(instance, plan, action="add", person_id=pid, session_id=sid)
    if broken is None:
        assert (pid, sid) in after
        return None
    assert after == plan, "a refused edit leaves the plan as it was"
    return broken.rule


CASES: dict[str, tuple[list[Person], list[Session], list[tuple[int, int]], int, int, str]] = {
    "availability": ([person(1, days=[TUE])], [session(1, weekday=MON)], [], 1, 1, "Availability"),
    "risk": (
        [person(1, flags=frozenset({"not-near-children"}))],
        [session(1, excluded_flags=frozenset({"not-near-children"}))],
        [],
        1,
        1,
        "Risk flags",
    ),
    "women-only session": ([person(1)], [session(1, women_only=True)], [], 1, 1, "Women-only session"),
    "women-only preference": ([woman(1, preference="women_only")], [session(1)], [], 1, 1, "Placement preference"),
    "individual preference": ([person(1, preference="individual")], [session(1)], [], 1, 1, "Individual placement"),
    "group unsuitable": ([person(1, group_unsuitable=True)], [session(1)], [], 1, 1, "Individual placement"),
    "supervised by a woman": (
        [person(1, flags=FLAGGED)],
        [session(1, supervisor_female=True)],
        [],
        1,
        1,
        "Not with women",
    ),
    "capacity": ([person(1), person(2)], [session(1, capacity=1)], [(2, 1)], 1, 1, "Session capacity"),
    "one a day": ([person(1)], [session(1), session(2)], [(1, 2)], 1, 1, "One session a day"),
    "non-association": (
        [person(1, non_associations=frozenset({2})), person(2)],
        [session(1)],
        [(2, 1)],
        1,
        1,
        "Non-association",
    ),
    "not with women: flagged joins": (
        [person(1, flags=FLAGGED), woman(2), woman(3)],
        [session(1)],
        [(2, 1), (3, 1)],
        1,
        1,
        "Not with women",
    ),
    "not with women: a woman joins": (
        [woman(1), woman(2), person(3, flags=FLAGGED)],
        [session(1)],
        [(2, 1), (3, 1)],
        1,
        1,
        "Not with women",
    ),
    "woman alone": ([woman(1), person(2)], [session(1)], [(2, 1)], 1, 1, "No woman alone in a group of men"),
    "closed": ([person(1)], [session(1, supervisor_available=False)], [], 1, 1, "Supervisor and vehicle"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_hand_edit_that_breaks_a_rule_is_refused_and_named(case: str) -> None:
    people, sessions, plan, pid, sid, rule = CASES[case]
    assert add(week(people, sessions), plan, pid, sid) == rule


def test_the_same_edits_are_accepted_when_no_rule_is_broken() -> None:
    instance = week([person(1), woman(2), woman(3), person(4)], [session(1), session(2, weekday=TUE)])
    assert add(instance, [(2, 1), (3, 1)], 1, 1) is None
    assert add(instance, [], 4, 2) is None
