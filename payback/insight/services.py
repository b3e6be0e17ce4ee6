"""Keeping the figures: each refresh counts the recent days again (registers and corrections come
in late) and today's stocks, and writes them for every level at once, so that a dashboard reads a
few hundred numbers whatever the size of its area. The whole history is counted only by a rebuild.

`recount` checks the kept figures against a count made afresh from the ledger, the appointments
and the sessions: `manage.py insight_recount` runs it, and the tests do."""

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.db.models import Count, Min, Sum
from django.utils import timezone

from payback.cases.models import LedgerEntry, LedgerKind, Order, Requirement
from payback.core.selectors import policy_book
from payback.delivery.models import Appointment, Incident, Outcome, Session
from payback.staff.models import Pdu

from . import fairness, sources
from .models import Grain, Level, Refresh, RefreshKind, Tally

RECENT_DAYS = 35  # each refresh counts again this many days back, as well as today
STALE_AFTER = timedelta(minutes=15)  # a page showing older figures asks for a refresh
WRITE_BATCH = 5000

Cell = tuple[str, int, date, str]  # level, area, day, measure
Progress = Callable[[str, int, int], None]


def _quiet(stage: str, done: int, total: int) -> None:
    return None


def _areas(pdu_id: int, practitioner_id: int | None, regions: dict[int, int]) -> Iterator[tuple[str, int]]:
    """Every area a PDU's (and a practitioner's) figure counts towards."""
    yield Level.NATIONAL, 0
    yield Level.REGION, regions[pdu_id]
    yield Level.PDU, pdu_id
    if practitioner_id is not None:
        yield Level.PRACTITIONER, practitioner_id


def cells_of(counts: sources.Counts) -> Counter[Cell]:
    """The counts rolled up to every level: the nation, the region, the PDU and the practitioner."""
    regions = dict(Pdu.objects.values_list("pk", "region_id"))
    cells: Counter[Cell] = Counter()
    for (day, pdu_id, practitioner_id, measure), value in counts.items():
        for level, area in _areas(pdu_id, practitioner_id, regions):
            cells[(level, area, day, measure)] += value
    return cells


def _write(grain: str, cells: Counter[Cell]) -> int:
    """Write the cells (none of them zero): by COPY on PostgreSQL, which is several times quicker
    than INSERT for the hundreds of thousands a refresh writes at national size."""
    rows = [(level, area, grain, day, measure, value) for (level, area, day, measure), value in cells.items() if value]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            copy = f"COPY {Tally._meta.db_table} (level, area, grain, day, measure, value) FROM STDIN"
            with cursor.cursor.copy(copy) as writer:
                for row in rows:
                    writer.write_row(row)
        return len(rows)
    fields = ("level", "area", "grain", "day", "measure", "value")
    made = (Tally(**dict(zip(fields, row, strict=True))) for row in rows)
    return len(Tally.objects.bulk_create(made, batch_size=WRITE_BATCH))


def _months(first: date, last: date) -> list[date]:
    month, months = first.replace(day=1), []
    while month <= last:
        months.append(month)
        month += relativedelta(months=1)
    return months


def _count_days(first: date, last: date) -> int:
    """Count the flows for the days from `first` to `last` again, and their months from their days."""
    Tally.objects.filter(grain=Grain.DAY, day__gte=first, day__lte=last).delete()
    written = _write(Grain.DAY, cells_of(sources.flows(first, last)))
    months = _months(first, last)
    Tally.objects.filter(grain=Grain.MONTH, day__in=months).delete()
    month_cells: Counter[Cell] = Counter()
    for month in months:
        rows = (
            Tally.objects.filter(grain=Grain.DAY, day__gte=month, day__lt=month + relativedelta(months=1))
            .values_list("level", "area", "measure")
            .annotate(total=Sum("value"))
        )
        for level, area, measure, total in rows:
            month_cells[(level, area, month, measure)] += total
    return written + _write(Grain.MONTH, month_cells)


def _count_stocks(on: date) -> int:
    Tally.objects.filter(grain=Grain.SNAPSHOT, day=on).delete()
    return _write(Grain.SNAPSHOT, cells_of(sources.stocks(on, policy_book())))


def _recorded(kind: str, first: date, last: date, work: Callable[[], int]) -> Refresh:
    refresh = Refresh.objects.create(kind=kind, started_at=timezone.now(), first_day=first, last_day=last)
    with transaction.atomic():
        cells = work()
    refresh.cells, refresh.finished_at = cells, timezone.now()
    refresh.save(update_fields=["cells", "finished_at"])
    return refresh


def figures_refresh(*, today: date | None = None) -> Refresh:
    """Count the last RECENT_DAYS again, today's stocks, and the outcomes of cases closed lately."""
    today = today or timezone.localdate()
    first = today - timedelta(days=RECENT_DAYS)

    def work() -> int:
        return _count_days(first, today) + _count_stocks(today) + fairness.outcomes_write(closed_since=first)

    return _recorded(RefreshKind.REFRESH, first, today, work)


def history_start() -> date | None:
    """The first day anything was recorded: the earliest sentence, ledger entry, session or incident."""
    starts = [
        Order.objects.aggregate(first=Min("sentence_date"))["first"],
        LedgerEntry.objects.aggregate(first=Min("occurred_on"))["first"],
        Session.objects.aggregate(first=Min("date"))["first"],
        Incident.objects.aggregate(first=Min("occurred_at"))["first"],
    ]
    known = [timezone.localdate(d) if isinstance(d, datetime) else d for d in starts if d is not None]
    return min(known) if known else None


def figures_rebuild(*, today: date | None = None, progress: Progress = _quiet) -> Refresh:
    """Count every day from the first record to today, a month at a time, and today's stocks."""
    today = today or timezone.localdate()
    first = history_start() or today
    months = _months(first, today)

    def work() -> int:
        Tally.objects.all().delete()
        written = 0
        for done, month in enumerate(months, start=1):
            written += _count_days(max(month, first), min(month + relativedelta(months=1, days=-1), today))
            progress("Figures", done, len(months) + 1)
        written += _count_stocks(today) + fairness.outcomes_write(closed_since=None)
        progress("Figures", len(months) + 1, len(months) + 1)
        return written

    return _recorded(RefreshKind.REBUILD, first, today, work)


def last_refresh() -> Refresh | None:
    return Refresh.objects.filter(finished_at__isnull=False).order_by("-finished_at").first()


def refresh_if_stale(*, now: datetime | None = None) -> bool:
    """Ask the worker for a refresh when the figures are older than STALE_AFTER and none is under way."""
    from .tasks import refresh_figures

    now = now or timezone.now()
    if Refresh.objects.filter(finished_at__gte=now - STALE_AFTER).exists():
        return False
    if Refresh.objects.filter(finished_at__isnull=True, started_at__gte=now - STALE_AFTER).exists():
        return False
    refresh_figures.enqueue()
    return True


def current_refresh(*, now: datetime | None = None) -> Refresh | None:
    """The last refresh, for a page to say when its figures were counted; if it is older than
    STALE_AFTER, the worker is asked for another."""
    now = now or timezone.now()
    last = last_refresh()
    if last is None or last.finished_at is None or last.finished_at < now - STALE_AFTER:
        refresh_if_stale(now=now)
    return last


# ---------------------------------------------------------------------------------------------
# The recount


def recount(*, today: date | None = None) -> list[str]:
    """Differences between the kept figures and a count made afresh: every flow at every level over
    the whole history, and the latest stocks. An empty list means they agree."""
    today = today or timezone.localdate()
    first = history_start()
    if first is None:
        return []
    fresh = _totals(cells_of(sources.flows(first, today)).items())
    kept = _totals(
        ((level, area, first, measure), value)
        for level, area, measure, value in Tally.objects.filter(grain=Grain.DAY)
        .values_list("level", "area", "measure")
        .annotate(total=Sum("value"))
    )
    differences = _differ("Since the start", fresh, kept)
    by_month = _totals(
        ((level, area, first, measure), value)
        for level, area, measure, value in Tally.objects.filter(grain=Grain.MONTH)
        .values_list("level", "area", "measure")
        .annotate(total=Sum("value"))
    )
    differences += _differ("Months against days", kept, by_month)
    differences += _differ(
        "The ledger, appointments and sessions by PDU",
        _independent(today),
        {key: value for key, value in kept.items() if key[0] == Level.PDU and key[2] in INDEPENDENT},
    )
    snapshot = last_refresh()
    if snapshot is not None:
        day = snapshot.last_day
        fresh_stocks = _totals(
            ((lv, a, day, m), v) for (lv, a, _, m), v in cells_of(sources.stocks(day, policy_book())).items()
        )
        kept_stocks = _totals(
            ((lv, a, day, m), v)
            for lv, a, m, v in Tally.objects.filter(grain=Grain.SNAPSHOT, day=day).values_list(
                "level", "area", "measure", "value"
            )
        )
        if day == today:
            differences += _differ(f"Stocks on {day:%d %b %Y}", fresh_stocks, kept_stocks)
    return differences


def _totals(cells: Iterable[tuple[Cell, int]]) -> dict[tuple[str, int, str], int]:
    totals: Counter[tuple[str, int, str]] = Counter()
    for (level, area, _, measure), value in cells:
        totals[(level, area, measure)] += value
    return {key: value for key, value in totals.items() if value}


def _differ(what: str, expected: dict[tuple[str, int, str], int], kept: dict[tuple[str, int, str], int]) -> list[str]:
    return [
        f"{what}: {measure} for {level} {area} is {kept.get((level, area, measure), 0)}, counted afresh "
        f"{expected.get((level, area, measure), 0)}"
        for level, area, measure in sorted(set(expected) | set(kept))
        if expected.get((level, area, measure), 0) != kept.get((level, area, measure), 0)
    ]


INDEPENDENT = ("worked_minutes", "ete_minutes", "ordered_minutes", "appointments_due", "sessions_planned")


def _independent(today: date) -> dict[tuple[str, int, str], int]:
    """Some flows counted again a second way: straight from the ledger, the appointments and the
    sessions, by PDU over all time, without the day-by-day counting the kept figures use."""
    totals: Counter[tuple[str, int, str]] = Counter()
    ledger = LedgerEntry.objects.filter(occurred_on__lte=today).values_list("requirement__person__pdu_id", "kind")
    kinds = {
        LedgerKind.WORK: "worked_minutes",
        LedgerKind.ETE: "ete_minutes",
        LedgerKind.COURT_VARIATION: "ordered_minutes",
    }
    for pdu_id, kind, minutes in ledger.annotate(total=Sum("minutes")):
        if kind in kinds:
            totals[(Level.PDU, pdu_id, kinds[kind])] += minutes
    made = Requirement.objects.filter(order__sentence_date__lte=today).values_list("person__pdu_id")
    for pdu_id, minutes in made.annotate(total=Sum("ordered_minutes")):
        totals[(Level.PDU, pdu_id, "ordered_minutes")] += minutes
    due = (
        Appointment.objects.filter(date__lte=today, cancelled_at__isnull=True)
        .exclude(outcome__in=["", Outcome.RESCHEDULED, Outcome.STOOD_DOWN])
        .values_list("person__pdu_id")
    )
    for pdu_id, count in due.annotate(n=Count("id")):
        totals[(Level.PDU, pdu_id, "appointments_due")] += count
    for pdu_id, count in Session.objects.filter(date__lte=today).values_list("project__pdu_id").annotate(n=Count("id")):
        totals[(Level.PDU, pdu_id, "sessions_planned")] += count
    return {key: value for key, value in totals.items() if value}
