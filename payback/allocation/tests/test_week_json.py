"""The week as JSON is read strictly: every problem is found (not just the first), each named by
where it is, and nothing is guessed ("false" is not true, "no" is not a yes, a flag is a list)."""

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from payback.allocation.engine.cli import main
from payback.allocation.engine.generator import generate
from payback.allocation.engine.instance import InstanceError, from_dict, load, to_dict
from payback.allocation.engine.week_schema import problems

from .small_weeks import person, session, week, woman


def valid() -> dict[str, Any]:
    """Two people, a woman and a man, and two sessions, as JSON data."""
    return to_dict(week([woman(1), person(2)], [session(10), session(11, weekday=2)], pinned=[(1, 10)]))


def refused(data: Any) -> list[str]:
    with pytest.raises(InstanceError) as caught:
        from_dict(data)
    return caught.value.problems


def with_change(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    data = valid()
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        (("people", 0, "assessed"), "false", "people[0].assessed: must be true or false"),
        (("people", 1, "backlog"), "no", "people[1].backlog: must be true or false"),
        (("people", 1, "flags"), "violence", "people[1].flags: must be a list"),
        (("people", 1), None, "people[1]: must be an object"),
        (("people",), {"1": {}}, "people: must be a list"),
        (("people", 0, "home"), [math.nan, -1.6], "people[0].home[0]: must be a number (not NaN or infinite)"),
        (("people", 0, "home"), [54.9], "people[0].home: must be [latitude, longitude]"),
        (("people", 0, "remaining_minutes"), -1, "people[0].remaining_minutes: must be 0 or more"),
        (("people", 0, "remaining_minutes"), 60.5, "people[0].remaining_minutes: must be a whole number"),
        (("people", 0, "female"), 1, "people[0].female: must be true or false"),
        (("people", 0, "urgency"), 9, "people[0].urgency: must be 5 or less"),
        (("people", 0, "preference"), "woman-only", 'people[0].preference: must be one of "", "mixed"'),
        (("people", 0, "availability"), {"7": ["morning"]}, "people[0].availability.7: is not a weekday"),
        (("people", 0, "availability"), {"1": ["noon"]}, "people[0].availability.1[0]: must be one of"),
        (("people", 0, "last_project"), "2", "people[0].last_project: must be a whole number or null"),
        (("people", 0, "non_associations"), [1], "people[0].non_associations[0]: a person cannot be their own"),
        (("people", 0, "non_associations"), [9], "people[0].non_associations[0]: no person in the week has id 9"),
        (("people", 1, "id"), 1, "people[1].id: 1 is also the id of people[0]"),
        (("people", 0, "asessed"), True, "people[0].asessed: is not a known field"),
        (("sessions", 1, "id"), 10, "sessions[1].id: 10 is also the id of sessions[0]"),
        (("sessions", 0, "end"), 500, "sessions[0].end: must be after start (540)"),
        (("sessions", 0, "weekday"), 3, "sessions[0].weekday: 2026-11-30 is a Mon (0), not Thu (3)"),
        (("sessions", 0, "day"), "30/11/2026", "sessions[0].day: '30/11/2026' is not a date (YYYY-MM-DD)"),
        (("sessions", 0, "capacity"), -2, "sessions[0].capacity: must be 0 or more"),
        (("sessions", 0, "excluded_flags"), "violence", "sessions[0].excluded_flags: must be a list"),
        (("sessions", 0, "women_only"), "yes", "sessions[0].women_only: must be true or false"),
        (("pinned", 0), [1, 99], "pinned[0][1]: no session in the week has id 99"),
        (("pinned", 0), [1], "pinned[0]: must be a pair [person id, session id]"),
        (("weights", "continuty"), 100, "weights.continuty: is not a weight: the weights are"),
        (("weights", "placed"), -5, "weights.placed: must be 0 or more"),
        (("speed_kmh",), 0, "speed_kmh: must be more than 0"),
        (("speed_kmh",), math.inf, "speed_kmh: must be a number (not NaN or infinite)"),
    ],
)
def test_each_problem_is_named_by_where_it_is(path: tuple[Any, ...], value: Any, problem: str) -> None:
    found = refused(with_change(path, value))
    assert len(found) == 1, found
    assert found[0].startswith(problem)


def test_a_week_without_sessions() -> None:
    data = valid()
    data["sessions"], data["pinned"] = [], []
    assert refused(data) == ["sessions: The week has no sessions: plan sessions before running allocation"]


def test_every_problem_is_found_not_just_the_first() -> None:
    data = valid()
    data["people"][0]["assessed"] = "false"
    data["people"][1]["remaining_minutes"] = -1
    data["sessions"][1]["capacity"] = "4"
    data["people"].append(None)
    assert refused(data) == [
        "people[0].assessed: must be true or false",
        "people[1].remaining_minutes: must be 0 or more",
        "people[2]: must be an object",
        "sessions[1].capacity: must be a whole number",
    ]


@pytest.mark.parametrize("data", [None, [], "week", 3, {"people": []}])
def test_what_is_not_a_week_at_all(data: Any) -> None:
    assert refused(data) in (
        ["the week: must be an object"],
        ["sessions: The week has no sessions: plan sessions before running allocation"],
    )


def test_a_week_written_by_the_engine_reads_back_the_same() -> None:
    for instance in (generate(people=60, sessions=8, seed=3), from_dict(valid())):
        assert problems(to_dict(instance)) == []
        assert from_dict(json.loads(json.dumps(to_dict(instance)))) == instance


def test_nan_in_the_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "week.json"
    path.write_text(json.dumps(valid()).replace("54.97", "NaN", 1))
    with pytest.raises(InstanceError, match=r"home\[0\]: must be a number \(not NaN or infinite\)"):
        load(path)


def test_the_command_line_prints_every_problem_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = valid()
    data["people"][0]["assessed"] = "false"
    data["people"][1]["flags"] = "violence"
    path = tmp_path / "week.json"
    path.write_text(json.dumps(data))
    assert main(["--instance", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "Cannot read the week (2 problems):",
        "  people[0].assessed: must be true or false",
        "  people[1].flags: must be a list",
    ]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=True) | st.sampled_from(["", "false", "1"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["id", "day", "0", "x"]), inner),
    max_leaves=8,
)
FIELDS = st.sampled_from(
    [
        ("people", 0, "id"),
        ("people", 0, "home"),
        ("people", 0, "availability"),
        ("people", 1),
        ("people",),
        ("sessions", 0, "start"),
        ("sessions", 0, "location"),
        ("sessions", 1),
        ("pinned",),
        ("weights",),
        ("speed_kmh",),
    ]
)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(FIELDS, JSON)
def test_any_value_anywhere_is_read_or_refused_never_a_traceback(path: tuple[Any, ...], value: Any) -> None:
    data = with_change(path, value)
    try:
        from_dict(data)
    except InstanceError as error:
        assert error.problems and all(": " in problem for problem in error.problems)
