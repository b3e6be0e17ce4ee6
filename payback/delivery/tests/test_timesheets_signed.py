"""Timesheets signed online by the beneficiary's contact: the minutes from the start, the end and the
breaks; a day the person has no live booking on the placement refused; times that overlap hours
already recorded for the person that day refused; a day already on the case from the register
refused; each refusal naming its field, with nothing saved; what is signed credited through the
same ledger rules as a session and a typed-in timesheet."""

from collections.abc import Iterator
from datetime import date, time, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from payback.cases.models import LedgerKind, Requirement
from payback.delivery import services
from payback.delivery.models import IndividualPlacementTimesheet
from payback.delivery.services.timesheets import (
    SignedTimes,
    times_errors,
    times_overlap,
    timesheet_summary,
    worked_minutes,
)
from payback.projects.models import Project
from payback.staff.models import Pdu, User
from payback.staff.roles import OPERATIONS_MANAGER, PLACEMENT_COORDINATOR
from payback.testing.builders import (
    EVERY_DAY,
    Clock,
    active_project,
    book,
    frozen_today,
    line,
    make_staff,
    placeable_person,
    plan_session,
    remaining,
    submit,
)

TODAY = date(2026, 11, 18)
MONDAY = date(2026, 11, 16)


def signed(start: time | None = time(9), end: time | None = time(13), breaks: int = 30, **words: str) -> SignedTimes:
    return SignedTimes(start, end, breaks, words.get("tasks", "Sorting"), words.get("note", ""), "alex@shop.example")


# ---------------------------------------------------------------------------------------------
# The pure rules


def test_minutes_are_from_start_to_end_less_the_breaks() -> None:
    assert worked_minutes(time(9), time(13, 30), 30) == 240
    assert worked_minutes(time(9), time(9, 1), 0) == 1


def test_spans_overlap_when_they_share_a_minute_and_not_when_they_touch() -> None:
    assert times_overlap((time(9), time(12)), (time(11), time(13)))
    assert times_overlap((time(9), time(17)), (time(10), time(11)))
    assert not times_overlap((time(9), time(12)), (time(12), time(13)))


def test_each_problem_with_the_times_is_named_by_its_field() -> None:
    assert times_errors(signed()) == {}
    assert times_errors(signed(None, None)) == {
        "started_at": "Enter the time they started",
        "ended_at": "Enter the time they finished",
    }
    assert times_errors(signed(time(13), time(9))) == {
        "ended_at": "The time they finished must be after the time they started"
    }
    assert times_errors(signed(time(9), time(10), 60)) == {
        "break_minutes": "The breaks must be shorter than the time from start to finish"
    }
    assert times_errors(signed(time(6), time(19, 30), 30)) == {
        "ended_at": "A day's timesheet can be at most 12 hours, not counting breaks"
    }
    assert times_errors(signed(breaks=-1)) == {"break_minutes": "Enter the minutes of breaks, from 0 to 720"}
    assert times_errors(signed(tasks=" ")) == {"tasks": "Enter the tasks they did"}
    assert times_errors(signed(note="x" * 2001)) == {"note": "Keep the note to 2,000 characters or fewer"}


# ---------------------------------------------------------------------------------------------
# Recorded and credited


@pytest.fixture(autouse=True)
def clock() -> Iterator[Clock]:
    with frozen_today(TODAY) as frozen:
        yield frozen


@pytest.fixture
def coordinator(pdu_a: Pdu) -> User:
    return make_staff("cora", role=PLACEMENT_COORDINATOR, pdu=pdu_a)


@pytest.fixture
def shop(coordinator: User, pdu_a: Pdu) -> Project:
    manager = make_staff("mo", role=OPERATIONS_MANAGER, pdu=pdu_a)
    with frozen_today(date(2026, 3, 3)):
        return active_project(coordinator, manager, pdu_a, name="Charity shop", project_type="individual", capacity=1)


@pytest.fixture
def jo(practitioner: User, coordinator: User, shop: Project) -> Requirement:
    with frozen_today(date(2026, 3, 3)):
        person = placeable_person(practitioner, first_name="Jo", availability=EVERY_DAY)
    with frozen_today(date(2026, 11, 9)):
        book(coordinator, plan_session(coordinator, shop, MONDAY, supervisor=None, capacity=1), person)
    return person


def sign(shop: Project, jo: Requirement, times: SignedTimes, day: date = MONDAY) -> IndividualPlacementTimesheet:
    return services.timesheet_record(
        actor=None, project=shop, requirement=jo, worked_on=day, beneficiary_supervisor="Alex Ward", signed=times
    )


def refusal(shop: Project, jo: Requirement, times: SignedTimes, day: date = MONDAY) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        sign(shop, jo, times, day)
    return refused.value.message_dict


def test_a_signed_timesheet_is_credited_like_a_session(shop: Project, jo: Requirement) -> None:
    owed = remaining(jo)
    sheet = sign(shop, jo, signed(time(9), time(13, 30), 30, tasks="Sorted donations", note="Worked well"))
    assert (sheet.minutes, sheet.started_at, sheet.ended_at, sheet.break_minutes) == (240, time(9), time(13, 30), 30)
    assert (sheet.tasks, sheet.note, sheet.signed_by_email, sheet.entered_by) == (
        "Sorted donations",
        "Worked well",
        "alex@shop.example",
        None,
    )
    assert sheet.signed_at is not None
    entry = sheet.credited_entry
    assert entry is not None and (entry.kind, entry.minutes, entry.occurred_on) == (LedgerKind.WORK, 240, MONDAY)
    assert entry.reason == "Charity shop, signed online by Alex Ward"
    assert owed - remaining(jo) == 240
    assert timesheet_summary(sheet) == "09:00 to 13:30, 30 minutes of breaks: 4 hours"


def test_overlapping_times_a_day_with_no_placement_and_a_future_day_are_refused(shop: Project, jo: Requirement) -> None:
    sign(shop, jo, signed(time(9), time(12), 0))
    owed = remaining(jo)
    assert refusal(shop, jo, signed(time(11, 30), time(14), 0)) == {
        "started_at": ["These times overlap hours already recorded for that day, from 09:00 to 12:00"]
    }
    assert refusal(shop, jo, signed(), MONDAY + timedelta(days=1)) == {
        "worked_on": ["Jo has no placement here on 17 November 2026"]
    }
    assert refusal(shop, jo, signed(), TODAY + timedelta(days=1))["worked_on"] == [
        "The day worked must be today or in the past"
    ]
    afternoon = sign(shop, jo, signed(time(12), time(15), 0))
    assert afternoon.minutes == 180 and owed - remaining(jo) == 180
    assert IndividualPlacementTimesheet.objects.filter(requirement=jo).count() == 2


def test_a_cancelled_booking_or_a_day_on_the_case_from_the_register_cannot_be_signed(
    coordinator: User, shop: Project, jo: Requirement, pdu_a: Pdu
) -> None:
    booking = jo.appointments.get()
    with frozen_today(MONDAY):
        submit(coordinator, booking.session, [line(booking, "attended_complied")])
    assert refusal(shop, jo, signed()) == {
        "worked_on": ["The hours for this day are already on the case from the session's register"]
    }
    booking.refresh_from_db()
    type(booking).objects.filter(pk=booking.pk).update(cancelled_at=booking.booked_at)
    assert refusal(shop, jo, signed()) == {"worked_on": ["Jo has no placement here on 16 November 2026"]}


def test_a_typed_in_timesheet_and_a_signed_one_do_not_share_a_day(
    coordinator: User, shop: Project, jo: Requirement
) -> None:
    kwargs: dict[str, Any] = {"project": shop, "requirement": jo, "worked_on": MONDAY, "beneficiary_supervisor": "Jan"}
    services.timesheet_record(actor=coordinator, minutes=120, **kwargs)
    assert refusal(shop, jo, signed()) == {"worked_on": ["Hours for this day are already recorded"]}
