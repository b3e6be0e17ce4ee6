"""Timing requests and reporting them: shared by every benchmark.

A benchmark is a function that takes the `BenchContext` and returns `Measurement`s; add new
ones to the list in `benchmarks/run.py`.

Each timed request of a page is paired with a request of the yardstick (GET /ping, or the minimal
POST for a submit) made by the same client just before it, so the page and its yardstick are timed
under the same load: on a machine shared with other work, a yardstick measured minutes earlier
would make the ratios say more about the load than about the page."""

import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.http.response import HttpResponseBase
from django.test import Client

YARDSTICK = "ping"
Send = Callable[[Client, int], HttpResponseBase]  # makes the n-th request of a measurement


@dataclass
class Measurement:
    name: str
    user: str
    path: str  # the URL pattern measured, e.g. /cases/<id>/
    requests: int
    errors: int  # responses other than 200
    statuses: dict[int, int]
    median_ms: float
    p95_ms: float
    mean_ms: float
    min_ms: float
    max_ms: float
    median_x_ping: float | None = None
    p95_x_ping: float | None = None
    # The yardstick timed alternately with this measurement's requests (see the module's docstring).
    yardstick_median_ms: float | None = None
    yardstick_p95_ms: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class BenchContext:
    """What every benchmark may use: signed-in clients and ids to visit, by user label."""

    clients: dict[str, Client]
    case_ids: dict[str, list[int]]
    requests: int = 200
    warmup: int = 5
    log: Callable[[str], None] = print
    notes: list[str] = field(default_factory=list)

    def measure(self, name: str, user: str, pattern: str, paths: Sequence[str]) -> Measurement:
        """GET `paths` round-robin, `warmup` times untimed and then `requests` times timed, each
        paired with a GET /ping (none when measuring /ping itself)."""
        yardstick = None if pattern == "/ping" else ping_get
        return self.measure_requests(
            name, user, pattern, lambda client, n: client.get(paths[n % len(paths)]), yardstick=yardstick
        )

    def measure_requests(
        self,
        name: str,
        user: str,
        pattern: str,
        send: Send,
        *,
        yardstick: Send | None = None,
    ) -> Measurement:
        """Any request (a POST, say): `send(client, n)` makes the n-th one. `warmup` untimed, then
        `requests` timed, each until its whole response is read, and each just after a timed request
        of the `yardstick` when there is one."""
        client = self.clients[user]
        for n in range(self.warmup):
            send(client, n)
        samples: list[float] = []
        paired: list[float] = []
        statuses: Counter[int] = Counter()
        for n in range(self.requests):
            if yardstick is not None:
                paired.append(timed(client, yardstick, n)[0])
            elapsed, status = timed(client, send, n)
            samples.append(elapsed)
            statuses[status] += 1
        measurement = summarise(name, user, pattern, samples, statuses)
        if paired:
            measurement.yardstick_median_ms = round(statistics.median(paired), 3)
            measurement.yardstick_p95_ms = round(percentile(paired, 0.95), 3)
        self.log(
            f"  {name:<22} {user:<14} median {measurement.median_ms:8.2f} ms  p95 {measurement.p95_ms:8.2f} ms"
            + (
                f"  (yardstick alongside: {measurement.yardstick_median_ms:.2f} / {measurement.yardstick_p95_ms:.2f})"
                if paired
                else ""
            )
            + (f"  ({measurement.errors} not 200: {dict(statuses)})" if measurement.errors else "")
        )
        return measurement


def ping_get(client: Client, n: int) -> HttpResponseBase:
    return client.get("/ping")


def ping_post(client: Client, n: int) -> HttpResponseBase:
    """The smallest signed-in POST: the yardstick for a submit."""
    return client.post("/ping")


def timed(client: Client, send: Send, n: int) -> tuple[float, int]:
    """Milliseconds until the whole response is read, and its status."""
    started = time.perf_counter()
    response = send(client, n)
    if not response.streaming:
        _ = response.content  # type: ignore[attr-defined]
    return (time.perf_counter() - started) * 1000, response.status_code


def percentile(samples: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (share between 0 and 1)."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summarise(name: str, user: str, pattern: str, samples: Sequence[float], statuses: Counter[int]) -> Measurement:
    return Measurement(
        name=name,
        user=user,
        path=pattern,
        requests=len(samples),
        errors=sum(n for status, n in statuses.items() if status != 200),
        statuses=dict(statuses),
        median_ms=round(statistics.median(samples), 3),
        p95_ms=round(percentile(samples, 0.95), 3),
        mean_ms=round(statistics.fmean(samples), 3),
        min_ms=round(min(samples), 3),
        max_ms=round(max(samples), 3),
    )


def add_ratios(measurements: list[Measurement]) -> None:
    """Each measurement as a multiple of its yardstick: the one timed alongside it, or else the
    ping measured for the same user in the same run."""
    pings = {m.user: m for m in measurements if m.name == YARDSTICK}
    for m in measurements:
        ping = pings.get(m.user)
        median, p95 = m.yardstick_median_ms, m.yardstick_p95_ms
        if (median is None or p95 is None) and ping is not None:
            median, p95 = ping.median_ms, ping.p95_ms
        if median and p95:
            m.median_x_ping = round(m.median_ms / median, 2)
            m.p95_x_ping = round(m.p95_ms / p95, 2)


def table(measurements: list[Measurement]) -> str:
    headers = (
        "Benchmark",
        "User",
        "Path",
        "Requests",
        "Not 200",
        "Median ms",
        "p95 ms",
        "Yardstick alongside ms",
        "× ping median",
        "× ping p95",
    )
    rows = [
        (
            m.name,
            m.user,
            m.path,
            str(m.requests),
            str(m.errors),
            f"{m.median_ms:.2f}",
            f"{m.p95_ms:.2f}",
            "" if m.yardstick_median_ms is None else f"{m.yardstick_median_ms:.2f} / {m.yardstick_p95_ms:.2f}",
            "" if m.median_x_ping is None else f"{m.median_x_ping:.1f}",
            "" if m.p95_x_ping is None else f"{m.p95_x_ping:.1f}",
        )
        for m in measurements
    ]
    widths = [max(len(r[i]) for r in (headers, *rows)) for i in range(len(headers))]
    numeric = {3, 4, 5, 6, 7, 8, 9}

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([line(headers), "  ".join("-" * w for w in widths), *(line(r) for r in rows)])
