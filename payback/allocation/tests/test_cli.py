"""The command line: `python -m payback.allocation --instance week.json --time-limit 10`, and the
JSON week it reads."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from payback.allocation.engine.generator import generate
from payback.allocation.engine.instance import InstanceError, from_dict, to_dict

from .small_weeks import person, session, week, woman

ROOT = Path(__file__).resolve().parents[3]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own module, with arguments from the test
        [sys.executable, "-m", "payback.allocation", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def write(tmp_path: Path, data: dict[str, Any] | str) -> str:
    path = tmp_path / "week.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


def test_plans_a_generated_week(tmp_path: Path) -> None:
    path = write(tmp_path, to_dict(generate(people=80, sessions=10, seed=5)))
    done = run("--instance", path, "--time-limit", "5")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["violations"] == []
    assert result["status"] in ("OPTIMAL", "FEASIBLE")
    assert result["assignments"] and set(result["assignments"][0]) == {"person", "session"}
    assert 0 < result["objective"] <= result["bound"]
    assert 0 <= result["gap"] < 0.01
    assert all(isinstance(text, str) and text for text in result["reasons"].values())


def test_the_greedy_baseline(tmp_path: Path) -> None:
    path = write(tmp_path, to_dict(generate(people=30, sessions=5, seed=2)))
    done = run("--instance", path, "--greedy")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["status"] == "GREEDY"
    assert result["violations"] == []


def test_a_week_with_no_sessions(tmp_path: Path) -> None:
    data = to_dict(week([person(1)], [session(1)]))
    data["sessions"] = []
    done = run("--instance", write(tmp_path, data))
    assert done.returncode == 2
    assert done.stdout == ""
    assert "The week has no sessions: plan sessions before running allocation" in done.stderr


def test_pins_that_cannot_be_kept_together(tmp_path: Path) -> None:
    data = to_dict(week([woman(1), person(2)], [session(1)], pinned=[(1, 1), (2, 1)]))
    done = run("--instance", write(tmp_path, data), "--time-limit", "3")
    assert done.returncode == 1
    assert json.loads(done.stdout)["status"] == "INFEASIBLE"
    assert "pinned choices cannot all be kept together" in done.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "Expecting property name"),
        ({"people": [{"id": 1}], "sessions": []}, "people[0].remaining_minutes: is required"),
        (
            {
                "sessions": [
                    {
                        "id": 1,
                        "project_id": 1,
                        "day": "2026-11-30",
                        "weekday": 0,
                        "start": 600,
                        "end": 540,
                        "capacity": 4,
                        "location": [54.9, -1.6],
                    }
                ]
            },
            "sessions[0].end: must be after start (600)",
        ),
    ],
    ids=["not JSON", "person without hours owed", "session ending before it starts"],
)
def test_bad_weeks_are_refused_with_a_clear_message(tmp_path: Path, content: Any, message: str) -> None:
    done = run("--instance", write(tmp_path, content))
    assert done.returncode == 2
    assert done.stderr.startswith("Cannot read the week")
    assert message in done.stderr


def test_a_missing_file(tmp_path: Path) -> None:
    done = run("--instance", str(tmp_path / "nowhere.json"))
    assert done.returncode == 2
    assert "Cannot read the week" in done.stderr


def test_the_json_week_round_trips() -> None:
    instance = generate(people=50, sessions=8, seed=9)
    instance.pinned, instance.forbidden, instance.published = [(1, 2)], [(3, 4)], [(5, 6)]
    assert from_dict(json.loads(json.dumps(to_dict(instance)))) == instance


def test_fields_left_out_take_their_defaults() -> None:
    instance = from_dict(
        {
            "people": [{"id": 7, "remaining_minutes": 600, "home": [54.97, -1.61]}],
            "sessions": [
                {
                    "id": 1,
                    "project_id": 3,
                    "day": "2026-11-30",
                    "weekday": 0,
                    "start": 540,
                    "end": 900,
                    "capacity": 5,
                    "location": [54.97, -1.6],
                }
            ],
            "weights": {"continuity": 200},
        }
    )
    who = instance.people[0]
    assert (who.name, who.female, who.max_travel_minutes, who.availability, who.assessed) == (
        "Person 7",
        False,
        60,
        {},
        True,
    )
    assert instance.sessions[0].project_name == "Project 3" and instance.sessions[0].open
    assert instance.weights.continuity == 200 and instance.weights.travel_per_minute == 8
    assert instance.speed_kmh == 25.0


def test_an_unknown_preference_is_refused() -> None:
    with pytest.raises(InstanceError, match="preference"):
        from_dict(
            {
                "people": [{"id": 1, "remaining_minutes": 600, "home": [54.9, -1.6], "preference": "woman-only"}],
                "sessions": [
                    {
                        "id": 1,
                        "project_id": 1,
                        "day": "2026-11-30",
                        "weekday": 0,
                        "start": 540,
                        "end": 900,
                        "capacity": 4,
                        "location": [54.9, -1.6],
                    }
                ],
            }
        )
