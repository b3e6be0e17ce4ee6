"""How a week is solved with OR-Tools CP-SAT (the model, hard rules as constraints and goals as
weighted terms of one objective, is in `problem`). `solve` plans a week of one PDU whole
(`solve_whole`, below), and a larger one in parts side by side, then across the borders between
them (`decompose`).

How a week is solved whole, within the time limit (a decomposition: the whole model at once is
slow to find good plans on two cores, because of the rule for women in groups and the
session-level goals, which make its relaxation far from integral):

1. The *core*: the model without the session-level goals (a female supervisor, half-empty
   sessions) and without the rule that a woman is never the only woman in a group with men.
   Its relaxation is nearly integral, so CP-SAT solves it to optimality in about a second for
   a PDU's week. Every plan of the full model is a plan of the core worth at least as much,
   so the core's bound is a bound for the full model too.
2. The core's plan made to keep every rule: each woman it leaves the only woman in a group with
   men is taken out, and then, a day at a time, those sessions are re-planned with the full
   model (who is in them, and where she and every woman who could join them go), everything else
   fixed. If the greedy baseline's plan, or a hint, scores better, that is the start instead.
3. Large neighbourhood search on the full model: all placements are fixed except those on one
   day, on linked sessions (sessions sharing the most candidates, any day) or on two or three
   days, and CP-SAT re-plans that part optimally; a better plan is kept. This stops within
   0.01 % of the bound, after 12 neighbourhoods without a real improvement, or when only 20 %
   of the time is left.
4. With time left and the gap still open, the whole full model started from the plan: a
   tighter bound (the lower of the two is reported), and perhaps a better plan.

A search runs steps 1 and 4 (the whole week) on its CP-SAT workers, steps 2 and 3 (most
placements fixed) on one. Only steps 1 and 4 prove a bound on the week. With more than one worker,
several searches run side by side and the best plan is kept (`solve_whole`).
"""

import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from . import cpsat
from .cpsat import GAP, SOLVED, default_workers
from .fallback import without_solver_plan
from .greedy import place
from .model import Instance, Plan, Session, relative_gap
from .neighbourhoods import neighbourhoods, women_neighbourhood
from .objective import Pair, score
from .parts import may_split
from .problem import Model, Problem, Result
from .rules import candidates, plan_reasons

SOLVER_PLANS = ("OPTIMAL", "FEASIBLE")  # a plan's status when CP-SAT made it (see `Plan.status`)
PORTFOLIO_LANES = 4  # searches side by side at most: between CP-SAT's runs each works in Python
STALE = 12  # neighbourhoods tried without a real improvement before giving up
RESERVE = 0.2  # share of the time limit kept for the whole model at the end


def solve(
    instance: Instance,
    *,
    time_limit: float = 10.0,
    workers: int | None = None,
    hint: list[Pair] | None = None,
) -> Plan:
    """The best plan found within the time limit (never worse than the greedy baseline's, or
    than `hint`'s if it keeps every rule). `workers`: the cores to use, by default every core
    of the machine (`default_workers`); with 1 the search is repeatable.

    A week of one PDU is solved whole (`solve_whole`); a larger one, in parts side by side and
    then across the borders between them (`decompose.solve_by_parts`).

    The status is CP-SAT's: `OPTIMAL` only when the plan reaches a bound CP-SAT proved, with
    that bound. If the solver finds no plan, the greedy baseline's is returned as `GREEDY`, with
    a note saying why, never as the solver's."""
    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise ValueError("workers must be 1 or more")
    started = time.perf_counter()
    fits = candidates(instance)
    if may_split(fits):
        from .decompose import solve_by_parts  # it plans each part with `solve_whole`

        return solve_by_parts(instance, time_limit=time_limit, workers=workers, hint=hint, fits=fits, started=started)
    return solve_whole(instance, time_limit=time_limit, workers=workers, hint=hint, fits=fits, started=started)


def solve_whole(
    instance: Instance,
    *,
    time_limit: float,
    workers: int,
    hint: list[Pair] | None = None,
    fits: dict[int, list[Session]] | None = None,
    started: float | None = None,
    reasons: bool = True,
) -> Plan:
    """The whole week as one model (steps 1 to 4 above). `fits`: the sessions each person fits,
    if already known; `started`: when the time limit began; without `reasons`, the plan gives
    none (a part of a week, explained as a whole later).

    With one worker, one search. With more, a portfolio: up to `PORTFOLIO_LANES` searches side
    by side, the first exactly the one-worker search and the others from other random seeds, the
    last given every worker left over; the best plan is kept, with the tightest bound any of them
    proved. One search with two CP-SAT workers did worse on a PDU's week than one worker (its
    second worker shares the core's time with the first and its cuts), while two searches each
    on a core of its own end at least where the one-worker search does."""
    started = time.perf_counter() if started is None else started
    week = _Week(instance, time_limit, hint, candidates(instance) if fits is None else fits, started)
    plan = _solve_one(week, 1, cpsat.SEED) if workers == 1 else _portfolio(week, workers)
    if reasons and not plan.reasons:  # a plan of the fallback gives its own
        plan.reasons = plan_reasons(instance, plan.assignments)
    return plan


@dataclass(frozen=True)
class _Week:
    """What every search of one week shares: the week, its time limit, a hint, the sessions each
    person fits, and when the time limit began."""

    instance: Instance
    time_limit: float
    hint: list[Pair] | None
    fits: dict[int, list[Session]]
    started: float


def _portfolio(week: _Week, workers: int) -> Plan:
    """The searches of `solve_whole`'s portfolio side by side (in threads: CP-SAT releases the
    interpreter while it searches), and the best plan of them with the tightest bound."""
    lanes = min(workers, PORTFOLIO_LANES)
    lane_workers = [1] * (lanes - 1) + [workers - (lanes - 1)]
    with ThreadPoolExecutor(max_workers=lanes) as pool:
        futures = [pool.submit(_solve_one, week, each, cpsat.SEED + lane) for lane, each in enumerate(lane_workers)]
        plans = [future.result() for future in futures]
    best = max(plans, key=lambda plan: (plan.status in SOLVER_PLANS, plan.objective))
    if best.status not in SOLVER_PLANS:
        return best
    bounds = [plan.bound for plan in plans if plan.status in SOLVER_PLANS and plan.bound is not None]
    bound = best.bound = min(bounds) if bounds else None
    best.status = best.solver_status = "OPTIMAL" if bound is not None and best.objective >= bound else "FEASIBLE"
    best.note = "" if best.status == "OPTIMAL" else best.note  # proved best: the greedy plan's note is moot
    best.seconds = time.perf_counter() - week.started
    return best


def _solve_one(week: _Week, workers: int, seed: int) -> Plan:
    """One search of the whole week (steps 1 to 4 above), on `workers` CP-SAT workers from
    `seed`; the plan without reasons."""
    instance, time_limit, started = week.instance, week.time_limit, week.started
    # CP-SAT can run a little over its limit, and the reasons come after: keep a margin.
    search_limit = time_limit - min(0.5, max(0.1, 0.05 * time_limit))

    def left() -> float:
        return search_limit - (time.perf_counter() - started)

    problem = Problem(instance, week.fits, seed=seed)
    core = problem.build(women_rule=False, session_goals=False)
    full = problem.build()
    baseline = place(instance, problem.fits)
    best, bound, failed = _search(problem, core, full, workers, baseline, week.hint, search_limit, left)
    if best is None:
        return without_solver_plan(instance, started, time_limit, failed)
    assignments = best.assignments
    status = "OPTIMAL" if bound is not None and best.objective >= bound else "FEASIBLE"
    return Plan(
        assignments=assignments,
        reasons={},
        objective=best.objective,
        bound=bound,
        status=status,
        seconds=time.perf_counter() - started,
        solver_status=status,
        note=greedy_note(time_limit) if status != "OPTIMAL" and assignments == baseline else "",
    )


def greedy_note(time_limit: float) -> str:
    return (
        "The solver found no better plan than the greedy baseline's within the time limit of "
        f"{time_limit:g} seconds: allow more time"
    )


def _search(
    problem: Problem,
    core: Model,
    full: Model,
    workers: int,
    baseline: list[Pair],
    hint: list[Pair] | None,
    time_limit: float,
    left: Callable[[], float],
) -> tuple[Result | None, float | None, Any]:
    """Steps 1 to 4 of the module's docstring: the best plan found, the bound CP-SAT proved on
    the whole week (None if none), and the status of a failed whole-model run (or None)."""

    # 1. The core, for a bound and a first plan.
    relaxed = problem.run(core, left() * 0.5, workers)
    if relaxed.status in (cp_model.INFEASIBLE, cp_model.MODEL_INVALID):
        return None, None, relaxed.status
    bound = relaxed.bound

    # 2. A plan that keeps every rule: the core's, less every woman it leaves the only woman in a
    # group with men, then those groups re-planned a day at a time; or the greedy plan, or the
    # hint, if better. Each re-plan starts from a plan that keeps every rule, so it never fails.
    best, first = _settle_women(problem, full, workers, relaxed, time_limit, left)
    best = _best_start(problem, full, workers, baseline, hint, relaxed, best, left)

    # 3. Re-plan a day, two days, three days, or linked sessions at a time, until close to the
    # bound, or nothing better is found for a while, or only the reserve is left.
    if best is not None:
        best = _improve(problem, full, workers, best, bound, first, time_limit * RESERVE, left)

    # 4. The whole model with the time left: a tighter bound, and perhaps a better plan.
    return _whole(problem, full, workers, best, bound, left)


def _settle_women(
    problem: Problem,
    full: Model,
    workers: int,
    relaxed: Result,
    time_limit: float,
    left: Callable[[], float],
) -> tuple[Result | None, list[str]]:
    """The core's plan less every woman it leaves the only woman in a group with men, checked on
    the full model, then those groups re-planned a day at a time; with the days re-planned, most
    lone women first (or nothing, if the core found no plan)."""
    if not relaxed.assignments:
        return None, []
    lone = problem.lone_women(relaxed.assignments)
    checked = problem.run(full, max(0.2, left() * 0.2), workers, start=problem.repair(relaxed.assignments), free=set())
    if checked.status not in SOLVED:
        return None, []
    best = checked
    by_day: dict[str, list[Pair]] = defaultdict(list)
    for pid, sid in lone:
        by_day[problem.sessions[sid].day].append((pid, sid))
    first = sorted(by_day, key=lambda day: -len(by_day[day]))
    for day in first:
        if left() < time_limit * RESERVE:
            break
        free = women_neighbourhood(problem.pairs, problem.people, by_day[day])
        found = problem.run(full, min(left() * 0.3, 3.0), workers, start=best.assignments, free=free)
        if found.objective > best.objective:
            best = found
    return best, first


def _best_start(
    problem: Problem,
    full: Model,
    workers: int,
    baseline: list[Pair],
    hint: list[Pair] | None,
    relaxed: Result,
    best: Result | None,
    left: Callable[[], float],
) -> Result | None:
    """The greedy plan (`baseline`), the repaired core's or the hint, whichever scores best, if it
    beats `best` and keeps every rule on the full model."""
    instance = problem.instance
    starts = [baseline]
    if relaxed.assignments:
        starts.append(problem.repair(relaxed.assignments))
    if hint is not None:
        starts.append([pair for pair in hint if pair in full.x])
    for start in sorted(starts, key=lambda a: -score(instance, a)):
        if best is not None and score(instance, start) <= best.objective:
            break
        checked = problem.run(full, max(0.2, left() * 0.2), workers, start=start, free=set())
        if checked.status in SOLVED:
            return checked
    return best


def _improve(
    problem: Problem,
    full: Model,
    workers: int,
    best: Result,
    bound: float | None,
    first: list[str],
    reserve: float,
    left: Callable[[], float],
) -> Result:
    """Large neighbourhood search: each neighbourhood re-planned from the best plan, a better plan
    kept, until close to the bound, nothing better for a while, or only `reserve` seconds left."""
    stale = 0
    scale = abs(bound) if bound is not None else abs(best.objective)
    for free in neighbourhoods(problem.pairs, problem.sessions, first):
        if _close(best.objective, bound) or left() < reserve or stale >= STALE:
            break
        found = problem.run(full, min(left() - reserve, 3.0), workers, start=best.assignments, free=free)
        stale += 1
        if found.objective > best.objective:
            stale = 0 if found.objective > best.objective + GAP * scale / 10 else stale
            best = found
    return best


def _whole(
    problem: Problem,
    full: Model,
    workers: int,
    best: Result | None,
    bound: float | None,
    left: Callable[[], float],
) -> tuple[Result | None, float | None, Any]:
    """The whole full model with the time left, started from the best plan: a tighter bound (the
    lower is kept) and perhaps a better plan; the status of a failed run, or None."""
    if best is not None and (_close(best.objective, bound) or left() <= 0.5):
        return best, bound, None
    found = problem.run(full, left() - 0.1, workers, start=best.assignments if best else None, free=None)
    bound = lower(bound, found.bound)
    if found.status not in SOLVED:
        return best, bound, found.status
    if best is None or found.objective > best.objective:
        best = found
    return best, bound, None


def lower(a: float | None, b: float | None) -> float | None:
    """The tighter of two bounds, either perhaps unknown."""
    known = [x for x in (a, b) if x is not None]
    return min(known) if known else None


def _close(objective: float, bound: float | None) -> bool:
    gap = relative_gap(objective, bound)
    return gap is not None and gap <= GAP
