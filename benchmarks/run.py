"""Run the benchmarks: `make bench`, or

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/payback python -m benchmarks.run [options]

Creates (dropping it first) its own database `payback_bench` on the server named by
DATABASE_URL, migrates it, times `seed_demo --size national`, then measures page latency
in process with Django's test client. Prints a table and writes benchmarks/results/latest.json.
See docs/benchmarks.md.
"""

import argparse
import contextlib
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from .harness import BenchContext, Measurement

BENCH_DATABASE = "payback_bench"
SIZES = ("small", "pdu", "region", "national")  # as seed_demo --size (read before Django is set up)
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/payback"
RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"
ROOT = Path(__file__).resolve().parents[1]


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def recreate_database(server_url: str, name: str = BENCH_DATABASE) -> None:
    """Drop and create the benchmark database, connected to the server's `postgres` database."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(with_database(server_url, "postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(bench_url: str) -> None:
    """Point Django at the benchmark database with the test settings: DEBUG off (as in
    production, so no query log and no debug rendering) and a fast password hasher."""
    os.environ["DATABASE_URL"] = bench_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "payback.config.settings.test"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-not-used-anywhere-else")
    import django

    django.setup()


def benchmarks() -> list[tuple[str, Callable[["BenchContext"], list["Measurement"]]]]:
    """Every benchmark, in the order run. The first, ping, is the yardstick for the others:
    add new measurements to the end of this list."""
    from . import figures, register, web

    return [
        ("ping", web.bench_ping),
        ("caseload", web.bench_caseload),
        ("caseload_at_risk", web.bench_caseload_at_risk),
        ("case_page", web.bench_case_page),
        ("register_submit", register.bench_register_submit),
        ("figures", figures.bench_figures),
    ]


def seed(size: str) -> dict[str, float]:
    from django.core.management import call_command
    from django.db import connection

    timings: dict[str, float] = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    timings["migrate_seconds"] = round(time.perf_counter() - started, 1)
    print(f"Migrated in {timings['migrate_seconds']} s; seeding '{size}'…", flush=True)
    started = time.perf_counter()
    call_command("seed_demo", size=size)
    timings["seed_seconds"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    timings["vacuum_analyze_seconds"] = round(time.perf_counter() - started, 1)
    return timings


def counts() -> dict[str, int]:
    from payback.cases.models import LedgerEntry, Person, Requirement
    from payback.core.models import AuditEvent
    from payback.staff.models import User

    return {
        "staff": User.objects.count(),
        "people": Person.objects.count(),
        "requirements": Requirement.objects.count(),
        "ledger_entries": LedgerEntry.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }


def context(requests: int, warmup: int, cases: int) -> "BenchContext":
    """Clients signed in as the national head of unpaid work and as a PDU practitioner, and
    up to `cases` requirements each of them may open."""
    from django.test import Client

    from payback.cases.models import Requirement
    from payback.staff.models import User

    from .harness import BenchContext

    clients: dict[str, Client] = {}
    case_ids: dict[str, list[int]] = {}
    for label, username in (("head", "head"), ("practitioner", "practitioner")):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise SystemExit(f"No user '{username}': seed the benchmark database first (run without --skip-seed).")
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients[label] = client
        visible = Requirement.objects.order_by("id")
        if label == "practitioner":
            visible = visible.filter(person__practitioner=user)
        ids = list(visible.values_list("id", flat=True))
        step = max(1, len(ids) // cases)
        case_ids[label] = ids[::step][:cases]
    return BenchContext(clients=clients, case_ids=case_ids, requests=requests, warmup=warmup)


def environment() -> dict[str, Any]:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()
    commit = ""
    with contextlib.suppress(OSError):
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()
    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": server[0] if server else "",
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "commit": commit,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=list(SIZES), default="national", help="demo data size (default national)")
    parser.add_argument("--skip-seed", action="store_true", help=f"reuse the existing {BENCH_DATABASE} database")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per benchmark and user")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests first")
    parser.add_argument("--cases", type=int, default=50, help="different case pages to visit")
    parser.add_argument("--only", nargs="*", default=None, help="run only these benchmarks (ping always runs)")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the JSON results")
    args = parser.parse_args(argv)

    server_url = os.environ.get("DATABASE_URL", DEFAULT_SERVER)
    bench_url = with_database(server_url, BENCH_DATABASE)
    if not args.skip_seed:
        print(f"Creating database {BENCH_DATABASE}…", flush=True)
        recreate_database(server_url)
    setup_django(bench_url)

    timings = {} if args.skip_seed else seed(args.size)
    ctx = context(args.requests, args.warmup, args.cases)
    print(f"Measuring ({args.requests} requests each after {args.warmup} warm-up requests):", flush=True)

    from .harness import add_ratios, table

    measurements = []
    for name, bench in benchmarks():
        if args.only is not None and name != "ping" and name not in args.only:
            continue
        measurements.extend(bench(ctx))
    add_ratios(measurements)

    data_counts = counts()
    print()
    if timings:
        print(
            f"Seeded '{args.size}' in {timings['seed_seconds']} s "
            f"(migrate {timings['migrate_seconds']} s, VACUUM ANALYZE {timings['vacuum_analyze_seconds']} s)"
        )
    print(", ".join(f"{name.replace('_', ' ')}: {n:,}" for name, n in data_counts.items()))
    print()
    print(table(measurements))
    errors = sum(m.errors for m in measurements)
    if errors:
        print(f"\n{errors} responses were not 200: see 'statuses' in the results.")
    for note in ctx.notes:
        print(f"\n{note}")

    result = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": BENCH_DATABASE,
        "size": None if args.skip_seed else args.size,
        "reused_database": args.skip_seed,
        **timings,
        "counts": data_counts,
        "requests_per_benchmark": args.requests,
        "warmup_requests": args.warmup,
        "environment": environment(),
        "results": [m.as_dict() for m in measurements],
        "notes": ctx.notes,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nWritten to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
