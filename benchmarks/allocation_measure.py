"""One measurement of the allocation benchmark (`benchmarks.allocation`): a generated week planned
by one method, in a fresh process, with what the plan achieves, how long it took and the peak
memory of the process and every process it started (the parts planned side by side)."""

import os
import resource
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SAMPLE_SECONDS = 0.05


@dataclass(frozen=True)
class Size:
    name: str
    label: str
    people: int
    sessions: int
    regions: int  # 0: one PDU's week (`generate`); else regions of five PDUs (`generate_region`)
    time_limit: float
    target_share: float | None  # of the bound
    target_mib: float | None


SIZES = {
    "small": Size("small", "Small", 150, 20, 0, 10.0, None, None),
    "pdu": Size("pdu", "PDU", 600, 60, 0, 10.0, 0.999, None),
    "region": Size("region", "Region", 2300, 330, 1, 60.0, 0.997, 1024.0),
    "regions": Size("regions", "Three regions", 2300, 330, 3, 120.0, None, 2048.0),
}


@dataclass
class Result:
    size: str
    method: str  # "greedy" or "solver"
    workers: int | None  # CP-SAT workers (cores) for the solver
    people: int
    sessions: int
    time_limit: float | None
    violations: int
    objective: float
    bound: float | None  # the plan's own bound on the whole week (CP-SAT's, or the relaxation's)
    share_of_bound: float | None  # of the tightest bound any solver run proved on the week
    status: str
    placements: int
    offered_6h: int  # people offered at least 6 hours
    eligible: int  # people with at least one session they could be placed in
    continuity: float  # share of placements on the person's last project, where they have one
    mean_travel: float  # minutes, per placement
    groups_with_women: int  # group sessions with a woman in them
    female_supervised: int  # of those, the groups a woman supervises
    seconds: float
    cpu_seconds: float  # used by the process and the processes it started (other work takes the rest)
    peak_rss_mib: float  # the process and its children together, sampled
    maxrss_self_mib: float
    maxrss_children_mib: float
    load_before: float
    load_after: float


def week(size: Size, seed: int) -> Any:
    from payback.allocation.engine.generator import generate, generate_region

    if not size.regions:
        return generate(people=size.people, sessions=size.sessions, seed=seed)
    return generate_region(people=size.people, sessions=size.sessions, seed=seed, regions=size.regions)


class MemorySampler:
    """The peak resident memory of this process and all its descendants together, read from
    /proc every `SAMPLE_SECONDS` (Linux; elsewhere 0)."""

    def __init__(self) -> None:
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "MemorySampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kib = max(self.peak_kib, _tree_rss_kib(os.getpid()))
            self._stop.wait(SAMPLE_SECONDS)


def _tree_rss_kib(root: int) -> int:
    children: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children[parent].append(int(entry.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def measure(size_name: str, method: str, seed: int, workers: int) -> Result:
    """Plan one week of one size with one method, in this process (a fresh one, so the peaks
    are this run's own). Generating the week is not timed."""
    from payback.allocation.engine.greedy import greedy
    from payback.allocation.engine.solver import solve
    from payback.allocation.engine.verifier import violations

    size = SIZES[size_name]
    instance = week(size, seed)
    solver = method == "solver"
    load_before = os.getloadavg()[0]
    cpu = _cpu_seconds()
    with MemorySampler() as memory:
        started = time.perf_counter()
        plan = solve(instance, time_limit=size.time_limit, workers=workers) if solver else greedy(instance)
        seconds = time.perf_counter() - started
    return Result(
        size=size.name,
        method=method,
        workers=workers if solver else None,
        people=len(instance.people),
        sessions=len(instance.sessions),
        time_limit=size.time_limit if solver else None,
        violations=len(violations(instance, plan.assignments)),
        objective=plan.objective,
        bound=plan.bound,
        share_of_bound=None,
        status=plan.status,
        seconds=seconds,
        cpu_seconds=_cpu_seconds() - cpu,
        peak_rss_mib=memory.peak_kib / 1024,
        maxrss_self_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # KiB on Linux
        maxrss_children_mib=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        load_before=round(load_before, 2),
        load_after=round(os.getloadavg()[0], 2),
        **outcomes(instance, plan.assignments),
    )


def _cpu_seconds() -> float:
    """Processor time of this process and its finished children, user and system."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def outcomes(instance: Any, assignments: list[tuple[int, int]]) -> dict[str, Any]:
    """What a plan gives people: placements, people offered 6 hours (of those who fit a session),
    continuity, mean travel and female supervisors for groups with women."""
    from payback.allocation.engine.model import travel_cost
    from payback.allocation.engine.rules import candidates

    people = {p.id: p for p in instance.people}
    sessions = {s.id: s for s in instance.sessions}
    minutes: dict[int, int] = defaultdict(int)
    members: dict[int, list[int]] = defaultdict(list)
    travel = on_last = with_last = 0
    for pid, sid in assignments:
        person, session = people[pid], sessions[sid]
        minutes[pid] += session.minutes
        members[sid].append(pid)
        travel += travel_cost(person, session, instance.speed_kmh)
        if person.last_project is not None:
            with_last += 1
            on_last += session.project_id == person.last_project
    with_women = [
        sessions[sid].supervisor_female
        for sid, pids in members.items()
        if not sessions[sid].individual and any(people[p].female for p in pids)
    ]
    return {
        "placements": len(assignments),
        "offered_6h": sum(1 for m in minutes.values() if m >= 360),
        "eligible": sum(1 for options in candidates(instance).values() if options),
        "continuity": on_last / with_last if with_last else 0.0,
        "mean_travel": travel / len(assignments) if assignments else 0.0,
        "groups_with_women": len(with_women),
        "female_supervised": sum(with_women),
    }
