"""The figures the services keep: register submits (saved, closed, and the conflicts among them)
and how allocation runs end, how long their solver took and the people they left unplaced."""

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from prometheus_client import REGISTRY

from payback.allocation.models import RunStatus
from payback.allocation.services import allocation_run_start
from payback.allocation.tests.weeks import small_week
from payback.delivery import services
from payback.delivery.services import RegisterConflict
from payback.staff.models import Pdu, User
from payback.staff.roles import sync_roles
from payback.testing.builders import (
    EVERY_DAY,
    Clock,
    active_project,
    book,
    frozen_today,
    line,
    placeable_person,
    plan_session,
    submit,
    version_of,
)

pytestmark = pytest.mark.django_db

PLANNING_DAY = date(2026, 12, 21)  # Monday
SESSION_DAY = date(2026, 12, 23)  # Wednesday


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture(autouse=True)
def clock() -> Iterator[Clock]:
    with frozen_today(PLANNING_DAY) as frozen:
        yield frozen


def test_register_submits_and_conflicts_are_counted(
    clock: Clock,
    coordinator: User,
    manager: User,
    practitioner: User,
    supervisor: User,
    pdu_a: Pdu,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    sync_roles()
    session = plan_session(coordinator, active_project(coordinator, manager, pdu_a), SESSION_DAY, supervisor=supervisor)
    (appointment,) = book(coordinator, session, placeable_person(practitioner, availability=EVERY_DAY))
    clock.today = SESSION_DAY
    before = {
        outcome: sample("payback_register_submits_total", outcome=outcome)
        for outcome in ("saved", "closed", "conflict")
    }
    old = version_of(session)
    with django_capture_on_commit_callbacks(execute=True):
        submit(supervisor, session, [line(appointment, "attended_complied")], close=False)
    with pytest.raises(RegisterConflict):
        services.register_submit(
            actor=supervisor, session=session, expected_version=old, idempotency_key="stale", lines=[]
        )
    with django_capture_on_commit_callbacks(execute=True):
        submit(supervisor, session, [line(appointment, "attended_complied")], close=True)
    after = {outcome: sample("payback_register_submits_total", outcome=outcome) for outcome in before}
    assert {outcome: after[outcome] - before[outcome] for outcome in before} == {"saved": 1, "closed": 1, "conflict": 1}


def test_an_allocation_runs_end_is_counted_with_its_solver_time_and_gaps(pdu_a: Pdu) -> None:
    week = small_week(pdu_a)
    done, failed = (sample("payback_allocation_runs_total", outcome=o) for o in ("done", "failed"))
    solved, unplaced = (
        sample("payback_allocation_solve_seconds_count"),
        sample("payback_allocation_unplaced_people_count"),
    )
    run = allocation_run_start(actor=week.coordinator, pdu=week.pdu, week_start=week.monday, time_limit=5)
    assert run.status == RunStatus.DONE
    empty_week = week.monday + timedelta(weeks=2)  # no sessions: the run fails, saying so
    failing = allocation_run_start(actor=week.coordinator, pdu=week.pdu, week_start=empty_week, time_limit=5)
    assert failing.status == RunStatus.FAILED
    assert sample("payback_allocation_runs_total", outcome="done") == done + 1
    assert sample("payback_allocation_runs_total", outcome="failed") == failed + 1
    assert sample("payback_allocation_solve_seconds_count") == solved + 1
    assert sample("payback_allocation_unplaced_people_count") == unplaced + 1
    assert sample("payback_allocation_last_run_finished_timestamp_seconds") > 0
