"""The background task that makes a plan: read the week, solve, explain, save. It runs in a
worker (`manage.py run_worker`), never in a request, and records its progress on the run so the
coordinator's page can show it.

While it works, a thread beside it records that it is alive (``beaten_at``) every
``ALLOCATION_RUN_BEAT_SECONDS``: a run whose worker died stops being heard from, and is marked
failed (see liveness.py). Every write after the start is made only while the run is still
running, and the plan is saved in one write at the end: a run marked failed is never written
over, and a run whose worker died has no plan, never part of one."""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tasks import task

from payback.core import metrics

from . import adapter
from .engine.instance import to_dict
from .engine.model import Plan
from .engine.rules import candidates
from .engine.solver import solve
from .engine.verifier import violations
from .models import AllocationRun, RunKind, RunStatus

logger = logging.getLogger(__name__)

# A plan is kept when CP-SAT found one, or when it found none in time and the greedy baseline's plan
# keeps every rule (the plan's note then says so, and the coordinator sees it on the run).
SOLVED = ("OPTIMAL", "FEASIBLE", "GREEDY")


def _update(run_id: int, progress: int, stage: str, **fields: Any) -> None:
    AllocationRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
        progress=progress, stage=stage, beaten_at=timezone.now(), **fields
    )


def fail_run(run_id: int, message: str, *, unless_heard_since: datetime | None = None) -> bool:
    """Mark a run in the making failed, with why (unless it was heard from since the time given);
    False when it had finished (or was heard from)."""
    in_making = AllocationRun.objects.filter(pk=run_id, status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
    if unless_heard_since is not None:
        in_making = in_making.exclude(beaten_at__gte=unless_heard_since)
    failed = in_making.update(
        status=RunStatus.FAILED, progress=100, stage="Failed", message=message, finished_at=timezone.now()
    )
    if failed:
        metrics.allocation_run_finished("failed")
    return bool(failed)


def _fail(run_id: int, message: str) -> str:
    fail_run(run_id, message)
    return RunStatus.FAILED


def _start(run_id: int) -> bool:
    """Take a queued run; False when another worker took it, or it is no longer waiting."""
    now = timezone.now()
    return bool(
        AllocationRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
            status=RunStatus.RUNNING, progress=5, stage="Reading the week", started_at=now, beaten_at=now
        )
    )


def published_pairs(run: AllocationRun) -> dict[tuple[int, int], int]:
    """For a re-plan: the pairs of the published plan it starts from, with their appointments."""
    source = run.parent
    while source is not None and source.status != RunStatus.PUBLISHED:
        source = source.parent
    if source is None:
        return {}
    pairs = {}
    for key, appointment_id in source.appointments.items():
        person_id, session_id = (int(part) for part in key.split(":"))
        pairs[(person_id, session_id)] = int(appointment_id)
    return pairs


def make_plan(run_id: int) -> str:
    """Make the plan for one run; the status it ends in."""
    run = AllocationRun.objects.select_related("pdu", "parent").filter(pk=run_id).first()
    if run is None:
        return "missing"
    if run.status != RunStatus.QUEUED or not _start(run_id):
        return _status(run_id)
    try:
        published = published_pairs(run) if run.kind == RunKind.REPLAN else {}
        week = adapter.read_week(
            run.pdu,
            run.week_start,
            pinned=[(int(p), int(s)) for p, s in run.pins],
            forbidden=[(int(p), int(s)) for p, s in run.removals],
            published=published,
        )
    except adapter.NoSessions as error:
        return _fail(run_id, str(error))
    instance = week.instance
    notes = list(week.notes)
    instance.pinned = _kept_pins(week, notes)

    _update(run_id, 25, f"Solving: {len(instance.people)} people, {len(instance.sessions)} sessions")
    plan = solve(instance, time_limit=run.time_limit)
    if plan.status not in SOLVED:
        return _fail(run_id, _unsolved(plan.status, run.time_limit))
    if plan.note:
        notes.append(plan.note)

    _update(run_id, 80, "Explaining who was not placed")
    problems = violations(instance, plan.assignments)
    if problems:
        logger.error("Allocation run %s broke hard rules: %s", run_id, problems)
        return _fail(run_id, "The plan broke a hard rule and was not kept: " + "; ".join(problems[:5]))

    _update(run_id, 95, "Saving the plan")
    if not _save(run_id, week, plan, notes=notes, published=published):
        return _status(run_id)
    return RunStatus.DONE


def _status(run_id: int) -> str:
    return str(AllocationRun.objects.values_list("status", flat=True).get(pk=run_id))


def _kept_pins(week: adapter.Week, notes: list[str]) -> list[tuple[int, int]]:
    """The pinned choices the week still allows. One it no longer allows cannot be kept: a note
    says so rather than the run failing."""
    fits = candidates(week.instance)
    kept_pins = []
    for person_id, session_id in week.instance.pinned:
        if any(s.id == session_id for s in fits.get(person_id, [])):
            kept_pins.append((person_id, session_id))
        else:
            name = week.people.get(person_id, {}).get("name", f"Person {person_id}")
            project = week.sessions.get(session_id, {}).get("project", "a session")
            notes.append(f"The pin of {name} on {project} was dropped: it no longer fits the rules")
    return kept_pins


def _unsolved(status: str, time_limit: float) -> str:
    """Why no plan was made, in words a coordinator can act on."""
    if status == "INFEASIBLE":
        return "No plan keeps every pinned choice within the rules: unpin some choices and run the plan again"
    return f"No plan was found within the time limit of {time_limit:g} seconds: run it again with a longer time limit"


def _save(
    run_id: int, week: adapter.Week, plan: Plan, *, notes: list[str], published: dict[tuple[int, int], int]
) -> bool:
    """The plan on the run, ready to review: the week as the engine saw it, and what the pages show.
    False when the run is no longer running (marked failed meanwhile): then nothing is written."""
    reasons = adapter.final_reasons(week.not_placeable, plan.reasons)
    saved = AllocationRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
        status=RunStatus.DONE,
        progress=100,
        stage="Done",
        message="",
        finished_at=timezone.now(),
        solver_status=plan.status,
        score=plan.objective,
        bound=plan.bound,
        solve_seconds=round(plan.seconds, 3),
        instance=to_dict(week.instance),
        pins=[list(pair) for pair in week.instance.pinned],
        plan={
            "assignments": [list(pair) for pair in plan.assignments],
            "reasons": {str(k): v for k, v in sorted(reasons.items())},
            "not_placeable": {str(k): v for k, v in sorted(week.not_placeable.items())},
            "blocked": {f"{p}:{s}": reason for (p, s), reason in sorted(week.blocked.items())},
            "people": {str(k): v for k, v in week.people.items()},
            "sessions": {str(k): v for k, v in week.sessions.items()},
            "notes": notes,
            "published_from": [[p, s] for p, s in sorted(published)],
        },
    )
    if saved:
        metrics.allocation_run_finished("done", solve_seconds=plan.seconds, unplaced=len(reasons))
    return bool(saved)


def _beat(run_id: int) -> None:
    AllocationRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(beaten_at=timezone.now())


@contextmanager
def beating(run_id: int, *, interval: float | None = None) -> Iterator[None]:
    """Record that the run is alive every `interval` seconds while the block runs (from a thread
    of its own: the solver does not return to Python until it is done)."""
    stopping = threading.Event()
    every = interval or settings.ALLOCATION_RUN_BEAT_SECONDS

    def keep_beating() -> None:
        try:
            while not stopping.wait(every):
                _beat(run_id)
        except Exception:
            logger.warning("Allocation run %s could not record that it is alive", run_id, exc_info=True)
        finally:
            connection.close()  # the thread's own connection

    thread = threading.Thread(target=keep_beating, name=f"allocation-run-{run_id}-beat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stopping.set()
        thread.join(timeout=every + 5)


@task()
def run_allocation(run_id: int) -> str:
    try:
        with beating(run_id):
            status = make_plan(run_id)
        logger.info("Allocation run %s ended %s", run_id, status)
        return status
    except Exception:
        logger.exception("Allocation run %s failed", run_id)
        _fail(run_id, "The plan could not be made because of an error in the service: try again later")
        raise
