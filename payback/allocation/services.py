"""Every write about allocation runs: start one (queued for the worker), change the plan by hand
(checked live against the hard rules), pin choices, re-run around them, publish (the same booking
service as by hand, all or nothing) and re-plan after a supervisor or vehicle is lost."""

from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from payback.core.queue import enqueue_after_commit
from payback.core.services import audit_record
from payback.staff.models import Pdu, User
from payback.staff.selectors import pdus_for

from . import adapter
from .engine.edits import apply_edit
from .engine.instance import from_dict
from .engine.model import Instance
from .engine.objective import score
from .engine.rules import explain, needs_reason
from .models import AllocationBatch, AllocationRun, RunKind, RunStatus
from .tasks import published_pairs, run_allocation

TIME_LIMITS = (10, 30, 60)
BEING_MADE = "A plan for this PDU and week is being made now: wait for it to finish"
WEEKS_AHEAD = 8
STALE = (
    "Not published: the data has changed since the plan was made, so nothing was booked. "
    "Run the plan again, or change these people by hand"
)


def _locked(run: AllocationRun) -> AllocationRun:
    return AllocationRun.objects.select_for_update(of=("self",)).select_related("pdu", "parent").get(pk=run.pk)


def _name(actor: User) -> str:
    return actor.get_full_name() or actor.username


# ---------------------------------------------------------------------------------------------
# Starting a run


def week_error(week_start: date, today: date) -> str | None:
    """Why this week cannot be planned, or None."""
    if week_start.weekday() != 0:
        return "Choose a week: it starts on a Monday"
    if week_start < adapter.monday_of(today):
        return "Choose this week or a later one: a past week cannot be planned"
    if week_start > adapter.monday_of(today) + timedelta(weeks=WEEKS_AHEAD):
        return f"Choose a week in the next {WEEKS_AHEAD} weeks"
    return None


def time_limit_error(time_limit: float) -> str | None:
    return None if 1 <= time_limit <= 120 else "Choose a time limit between 1 and 120 seconds"


@transaction.atomic
def allocation_run_start(
    *,
    actor: User,
    pdu: Pdu,
    week_start: date,
    time_limit: float = 10.0,
    parent: AllocationRun | None = None,
    kind: str = RunKind.PLAN,
    pins: list[list[int]] | None = None,
    removals: list[list[int]] | None = None,
    batch: AllocationBatch | None = None,
) -> AllocationRun:
    """Queue a run of the engine for the PDU and week. The plan is made by a worker."""
    errors: dict[str, str] = {}
    if not pdus_for(actor).filter(pk=pdu.pk).exists():
        errors["pdu"] = "Choose a PDU in your area"
    if week := week_error(week_start, timezone.localdate()):
        errors["week_start"] = week
    if limit := time_limit_error(time_limit):
        errors["time_limit"] = limit
    if not errors and (
        AllocationRun.objects.select_for_update()
        .filter(pdu=pdu, week_start=week_start, status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
        .exists()
    ):
        errors["week_start"] = BEING_MADE
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():  # the database keeps one run in the making per PDU and week
            run = AllocationRun.objects.create(
                pdu=pdu,
                week_start=week_start,
                kind=kind,
                parent=parent,
                time_limit=time_limit,
                created_by=actor,
                pins=pins or [],
                removals=removals or [],
                batch=batch,
                stage="Waiting for the planner to start",
            )
    except IntegrityError:
        raise ValidationError({"week_start": BEING_MADE}) from None
    summary = f"{RunKind(kind).label} started for {pdu.name}, week of {week_start:%-d %B %Y}"
    audit_record(actor=actor, action="allocation.run_started", obj=run, summary=summary)
    # When Redis does not answer, the run is kept, not handed over: the error is logged, and the run
    # is marked failed after ALLOCATION_RUN_STALE_SECONDS, to be run again (see liveness.py).
    enqueue_after_commit(lambda: _queue(run.pk))
    run.refresh_from_db()
    return run


def _queue(run_id: int) -> None:
    """Hand the run to the workers, and keep the task's id on it."""
    result = run_allocation.enqueue(run_id)
    AllocationRun.objects.filter(pk=run_id).update(task_id=str(result.id)[:64])


def _follow_on(
    actor: User,
    run: AllocationRun,
    time_limit: float | None,
    *,
    kind: str,
    pins: list[list[int]] | None = None,
    removals: list[list[int]] | None = None,
) -> AllocationRun:
    """Start a new run for the same PDU and week, following on from `run` (with its time limit
    unless another is given)."""
    return allocation_run_start(
        actor=actor,
        pdu=run.pdu,
        week_start=run.week_start,
        time_limit=time_limit or run.time_limit,
        parent=run,
        kind=kind,
        pins=pins,
        removals=removals,
        batch=run.batch,
    )


@transaction.atomic
def allocation_rerun(*, actor: User, run: AllocationRun, time_limit: float | None = None) -> AllocationRun:
    """Run the plan again around the pins, keeping people out of sessions they were removed from.
    A failed run is retried so: a new run for the same PDU and week (in the same batch)."""
    run = _locked(run)
    if run.status not in (RunStatus.DONE, RunStatus.FAILED):
        raise ValidationError({"run": f"A run that is {run.get_status_display().lower()} cannot be run again"})
    new = _follow_on(actor, run, time_limit, kind=run.kind, pins=run.pins, removals=run.removals)
    AllocationRun.objects.filter(pk=run.pk).update(status=RunStatus.SUPERSEDED)
    return new


@transaction.atomic
def allocation_replan(*, actor: User, run: AllocationRun, time_limit: float | None = None) -> AllocationRun:
    """After publishing, a supervisor or vehicle is lost: plan the week again, where every change
    to a published appointment costs heavily, so only the people affected move."""
    run = _locked(run)
    if run.status != RunStatus.PUBLISHED:
        raise ValidationError({"run": "Only a published plan can be re-planned"})
    if run.week_start + timedelta(days=6) < timezone.localdate():
        raise ValidationError({"run": "The week is over: it cannot be re-planned"})
    if run.children.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.DONE]).exists():
        raise ValidationError({"run": "A re-plan of this plan is already waiting: review or publish it"})
    return _follow_on(actor, run, time_limit, kind=RunKind.REPLAN)


# ---------------------------------------------------------------------------------------------
# Changing the plan by hand


def run_instance(run: AllocationRun) -> Instance:
    """The week as the engine saw it, with the pins and removals made since."""
    instance = from_dict(run.instance)
    removed = [(int(p), int(s)) for p, s in run.removals]
    return replace(
        instance,
        pinned=[(int(p), int(s)) for p, s in run.pins],
        forbidden=sorted(set(instance.forbidden) | set(removed)),
    )


def _reasons(instance: Instance, assignments: list[tuple[int, int]], not_placeable: dict[str, str]) -> dict[str, str]:
    sessions = {s.id: s for s in instance.sessions}
    assigned: dict[int, list[int]] = defaultdict(list)
    for person_id, session_id in assignments:
        assigned[person_id].append(session_id)
    found: dict[str, str] = {}
    for person in instance.people:
        offered = sum(sessions[s].minutes for s in assigned.get(person.id, []))
        if str(person.id) in not_placeable:
            found[str(person.id)] = not_placeable[str(person.id)]
        elif needs_reason(person, offered, instance.weights):
            found[str(person.id)] = explain(person, instance, assigned, offered)
    return found


def _where(run: AllocationRun, session_id: int | None) -> str:
    if session_id is None:
        return "nothing"
    meta = run.plan.get("sessions", {}).get(str(session_id), {})
    day = date.fromisoformat(meta["date"]) if meta.get("date") else None
    return f"{meta.get('project', f'session {session_id}')}" + (f" ({day:%a %-d %b})" if day else "")


def _log(run: AllocationRun, actor: User, action: str, summary: str, **details: Any) -> None:
    run.edits = [
        *run.edits,
        {
            "at": timezone.now().isoformat(timespec="seconds"),
            "by": _name(actor),
            "by_id": actor.pk,
            "action": action,
            "summary": summary,
            **details,
        },
    ]


def _editable(run: AllocationRun) -> None:
    if run.status != RunStatus.DONE:
        raise ValidationError({"run": f"Only a plan ready to review can be changed: this one is {run.status}"})


@transaction.atomic
def allocation_hand_edit(
    *,
    actor: User,
    run: AllocationRun,
    action: str,
    person_id: int,
    session_id: int,
    to_session_id: int | None = None,
) -> AllocationRun:
    """Add a person to a session, move them to another, or remove them. The edit is checked at
    once against every hard rule; a refused edit names the rule it would break. A person placed
    by hand is pinned there; a person taken off a session is kept off it when the plan is re-run."""
    run = _locked(run)
    _editable(run)
    instance = run_instance(run)
    if action not in ("add", "move", "remove"):
        raise ValidationError({"action": "Choose whether to add, move or remove the person"})
    destination = session_id if action == "add" else to_session_id
    blocked = run.plan.get("blocked", {}).get(f"{person_id}:{destination}")
    if blocked and action in ("add", "move"):
        raise ValidationError({"to_session" if action == "move" else "session": f"Refused: {blocked}"})
    if action == "add":
        # Adding by hand overrides an earlier removal from the same session.
        instance = replace(instance, forbidden=[pair for pair in instance.forbidden if pair != (person_id, session_id)])
    after, broken = apply_edit(
        instance,
        run.assignments,
        action=action,
        person_id=person_id,
        session_id=session_id,
        to_session_id=to_session_id,
    )
    if broken is not None:
        raise ValidationError({"to_session" if action == "move" else "session": f"Refused: {broken}"})
    summary, source, target = _record_pins(run, action, person_id, session_id, to_session_id)
    instance = run_instance(run)
    run.plan = {
        **run.plan,
        "assignments": [list(pair) for pair in after],
        "reasons": _reasons(instance, after, run.plan.get("not_placeable", {})),
    }
    run.score = score(instance, after)
    _log(run, actor, action, summary, person=person_id, source=source, target=target)
    run.conflicts = []
    run.save(update_fields=["pins", "removals", "plan", "score", "edits", "conflicts"])
    audit_record(actor=actor, action="allocation.hand_edit", obj=run, summary=summary)
    return run


def _record_pins(
    run: AllocationRun, action: str, person_id: int, session_id: int, to_session_id: int | None
) -> tuple[str, int | None, int | None]:
    """The pins and removals after a hand edit (a person placed by hand is pinned there; one taken
    off is kept off), with the edit in words and the sessions it took them from and to."""
    name = run.plan.get("people", {}).get(str(person_id), {}).get("name", f"Person {person_id}")
    pins = {(int(p), int(s)) for p, s in run.pins}
    removals = {(int(p), int(s)) for p, s in run.removals}
    if action == "add":
        summary = f"Added {name} to {_where(run, session_id)}"
        pins.add((person_id, session_id))
        removals.discard((person_id, session_id))
        source: int | None = None
        target: int | None = session_id
    elif action == "move":
        summary = f"Moved {name} from {_where(run, session_id)} to {_where(run, to_session_id)}"
        pins.discard((person_id, session_id))
        pins.add((person_id, int(to_session_id or 0)))
        removals.add((person_id, session_id))
        removals.discard((person_id, int(to_session_id or 0)))
        source, target = session_id, to_session_id
    else:
        summary = f"Removed {name} from {_where(run, session_id)}"
        pins.discard((person_id, session_id))
        removals.add((person_id, session_id))
        source, target = session_id, None
    run.pins = [list(pair) for pair in sorted(pins)]
    run.removals = [list(pair) for pair in sorted(removals)]
    return summary, source, target


@transaction.atomic
def allocation_pin(*, actor: User, run: AllocationRun, person_id: int, session_id: int, pin: bool) -> AllocationRun:
    """Pin a choice so that a re-run keeps it, or unpin it."""
    run = _locked(run)
    _editable(run)
    if (person_id, session_id) not in set(run.assignments):
        raise ValidationError({"session": "Only a choice in the plan can be pinned"})
    pins = {(int(p), int(s)) for p, s in run.pins}
    if pin == ((person_id, session_id) in pins):
        return run
    name = run.plan.get("people", {}).get(str(person_id), {}).get("name", f"Person {person_id}")
    if pin:
        pins.add((person_id, session_id))
        summary = f"Pinned {name} on {_where(run, session_id)}"
    else:
        pins.discard((person_id, session_id))
        summary = f"Unpinned {name} from {_where(run, session_id)}"
    run.pins = [list(pair) for pair in sorted(pins)]
    _log(run, actor, "pin" if pin else "unpin", summary, person=person_id, source=None, target=session_id)
    run.save(update_fields=["pins", "edits"])
    audit_record(actor=actor, action="allocation.pin", obj=run, summary=summary)
    return run


# ---------------------------------------------------------------------------------------------
# Publishing


def allocation_publish(*, actor: User, run: AllocationRun) -> AllocationRun:
    """Book every placement through the booking service, in one transaction: all or nothing. If
    the data changed since the run (someone went into backlog, a session was stood down, a
    supervisor was lost...), nothing is booked and every conflict is named. Each supervisor is
    then told who is coming."""
    try:
        return _publish(actor=actor, run=run)
    except adapter.PublishConflict as conflict:
        AllocationRun.objects.filter(pk=run.pk).update(conflicts=conflict.conflicts)
        raise ValidationError({"publish": [STALE, *conflict.conflicts]}) from None


@transaction.atomic
def _publish(*, actor: User, run: AllocationRun) -> AllocationRun:
    run = _locked(run)
    if run.status != RunStatus.DONE:
        raise ValidationError({"publish": f"Only a plan ready to review can be published: this one is {run.status}"})
    pairs = run.assignments
    cancel: dict[tuple[int, int], int] = {}
    kept: dict[tuple[int, int], int] = {}
    source = None
    if run.kind == RunKind.REPLAN:
        published = published_pairs(run)
        source = run.parent
        while source is not None and source.status != RunStatus.PUBLISHED:
            source = source.parent
        cancel = {pair: aid for pair, aid in published.items() if pair not in set(pairs)}
        kept = {pair: aid for pair, aid in published.items() if pair in set(pairs)}
        pairs = [pair for pair in pairs if pair not in published]
    people = run.plan.get("people", {})
    made = adapter.book_plan(
        actor=actor,
        pairs=pairs,
        people=people,
        cancel=cancel,
        cancel_reason="Re-planned after a supervisor or vehicle was lost",
    )
    run.appointments = {f"{p}:{s}": aid for (p, s), aid in sorted({**kept, **made}.items())}
    run.status = RunStatus.PUBLISHED
    run.published_at = timezone.now()
    run.published_by = actor
    run.conflicts = []
    run.save(update_fields=["appointments", "status", "published_at", "published_by", "conflicts"])
    if source is not None:
        AllocationRun.objects.filter(pk=source.pk).update(status=RunStatus.SUPERSEDED)
    booked, cancelled = len(made), len(cancel)
    summary = f"Plan published: {booked} appointment{'s' if booked != 1 else ''} booked"
    if run.kind == RunKind.REPLAN:
        summary += f", {cancelled} cancelled"
    audit_record(actor=actor, action="allocation.published", obj=run, summary=summary)
    # Each supervisor gets their list; after a re-plan, only those whose sessions changed.
    affected = {s for _, s in made} | {s for _, s in cancel}
    told = adapter.email_supervisors(
        [pair for pair in run.assignments if source is None or pair[1] in affected], people, week_start=run.week_start
    )
    run.plan = {**run.plan, "supervisors_told": told}
    run.save(update_fields=["plan"])
    return run
