"""The allocation benchmark: `make bench` (after the web benchmarks), or

    python -m benchmarks.allocation [--sizes small,pdu,region] [--time-limit-pdu 10] [--time-limit-region 60]

Weeks from the engine's generator at three sizes, each planned by the CP-SAT solver and by the
greedy baseline in the same run; every plan is checked by the independent verifier. Needs no
database. Prints a table, writes benchmarks/results/allocation.json and puts the table in
docs/allocation.md. See docs/allocation.md.
"""

import argparse
import json
import multiprocessing
import os
import platform
import resource
import sys
import time
import tracemalloc
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "allocation.json"
DOCS = ROOT / "docs" / "allocation.md"
START, END = "<!-- allocation-benchmark:start -->", "<!-- allocation-benchmark:end -->"

# Region: one week for each PDU of a region, each round its own town (North East England).
REGION_CENTRES = [
    ("Newcastle", (54.978, -1.617)),
    ("Sunderland", (54.906, -1.381)),
    ("Durham", (54.776, -1.575)),
    ("Middlesbrough", (54.574, -1.235)),
    ("Carlisle", (54.892, -2.932)),
]


@dataclass(frozen=True)
class Size:
    name: str
    label: str
    people: int  # per week (per PDU for the region)
    sessions: int
    weeks: int  # PDUs


SIZES = {
    "small": Size("small", "Small", 150, 20, 1),
    "pdu": Size("pdu", "PDU", 600, 60, 1),
    "region": Size("region", "Region", 500, 50, len(REGION_CENTRES)),
}


@dataclass
class Result:
    size: str
    method: str  # "solver" or "greedy"
    pdus: int
    people: int
    sessions: int
    time_limit: float | None
    violations: int
    objective: float
    bound: float | None  # the solver's upper bound (summed over PDUs)
    share_of_bound: float | None
    placements: int
    people_placed: int
    offered_6h: int  # people offered at least 6 hours
    met_minimum: int  # people offered the weekly minimum, or all they owe if less
    eligible: int  # people with at least one session they could be placed in
    continuity: float  # share of placements on the person's last project, where they have one
    mean_travel: float  # minutes, per placement
    seconds: float
    tracemalloc_peak_mib: float
    maxrss_mib: float
    statuses: list[str]


def weeks(size: Size, seed: int) -> list[Any]:
    from payback.allocation.engine.generator import generate

    if size.weeks == 1:
        return [generate(people=size.people, sessions=size.sessions, seed=seed)]
    return [
        generate(people=size.people, sessions=size.sessions, seed=seed * 100 + i, centre=centre)
        for i, (_town, centre) in enumerate(REGION_CENTRES[: size.weeks])
    ]


def measure(size_name: str, method: str, seed: int, time_limit: float, workers: int) -> Result:
    """Plan every week of one size with one method, in this process (run it in a fresh one, so
    that the peak resident memory is this run's own)."""
    from payback.allocation.engine.greedy import greedy
    from payback.allocation.engine.model import travel_minutes
    from payback.allocation.engine.objective import score
    from payback.allocation.engine.rules import candidates
    from payback.allocation.engine.solver import solve
    from payback.allocation.engine.verifier import violations

    size = SIZES[size_name]
    instances = weeks(size, seed)
    plans = []
    tracemalloc.start()
    started = time.perf_counter()
    for index, instance in enumerate(instances):
        if method == "greedy":
            plans.append(greedy(instance))
        else:
            # Share what is left of the budget equally between the weeks still to plan.
            left = time_limit - (time.perf_counter() - started)
            plans.append(solve(instance, time_limit=max(1.0, left / (len(instances) - index)), workers=workers))
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    found = objective = 0.0
    bound = 0.0
    placements = placed = offered_6h = met = eligible = 0
    on_last = with_last = 0
    travel = 0
    for instance, plan in zip(instances, plans, strict=True):
        people = {p.id: p for p in instance.people}
        sessions = {s.id: s for s in instance.sessions}
        found += len(violations(instance, plan.assignments))
        objective += score(instance, plan.assignments)
        bound += plan.bound if plan.bound is not None else float("inf")  # no bound proved: 0 % of it
        minutes: dict[int, int] = {}
        for pid, sid in plan.assignments:
            person, session = people[pid], sessions[sid]
            minutes[pid] = minutes.get(pid, 0) + session.minutes
            travel += travel_minutes(person, session, instance.speed_kmh)
            if person.last_project is not None:
                with_last += 1
                on_last += session.project_id == person.last_project
        placements += len(plan.assignments)
        placed += len(minutes)
        offered_6h += sum(1 for m in minutes.values() if m >= 360)
        fits = candidates(instance)
        eligible += sum(1 for options in fits.values() if options)
        met += sum(
            1
            for p in instance.people
            if minutes.get(p.id, 0) >= min(instance.weights.weekly_minimum_minutes, p.remaining_minutes) > 0
        )
    solver = method == "solver"
    return Result(
        size=size.name,
        method=method,
        pdus=len(instances),
        people=sum(len(i.people) for i in instances),
        sessions=sum(len(i.sessions) for i in instances),
        time_limit=time_limit if solver else None,
        violations=int(found),
        objective=objective,
        bound=bound if solver else None,
        share_of_bound=None,
        placements=placements,
        people_placed=placed,
        offered_6h=offered_6h,
        met_minimum=met,
        eligible=eligible,
        continuity=on_last / with_last if with_last else 0.0,
        mean_travel=travel / placements if placements else 0.0,
        seconds=seconds,
        tracemalloc_peak_mib=peak / 2**20,
        maxrss_mib=maxrss,
        statuses=[p.status for p in plans],
    )


def _child(queue: Any, *args: Any) -> None:
    queue.put(asdict(measure(*args)))


def run_isolated(*args: Any) -> Result:
    """`measure` in a fresh process."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(queue, *args))
    process.start()
    data = queue.get()
    process.join()
    return Result(**data)


def percent(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{100 * value:.{digits}f} %"


def table(results: list[Result]) -> str:
    """A Markdown table: one row per size and method."""
    header = (
        "| size | method | people (PDUs) | sessions | violations | objective ÷ bound "
        "| offered ≥ 6 h (of those who fit a session) | continuity | mean travel | time "
        "| peak memory (tracemalloc / RSS) |"
    )
    lines = [header, "|" + "|".join([" --- "] * (header.count("|") - 1)) + "|"]
    for r in results:
        share = r.share_of_bound
        lines.append(
            f"| {SIZES[r.size].label} | {r.method} | {r.people:,} ({r.pdus}) | {r.sessions} | {r.violations} "
            f"| {percent(share, 3) if r.method == 'solver' else percent(share, 2)} "
            f"| {r.offered_6h:,} of {r.eligible:,} | {percent(r.continuity)} "
            f"| {r.mean_travel:.1f} min | {r.seconds:.2f} s "
            f"| {r.tracemalloc_peak_mib:.0f} MiB / {r.maxrss_mib:.0f} MiB |"
        )
    return "\n".join(lines)


def environment(workers: int) -> dict[str, Any]:
    from importlib.metadata import version

    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "python": platform.python_version(),
        "ortools": version("ortools"),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "system": platform.system(),
        "workers": workers,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def write_docs(text: str) -> bool:
    """Replace the table between the markers in docs/allocation.md."""
    if not DOCS.exists():
        return False
    doc = DOCS.read_text()
    if START not in doc or END not in doc:
        return False
    before, rest = doc.split(START, 1)
    _old, after = rest.split(END, 1)
    DOCS.write_text(f"{before}{START}\n{text}\n{END}{after}")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.allocation", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="small,pdu,region", help="comma-separated: small, pdu, region")
    parser.add_argument("--time-limit-small", type=float, default=10.0, help="seconds for the small week")
    parser.add_argument("--time-limit-pdu", type=float, default=10.0, help="seconds for the PDU week")
    parser.add_argument("--time-limit-region", type=float, default=60.0, help="seconds for all the region's PDUs")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--workers", type=int, default=1, help="CP-SAT workers (default 1)")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the JSON results")
    parser.add_argument("--no-docs", action="store_true", help="do not update the table in docs/allocation.md")
    args = parser.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown size {', '.join(unknown)}: choose from {', '.join(SIZES)}")
    limits = {"small": args.time_limit_small, "pdu": args.time_limit_pdu, "region": args.time_limit_region}

    load_before = round(os.getloadavg()[0], 2)
    results: list[Result] = []
    for name in sizes:
        for method in ("greedy", "solver"):
            print(f"{SIZES[name].label}: {method}…", flush=True)
            results.append(run_isolated(name, method, args.seed, limits[name], args.workers))
        greedy_result, solver_result = results[-2], results[-1]
        if solver_result.bound:
            solver_result.share_of_bound = solver_result.objective / solver_result.bound
            greedy_result.share_of_bound = greedy_result.objective / solver_result.bound

    text = table(results)
    when = datetime.now(UTC)
    env = environment(args.workers)
    env["load_average_before"] = load_before
    caption = (
        f"Measured {when:%Y-%m-%d} on {env['cpu']} ({env['cpus']} cores), Python {env['python']}, "
        f"OR-Tools {env['ortools']}, {args.workers} CP-SAT worker{'s' if args.workers != 1 else ''}; "
        f"generator seed {args.seed}; time limits {limits['small']:g} s (small), {limits['pdu']:g} s (PDU), "
        f"{limits['region']:g} s for the whole region; load average {load_before:g} before the run "
        f"(other work on the machine slows the solver)."
    )
    print()
    print(text)
    print()
    print(caption)
    missed = targets(results)
    for line in missed:
        print(f"Target missed: {line}")

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(
            {
                "generated_at": when.isoformat(timespec="seconds"),
                "seed": args.seed,
                "time_limits": limits,
                "environment": env,
                "results": [asdict(r) for r in results],
                "targets_missed": missed,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"\nWritten to {args.output}")
    if not args.no_docs and write_docs(f"{text}\n\n{caption}"):
        print(f"Table written to {DOCS}")
    return 0


def targets(results: list[Result]) -> list[str]:
    """The issue's targets this run missed, in words."""
    missed = []
    by = {(r.size, r.method): r for r in results}
    for r in results:
        if r.violations:
            missed.append(f"{r.size} {r.method}: {r.violations} hard-rule violations")
    wanted = {"pdu": (0.999, 10.5), "region": (0.997, 60.5)}
    for size, (share, seconds) in wanted.items():
        solver = by.get((size, "solver"))
        if solver is None:
            continue
        if (solver.share_of_bound or 0) < share:
            missed.append(f"{size}: {percent(solver.share_of_bound, 3)} of the bound, wanted {percent(share)}")
        if solver.seconds > seconds:
            missed.append(f"{size}: {solver.seconds:.1f} s")
        if size == "region" and max(solver.maxrss_mib, solver.tracemalloc_peak_mib) >= 1024:
            missed.append(f"region: {solver.maxrss_mib:.0f} MiB resident")
    for size in SIZES:
        solver, greedy = by.get((size, "solver")), by.get((size, "greedy"))
        if solver is None or greedy is None:
            continue
        if solver.objective < greedy.objective:
            missed.append(f"{size}: objective below greedy")
        if solver.offered_6h < greedy.offered_6h:
            missed.append(f"{size}: fewer people offered 6 hours than greedy")
        if solver.met_minimum < greedy.met_minimum:
            missed.append(f"{size}: fewer people offered the weekly minimum than greedy")
        if solver.continuity <= greedy.continuity:
            missed.append(f"{size}: continuity no better than greedy")
        if solver.mean_travel >= greedy.mean_travel:
            missed.append(f"{size}: travel no shorter than greedy")
    return missed


if __name__ == "__main__":
    sys.exit(main())
