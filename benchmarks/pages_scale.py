"""Whether the caseload and the case page slow as the country grows: the same pages, for the same
users, on PDU-sized demo data (one PDU's cases, 1,600 requirements) in a database of its own, against
what `benchmarks.run` measured on national-sized data (benchmarks/results/latest.json).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/payback python -m benchmarks.pages_scale [--skip-seed]

Run it straight after `benchmarks.run` (national size), so both see the machine under much the same
load. Each page is timed alongside its yardstick (GET /ping) in both runs. Compared: the medians, in
milliseconds and, less sensitive to a change of load between the runs, as multiples of ping; the p95s
are shown too. Target: 1.5 or less for each page and user.
"""

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from .run import DEFAULT_SERVER, RESULTS, context, recreate_database, seed, setup_django, with_database

SCALE_DATABASE = "payback_bench_pdu"
NATIONAL_REQUIREMENTS = 100_000  # the national demo's: the run compared with must have been at that size
PAGES = ("caseload", "caseload at risk", "case page")
TARGET = 1.5
OUTPUT = RESULTS.with_name("pages_scale.json")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pages_scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-seed", action="store_true", help=f"reuse the existing {SCALE_DATABASE} database")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page and user")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests first")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where to write the JSON results")
    args = parser.parse_args(argv)

    server_url = os.environ.get("DATABASE_URL", DEFAULT_SERVER)
    if not args.skip_seed:
        recreate_database(server_url, SCALE_DATABASE)
    setup_django(with_database(server_url, SCALE_DATABASE))
    if not args.skip_seed:
        seed("pdu")

    from . import web
    from .harness import add_ratios

    ctx = context(args.requests, args.warmup, cases=50)
    print("On PDU-sized data:")
    measurements = [*web.bench_ping(ctx), *web.bench_caseload(ctx), *web.bench_caseload_at_risk(ctx)]
    measurements += web.bench_case_page(ctx)
    add_ratios(measurements)
    national = _national_size()
    if national is None:
        print("No national-sized page figures in benchmarks/results/latest.json: run benchmarks.run first.")
        return 0
    lines = [_compare(m.as_dict(), national) for m in measurements if m.name in PAGES]
    print("\n" + "\n".join(line["text"] for line in lines))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({"pdu_size": [m.as_dict() for m in measurements], "compared": lines}, indent=2))
    print(f"\nWritten to {args.output}")
    return 0


def _compare(pdu: dict[str, Any], national: dict[tuple[str, str], dict[str, Any]]) -> dict[str, Any]:
    """The page at national size against the same page at PDU size, for the same user: the medians
    (in milliseconds and as multiples of ping) decide; the p95s, which one burst of the machine's
    other work can move, are shown beside them."""
    at_national = national.get((pdu["name"], pdu["user"]))
    if at_national is None:
        return {"name": pdu["name"], "user": pdu["user"], "text": f"{pdu['name']} ({pdu['user']}): not measured"}
    median = at_national["median_ms"] / pdu["median_ms"]
    p95 = at_national["p95_ms"] / pdu["p95_ms"]
    relative = None
    if at_national["median_x_ping"] and pdu["median_x_ping"]:
        relative = at_national["median_x_ping"] / pdu["median_x_ping"]
    text = (
        f"{pdu['name']} ({pdu['user']}): median {at_national['median_ms']:.1f} ms at national size, "
        f"{pdu['median_ms']:.1f} ms at PDU size: {median:.2f}"
        + (f" ({relative:.2f} as multiples of ping)" if relative is not None else "")
        + f"; p95 {at_national['p95_ms']:.1f} and {pdu['p95_ms']:.1f} ms: {p95:.2f}. "
        f"Target {TARGET:g} or less: {'met' if max(median, relative or 0) <= TARGET else 'not met'}."
    )
    return {
        "name": pdu["name"],
        "user": pdu["user"],
        "median_ratio": median,
        "median_x_ping_ratio": relative,
        "p95_ratio": p95,
        "text": text,
    }


def _national_size() -> dict[tuple[str, str], dict[str, Any]] | None:
    if not RESULTS.exists():
        return None
    results = json.loads(RESULTS.read_text())
    if results.get("counts", {}).get("requirements", 0) < NATIONAL_REQUIREMENTS:
        return None
    found = {(r["name"], r["user"]): r for r in results["results"] if r["name"] in PAGES}
    return found or None


if __name__ == "__main__":
    sys.exit(main())
