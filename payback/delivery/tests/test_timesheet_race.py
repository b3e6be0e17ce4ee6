"""The same individual placement timesheet sent twice at once: one line is recorded and credited,
and the other sender gets the form's error, never a server error.

The two submissions run in real transactions on separate connections (one per thread); their flush
empties the rows the migrations load, so those are put back after each (serialized_rollback)."""

import threading
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from payback.delivery import services
from payback.delivery.models import IndividualPlacementTimesheet
from payback.staff.models import Pdu, User
from payback.staff.roles import OPERATIONS_MANAGER, PLACEMENT_COORDINATOR
from payback.testing.builders import Clock, active_project, frozen_today, make_staff, placeable_person, remaining

PLANNING_DAY = date(2026, 12, 21)
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def clock() -> Iterator[Clock]:
    with frozen_today(PLANNING_DAY) as frozen:
        yield frozen


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    return make_staff


def test_two_identical_timesheets_at_once_record_one_line_and_refuse_the_other(
    make_user: Callable[..., User], pdu_a: Pdu, practitioner: User
) -> None:
    coordinator = make_user("cora", role=PLACEMENT_COORDINATOR, pdu=pdu_a)
    manager = make_user("mo", role=OPERATIONS_MANAGER, pdu=pdu_a)
    placement = active_project(coordinator, manager, pdu_a, name="Charity shop", project_type="individual", capacity=1)
    person = placeable_person(practitioner)
    owed = remaining(person)
    worked_on = PLANNING_DAY - timedelta(days=3)

    # Both submissions pass the "already recorded?" check before either saves its line.
    both_checked = threading.Barrier(2, timeout=5)
    create = IndividualPlacementTimesheet.objects.create

    def create_after_both_checked(**fields: Any) -> IndividualPlacementTimesheet:
        both_checked.wait()
        return create(**fields)

    answers: dict[str, Any] = {}

    def send(name: str) -> None:
        try:
            answers[name] = services.timesheet_record(
                actor=coordinator,
                project=placement,
                requirement=person,
                worked_on=worked_on,
                minutes=240,
                beneficiary_supervisor="Jan Ward",
            )
        except Exception as error:  # noqa: BLE001 - the error is the answer under test
            answers[name] = error
        finally:
            connection.close()

    with mock.patch.object(IndividualPlacementTimesheet.objects, "create", create_after_both_checked):
        threads = [threading.Thread(target=send, args=(name,)) for name in ("first", "second")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    recorded = [a for a in answers.values() if isinstance(a, IndividualPlacementTimesheet)]
    refused = [a for a in answers.values() if isinstance(a, ValidationError)]
    assert len(recorded) == 1 and len(refused) == 1, answers
    assert refused[0].message_dict == {"worked_on": ["Hours for this day are already recorded"]}
    assert IndividualPlacementTimesheet.objects.filter(requirement=person).count() == 1
    assert owed - remaining(person) == 240
