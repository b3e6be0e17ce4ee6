"""Whether the national dashboard slows as the country grows: the same page, for the same national
user, on PDU-sized demo data (one PDU's cases) in a database of its own, against what
`benchmarks.run` measured on national-sized data (benchmarks/results/latest.json).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/payback python -m benchmarks.figures_scale
"""

import json
import os
import sys

from .run import DEFAULT_SERVER, RESULTS, recreate_database, seed, setup_django, with_database

SCALE_DATABASE = "payback_bench_pdu"
NATIONAL_REQUIREMENTS = 100_000  # the national demo's: the run measured must have been at that size


def main() -> int:
    server_url = os.environ.get("DATABASE_URL", DEFAULT_SERVER)
    recreate_database(server_url, SCALE_DATABASE)
    setup_django(with_database(server_url, SCALE_DATABASE))
    seed("pdu")

    from django.test import Client

    from payback.staff.models import User

    from .figures import NATIONAL
    from .harness import BenchContext

    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username="head"))
    ctx = BenchContext(clients={"head": client}, case_ids={})
    print("On PDU-sized data:")
    ping = ctx.measure("ping", "head", "/ping", ["/ping"])
    small = ctx.measure("figures national", "head", "/insight/national/0/?period=year", [NATIONAL])
    national = _national_size()
    if national is None:
        print("No national-sized figures in benchmarks/results/latest.json: run benchmarks.run first.")
        return 0
    print(
        f"\nNational dashboard p95: {national['p95_ms']:.1f} ms on national-sized data, {small.p95_ms:.1f} ms on "
        f"PDU-sized data (ping {ping.p95_ms:.2f} ms): ratio {national['p95_ms'] / small.p95_ms:.2f} "
        "(target 1.5 or less)."
    )
    return 0


def _national_size() -> dict[str, float] | None:
    if not RESULTS.exists():
        return None
    results = json.loads(RESULTS.read_text())
    if results.get("counts", {}).get("requirements", 0) < NATIONAL_REQUIREMENTS:
        return None
    return next((r for r in results["results"] if r["name"] == "figures national"), None)


if __name__ == "__main__":
    sys.exit(main())
