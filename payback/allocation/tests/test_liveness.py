"""Runs whose worker died are marked failed (and can be run again): one not heard from for longer
than the limit, one never handed to a worker; one heard from is left alone, and a plan finishing
after its run was marked failed writes nothing. Every worker does this after its heartbeat; the
command does it once."""

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from payback.allocation import liveness, services, tasks
from payback.allocation.models import AllocationRun, RunStatus
from payback.core.heartbeat import Heartbeat
from payback.staff.models import Pdu, User
from payback.staff.roles import PLACEMENT_COORDINATOR

from .weeks import next_monday, small_week

pytestmark = pytest.mark.django_db
LIMIT = 90


@pytest.fixture(autouse=True)
def limit(settings: Any) -> None:
    settings.ALLOCATION_RUN_STALE_SECONDS = LIMIT


def in_making(pdu: Pdu, by: User, *, status: str, heard: float | None, created: float = 0, task_id: str = "t") -> Any:
    now = timezone.now()
    run = AllocationRun.objects.create(
        pdu=pdu, week_start=next_monday(), created_by=by, status=status, progress=25, task_id=task_id
    )
    beaten_at = None if heard is None else now - timedelta(seconds=heard)
    AllocationRun.objects.filter(pk=run.pk).update(beaten_at=beaten_at, created_at=now - timedelta(seconds=created))
    return run


@pytest.fixture
def cora(make_user: Callable[..., User], pdu_a: Pdu) -> User:
    return make_user("cora", role=PLACEMENT_COORDINATOR, pdu=pdu_a)


def test_a_run_not_heard_from_for_longer_than_the_limit_is_failed(cora: User, pdu_a: Pdu, pdu_a2: Pdu) -> None:
    lost = in_making(pdu_a, cora, status=RunStatus.RUNNING, heard=LIMIT + 5)
    alive = in_making(pdu_a2, cora, status=RunStatus.RUNNING, heard=LIMIT - 5)
    assert liveness.fail_stopped_runs() == [lost.pk]
    lost.refresh_from_db()
    assert (lost.status, lost.message, lost.stage, lost.progress) == (
        RunStatus.FAILED,
        liveness.WORKER_LOST,
        "Failed",
        100,
    )
    assert lost.finished_at is not None and lost.plan == {}
    assert AllocationRun.objects.get(pk=alive.pk).status == RunStatus.RUNNING
    assert liveness.fail_stopped_runs() == []  # once


def test_a_run_never_handed_to_a_worker_is_failed_after_the_same_time(cora: User, pdu_a: Pdu, pdu_a2: Pdu) -> None:
    never = in_making(pdu_a, cora, status=RunStatus.QUEUED, heard=None, created=LIMIT + 5, task_id="")
    waiting = in_making(pdu_a2, cora, status=RunStatus.QUEUED, heard=None, created=LIMIT * 10)
    assert liveness.fail_stopped_runs() == [never.pk]
    assert AllocationRun.objects.get(pk=never.pk).message == liveness.TASK_LOST
    # A run waiting its turn in the queue is never failed for waiting: 110 runs may wait long.
    assert AllocationRun.objects.get(pk=waiting.pk).status == RunStatus.QUEUED


def test_every_worker_does_it_after_its_heartbeat_and_the_command_once(cora: User, pdu_a: Pdu, pdu_a2: Pdu) -> None:
    first = in_making(pdu_a, cora, status=RunStatus.RUNNING, heard=LIMIT + 1)
    Heartbeat("worker-1", interval=3600).beat_once()
    assert AllocationRun.objects.get(pk=first.pk).status == RunStatus.FAILED
    second = in_making(pdu_a2, cora, status=RunStatus.RUNNING, heard=LIMIT + 1)
    out = io.StringIO()
    call_command("fail_stopped_runs", stdout=out)
    assert out.getvalue().strip() == f"1 run marked failed: {second.pk}"
    call_command("fail_stopped_runs", stdout=out)
    assert out.getvalue().strip().endswith("0 runs marked failed")


def test_a_plan_finishing_after_its_run_was_marked_failed_writes_nothing(pdu_a: Pdu) -> None:
    week = small_week(pdu_a)
    with mock.patch.object(services, "run_allocation"):  # queued, for the worker below
        run = services.allocation_run_start(actor=week.coordinator, pdu=pdu_a, week_start=week.monday)
    solve = tasks.solve

    def solve_after_being_given_up(*args: Any, **kwargs: Any) -> Any:
        assert tasks.fail_run(run.pk, liveness.WORKER_LOST)  # the reaper, while the solver works
        return solve(*args, **kwargs)

    with mock.patch.object(tasks, "solve", solve_after_being_given_up):
        assert tasks.run_allocation.call(run.pk) == RunStatus.FAILED
    run.refresh_from_db()
    assert (run.status, run.message) == (RunStatus.FAILED, liveness.WORKER_LOST)
    assert run.plan == {} and run.instance == {} and run.score is None and run.stage == "Failed"


def test_a_run_started_while_redis_does_not_answer_is_kept_then_failed_to_run_again(
    cora: User, pdu_a: Pdu, django_capture_on_commit_callbacks: Any
) -> None:
    rq = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    with override_settings(TASKS=rq, RQ_QUEUES={"default": {"URL": "redis://127.0.0.1:1/0"}}):
        with django_capture_on_commit_callbacks(execute=True) as handed_over:
            run = services.allocation_run_start(actor=cora, pdu=pdu_a, week_start=next_monday())
        assert len(handed_over) == 1  # to Redis only once the run is committed
        run.refresh_from_db()
        assert (run.status, run.task_id) == (RunStatus.QUEUED, "")  # kept, not handed over
        assert liveness.fail_stopped_runs() == []  # not yet: it may be handed over in a moment
        later = timezone.now() + timedelta(seconds=LIMIT + 1)
        assert liveness.fail_stopped_runs(now=later) == [run.pk]
    assert AllocationRun.objects.get(pk=run.pk).message == liveness.TASK_LOST
