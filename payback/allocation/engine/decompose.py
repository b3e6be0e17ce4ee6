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
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from contextlib import nullcontext
from typing import Any

from ortools.sat.python import cp_model

from . import parts as partition
from .border import Week, clock, coordinate
from .fallback import without_solver_plan
from .greedy import greedy, place
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
    # The reasons and the verifier take longer on a large week: a larger margin than a PDU's.
    left = clock(started + time_limit - min(4.0, max(0.1, 0.05 * time_limit)))
    side = max(1, min(workers, round(pair_count(fits) / part_pairs)))
    with _pool(side) as pool:
        relaxed = relax(instance, fits)
        parts = split(instance, fits, relaxed.values, part_pairs)
        log.debug("relaxation %s, %d parts, %.1f s left", relaxed.bound, len(parts), left())
        if len(parts) <= 1:
            return solve_whole(instance, time_limit=time_limit, workers=workers, hint=hint, fits=fits, started=started)
        until = time.perf_counter() + PARTS_SHARE * left()
        sizes = [sum(1 for pid in part.people for s in fits[pid] if s.id in part.sessions) for part in parts]
        plans = _plan_parts(pool, instance, parts, sizes, hint, min(side, len(parts)), workers, until)
    if any(plan.status == "INFEASIBLE" for plan in plans):  # pins that cannot all be kept
        return without_solver_plan(instance, started, time_limit, cp_model.INFEASIBLE)
    baseline = place(instance, fits)
    together = sorted(pair for plan in plans for pair in plan.assignments)
    known = {(pid, s.id) for pid, options in fits.items() for s in options}
    starts = [together, baseline] + ([[pair for pair in hint if pair in known]] if hint else [])
    start = max((a for a in starts if not violations(instance, a)), key=lambda a: score(instance, a), default=[])
    log.debug("parts %s, together %s, %.1f s left", [p.gap for p in plans], score(instance, start), left())
    final, proved = coordinate(Week(instance, fits), parts, start, left)
    log.debug("across the borders %s, %.1f s left", score(instance, final), left())
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


def _pool(side: int) -> Any:
    """Processes for the parts (none with one at a time), started at once: they start while the
    relaxation is solved. Threads with `IN_PROCESSES` off (CP-SAT releases the interpreter while
    it searches, but building each model holds it)."""
    if side == 1:
        return nullcontext(None)
    if not IN_PROCESSES:
        return ThreadPoolExecutor(max_workers=side)
    # Started afresh ("spawn"), never a copy of this process ("fork"), which may hold threads.
    pool = ProcessPoolExecutor(max_workers=side, mp_context=multiprocessing.get_context("spawn"))
    for _ in range(side):
        pool.submit(_ready)
    return pool


def _ready() -> None:
    """Nothing: a process's first task, so that it has started and loaded the engine."""


def _plan_parts(
    pool: Executor | None,
    instance: Instance,
    parts: list[Part],
    sizes: list[int],
    hint: list[Pair] | None,
    side: int,
    workers: int,
    until: float,
) -> list[Plan]:
    """Each part's plan, `side` parts at a time, the largest first, each given its share by size
    (`sizes`: its candidate placements) of the time left until `until`, on its share of the CP-SAT
    workers."""
    each = max(1, workers // side)
    queue = sorted(range(len(parts)), key=lambda i: (-sizes[i], i))
    waiting = max(1, sum(sizes))
    plans: dict[int, Plan] = {}
    running: dict[Future[Plan], int] = {}
    while queue or running:
        while queue and len(running) < side:
            i = queue.pop(0)
            share = min(1.0, side * sizes[i] / waiting)
            waiting = max(1, waiting - sizes[i])
            limit = max(MIN_PART_SECONDS, (until - time.perf_counter()) * share)
            own = [pair for pair in hint or [] if pair[0] in parts[i].people and pair[1] in parts[i].sessions]
            args = (parts[i].instance(instance), limit, each, own or None)
            if pool is None:
                plans[i] = _plan_part(*args)
            else:
                running[pool.submit(_plan_part, *args)] = i
        if running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                i = running.pop(future)
                plans[i] = _result(future, parts[i].instance(instance))
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
