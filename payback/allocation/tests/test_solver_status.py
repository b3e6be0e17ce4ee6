"""What the solver says about its plan: CP-SAT's own status and bound, never "optimal" without a
proof, never the greedy plan passed off as its own, a gap only against a bound, and as many
CP-SAT workers as the machine has cores unless told otherwise."""

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from ortools.sat.python import cp_model

from payback.allocation.engine import cli, cpsat, solver
from payback.allocation.engine.cpsat import default_workers
from payback.allocation.engine.generator import generate
from payback.allocation.engine.greedy import greedy
from payback.allocation.engine.instance import plan_to_dict, to_dict
from payback.allocation.engine.model import Plan
from payback.allocation.engine.solver import solve
from payback.allocation.engine.verifier import violations

from .small_weeks import person, placed, session, week


def test_a_person_owing_less_than_nothing_does_not_stop_the_week_being_planned() -> None:
    """Built in process (the JSON reader refuses it): one person's −1 minutes used to make the
    whole model infeasible, and the week fell back to the greedy plan without a word."""
    instance = week([person(1, remaining_minutes=-1), person(2), person(3)], [session(1)])
    plan = solve(instance, time_limit=5, workers=1)
    assert (plan.status, plan.solver_status, plan.note) == ("OPTIMAL", "OPTIMAL", "")
    assert placed(plan) == {2: [1], 3: [1]}
    assert plan.reasons[1] == "No hours remaining"


def test_a_generated_week_with_a_negative_balance_is_solved_not_replaced_by_the_greedy_plan() -> None:
    instance = generate(people=80, sessions=10, seed=5)
    instance.people[0] = replace(instance.people[0], remaining_minutes=-1)
    plan = solve(instance, time_limit=5, workers=1)
    assert plan.status in ("OPTIMAL", "FEASIBLE") and plan.note == ""
    assert plan.bound is not None and plan.objective > greedy(instance).objective


def test_a_short_run_is_not_called_optimal_when_a_longer_one_finds_better() -> None:
    instance = generate(people=600, sessions=60, seed=1)
    short = solve(instance, time_limit=1, workers=1)
    longer = solve(instance, time_limit=10, workers=1)
    assert violations(instance, short.assignments) == []
    if longer.objective > short.objective:
        assert short.status == "FEASIBLE"
    # Whatever the short run reports as its bound was proved: nothing beats it.
    assert short.bound is None or short.bound >= longer.objective
    if short.bound is None:
        assert short.gap is None and plan_to_dict(short)["gap"] is None
    if short.assignments == greedy(instance).assignments:
        assert short.status != "OPTIMAL"
        assert "no better plan than the greedy baseline's" in short.note


@pytest.mark.parametrize(
    ("failed", "solver_status", "note"),
    [
        (cp_model.UNKNOWN, "UNKNOWN", "The solver found no plan within the time limit of 3 seconds (UNKNOWN)"),
        (cp_model.INFEASIBLE, "INFEASIBLE", "The solver's model has no plan (INFEASIBLE) although the greedy"),
    ],
)
def test_when_the_solver_finds_nothing_the_greedy_plan_says_so(
    monkeypatch: pytest.MonkeyPatch, failed: int, solver_status: str, note: str
) -> None:
    monkeypatch.setattr(solver, "_search", lambda *args: (None, None, failed))
    instance = week([person(1), person(2)], [session(1)])
    plan = solve(instance, time_limit=3, workers=1)
    assert (plan.status, plan.solver_status, plan.bound, plan.gap) == ("GREEDY", solver_status, None, None)
    assert plan.note.startswith(note)
    assert plan.note.endswith("this is the greedy baseline's plan, not an optimised one")
    assert placed(plan) == {1: [1], 2: [1]}


def test_the_command_line_prints_the_note(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(solver, "_search", lambda *args: (None, None, cp_model.UNKNOWN))
    path = tmp_path / "week.json"
    path.write_text(json.dumps(to_dict(week([person(1)], [session(1)]))))
    assert cli.main(["--instance", str(path), "--time-limit", "2", "--workers", "1"]) == 0
    out, err = capsys.readouterr()
    result = json.loads(out)
    assert (result["status"], result["solver_status"], result["bound"], result["gap"]) == (
        "GREEDY",
        "UNKNOWN",
        None,
        None,
    )
    assert err.startswith("Note (GREEDY, CP-SAT UNKNOWN): The solver found no plan within the time limit of 2 seconds")


def plan(objective: float, bound: float | None) -> Plan:
    return Plan(assignments=[], reasons={}, objective=objective, bound=bound, status="FEASIBLE", seconds=0.0)


@pytest.mark.parametrize(
    ("objective", "bound", "gap"),
    [
        (900.0, 1000.0, 0.1),
        (1000.0, 1000.0, 0.0),
        (-500.0, 0.0, 500.0),  # a bound of 0 is a bound: the gap is measured against max(|bound|, 1)
        (-150.0, -100.0, 0.5),
        (10.0, None, None),  # no bound proved: the gap is not known, never 0
    ],
)
def test_the_gap(objective: float, bound: float | None, gap: float | None) -> None:
    assert plan(objective, bound).gap == gap


def test_every_core_by_default_and_as_many_workers_as_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    used: list[tuple[int, int]] = []  # (CP-SAT workers, random seed) of every run
    real = cpsat.new_solver

    def spy(seconds: float, workers: int, seed: int = cpsat.SEED) -> Any:
        used.append((workers, seed))
        return real(seconds, workers, seed)

    monkeypatch.setattr(cpsat, "new_solver", spy)
    monkeypatch.setattr(cpsat.os, "cpu_count", lambda: 3)
    assert default_workers() == 3
    instance = generate(people=30, sessions=5, seed=2)
    solve(instance, time_limit=3)
    # three searches side by side, from three seeds, one worker each
    assert {seed for _, seed in used} == {7, 8, 9}
    assert {workers for workers, _ in used} == {1}
    used.clear()
    solve(instance, time_limit=3, workers=6)
    # four searches at most: the last is given the workers left over for the whole week's models
    assert {seed for _, seed in used} == {7, 8, 9, 10}
    assert (3, 10) in used and {workers for workers, seed in used if seed != 10} == {1}
    used.clear()
    solve(instance, time_limit=3, workers=1)
    assert set(used) == {(1, cpsat.SEED)}
    with pytest.raises(ValueError, match="workers must be 1 or more"):
        solve(instance, workers=0)


def test_searches_side_by_side_keep_the_best_plan_and_the_tightest_bound() -> None:
    instance = generate(people=60, sessions=8, seed=3)
    one = solve(instance, time_limit=5, workers=1)
    side_by_side = solve(instance, time_limit=5, workers=2)
    assert one.status == side_by_side.status == "OPTIMAL"
    assert side_by_side.objective == one.objective  # both proved best: the same worth
    assert not violations(instance, side_by_side.assignments)
    placed = {pid for pid, _ in side_by_side.assignments}
    assert all(side_by_side.reasons.get(p.id) for p in instance.people if p.id not in placed)


def test_the_command_line_refuses_no_workers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "week.json"
    path.write_text(json.dumps(to_dict(week([person(1)], [session(1)]))))
    with pytest.raises(SystemExit) as stopped:
        cli.main(["--instance", str(path), "--workers", "0"])
    assert stopped.value.code == 2
    assert "--workers must be 1 or more" in capsys.readouterr().err
