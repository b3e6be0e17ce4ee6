"""A region's or the country's plans for one week, made at once: one run for each PDU (about 110
for the country), each queued as a task of its own that any worker on any machine may take. The
runs are the ordinary ones (started by allocation_run_start, made by run_allocation); the batch
groups them, so that their progress can be followed region by region and the failed ones run
again (a retry is a new run for the same PDU and week, in the same batch)."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone

from payback.core.services import audit_record
from payback.staff.models import Pdu, Region, Scope, User
from payback.staff.selectors import pdus_for

from .models import AllocationBatch, AllocationRun, BatchScope, RunStatus
from .services import BEING_MADE, allocation_rerun, allocation_run_start, time_limit_error, week_error

ACROSS_PDUS = "Only staff who plan for a region or for the country can plan all their PDUs at once"
PUBLISHED = "A plan for this week is already published: re-plan it from its page"


def may_plan_across(user: User) -> bool:
    return user.scope in (Scope.REGION, Scope.NATIONAL)


def _area(actor: User, region: Region | None) -> tuple[str, Region | None]:
    """The scope and region of a batch this member of staff may start; refused otherwise."""
    if not may_plan_across(actor):
        raise ValidationError({"region": ACROSS_PDUS})
    if actor.scope == Scope.REGION:
        if region is not None and region.pk != actor.region_id:
            raise ValidationError({"region": "Choose your own region"})
        return BatchScope.REGION, actor.region
    return (BatchScope.REGION, region) if region is not None else (BatchScope.NATIONAL, None)


@transaction.atomic
def allocation_batch_start(
    *, actor: User, week_start: date, region: Region | None = None, time_limit: float = 10.0
) -> AllocationBatch:
    """Queue a run of the week for every PDU of the region (or of the country: no region, for
    national staff). A PDU whose plan for the week is being made, or already published, is left
    out and named. All the runs are queued, or none (one transaction; with Redis, the tasks are
    handed over once it commits)."""
    scope, area = _area(actor, region)
    errors = {}
    if week := week_error(week_start, timezone.localdate()):
        errors["week_start"] = week
    if limit := time_limit_error(time_limit):
        errors["time_limit"] = limit
    if errors:
        raise ValidationError(errors)
    batch = AllocationBatch.objects.create(
        scope=scope, region=area, week_start=week_start, time_limit=time_limit, created_by=actor
    )
    pdus = pdus_for(actor).filter(region=area) if area is not None else pdus_for(actor)
    published = set(
        AllocationRun.objects.filter(week_start=week_start, status=RunStatus.PUBLISHED).values_list("pdu", flat=True)
    )
    skipped = []
    for pdu in pdus.order_by("region__name", "name"):
        why = PUBLISHED if pdu.pk in published else _start(actor, pdu, batch)
        if why:
            skipped.append({"pdu": pdu.name, "reason": why})
    batch.skipped = skipped
    batch.save(update_fields=["skipped"])
    started = len(pdus) - len(skipped)
    summary = (
        f"Plans started for {started} PDU{'s' if started != 1 else ''} in {batch.area}, week of {week_start:%-d %B %Y}"
    )
    audit_record(actor=actor, action="allocation.batch_started", obj=batch, summary=summary)
    return batch


def _start(actor: User, pdu: Pdu, batch: AllocationBatch) -> str | None:
    """Start the PDU's run in the batch; why not, when it is being made already."""
    try:
        allocation_run_start(
            actor=actor, pdu=pdu, week_start=batch.week_start, time_limit=batch.time_limit, batch=batch
        )
    except ValidationError as error:
        if error.message_dict.get("week_start") == [BEING_MADE]:
            return BEING_MADE
        raise
    return None


@transaction.atomic
def allocation_batch_retry(*, actor: User, batch: AllocationBatch, run: AllocationRun | None = None) -> int:
    """Run again the failed run given, or every failed run of the batch in the actor's area (all,
    or none); how many were started."""
    failed = [r for r in latest_runs(batch, actor) if r.status == RunStatus.FAILED]
    if run is not None:
        failed = [r for r in failed if r.pk == run.pk]
        if not failed:
            raise ValidationError({"run": "Only a failed run of these plans can be run again"})
    for each in failed:
        allocation_rerun(actor=actor, run=each)
    return len(failed)


# ---------------------------------------------------------------------------------------------
# Reading


def batches_for(user: User) -> QuerySet[AllocationBatch]:
    """The batches with a run in the user's area (for regional staff, their region's too, even
    with every PDU left out): each shows only the runs of that area."""
    batches = AllocationBatch.objects.select_related("region", "created_by")
    if user.scope == Scope.NATIONAL:
        return batches
    area = Q(pk__in=AllocationRun.objects.filter(pdu__in=pdus_for(user), batch__isnull=False).values("batch"))
    if user.scope == Scope.REGION:
        area |= Q(region_id=user.region_id or 0)
    return batches.filter(area)


def batch_get(user: User, pk: int) -> AllocationBatch:
    batch = batches_for(user).filter(pk=pk).first()
    if batch is None:
        raise Http404("No such plans in your area")
    return batch


# The people in a run's plan, and how many of them it places, counted by the database: the page
# asks for 110 runs every two seconds, and a large PDU's plan is too big to read each time.
PLAN_COUNTS = {
    "postgresql": (
        "(SELECT count(*) FROM jsonb_object_keys(coalesce(allocation_allocationrun.plan -> 'people', '{}')))",
        "(SELECT count(DISTINCT pair ->> 0) FROM"
        " jsonb_array_elements(coalesce(allocation_allocationrun.plan -> 'assignments', '[]')) AS pair)",
    ),
    "sqlite": (
        "(SELECT count(*) FROM json_each(allocation_allocationrun.plan, '$.people'))",
        "(SELECT count(DISTINCT json_extract(value, '$[0]'))"
        " FROM json_each(allocation_allocationrun.plan, '$.assignments'))",
    ),
}


def latest_runs(batch: AllocationBatch, user: User) -> list[AllocationRun]:
    """Each PDU's latest run in the batch, in the user's area (a retry replaces the run it retried),
    with the counts of its plan (``plan_people``, ``plan_placed``) but not the plan itself."""
    people, placed = PLAN_COUNTS[connection.vendor]
    runs = (
        batch.runs.filter(pdu__in=pdus_for(user))
        .select_related("pdu__region")
        .defer("instance", "plan", "pins", "removals", "edits", "appointments")
        .annotate(plan_people=RawSQL(people, ()), plan_placed=RawSQL(placed, ()))  # noqa: S611 - fixed SQL, no input
        .order_by("created_at", "id")
    )
    latest: dict[int, AllocationRun] = {}
    for run in runs:
        latest[run.pdu_id] = run
    return sorted(latest.values(), key=lambda r: (r.pdu.region.name, r.pdu.name))


@dataclass(frozen=True)
class RunRow:
    run: AllocationRun
    placed: int | None
    people: int | None

    @property
    def gap_percent(self) -> float | None:
        gap = self.run.gap
        return None if gap is None else round(100 * gap, 1)

    def payload(self) -> dict[str, object]:
        return {**self.run.status_payload(), "placed": self.placed, "people": self.people, "gap": self.gap_percent}


@dataclass(frozen=True)
class RegionRuns:
    region: Region
    rows: list[RunRow]

    @property
    def finished(self) -> int:
        return sum(1 for row in self.rows if row.run.finished)

    @property
    def failed(self) -> int:
        return sum(1 for row in self.rows if row.run.status == RunStatus.FAILED)

    @property
    def progress(self) -> int:
        return round(sum(row.run.progress for row in self.rows) / len(self.rows)) if self.rows else 100


def _row(run: AllocationRun) -> RunRow:
    if run.status not in (RunStatus.DONE, RunStatus.PUBLISHED, RunStatus.SUPERSEDED):
        return RunRow(run, None, None)
    return RunRow(run, getattr(run, "plan_placed", None), getattr(run, "plan_people", None))


def by_region(batch: AllocationBatch, user: User) -> list[RegionRuns]:
    """The batch's runs in the user's area, region by region (in name order), each PDU's latest."""
    regions: dict[int, RegionRuns] = {}
    for run in latest_runs(batch, user):
        region = run.pdu.region
        regions.setdefault(region.pk, RegionRuns(region, [])).rows.append(_row(run))
    return list(regions.values())


def status_payload(regions: list[RegionRuns]) -> dict[str, object]:
    """What the batch's page follows while its runs are made."""
    rows = [row for group in regions for row in group.rows]
    finished = sum(1 for row in rows if row.run.finished)
    failed = sum(1 for row in rows if row.run.status == RunStatus.FAILED)
    return {
        "finished": finished == len(rows),
        "failed": failed,
        "summary": f"{finished} of {len(rows)} plans finished, {failed} failed",
        "runs": [row.payload() for row in rows],
    }
