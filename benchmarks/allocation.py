"""The allocation benchmark: `make bench` (after the web benchmarks), or

    python -m benchmarks.allocation [--sizes small,pdu,region,regions] [--workers 1,2] [--seed 1]

Generated weeks (`benchmarks.allocation_measure.SIZES`): a small week and a PDU's (10 s each), a
region of five neighbouring PDUs where people may work across the borders (60 s) and three regions
together (120 s), each planned in the same run by the greedy baseline and by the solver with each
number of workers asked for (by default one, and every core). Every plan is checked by the
independent verifier. Needs no database. Prints a table with the machine's load average, writes
benchmarks/results/allocation.json and puts the table in docs/allocation.md. See docs/allocation.md.
"""

import argparse
import json
import multiprocessing
import os
import platform
import sys
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.allocation_measure import SIZES, Result, measure

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "allocation.json"
DOCS = ROOT / "docs" / "allocation.md"
START, END = "<!-- allocation-benchmark:start -->", "<!-- allocation-benchmark:end -->"


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
    """A Markdown table: one row per size, method and number of workers."""
    header = (
        "| week | method | people | sessions | violations | objective ÷ bound | offered ≥ 6 h (of those who fit) "
        "| continuity | mean travel | groups with women a woman supervises | time (processor) | peak memory | load |"
    )
    lines = [header, "|" + "|".join([" --- "] * (header.count("|") - 1)) + "|"]
    for r in results:
        method = "greedy" if r.method == "greedy" else f"solver, {r.workers} worker{'s' if r.workers != 1 else ''}"
        lines.append(
            f"| {SIZES[r.size].label} | {method} | {r.people:,} | {r.sessions} | {r.violations} "
            f"| {percent(r.share_of_bound, 3 if r.method == 'solver' else 2)} "
            f"| {r.offered_6h:,} of {r.eligible:,} | {percent(r.continuity)} | {r.mean_travel:.1f} min "
            f"| {r.female_supervised} of {r.groups_with_women} | {r.seconds:.1f} s ({r.cpu_seconds:.0f} s) "
            f"| {r.peak_rss_mib:,.0f} MiB "
            f"| {r.load_before:g} |"
        )
    return "\n".join(lines)


def with_shares(results: list[Result]) -> None:
    """Each plan's objective as a share of the tightest bound any solver run proved on its week
    (each is a bound on the whole week: CP-SAT's, or the week's linear relaxation)."""
    for size in {r.size for r in results}:
        bounds = [r.bound for r in results if r.size == size and r.bound is not None]
        for r in results:
            if r.size == size and bounds:
                r.share_of_bound = r.objective / min(bounds)


def environment() -> dict[str, Any]:
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
    parser.add_argument("--sizes", default=",".join(SIZES), help=f"comma-separated: {', '.join(SIZES)}")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument(
        "--workers",
        default=f"1,{os.cpu_count() or 1}",
        help="CP-SAT workers for each solver run (default: 1, all cores)",
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the JSON results")
    parser.add_argument("--no-docs", action="store_true", help="do not update the table in docs/allocation.md")
    args = parser.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown size {', '.join(unknown)}: choose from {', '.join(SIZES)}")
    workers = sorted({int(w) for w in args.workers.split(",") if w.strip()})
    if not workers or workers[0] < 1:
        parser.error("--workers must be 1 or more")

    results: list[Result] = []
    for name in sizes:
        runs = [("greedy", 1)] + [("solver", w) for w in workers]
        for method, count in runs:
            print(f"{SIZES[name].label}: {method} ({count} workers), load {os.getloadavg()[0]:.2f}…", flush=True)
            results.append(run_isolated(name, method, args.seed, count))
    with_shares(results)
    report(args, results)
    return 0


def report(args: argparse.Namespace, results: list[Result]) -> None:
    """Print the table, the missed targets, and write the JSON and the docs."""
    text = table(results)
    when = datetime.now(UTC)
    env = environment()
    limits = ", ".join(f"{s.label} {s.time_limit:g} s" for s in SIZES.values())
    caption = (
        f"Measured {when:%Y-%m-%d} on {env['cpu']} ({env['cpus']} cores), Python {env['python']}, "
        f"OR-Tools {env['ortools']}; generator seed {args.seed}; time limits: {limits}. Peak memory: the "
        f"resident size of the process and the processes it started, summed, sampled every 50 ms. Time: wall "
        f"clock, and in brackets the processor time those processes used. Load: the machine's one-minute "
        f"load average as each run began (other work slows the solver)."
    )
    print(f"\n{text}\n\n{caption}")
    missed = targets(results)
    for line in missed:
        print(f"Target missed: {line}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "generated_at": when.isoformat(timespec="seconds"),
        "seed": args.seed,
        "environment": env,
        "results": [asdict(r) for r in results],
        "targets_missed": missed,
    }
    args.output.write_text(json.dumps(data, indent=2) + "\n")
    print(f"\nWritten to {args.output}")
    if not args.no_docs and write_docs(f"{text}\n\n{caption}"):
        print(f"Table written to {DOCS}")


def targets(results: list[Result]) -> list[str]:
    """The targets this run missed, in words: no violations; the PDU week ≥ 99.9 % of the bound
    in 10 s; the region ≥ 99.7 % in 60 s under 1 GiB; three regions, a plan in 120 s under 2 GiB;
    and the solver at least as good as the greedy baseline on hours, better on continuity and
    travel."""
    missed = []
    greedy = {r.size: r for r in results if r.method == "greedy"}
    for r in results:
        name = f"{r.size} {r.method}" + (f" ({r.workers} workers)" if r.workers else "")
        if r.violations:
            missed.append(f"{name}: {r.violations} hard-rule violations")
        if r.method != "solver":
            continue
        size = SIZES[r.size]
        if size.target_share is not None and (r.share_of_bound or 0) < size.target_share:
            missed.append(f"{name}: {percent(r.share_of_bound, 3)} of the bound, wanted {percent(size.target_share)}")
        if r.seconds > size.time_limit + 0.5:
            missed.append(f"{name}: {r.seconds:.1f} s")
        if size.target_mib is not None and r.peak_rss_mib >= size.target_mib:
            missed.append(f"{name}: {r.peak_rss_mib:,.0f} MiB")
        if r.status not in ("OPTIMAL", "FEASIBLE"):
            missed.append(f"{name}: no plan of the solver's own ({r.status})")
        base = greedy.get(r.size)
        if base is not None:
            if r.objective < base.objective or r.offered_6h < base.offered_6h:
                missed.append(f"{name}: below the greedy baseline")
            if r.continuity <= base.continuity or r.mean_travel >= base.mean_travel:
                missed.append(f"{name}: continuity or travel no better than the greedy baseline")
    return missed


if __name__ == "__main__":
    sys.exit(main())
