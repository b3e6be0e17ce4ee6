"""A working morning under load: `make bench-load`, or

    LOAD_LOCUST=var/load-venv/bin/locust .venv/bin/python -m benchmarks.load.run [options]

Starts the web server (gunicorn) and the task worker with the production settings against the
national demo data in a database of its own (`payback_load_national`), prepares real sign-ins,
runs each kind of user alone first (the single-user pass: one user, no pause between pages), then
50 users at once for 10 minutes (LOAD_MINUTES to shorten), watching PostgreSQL's connections. Prints
a table and writes benchmarks/results/load/latest.json. See docs/benchmarks.md, "Load"."""

import argparse
import contextlib
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import report
from .server import ROOT, Server, Watch, ensure_database, export, manage, production_env

RESULTS = ROOT / "benchmarks" / "results" / "load"
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
KINDS = ("Practitioner", "Supervisor", "Coordinator", "Public")
COORDINATOR_ACCOUNTS = 8  # each a plan to make (10 s of solving) the first time


def env_number(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=env_number("LOAD_MINUTES", 10), help="load (LOAD_MINUTES)")
    parser.add_argument("--users", type=int, default=int(env_number("LOAD_USERS", 50)), help="at once (LOAD_USERS)")
    parser.add_argument(
        "--spawn-rate", type=float, default=env_number("LOAD_SPAWN_RATE", 1), help="users started a second"
    )
    parser.add_argument(
        "--single-seconds", type=int, default=int(env_number("LOAD_SINGLE_SECONDS", 45)), help="each kind alone"
    )
    parser.add_argument("--database", default=os.environ.get("LOAD_DATABASE", "payback_load_national"))
    parser.add_argument("--server", default=os.environ.get("PG_SERVER", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--port", type=int, default=int(env_number("LOAD_PORT", 8010)))
    parser.add_argument(
        "--commit", default=os.environ.get("LOAD_COMMIT", ""), help="serve this commit's code (LOAD_COMMIT)"
    )
    parser.add_argument("--locust", default=os.environ.get("LOAD_LOCUST", str(ROOT / "var/load-venv/bin/locust")))
    return parser.parse_args(argv)


def prepare(env: dict[str, str], users: int, tree: Path) -> None:
    """Migrate, the shared cache, static files (as `make serve-production`), then the sign-ins."""
    manage(env, "migrate", "--no-input", "-v", "0", tree=tree)
    manage(env, "createcachetable", tree=tree)
    manage(env, "collectstatic", "--no-input", "-v", "0", tree=tree)
    counts = ["--practitioners", str(users + 1), "--supervisors", str(users + 1)]
    counts += ["--coordinators", str(COORDINATOR_ACCOUNTS), "--output", str(RESULTS / "accounts.json")]
    command = [str(ROOT / ".venv/bin/python"), "-m", "benchmarks.load.prepare", *counts]
    subprocess.run(command, cwd=tree, env=env, check=True)


def locust(
    args: argparse.Namespace, name: str, users: int, seconds: int, kinds: list[str], rate: float, **env: str
) -> Path:
    """One headless locust run (`users` started `rate` a second); its CSV prefix."""
    prefix = RESULTS / name
    command = [
        args.locust,
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(rate),
        "--run-time",
        f"{seconds}s",
        "--host",
        f"http://127.0.0.1:{args.port}",
        "--csv",
        str(prefix),
        "--only-summary",
        "--exit-code-on-error",
        "0",
        *kinds,
    ]
    with (RESULTS / f"{name}.log").open("wb") as log:
        subprocess.run(command, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT, check=True)
    return prefix


def environment(env: dict[str, str], commit: str) -> dict[str, Any]:
    with contextlib.suppress(OSError):
        commit = subprocess.run(
            ["git", "rev-parse", "--short", commit or "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip() + ("" if commit else " and the working tree")
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "gunicorn_workers": int(env["WEB_CONCURRENCY"]),
        "commit": commit,
    }


def measure(args: argparse.Namespace, watch: Watch) -> tuple[list[report.Page], dict[str, Any]]:
    print("Warming up: two of each kind for 20 s, not counted…", flush=True)
    locust(args, "warm-up", 2 * len(KINDS), 20, list(KINDS), 8, LOAD_THINK="0", LOAD_ACCOUNT_OFFSET="-3")
    singles = []
    for kind in KINDS:
        watch.phase = "single"
        print(f"Single-user pass: one {kind.lower()} for {args.single_seconds} s…", flush=True)
        prefix = locust(
            args, f"single-{kind.lower()}", 1, args.single_seconds, [kind], 1, LOAD_THINK="0", LOAD_ACCOUNT_OFFSET="-1"
        )
        singles.append(report.read(prefix))
    seconds = round(args.minutes * 60)
    print(f"Load: {args.users} users (started {args.spawn_rate:g} a second) for {seconds} s…", flush=True)
    watch.phase = "load"
    started = time.monotonic()
    prefix = locust(args, "load", args.users, seconds, list(KINDS), args.spawn_rate)
    watch.phase = "after"
    rows = report.compare(report.read(prefix), singles)
    return rows, {"load_seconds": round(time.monotonic() - started, 1), **watch.summary("load")}


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    ensure_database(args.server, args.database)
    tree = export(args.commit) if args.commit else ROOT
    env = production_env(args.server, args.database, args.port, RESULTS / "metrics")
    prepare(env, args.users, tree)
    server = Server(env=env, logs=RESULTS, tree=tree)
    watch = Watch(server=args.server, database=args.database)
    try:
        server.start()
        server.wait_ready(f"http://127.0.0.1:{args.port}")
        watch.web_pid = server.processes[-1].pid
        watch.start()
        rows, figures = measure(args, watch)
    finally:
        watch.stop()
        server.stop()
    print()
    print(report.table(rows))
    print()
    for note in report.verdict(rows):
        print(note)
    print(
        f"The web server used {figures['web_server_cpus']:.2f} CPUs on average under load; the machine was "
        f"{figures['machine_busy_percent']}% busy."
    )
    print(
        f"PostgreSQL connections at most {figures['peak_server_connections']} on the server "
        f"({figures['peak_database_connections']} to {args.database}) of max_connections "
        f"{figures['max_connections']}; load average {figures['load_average_mean']:.1f} on average, "
        f"{figures['load_average_max']:.1f} at most, on {os.cpu_count()} CPUs."
    )
    result = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": args.database,
        "users": args.users,
        "spawn_rate": args.spawn_rate,
        "minutes": args.minutes,
        "single_seconds": args.single_seconds,
        "environment": environment(env, args.commit),
        **figures,
        "pages": [row.as_dict() for row in rows],
        "notes": report.verdict(rows),
    }
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nWritten to {RESULTS / 'latest.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
