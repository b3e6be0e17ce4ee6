"""What every demo data builder shares: the seed, the progress line, the rows kept in memory
until they are written, and timestamps kept as built."""

import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol, cast
from zoneinfo import ZoneInfo

from django.db import models

from payback.cases.models import (
    CaseStatus,
    CaseStatusChange,
    DiversityInformation,
    LedgerEntry,
    LedgerKind,
    Order,
    Person,
    Requirement,
)
from payback.core.models import AuditEvent

S = CaseStatus
K = LedgerKind
LONDON = ZoneInfo("Europe/London")
DEFAULT_SEED = 2026
BATCH_SIZE = 5_000
CHUNK_REQUIREMENTS = 2_000  # requirements built in memory before they are written
SENTENCE_SPAN_DAYS = 608  # about 20 months of sentences


class Stream(Protocol):
    def write(self, text: str, /) -> object: ...

    def flush(self) -> None: ...


class DemoDataError(RuntimeError):
    """The generator built something the rules do not allow (a bug in the generator)."""


@dataclass
class SeedResult:
    size: str
    seconds: float
    counts: dict[str, int]

    def summary(self) -> str:
        c = Counter(self.counts)
        return (
            f"Seeded '{self.size}' demo data in {self.seconds:.1f} s: {c['staff']:,} staff, {c['people']:,} people, "
            f"{c['requirements']:,} requirements, {c['ledger_entries']:,} ledger entries "
            f"({c['corrections']:,} corrections), {c['status_changes']:,} status changes, "
            f"{c['audit_events']:,} audit events."
        )


# ---------------------------------------------------------------------------------------------
# Progress on the terminal


class Progress:
    """A progress bar for one phase: percentage, count and rate. Redraws in place on a
    terminal; elsewhere (logs, tests) writes only the final line."""

    def __init__(self, label: str, total: int, unit: str, stream: Stream | None) -> None:
        self.label, self.total, self.unit, self.stream = label, max(total, 1), unit, stream
        self.done = 0
        self.started = time.perf_counter()
        self._drawn = 0.0
        isatty = getattr(stream, "isatty", None)
        self.live = bool(stream is not None and callable(isatty) and isatty())

    def advance(self, count: int) -> None:
        self.done += count
        now = time.perf_counter()
        if self.live and now - self._drawn > 0.1:
            self._drawn = now
            self._draw("\r")

    def finish(self) -> None:
        self._draw("\r" if self.live else "")
        if self.stream is not None:
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self, prefix: str) -> None:
        if self.stream is None:
            return
        elapsed = time.perf_counter() - self.started
        share = min(1.0, self.done / self.total)
        bar = "#" * int(share * 30)
        rate = self.done / elapsed if elapsed > 0 else 0.0
        self.stream.write(
            f"{prefix}{self.label:<8} [{bar:<30}] {share * 100:5.1f}%  {self.done:>9,} {self.unit}"
            f"  {rate:>8,.0f}/s  {elapsed:6.1f} s"
        )
        self.stream.flush()


# ---------------------------------------------------------------------------------------------
# Helpers


def weighted(rng: random.Random, table: Mapping[Any, float]) -> Callable[[], Any]:
    """A fast sampler for a weight table."""
    keys = list(table)
    cumulative: list[float] = []
    total = 0.0
    for key in keys:
        total += table[key]
        cumulative.append(total)

    def pick() -> Any:
        return rng.choices(keys, cum_weights=cumulative)[0]

    return pick


def split(total: int, weights: dict[str, float]) -> dict[str, int]:
    """`total` split in proportion to `weights`, exactly (largest remainder)."""
    weight_sum = sum(weights.values())
    raw = {key: total * w / weight_sum for key, w in weights.items()}
    counts = {key: int(value) for key, value in raw.items()}
    short = total - sum(counts.values())
    for key in sorted(raw, key=lambda k: raw[k] - counts[k], reverse=True)[:short]:
        counts[key] += 1
    return counts


# The case records' times stamped on creation (auto_now_add), which the demo sets itself.
CASE_STAMPS: tuple[tuple[type[models.Model], str], ...] = (
    (Person, "created_at"),
    (DiversityInformation, "recorded_at"),
    (Order, "created_at"),
    (Requirement, "created_at"),
    (LedgerEntry, "created_at"),
    (CaseStatusChange, "changed_at"),
    (AuditEvent, "occurred_at"),
)


def bulk_link(relation: Any, rows: Iterable[models.Model], targets: Iterable[Iterable[int]]) -> None:
    """Link each of the rows just written to its own targets through a many-to-many `relation`
    (such as `Assessment.risk_flags`), in one insert."""
    through = relation.through
    own, other = relation.field.m2m_column_name(), relation.field.m2m_reverse_name()
    links = [through(**{own: row.pk, other: target}) for row, ids in zip(rows, targets, strict=True) for target in ids]
    through.objects.bulk_create(links, batch_size=BATCH_SIZE)


@contextmanager
def historical_timestamps(stamped: Iterable[tuple[type[models.Model], str]] = CASE_STAMPS) -> Iterator[None]:
    """Let bulk_create keep the historical times set on each row instead of stamping 'now'
    (auto_now_add) for the `stamped` model fields; restored afterwards."""
    fields = [cast(models.DateTimeField, model._meta.get_field(name)) for model, name in stamped]
    saved = [(f, f.auto_now_add) for f in fields]
    try:
        for f, _ in saved:
            f.auto_now_add = False
        yield
    finally:
        for f, value in saved:
            f.auto_now_add = value
