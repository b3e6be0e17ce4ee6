"""The register's credit for the session that completes an order counts the earned reduction that
credit earns itself: only the work still needed is credited, and the register line says so."""

from collections.abc import Iterator
from datetime import date

import pytest

from payback.cases.models import CaseStatus, LedgerKind, Requirement
from payback.cases.selectors import requirement_balance
from payback.cases.services import ledger_credit_work
from payback.core.models import PolicyVersion
from payback.staff.models import Pdu, User
from payback.staff.roles import OPERATIONS_MANAGER, PLACEMENT_COORDINATOR
from payback.testing.builders import (
    Clock,
    active_project,
    book,
    frozen_today,
    line,
    make_staff,
    placeable_person,
    plan_session,
    submit,
)

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-12-23", at="17:00")]

PLANNING_DAY = date(2026, 12, 21)
SESSION_DAY = date(2026, 12, 23)
SCHEME = {"threshold_percent": 25, "minutes_per_hour": 30, "cap_percent": 25}


@pytest.fixture(autouse=True)
def clock() -> Iterator[Clock]:
    with frozen_today(PLANNING_DAY) as frozen:
        yield frozen


def test_the_session_that_completes_an_order_credits_only_the_work_still_needed(
    clock: Clock, practitioner: User, supervisor: User, pdu_a: Pdu
) -> None:
    PolicyVersion.objects.create(
        key="earned_reduction", effective_from=date(2021, 1, 1), value=dict(SCHEME), reason="s.37 commences"
    )
    coordinator = make_staff("cora", role=PLACEMENT_COORDINATOR, pdu=pdu_a)
    manager = make_staff("mo", role=OPERATIONS_MANAGER, pdu=pdu_a)
    person: Requirement = placeable_person(practitioner, hours=100)
    # 72 hours worked before: 47 beyond the threshold earn 23 h 30; 4 h 30 are owed.
    worked = requirement_balance(person).work_minutes
    ledger_credit_work(
        actor=practitioner,
        requirement=person,
        minutes=72 * 60 - worked,
        occurred_on=date(2026, 6, 1),
        source="earlier_work",
    )
    assert requirement_balance(person).remaining_minutes == 270
    session = plan_session(coordinator, active_project(coordinator, manager, pdu_a), SESSION_DAY, supervisor=supervisor)
    (appointment,) = book(coordinator, session, person)
    clock.today = SESSION_DAY

    result = submit(supervisor, session, [line(appointment, "attended_complied")])

    # 3 hours of work earn the last 1 h 30 of reduction: 75 hours worked, 25 earned, nothing owed.
    (credit,) = result.lines
    assert credit["credited_minutes"] == 180
    assert credit["note"].startswith("capped at 3 hours of the ")
    assert "with the 1 hour 30 minutes of earned reduction it earns" in credit["note"]
    appointment.refresh_from_db()
    assert appointment.credit_note == credit["note"]  # the explanation stays with the appointment
    balance = requirement_balance(person)
    assert (balance.work_minutes, balance.earned_reduction_minutes, balance.remaining_minutes) == (4500, 1500, 0)
    person.refresh_from_db()
    assert person.status == CaseStatus.COMPLETED
    assert person.ledger.filter(kind=LedgerKind.WORK, source="session").get().minutes == 180
