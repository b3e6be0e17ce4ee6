"""The pass across the borders between parts of a large week (`decompose`): large neighbourhood
search on the whole week's plan, over the sessions of two neighbouring parts at a time (a day,
linked sessions, two or three days: `neighbourhoods`), each re-planned with the full model and a
better plan kept.

Each neighbourhood is solved as a small problem of its own (`sub_problem`), not by fixing most
of a model of the whole week, which for a region would be large and slow to copy and presolve:
its sessions, the people who may move into or out of them, and everyone already in them (fixed).
What those people are offered outside it is fixed, counted against what they owe and towards
the weekly minimum, and the days it takes are left out; so the small problem's objective is the
week's score less a constant, and the week's score decides whether a plan is better."""

import logging
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, field
from itertools import chain

from .cpsat import SOLVED, STATUS_NAMES
from .model import Instance, Person, Session
from .neighbourhoods import NEIGHBOURHOOD, neighbourhoods
from .objective import Pair, score
from .parts import Part
from .problem import Problem
from .verifier import violations

log = logging.getLogger(__name__)

STALE = 8  # neighbourhoods of one border tried without a real improvement before the next border
MAX_SECONDS = 3.0  # for one neighbourhood
MIN_SECONDS = 0.3  # a neighbourhood needs at least this long to be worth trying


@dataclass
class Week:
    """A week and the sessions each person fits, indexed for building small problems."""

    instance: Instance
    fits: dict[int, list[Session]]
    people: dict[int, Person] = field(init=False)
    sessions: dict[int, Session] = field(init=False)

    def __post_init__(self) -> None:
        self.people = {p.id: p for p in self.instance.people}
        self.sessions = {s.id: s for s in self.instance.sessions}

    def sub_problem(self, plan: list[Pair], free: set[Pair]) -> tuple[Problem, list[Pair]]:
        """The problem in which only the `free` placements may change from `plan`, with the
        plan's placements in it (its start)."""
        inside = {sid for _pid, sid in free}
        by_person: dict[int, list[int]] = defaultdict(list)
        for pid, sid in plan:
            by_person[pid].append(sid)
        movers: dict[int, list[int]] = defaultdict(list)
        for pid, sid in free:
            movers[pid].append(sid)
        involved = set(movers) | {pid for pid, sid in plan if sid in inside}
        fits: dict[int, list[Session]] = {}
        offered: dict[int, int] = {}
        for pid in involved:
            outside = [self.sessions[sid] for sid in by_person[pid] if sid not in inside]
            taken = {s.day for s in outside}
            offered[pid] = sum(s.minutes for s in outside)
            options = {sid for sid in by_person[pid] if sid in inside}
            options |= {sid for sid in movers[pid] if self.sessions[sid].day not in taken}
            fits[pid] = [self.sessions[sid] for sid in sorted(options)]
        week = self.instance
        people, sessions = sorted(involved), sorted(inside)
        sub = Instance(
            people=[self.people[pid] for pid in people],
            sessions=[self.sessions[sid] for sid in sessions],
            weights=week.weights,
            pinned=[(p, s) for p, s in week.pinned if p in involved and s in inside],
            published=[(p, s) for p, s in week.published if p in involved and s in inside],
            speed_kmh=week.speed_kmh,
        )
        return Problem(sub, fits, offered), [(p, s) for p, s in plan if p in involved and s in inside]


Zone = tuple[frozenset[int], list[Pair]]  # parts (by index), and every placement in their sessions


def borders(week: Week, parts: list[Part]) -> list[Zone]:
    """For each two parts some people could be placed in both, every placement anyone could take
    in either part's sessions; the borders most people cross first. A week of no more than
    `NEIGHBOURHOOD` placements is one border, all of it."""
    part_of = {sid: index for index, part in enumerate(parts) for sid in part.sessions}
    crossing: dict[tuple[int, int], int] = defaultdict(int)
    for options in week.fits.values():
        reached = sorted({part_of[s.id] for s in options})
        for i, a in enumerate(reached):
            for b in reached[i + 1 :]:
                crossing[a, b] += 1
    by_part: dict[int, list[Pair]] = defaultdict(list)
    for pid, options in week.fits.items():
        for s in options:
            by_part[part_of[s.id]].append((pid, s.id))
    order = sorted(crossing, key=lambda ab: (-crossing[ab], ab))
    everything = [pair for pairs in by_part.values() for pair in pairs]
    if len(everything) <= NEIGHBOURHOOD:  # a week this small is re-planned whole, to its optimum
        return [(frozenset(range(len(parts))), everything)]
    return [(frozenset((a, b)), by_part[a] + by_part[b]) for a, b in order]


def coordinate(
    week: Week,
    parts: list[Part],
    plan: list[Pair],
    left: Callable[[], float],
    pool: Executor | None = None,
    side: int = 1,
) -> tuple[list[Pair], float | None]:
    """The plan improved across the borders between the parts until no border gives a better
    plan or the time is up (`left`: seconds left); with the bound CP-SAT proved on the week if the
    week was small enough to re-plan whole (else None). With a `pool` (whose workers hold the
    week: `held`), `side` borders of different parts at a time."""
    zones = borders(week, parts)
    if pool is not None and side > 1 and len(zones) > 1:
        return _side_by_side(week, zones, sorted(plan), left, pool, side), None
    search = _Search(week, sorted(plan))
    while zones and left() > MIN_SECONDS:
        before = search.score
        for _parts, zone in zones:
            search.improve(zone, left)
            if left() <= MIN_SECONDS:
                break
        if search.score <= before + 1e-5 * abs(before):  # a round of every border gave nothing real
            break
    return search.plan, search.proved


def _improve_zone(zone: list[Pair], plan: list[Pair], seconds: float) -> list[Pair]:
    """In a worker holding the week (`held`): one border improved from `plan`."""
    from .held import held  # it holds a `Week`, defined here

    search = _Search(held(), plan)
    search.improve(zone, clock(time.perf_counter() + seconds))
    return search.plan


def _side_by_side(
    week: Week, zones: list[Zone], plan: list[Pair], left: Callable[[], float], pool: Executor, side: int
) -> list[Pair]:
    """Borders of different parts improved at once, each from the plan as it was when it began;
    what each changes is kept if nobody it moves was moved meanwhile (its sessions, in its own
    parts, were not)."""
    queue, gained = list(zones), False
    best, best_score = plan, score(week.instance, plan)
    running: dict[Future[list[Pair]], tuple[frozenset[int], list[Pair]]] = {}
    while queue or running:
        busy = set().union(*(parts for parts, _base in running.values()))
        starting = [z for z in queue if not z[0] & busy][: side - len(running)] if left() > MIN_SECONDS else []
        for zone in starting:
            queue.remove(zone)
            busy |= zone[0]
            running[pool.submit(_improve_zone, zone[1], best, left())] = (zone[0], best)
        if not running:
            break
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            _parts, base = running.pop(future)
            merged = merge(best, base, future.result())
            value = score(week.instance, merged)
            if value > best_score and not violations(week.instance, merged):
                gained = gained or value > best_score + 1e-5 * abs(best_score)
                best, best_score = merged, value
        if not queue and not running and gained:  # another round while borders still give
            queue, gained = list(zones), False
    return best


def merge(current: list[Pair], base: list[Pair], found: list[Pair]) -> list[Pair]:
    """`current` with what `found` changed from `base`, if nobody it moves was moved since."""
    removed, added = set(base) - set(found), set(found) - set(base)
    moved = {pid for pid, _sid in removed | added}
    if {pair for pair in current if pair[0] in moved} != {pair for pair in base if pair[0] in moved}:
        return current
    return sorted((set(current) - removed) | added)


class _Search:
    """The best plan so far, its score, and the bound proved on the whole week, if any."""

    def __init__(self, week: Week, plan: list[Pair]) -> None:
        self.week = week
        self.plan = plan
        self.score = score(week.instance, plan)
        self.proved: float | None = None
        self.everything = sum(len(options) for options in week.fits.values())

    def improve(self, zone: list[Pair], left: Callable[[], float]) -> None:
        """Neighbourhoods of one border re-planned in turn from the best plan, a better plan
        kept, until `STALE` give nothing or the time is up."""
        stale = 0
        whole = [set(zone)] if len(zone) <= NEIGHBOURHOOD else []
        for free in chain(whole, neighbourhoods(zone, self.week.sessions, [])):
            if stale >= STALE or left() <= MIN_SECONDS:
                break
            stale = 0 if self._replan(free, left) else stale + 1

    def _replan(self, free: set[Pair], left: Callable[[], float]) -> bool:
        """Re-plan the `free` placements; whether that gave a real improvement."""
        problem, start = self.week.sub_problem(self.plan, free)
        found = problem.run(problem.build(), min(left(), MAX_SECONDS), 1, start=start, free=free)
        if found.status not in SOLVED:
            return False
        if len(free) == self.everything and found.bound is not None:
            # Every placement free and nobody offered anything outside: a bound on the week.
            self.proved = found.bound
        kept = [(p, s) for p, s in self.plan if p not in problem.people or s not in problem.sessions]
        candidate = sorted(kept + found.assignments)
        value = score(self.week.instance, candidate)
        log.debug("%d free: %s, %+g", len(free), STATUS_NAMES.get(found.status), value - self.score)
        if value <= self.score:
            return False
        real = value > self.score + 1e-5 * abs(self.score)
        self.plan, self.score = candidate, value
        return real


def clock(deadline: float) -> Callable[[], float]:
    """Seconds left until `deadline` (a `time.perf_counter` reading)."""
    return lambda: deadline - time.perf_counter()
