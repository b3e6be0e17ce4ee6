"""A large week (a region, or more) planned in parts side by side, then across the borders
between them. `solver.solve` comes here when a week is larger than about two PDUs' weeks; a week
of one PDU is one part and is planned whole, exactly as before.

1. The week's linear relaxation (`relaxation`): a bound on every plan of the week (the bound the
   plan reports, not a sum of the parts' bounds), and where it places each person.
2. The parts (`parts.split`): sessions grouped by where people can reach them, each person in the
   part where the relaxation places them.
3. Each part planned as a week of its own by `solver.solve_whole`, side by side: as many at once as
   the `workers` asked for (one part at a time with one), each in a process of its own (building
   a model is Python, which one process runs on one core at a time), with CP-SAT workers to share
   the cores between them. A part's time is its share, by size, of what is left for the parts.
4. The parts' plans together: no rule links two parts, as nobody and no session is in two. The
   greedy baseline's plan or the hint instead, if better.
5. The pass across the borders between the parts (`border.coordinate`), with the time left.
6. The independent verifier checks the final plan (a plan that failed it would never be returned:
   the plan of step 4, checked the same way, would be).
"""

import logging
import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from contextlib import nullcontext
from typing import Any

from ortools.sat.python import cp_model

from . import parts as partition
from .border import Week, clock, coordinate
from .fallback import without_solver_plan
from .greedy import greedy, place
from .held import hold
from .model import Instance, Plan, Session
from .objective import Pair, score
from .parts import Part, pair_count, split
from .relaxation import relax
from .rules import candidates, plan_reasons
from .solver import greedy_note, lower, solve_whole
from .verifier import violations

log = logging.getLogger(__name__)

PARTS_SHARE = 0.6  # of the time left after the relaxation, for planning the parts
MIN_PART_SECONDS = 1.0
IN_PROCESSES = True  # parts side by side in processes of their own (else threads)


def solve_by_parts(
    instance: Instance,
    *,
    time_limit: float,
    workers: int,
    hint: list[Pair] | None = None,
    fits: dict[int, list[Session]] | None = None,
    started: float | None = None,
    part_pairs: int | None = None,
) -> Plan:
    """The week planned in parts (steps 1 to 6 above) of about `part_pairs` candidate placements
    (by default `parts.PART_PAIRS`): the same answer as `solver.solve`."""
    part_pairs = part_pairs or partition.PART_PAIRS
    started = time.perf_counter() if started is None else started
    fits = candidates(instance) if fits is None else fits
    # The reasons and the verifier come after the search, and take longer the more people.
    left = clock(started + time_limit - min(0.1 * time_limit, 0.5 + len(instance.people) / 2000))
    side = max(1, min(workers, round(pair_count(fits) / part_pairs)))
    with _pool(side, instance, fits) as pool:
        relaxed = relax(instance, fits, pool)
        parts = split(instance, fits, relaxed.values, part_pairs)
        log.debug("relaxation %s, %d parts, %.1f s left", relaxed.bound, len(parts), left())
        found = (
            _search(pool, instance, fits, parts, hint, min(side, len(parts)), workers, left) if len(parts) > 1 else None
        )
    if len(parts) <= 1:
        return solve_whole(instance, time_limit=time_limit, workers=workers, hint=hint, fits=fits, started=started)
    if found is None:  # pins that cannot all be kept
        return without_solver_plan(instance, started, time_limit, cp_model.INFEASIBLE)
    final, start, baseline, proved = found
    if violations(instance, final):
        final = start
    objective = score(instance, final)
    bound = lower(relaxed.bound, proved)
    status = "OPTIMAL" if bound is not None and objective >= bound else "FEASIBLE"
    return Plan(
        assignments=final,
        reasons=plan_reasons(instance, final),
        objective=objective,
        bound=bound,
        status=status,
        seconds=time.perf_counter() - started,
        solver_status=status,
        note=greedy_note(time_limit) if status != "OPTIMAL" and final == baseline else "",
    )


def _search(
    pool: Executor | None,
    instance: Instance,
    fits: dict[int, list[Session]],
    parts: list[Part],
    hint: list[Pair] | None,
    side: int,
    workers: int,
    left: Callable[[], float],
) -> tuple[list[Pair], list[Pair], list[Pair], float | None] | None:
    """Steps 3 to 5: the final plan, the plan it started from (step 4), the greedy baseline's, and
    the bound CP-SAT proved on the week if any; None if a part's pins cannot all be kept."""
    plans = _plan_parts(pool, instance, parts, fits, hint, side, workers, left)
    if any(plan.status == "INFEASIBLE" for plan in plans):
        return None
    start, baseline = _start(instance, fits, plans, hint)
    log.debug("parts %s, together %s, %.1f s left", [p.gap for p in plans], score(instance, start), left())
    final, proved = coordinate(Week(instance, fits), parts, start, left, pool, side)
    log.debug("across the borders %s, %.1f s left", score(instance, final), left())
    return final, start, baseline, proved


def _start(
    instance: Instance, fits: dict[int, list[Session]], plans: list[Plan], hint: list[Pair] | None
) -> tuple[list[Pair], list[Pair]]:
    """The parts' plans together, or the greedy baseline's plan or the hint if better and keeping
    every rule; and the greedy baseline's plan."""
    baseline = place(instance, fits)
    together = sorted(pair for plan in plans for pair in plan.assignments)
    known = {(pid, s.id) for pid, options in fits.items() for s in options}
    starts = [together, baseline] + ([[pair for pair in hint if pair in known]] if hint else [])
    valid = [a for a in starts if not violations(instance, a)]
    return max(valid, key=lambda a: score(instance, a), default=[]), baseline


def _pool(side: int, instance: Instance, fits: dict[int, list[Session]]) -> Any:
    """Processes for the relaxation, the parts and the borders (none with one at a time), each
    holding the week (`held`), started at once; threads with `IN_PROCESSES` off (CP-SAT releases
    the interpreter while it searches, but building each model holds it)."""
    if side == 1:
        return nullcontext(None)
    if not IN_PROCESSES:
        return ThreadPoolExecutor(max_workers=side, initializer=hold, initargs=(instance, fits))
    # Started afresh ("spawn"), never a copy of this process ("fork"), which may hold threads.
    spawn = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=side, mp_context=spawn, initializer=hold, initargs=(instance, fits))
    for _ in range(side):
        pool.submit(_ready)
    return pool


def _ready() -> None:
    """Nothing: a process's first task, so that it has started and loaded the engine."""


def _plan_parts(
    pool: Executor | None,
    instance: Instance,
    parts: list[Part],
    fits: dict[int, list[Session]],
    hint: list[Pair] | None,
    side: int,
    workers: int,
    left: Callable[[], float],
) -> list[Plan]:
    """Each part's plan, `side` at a time, on its share of the CP-SAT workers, within
    `PARTS_SHARE` of the time left. The parts are dealt to `side` lanes, the largest first to the
    lane with least to do; in each lane, a part gets its share by size (its candidate placements)
    of the time left for the parts, so time a part does not need goes to the next in its lane."""
    until = time.perf_counter() + PARTS_SHARE * left()
    sizes = [sum(1 for pid in part.people for s in fits[pid] if s.id in part.sessions) for part in parts]
    each = max(1, workers // side)
    lanes: list[list[int]] = [[] for _ in range(side)]
    for i in sorted(range(len(parts)), key=lambda i: (-sizes[i], i)):
        min(lanes, key=lambda lane: sum(sizes[j] for j in lane)).append(i)
    plans: dict[int, Plan] = {}
    running: dict[Future[Plan], int] = {}

    def start(lane: list[int]) -> None:
        i = lane.pop(0)
        share = max(1, sizes[i]) / max(1, sizes[i] + sum(sizes[j] for j in lane))
        limit = max(MIN_PART_SECONDS, (until - time.perf_counter()) * share)
        own = [pair for pair in hint or [] if pair[0] in parts[i].people and pair[1] in parts[i].sessions]
        args = (parts[i].instance(instance), limit, each, own or None)
        if pool is None:
            plans[i] = _plan_part(*args)
        else:
            running[pool.submit(_plan_part, *args)] = i

    lane_of = {i: lane for lane in lanes for i in lane}
    for lane in lanes:
        if pool is None:
            while lane:
                start(lane)
        elif lane:
            start(lane)
    while running:
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            i = running.pop(future)
            plans[i] = _result(future, parts[i].instance(instance))
            if lane_of[i]:
                start(lane_of[i])
    return [plans[i] for i in range(len(parts))]


def _result(future: "Future[Plan]", part: Instance) -> Plan:
    """A part's plan; the greedy baseline's for the part if its process failed (the pass across
    the borders then improves it)."""
    try:
        return future.result()
    except Exception:  # a process that died (out of memory, say) must not lose the week's plan
        log.exception("A part of the week could not be planned in its own process")
        return greedy(part)


def _plan_part(instance: Instance, time_limit: float, workers: int, hint: list[Pair] | None) -> Plan:
    return solve_whole(instance, time_limit=time_limit, workers=workers, hint=hint, reasons=False)
