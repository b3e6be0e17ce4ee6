"""Reading locust's CSV figures and putting the load beside the single-user pass: one row a page."""

import csv
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

TARGET_RATIO = 3.0  # p95 under load as a multiple of the single-user p95 of the same page
TOTAL = "Aggregated"


@dataclass
class Page:
    name: str
    method: str
    requests: int
    rps: float
    p50: float
    p95: float
    p99: float
    errors: int  # failures other than the public form's rate limit
    rate_limited: int  # 429s from the public form's rate limit, counted apart
    single_requests: int = 0
    single_p95: float | None = None

    @property
    def ratio(self) -> float | None:
        if self.single_p95 is None or self.single_p95 <= 0:
            return None
        return round(self.p95 / self.single_p95, 2)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio}


def _number(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return 0.0


def _rate_limited(prefix: Path) -> dict[tuple[str, str], int]:
    path = Path(f"{prefix}_failures.csv")
    counts: dict[tuple[str, str], int] = {}
    if path.exists():
        with path.open(newline="") as f:
            for row in csv.DictReader(f):
                if "429" in row["Error"]:
                    key = (row["Method"], row["Name"])
                    counts[key] = counts.get(key, 0) + int(row["Occurrences"])
    return counts


def read(prefix: Path) -> dict[str, Page]:
    """Each page in locust's `<prefix>_stats.csv`, and the total (named 'Aggregated')."""
    limited = _rate_limited(prefix)
    pages: dict[str, Page] = {}
    with Path(f"{prefix}_stats.csv").open(newline="") as f:
        for row in csv.DictReader(f):
            key = (row["Type"], row["Name"])
            failures = int(row["Failure Count"])
            rate_limited = limited.get(key, 0) if row["Name"] != TOTAL else sum(limited.values())
            pages[row["Name"]] = Page(
                name=row["Name"],
                method=row["Type"],
                requests=int(row["Request Count"]),
                rps=round(_number(row["Requests/s"]), 2),
                p50=_number(row["50%"]),
                p95=_number(row["95%"]),
                p99=_number(row["99%"]),
                errors=failures - rate_limited,
                rate_limited=rate_limited,
            )
    return pages


def compare(load: dict[str, Page], singles: Sequence[dict[str, Page]]) -> list[Page]:
    """The load's pages, each with the single-user p95 of the same page (the pass with most requests
    of it), the total last."""
    for page in load.values():
        seen = [s[page.name] for s in singles if page.name in s and page.name != TOTAL and s[page.name].requests]
        if seen:
            best = max(seen, key=lambda p: p.requests)
            page.single_requests, page.single_p95 = best.requests, best.p95
    rows = sorted((p for p in load.values() if p.name != TOTAL), key=lambda p: p.name)
    return [*rows, load[TOTAL]] if TOTAL in load else rows


def _ms(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def table(rows: Sequence[Page]) -> str:
    headers = ("Page", "Requests", "Req/s", "p50 ms", "p95 ms", "p99 ms", "Errors", "429", "1-user p95 (n)", "× 1-user")
    cells = [
        (
            "all pages" if p.name == TOTAL else f"{p.name} ({p.method})",
            f"{p.requests:,}",
            f"{p.rps:.2f}",
            _ms(p.p50),
            _ms(p.p95),
            _ms(p.p99),
            str(p.errors),
            str(p.rate_limited),
            "" if p.single_p95 is None else f"{_ms(p.single_p95)} ({p.single_requests})",
            "" if p.ratio is None else f"{p.ratio:.1f}",
        )
        for p in rows
    ]
    widths = [max(len(r[i]) for r in (headers, *cells)) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))

    return "\n".join([line(headers), "  ".join("-" * w for w in widths), *(line(r) for r in cells)])


def verdict(rows: Sequence[Page], min_single: int = 20) -> list[str]:
    """What the figures say against the targets: no errors, and p95 under load within 3× of one user's."""
    pages = [p for p in rows if p.name != TOTAL]
    errors = sum(p.errors for p in pages)
    limited = sum(p.rate_limited for p in pages)
    notes = [f"Errors: {errors} (target 0)" + (f"; {limited} refused by the rate limit (429)" if limited else "")]
    judged = [p for p in pages if p.ratio is not None and p.single_requests >= min_single]
    over = [p for p in judged if p.ratio is not None and p.ratio > TARGET_RATIO]
    notes.append(
        f"p95 under load ÷ single-user p95: {len(judged) - len(over)} of {len(judged)} pages within "
        f"{TARGET_RATIO:g}× (pages with at least {min_single} single-user requests)"
        + (": over it, " + ", ".join(f"{p.name} {p.ratio:.1f}×" for p in over) if over else "")
    )
    return notes
