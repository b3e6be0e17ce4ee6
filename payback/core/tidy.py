"""Records kept only as long as they are needed, then deleted: sign-in codes, the counts the
sign-in limits go by, API tokens long expired. Each app says, when it starts, what it keeps and for
how long (`keep_for`); `manage.py tidy_records`, run daily, deletes what is older. Nothing here is
part of a case's history: the audit trail and the records of work are kept by their own rules."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet


@dataclass(frozen=True)
class Kept:
    """A kind of record and how long it is kept: `older_than(cutoff)` is what may go."""

    label: str  # "sign-in codes asked for by people on probation"
    days: int
    older_than: Callable[[datetime], QuerySet]


_KEPT: dict[str, Kept] = {}


def keep_for(label: str, *, days: int, older_than: Callable[[datetime], QuerySet]) -> None:
    """Say that records of a kind are kept for `days`; once, when the app starts (again: no change)."""
    if days < 1:
        raise ValueError("Records are kept for at least a day")
    _KEPT[label] = Kept(label=label, days=days, older_than=older_than)


def kept() -> list[Kept]:
    return sorted(_KEPT.values(), key=lambda k: k.label)


def tidy(*, now: datetime, on_progress: Callable[[Kept, int], None] | None = None) -> dict[str, int]:
    """Delete every kind of record past its time, each kind in a transaction of its own: how many of each."""
    deleted = {}
    for kind in kept():
        with transaction.atomic():
            count, _ = kind.older_than(now - timedelta(days=kind.days)).delete()
        deleted[kind.label] = count
        if on_progress is not None:
            on_progress(kind, count)
    return deleted
