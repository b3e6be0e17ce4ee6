"""One allocation run in the making per PDU and week, even when "start" is pressed ten times at once.

The starts run in real transactions on separate connections (one per thread); their flush empties
the rows the migrations load, so those are put back after each (serialized_rollback)."""

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.utils import timezone

from payback.allocation import adapter, services
from payback.allocation.models import AllocationRun, RunStatus
from payback.staff.models import Pdu, User
from payback.staff.roles import PLACEMENT_COORDINATOR

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
STARTS = 10


def test_ten_concurrent_starts_make_one_run(make_user: Callable[..., User], pdu_a: Pdu) -> None:
    coordinator = make_user("cora", role=PLACEMENT_COORDINATOR, pdu=pdu_a)
    monday = adapter.monday_of(timezone.localdate()) + timedelta(weeks=1)
    all_ready = threading.Barrier(STARTS, timeout=10)
    answers: list[Any] = []

    def start() -> None:
        try:
            all_ready.wait()
            answers.append(services.allocation_run_start(actor=coordinator, pdu=pdu_a, week_start=monday))
        except Exception as error:  # noqa: BLE001 - the error is the answer under test
            answers.append(error)
        finally:
            connection.close()

    # The planner itself is not under test: the runs stay queued, as they do until the worker takes them.
    with mock.patch.object(services, "run_allocation"):
        threads = [threading.Thread(target=start) for _ in range(STARTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    runs = [a for a in answers if isinstance(a, AllocationRun)]
    refused = [a for a in answers if isinstance(a, ValidationError)]
    assert len(answers) == STARTS
    assert len(runs) == 1 and len(refused) == STARTS - 1, answers
    assert all(
        error.message_dict == {"week_start": ["A plan for this PDU and week is being made now: wait for it to finish"]}
        for error in refused
    )
    assert AllocationRun.objects.filter(pdu=pdu_a, week_start=monday).count() == 1


def test_the_database_refuses_a_second_run_in_the_making(make_user: Callable[..., User], pdu_a: Pdu) -> None:
    coordinator = make_user("cora", role=PLACEMENT_COORDINATOR, pdu=pdu_a)
    monday = adapter.monday_of(timezone.localdate()) + timedelta(weeks=1)
    fields = {"pdu": pdu_a, "week_start": monday, "created_by": coordinator}
    AllocationRun.objects.create(**fields, status=RunStatus.DONE)
    AllocationRun.objects.create(**fields, status=RunStatus.QUEUED)  # a finished run does not count
    with pytest.raises(IntegrityError):
        AllocationRun.objects.create(**fields, status=RunStatus.RUNNING)
