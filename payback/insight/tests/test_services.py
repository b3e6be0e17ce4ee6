"""Keeping the figures: a refresh writes day, month and snapshot cells for the nation, each region, PDU
and caseload; a rebuild counts every day; the recount finds what a refresh missed. Today is Wednesday
18 November 2026, so a refresh counts again from 14 October (35 days back)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from payback.cases.models import CaseStatus, Requirement
from payback.cases.services import ledger_correct, ledger_credit_work, ledger_record_ete
from payback.delivery.models import Session
from payback.insight import services, tasks
from payback.insight.models import Grain, Level, Refresh, RefreshKind, Tally
from payback.projects.models import Beneficiary, Project
from payback.staff.models import Pdu, User
from payback.testing.builders import make_staff, new_case

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]

TODAY = date(2026, 11, 18)
NOV, OCT = date(2026, 11, 1), date(2026, 10, 1)
LONDON = ZoneInfo("Europe/London")


def work(requirement: Requirement, minutes: int, day: date) -> Any:
    actor = requirement.person.practitioner
    return ledger_credit_work(actor=actor, requirement=requirement, minutes=minutes, occurred_on=day, source="session")


def session(pdu: Pdu, day: date, status: str = "closed") -> Session:
    beneficiary = Beneficiary.objects.create(name="Canal Trust", kind="charity", pdu=pdu, contact_name="Sam Reed")
    towpath = Project.objects.create(name="Towpath", beneficiary=beneficiary, pdu=pdu, status="active")
    return Session.objects.create(
        project=towpath, date=day, start_time=time(9), end_time=time(16), capacity=6, status=status
    )


def cells(grain: str) -> dict[tuple[str, int, date, str], int]:
    return {(c.level, c.area, c.day, c.measure): c.value for c in Tally.objects.filter(grain=grain)}


def area_cells(grain: str, level: str, area: int, day: date) -> dict[str, int]:
    found = Tally.objects.filter(grain=grain, level=level, area=area, day=day)
    return dict(found.values_list("measure", "value"))


@dataclass
class World:
    here: Pdu  # the North East's first PDU
    there: Pdu  # London's first PDU
    pat: User  # in the first
    lou: User  # in London
    mine: Requirement  # pat's, 100 hours sentenced 2 November, 300 minutes worked 10 November
    theirs: Requirement  # lou's, 50 hours sentenced 26 October, 120 minutes worked 3 November, 60 of ETE 4 November
    older: Requirement  # pat's, 60 hours sentenced 1 September, 60 minutes worked 7 September


@pytest.fixture
def world(pdu_a: Pdu, pdu_b: Pdu) -> World:
    pat, lou = make_staff("pat", pdu=pdu_a), make_staff("lou", pdu=pdu_b)
    mine = new_case(pat, sentence_date=date(2026, 11, 2), hours=100)
    work(mine, 300, date(2026, 11, 10))
    theirs = new_case(lou, sentence_date=date(2026, 10, 26), hours=50)
    work(theirs, 120, date(2026, 11, 3))
    ledger_record_ete(actor=lou, requirement=theirs, minutes=60, occurred_on=date(2026, 11, 4), reason="College")
    older = new_case(pat, sentence_date=date(2026, 9, 1), hours=60)
    work(older, 60, date(2026, 9, 7))
    session(pdu_a, date(2026, 11, 9))
    return World(pdu_a, pdu_b, pat, lou, mine, theirs, older)


# ---------------------------------------------------------------------------------------------
# A refresh


def test_a_refresh_writes_every_level_for_the_recent_days_and_todays_stocks(world: World) -> None:
    refresh = services.figures_refresh()
    assert (refresh.kind, refresh.first_day, refresh.last_day) == (RefreshKind.REFRESH, date(2026, 10, 14), TODAY)
    assert refresh.finished_at is not None and refresh.cells == Tally.objects.count()
    pat, lou = world.pat, world.lou
    ne, london = world.here.region_id, world.there.region_id

    # November, for the country: 100 hours made on 2 November; 300 + 120 minutes worked, 60 of ETE;
    # both started; the inductions due 2 November (lou's) and 9 November (pat's), lou's assessment due
    # 16 November; the session of 9 November, run.
    assert area_cells(Grain.MONTH, Level.NATIONAL, 0, NOV) == {
        "ordered_minutes": 6000,
        "requirements_made": 1,
        "worked_minutes": 420,
        "ete_minutes": 60,
        "requirements_started": 2,
        "inductions_due": 2,
        "assessments_due": 1,
        "sessions_planned": 1,
        "sessions_run": 1,
    }
    # October, from 14 October only: lou's 50 hours. September is not counted again.
    assert area_cells(Grain.MONTH, Level.NATIONAL, 0, OCT) == {"ordered_minutes": 3000, "requirements_made": 1}
    assert not Tally.objects.filter(day__lt=date(2026, 10, 1)).exists()
    # Each level has the North East's work of 10 November; the session is not a practitioner's.
    day = cells(Grain.DAY)
    for level, area in (
        (Level.NATIONAL, 0),
        (Level.REGION, ne),
        (Level.PDU, world.here.pk),
        (Level.PRACTITIONER, pat.pk),
    ):
        assert day[(level, area, date(2026, 11, 10), "worked_minutes")] == 300
    assert area_cells(Grain.DAY, Level.PDU, world.here.pk, date(2026, 11, 9)) == {
        "inductions_due": 1,
        "sessions_planned": 1,
        "sessions_run": 1,
    }
    assert area_cells(Grain.DAY, Level.PRACTITIONER, pat.pk, date(2026, 11, 9)) == {"inductions_due": 1}
    assert area_cells(Grain.MONTH, Level.REGION, london, NOV) == area_cells(
        Grain.MONTH, Level.PRACTITIONER, lou.pk, NOV
    )
    assert area_cells(Grain.MONTH, Level.REGION, london, NOV)["worked_minutes"] == 120

    # Stocks today: 3 live; outstanding 6000 - 300 and 3600 - 60 for pat (9240), 3000 - 180 for lou (2820).
    assert area_cells(Grain.SNAPSHOT, Level.NATIONAL, 0, TODAY) == {"live_cases": 3, "outstanding_minutes": 12060}
    assert area_cells(Grain.SNAPSHOT, Level.REGION, ne, TODAY) == {"live_cases": 2, "outstanding_minutes": 9240}
    assert area_cells(Grain.SNAPSHOT, Level.PDU, world.there.pk, TODAY) == {
        "live_cases": 1,
        "outstanding_minutes": 2820,
    }
    assert area_cells(Grain.SNAPSHOT, Level.PRACTITIONER, pat.pk, TODAY) == {
        "live_cases": 2,
        "outstanding_minutes": 9240,
    }


def test_a_second_refresh_replaces_the_figures_rather_than_adding_to_them(world: World) -> None:
    services.figures_refresh()
    first = {grain: cells(grain) for grain in Grain.values}
    services.figures_refresh()
    assert {grain: cells(grain) for grain in Grain.values} == first
    assert first[Grain.MONTH][(Level.NATIONAL, 0, NOV, "worked_minutes")] == 420
    assert Refresh.objects.filter(finished_at__isnull=False).count() == 2


# ---------------------------------------------------------------------------------------------
# A rebuild and the recount


def test_after_a_rebuild_the_recount_finds_no_difference(world: World) -> None:
    refresh = services.figures_rebuild()
    assert (refresh.kind, refresh.first_day, refresh.last_day) == (RefreshKind.REBUILD, date(2026, 9, 1), TODAY)
    # September is counted now: pat's 60 hours made and 60 minutes worked.
    sept = area_cells(Grain.MONTH, Level.PRACTITIONER, world.pat.pk, date(2026, 9, 1))
    assert (sept["ordered_minutes"], sept["worked_minutes"]) == (3600, 60)
    assert services.recount() == []


def test_an_entry_dated_before_the_recent_days_is_found_by_the_recount_and_a_rebuild_counts_it(world: World) -> None:
    services.figures_rebuild()
    work(world.older, 180, date(2026, 9, 19))  # 60 days back: a refresh does not count that day again
    services.figures_refresh()
    pat, here, ne = world.pat, world.here.pk, world.here.region_id

    # Kept: 300 + 120 + 60 worked in all, 360 of it pat's; counted afresh, 180 more.
    assert services.recount() == [
        "Since the start: worked_minutes for national 0 is 480, counted afresh 660",
        f"Since the start: worked_minutes for pdu {here} is 360, counted afresh 540",
        f"Since the start: worked_minutes for practitioner {pat.pk} is 360, counted afresh 540",
        f"Since the start: worked_minutes for region {ne} is 360, counted afresh 540",
        f"The ledger, appointments and sessions by PDU: worked_minutes for pdu {here} is 360, counted afresh 540",
    ]
    services.figures_rebuild()
    assert services.recount() == []
    assert area_cells(Grain.MONTH, Level.NATIONAL, 0, date(2026, 9, 1))["worked_minutes"] == 240


def test_the_recount_checks_todays_stocks_against_the_last_refresh(world: World) -> None:
    services.figures_rebuild()
    work(world.mine, 120, TODAY)  # after the refresh: today's day and stocks are out of date
    assert services.recount() == [
        "Since the start: worked_minutes for national 0 is 480, counted afresh 600",
        f"Since the start: worked_minutes for pdu {world.here.pk} is 360, counted afresh 480",
        f"Since the start: worked_minutes for practitioner {world.pat.pk} is 360, counted afresh 480",
        f"Since the start: worked_minutes for region {world.here.region_id} is 360, counted afresh 480",
        f"The ledger, appointments and sessions by PDU: worked_minutes for pdu {world.here.pk} is 360, "
        "counted afresh 480",
        "Stocks on 18 Nov 2026: outstanding_minutes for national 0 is 12060, counted afresh 11940",
        f"Stocks on 18 Nov 2026: outstanding_minutes for pdu {world.here.pk} is 9240, counted afresh 9120",
        f"Stocks on 18 Nov 2026: outstanding_minutes for practitioner {world.pat.pk} is 9240, counted afresh 9120",
        f"Stocks on 18 Nov 2026: outstanding_minutes for region {world.here.region_id} is 9240, counted afresh 9120",
    ]
    services.figures_refresh()
    assert services.recount() == []


def test_a_requirement_completed_twice_agrees_after_a_rebuild(world: World) -> None:
    case = new_case(world.pat, sentence_date=date(2026, 6, 1), hours=40)
    with time_machine.travel(datetime(2026, 8, 10, 12, tzinfo=LONDON), tick=False):
        entry = work(case, 2400, date(2026, 8, 10))  # completes on 10 August
    with time_machine.travel(datetime(2026, 9, 15, 12, tzinfo=LONDON), tick=False):
        ledger_correct(actor=world.pat, entry=entry, reason="Hours entered on the wrong case")  # working again
        work(case, 2400, date(2026, 9, 15))  # completes again on 15 September
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED
    services.figures_rebuild()
    assert services.recount() == []


def test_a_session_before_the_first_order_is_kept_by_a_rebuild(world: World, pdu_b: Pdu) -> None:
    session(pdu_b, date(2026, 8, 24))  # before 1 September, the first sentence and the first work
    services.figures_rebuild()
    assert services.recount() == []


# ---------------------------------------------------------------------------------------------
# Asking for a refresh when the figures are old


class Enqueued:
    def __init__(self) -> None:
        self.calls = 0

    def enqueue(self, *args: Any, **kwargs: Any) -> None:
        self.calls += 1


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch) -> Enqueued:
    fake = Enqueued()
    monkeypatch.setattr(tasks, "refresh_figures", fake)
    return fake


def refresh_at(started: datetime, finished: datetime | None) -> Refresh:
    return Refresh.objects.create(
        kind=RefreshKind.REFRESH, started_at=started, finished_at=finished, first_day=TODAY, last_day=TODAY
    )


def test_a_refresh_is_asked_for_when_none_has_been_made(enqueued: Enqueued) -> None:
    assert services.refresh_if_stale() is True
    assert enqueued.calls == 1


@pytest.mark.parametrize(
    ("finished_ago", "asked"),
    [
        (timedelta(minutes=1), False),
        (services.STALE_AFTER, False),  # exactly 15 minutes: not yet stale
        (services.STALE_AFTER + timedelta(seconds=1), True),
        (timedelta(days=2), True),
    ],
)
def test_a_refresh_is_asked_for_only_when_the_last_is_older_than_15_minutes(
    enqueued: Enqueued, finished_ago: timedelta, asked: bool
) -> None:
    now = timezone.now()
    refresh_at(now - finished_ago - timedelta(minutes=2), now - finished_ago)
    assert services.refresh_if_stale(now=now) is asked
    assert enqueued.calls == int(asked)


@pytest.mark.parametrize(("started_ago", "asked"), [(timedelta(minutes=5), False), (timedelta(minutes=20), True)])
def test_a_refresh_under_way_is_waited_for_unless_it_has_stalled(
    enqueued: Enqueued, started_ago: timedelta, asked: bool
) -> None:
    now = timezone.now()
    refresh_at(now - timedelta(hours=2), now - timedelta(hours=1))
    refresh_at(now - started_ago, None)
    assert services.refresh_if_stale(now=now) is asked
    assert enqueued.calls == int(asked)


# ---------------------------------------------------------------------------------------------
# The commands


def test_the_refresh_command_counts_the_recent_days_or_with_rebuild_every_day(world: World) -> None:
    out = StringIO()
    call_command("refresh_figures", stdout=out)
    refresh = Refresh.objects.get()
    assert f"Counted 14 Oct 2026 to 18 Nov 2026: {refresh.cells:,} figures" in out.getvalue()
    assert not Tally.objects.filter(day__lt=date(2026, 10, 1)).exists()

    out = StringIO()
    call_command("refresh_figures", "--rebuild", stdout=out)
    rebuild = Refresh.objects.get(kind=RefreshKind.REBUILD)
    assert f"Counted 01 Sep 2026 to 18 Nov 2026: {rebuild.cells:,} figures" in out.getvalue()
    assert Tally.objects.filter(grain=Grain.MONTH, day=date(2026, 9, 1)).exists()


def test_the_recount_command_fails_with_each_difference_when_the_figures_differ(world: World) -> None:
    call_command("refresh_figures", "--rebuild", stdout=StringIO())
    out = StringIO()
    call_command("recount_figures", stdout=out)
    assert out.getvalue().strip() == "The kept figures equal a full recount."

    work(world.older, 180, date(2026, 9, 19))
    call_command("refresh_figures", stdout=StringIO())
    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("recount_figures", stdout=out)
    assert str(failed.value) == "5 figures differ from a full recount: run refresh_figures --rebuild"
    assert failed.value.returncode == 1
    assert out.getvalue().splitlines()[0] == "Since the start: worked_minutes for national 0 is 480, counted afresh 660"
    assert len(out.getvalue().splitlines()) == 5
