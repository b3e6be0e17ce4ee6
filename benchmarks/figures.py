"""Management information: the dashboard for the country, a PDU and a caseload, and the national
outcomes by protected characteristic, each for the financial year to date (the most the kept
figures are read for). Also how long a refresh of the figures takes at this size.

The figures must not slow as the country grows: the national dashboard's p95 against a PDU's in
the same run is noted here, and against the same national page on PDU-sized data by
`benchmarks.figures_scale` (run by `make bench` after this)."""

import time

from .harness import BenchContext, Measurement

YEAR = "?period=year"
NATIONAL = "/insight/national/0/" + YEAR


def bench_figures(ctx: BenchContext) -> list[Measurement]:
    from payback.insight.services import figures_refresh
    from payback.staff.models import User

    started = time.perf_counter()
    refresh = figures_refresh()
    ctx.notes.append(
        f"Refreshing the figures (35 days and today's stocks) took {time.perf_counter() - started:.1f} s "
        f"and wrote {refresh.cells:,} figures."
    )
    practitioner = User.objects.get(username="practitioner")
    pdu_id = practitioner.pdu_id  # one PDU's page, read again and again like the national page
    ping = ctx.measure("ping (figures)", "head", "/ping", ["/ping"])
    national = ctx.measure("figures national", "head", "/insight/national/0/?period=year", [NATIONAL])
    pdu = ctx.measure("figures PDU", "head", "/insight/pdu/<id>/?period=year", [f"/insight/pdu/{pdu_id}/{YEAR}"])
    own = ctx.measure(
        "figures caseload",
        "practitioner",
        "/insight/practitioner/<id>/?period=year",
        [f"/insight/practitioner/{practitioner.pk}/{YEAR}"],
    )
    fairness = ctx.measure(
        "fairness national", "head", "/insight/national/0/fairness/", ["/insight/national/0/fairness/"]
    )
    ctx.notes.append(
        f"Figures: national dashboard p95 {national.p95_ms:.1f} ms, a PDU's {pdu.p95_ms:.1f} ms: national/PDU "
        f"{national.p95_ms / pdu.p95_ms:.2f} (target 1.5 or less); national p95 {national.p95_ms / ping.p95_ms:.1f}× "
        f"ping's p95 of {ping.p95_ms:.2f} ms in the same run (target 20× or less)."
    )
    return [ping, national, pdu, own, fairness]
