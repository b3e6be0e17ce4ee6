"""Page latency, in process with Django's test client (no network, no web server): what the
application and the database cost for each page, measured against the smallest signed-in
page, /ping, in the same run."""

from .harness import BenchContext, Measurement


def bench_ping(ctx: BenchContext) -> list[Measurement]:
    return [ctx.measure("ping", user, "/ping", ["/ping"]) for user in ctx.clients]


def bench_caseload(ctx: BenchContext) -> list[Measurement]:
    return [ctx.measure("caseload", user, "/cases/", ["/cases/"]) for user in ctx.clients]


def bench_caseload_at_risk(ctx: BenchContext) -> list[Measurement]:
    path = "/cases/?flag=at_risk"
    return [ctx.measure("caseload at risk", user, path, [path]) for user in ctx.clients]


def bench_case_page(ctx: BenchContext) -> list[Measurement]:
    results = []
    for user in ctx.clients:
        ids = ctx.case_ids.get(user) or [0]
        results.append(ctx.measure("case page", user, "/cases/<id>/", [f"/cases/{pk}/" for pk in ids]))
    return results
