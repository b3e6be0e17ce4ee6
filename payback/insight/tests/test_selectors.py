"""Reading the kept figures for a period, and which areas each member of staff may see."""

from datetime import date, timedelta

import pytest
from django.db.models import Q
from django.http import Http404

from payback.core.models import PolicyVersion
from payback.core.selectors import policy_book
from payback.insight import measures, selectors
from payback.insight.models import Grain, Level, Tally
from payback.insight.rules import Period
from payback.insight.selectors import NATIONAL_NAME, Area, _month_parts, area_get, children, figures_for, home_area
from payback.staff.models import Pdu, Region, Scope, User
from payback.staff.roles import (
    HEAD_OF_UNPAID_WORK,
    OPERATIONS_MANAGER,
    PROBATION_PRACTITIONER,
    SENIOR_PROBATION_OFFICER,
    SUPERVISOR,
)
from payback.testing.builders import make_staff, new_case

pytestmark = pytest.mark.today("2026-11-18")


# ---------------------------------------------------------------------------------------------
# Whole months and the days left over


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def days_chosen(period: Period) -> list[date]:
    """The days, from a week either side of the period, that the day cells are read for."""
    _, chosen = _month_parts(period)
    around = days(period.start - timedelta(days=7), period.end + timedelta(days=7))
    Tally.objects.bulk_create(
        Tally(level=Level.NATIONAL, area=0, grain=Grain.DAY, day=day, measure="worked_minutes", value=1)
        for day in around
    )
    return sorted(Tally.objects.filter(chosen).values_list("day", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("period", "months", "leftover"),
    [
        # Inside one month: no whole month, every day.
        (Period(date(2026, 3, 3), date(2026, 3, 20)), [], days(date(2026, 3, 3), date(2026, 3, 20))),
        # 15 January to 10 March: February whole; 17 days of January and 10 of March.
        (
            Period(date(2026, 1, 15), date(2026, 3, 10)),
            [date(2026, 2, 1)],
            days(date(2026, 1, 15), date(2026, 1, 31)) + days(date(2026, 3, 1), date(2026, 3, 10)),
        ),
        # Across the year end: January whole; 20 to 31 December and 1 to 5 February.
        (
            Period(date(2025, 12, 20), date(2026, 2, 5)),
            [date(2026, 1, 1)],
            days(date(2025, 12, 20), date(2025, 12, 31)) + days(date(2026, 2, 1), date(2026, 2, 5)),
        ),
        # Three whole months over the year end: no days at all.
        (Period(date(2025, 11, 1), date(2026, 1, 31)), [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1)], []),
        # A leap year's February: whole only to the 29th.
        (Period(date(2028, 2, 1), date(2028, 2, 29)), [date(2028, 2, 1)], []),
        (Period(date(2028, 2, 1), date(2028, 2, 28)), [], days(date(2028, 2, 1), date(2028, 2, 28))),
        # Two days either side of a month's end.
        (Period(date(2026, 4, 30), date(2026, 5, 1)), [], [date(2026, 4, 30), date(2026, 5, 1)]),
    ],
)
def test_a_period_is_split_into_whole_months_and_the_days_left_over(
    period: Period, months: list[date], leftover: list[date]
) -> None:
    assert _month_parts(period)[0] == months
    assert days_chosen(period) == leftover


def test_a_period_of_whole_months_reads_no_day_cells() -> None:
    assert _month_parts(Period(date(2026, 6, 1), date(2026, 6, 30))) == ([date(2026, 6, 1)], Q(pk__in=[]))


# ---------------------------------------------------------------------------------------------
# The figures of a period


def cell(grain: str, area: int, day: date, measure: str, value: int, level: str = Level.PDU) -> None:
    Tally.objects.create(level=level, area=area, grain=grain, day=day, measure=measure, value=value)


@pytest.fixture
def kept(pdu_a: Pdu, pdu_b: Pdu) -> None:
    a, b = pdu_a.pk, pdu_b.pk
    cell(Grain.DAY, a, date(2026, 1, 30), "worked_minutes", 7)  # before the period
    cell(Grain.DAY, a, date(2026, 1, 31), "worked_minutes", 60)
    cell(Grain.MONTH, a, date(2026, 2, 1), "worked_minutes", 600)
    cell(Grain.DAY, a, date(2026, 2, 10), "worked_minutes", 999)  # in February: read from its month cell
    cell(Grain.DAY, a, date(2026, 3, 1), "worked_minutes", 30)
    cell(Grain.DAY, a, date(2026, 3, 2), "worked_minutes", 15)
    cell(Grain.MONTH, a, date(2026, 3, 1), "worked_minutes", 5000)  # March is not whole in the period
    cell(Grain.DAY, a, date(2026, 3, 3), "worked_minutes", 1000)  # after the period
    cell(Grain.DAY, a, date(2026, 3, 1), "attended", 4)
    cell(Grain.DAY, a, date(2026, 3, 1), "appointments_due", 5)
    cell(Grain.MONTH, b, date(2026, 2, 1), "worked_minutes", 77)  # another PDU
    cell(Grain.MONTH, a, date(2026, 2, 1), "worked_minutes", 88, level=Level.REGION)  # a region of the same id
    cell(Grain.SNAPSHOT, a, date(2026, 2, 20), "outstanding_minutes", 6000)
    cell(Grain.SNAPSHOT, a, date(2026, 2, 28), "outstanding_minutes", 5000)
    cell(Grain.SNAPSHOT, a, date(2026, 3, 5), "outstanding_minutes", 4000)


def test_flows_add_the_whole_months_to_the_days_left_over(kept: None, pdu_a: Pdu, pdu_b: Pdu) -> None:
    found = figures_for(Level.PDU, [pdu_a.pk, pdu_b.pk], Period(date(2026, 1, 31), date(2026, 3, 2)))
    # 31 January (60) + February's month cell (600) + 1 and 2 March (30 + 15).
    assert found[pdu_a.pk].get("worked_minutes") == 705
    assert found[pdu_b.pk].get("worked_minutes") == 77
    assert found[pdu_a.pk].get("ete_minutes") == 0
    rate = next(r for r in measures.RATES if r.code == "attendance_rate")
    assert found[pdu_a.pk].rate(rate) == (4, 5)
    assert found[pdu_b.pk].rate(rate) is None  # nothing due


def test_stocks_are_read_at_the_last_count_on_or_before_the_period_end(kept: None, pdu_a: Pdu, pdu_b: Pdu) -> None:
    # Counted on 20 February, 28 February and 5 March: a period to 2 March reads 28 February.
    found = figures_for(Level.PDU, [pdu_a.pk, pdu_b.pk], Period(date(2026, 1, 31), date(2026, 3, 2)))
    assert (found[pdu_a.pk].stocks_on, found[pdu_a.pk].get("outstanding_minutes")) == (date(2026, 2, 28), 5000)
    assert (found[pdu_b.pk].stocks_on, found[pdu_b.pk].get("outstanding_minutes")) == (date(2026, 2, 28), 0)
    # 12 to 31 March reads 5 March, a week before it starts; 13 to 31 March has no count near it.
    assert (
        figures_for(Level.PDU, [pdu_a.pk], Period(date(2026, 3, 12), date(2026, 3, 31)))[pdu_a.pk].get(
            "outstanding_minutes"
        )
        == 4000
    )
    later = figures_for(Level.PDU, [pdu_a.pk], Period(date(2026, 3, 13), date(2026, 3, 31)))[pdu_a.pk]
    assert (later.stocks_on, later.get("outstanding_minutes"), later.get("live_cases")) == (None, None, None)
    assert later.get("worked_minutes") == 0  # a flow is a number still, though none is kept for those days


def test_before_any_count_there_are_no_stocks(kept: None, pdu_a: Pdu) -> None:
    # 2 to 31 January: the day cells of 30 and 31 January (7 + 60); no stocks counted until 20 February.
    early = figures_for(Level.PDU, [pdu_a.pk], Period(date(2026, 1, 2), date(2026, 1, 31)))[pdu_a.pk]
    assert (early.stocks_on, early.get("backlog_cases"), early.get("worked_minutes")) == (None, None, 67)
    # The whole of January is read from its month cell, and none was kept.
    assert figures_for(Level.PDU, [pdu_a.pk], Period(date(2026, 1, 1), date(2026, 1, 31)))[pdu_a.pk].values == {}


def test_monthly_gives_each_month_whole_with_none_kept_as_0(kept: None, pdu_a: Pdu) -> None:
    area = Area(Level.PDU, pdu_a.pk, pdu_a.name)
    assert selectors.monthly(area, "worked_minutes", date(2026, 1, 1), date(2026, 4, 1)) == [
        (date(2026, 1, 1), 0),
        (date(2026, 2, 1), 600),
        (date(2026, 3, 1), 5000),
        (date(2026, 4, 1), 0),
    ]


# ---------------------------------------------------------------------------------------------
# Whose area


@pytest.fixture
def ne(pdu_a: Pdu) -> Region:
    return pdu_a.region


def national() -> Area:
    return Area(Level.NATIONAL, 0, NATIONAL_NAME)


def region_area(region: Region) -> Area:
    return Area(Level.REGION, region.pk, region.name, national(), region.code)


def pdu_area(pdu: Pdu) -> Area:
    return Area(Level.PDU, pdu.pk, pdu.name, region_area(pdu.region), pdu.region.code)


@pytest.mark.django_db
def test_home_area_is_the_widest_area_the_user_may_see(pdu_a: Pdu, ne: Region) -> None:
    head = make_staff("hana", role=HEAD_OF_UNPAID_WORK, scope=Scope.NATIONAL)
    regional = make_staff("rhea", role=HEAD_OF_UNPAID_WORK, scope=Scope.REGION, region=ne)
    manager = make_staff("mo", role=OPERATIONS_MANAGER, pdu=pdu_a)
    senior = make_staff("sunita", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a)
    pat = make_staff("pat", role=PROBATION_PRACTITIONER, pdu=pdu_a)

    assert home_area(head) == national()
    assert home_area(regional) == region_area(ne)
    assert home_area(manager) == pdu_area(pdu_a) == home_area(senior)
    own = home_area(pat)
    assert own == Area(Level.PRACTITIONER, pat.pk, "Pat Tester", pdu_area(pdu_a), "NE")
    assert own is not None and [a.name for a in own.trail] == [NATIONAL_NAME, "North East", pdu_a.name, "Pat Tester"]
    assert home_area(make_staff("sam", role=SUPERVISOR, pdu=pdu_a)) is None  # no figures for a supervisor


def refused(user: User, level: str, pk: int) -> bool:
    try:
        area_get(user, level, pk)
    except Http404:
        return True
    return False


@pytest.mark.django_db
def test_a_regional_user_sees_their_region_and_nothing_outside_it(
    ne: Region, pdu_a: Pdu, pdu_a2: Pdu, pdu_b: Pdu
) -> None:
    regional = make_staff("rhea", role=HEAD_OF_UNPAID_WORK, scope=Scope.REGION, region=ne)
    inside, outside = make_staff("pat", pdu=pdu_a2), make_staff("lou", pdu=pdu_b)
    assert area_get(regional, Level.REGION, ne.pk) == region_area(ne)
    assert area_get(regional, Level.PDU, pdu_a2.pk) == pdu_area(pdu_a2)
    assert area_get(regional, Level.PRACTITIONER, inside.pk).parent == pdu_area(pdu_a2)
    assert refused(regional, Level.NATIONAL, 0)
    assert refused(regional, Level.REGION, pdu_b.region_id)
    assert refused(regional, Level.PDU, pdu_b.pk)
    assert refused(regional, Level.PRACTITIONER, outside.pk)


@pytest.mark.django_db
def test_pdu_staff_see_their_pdu_and_its_caseloads_only(pdu_a: Pdu, pdu_a2: Pdu) -> None:
    manager = make_staff("mo", role=OPERATIONS_MANAGER, pdu=pdu_a)
    pat, next_door = make_staff("pat", pdu=pdu_a), make_staff("nia", pdu=pdu_a2)
    assert area_get(manager, Level.PDU, pdu_a.pk) == pdu_area(pdu_a)
    assert area_get(manager, Level.PRACTITIONER, pat.pk).name == "Pat Tester"
    assert refused(manager, Level.PDU, pdu_a2.pk)  # another PDU of the same region
    assert refused(manager, Level.REGION, pdu_a.region_id)
    assert refused(manager, Level.NATIONAL, 0)
    assert refused(manager, Level.PRACTITIONER, next_door.pk)


@pytest.mark.django_db
def test_a_practitioner_sees_their_own_caseload_only(pdu_a: Pdu) -> None:
    pat, pip = make_staff("pat", pdu=pdu_a), make_staff("pip", pdu=pdu_a)
    assert area_get(pat, Level.PRACTITIONER, pat.pk) == home_area(pat)
    assert refused(pat, Level.PRACTITIONER, pip.pk)  # a colleague in the same PDU
    assert refused(pat, Level.PDU, pdu_a.pk)
    assert refused(pat, Level.NATIONAL, 0)


@pytest.mark.django_db
def test_national_staff_see_everywhere_that_exists(pdu_b: Pdu) -> None:
    head = make_staff("hana", role=HEAD_OF_UNPAID_WORK, scope=Scope.NATIONAL)
    assert area_get(head, Level.NATIONAL, 0) == national()
    assert area_get(head, Level.PDU, pdu_b.pk) == pdu_area(pdu_b)
    assert refused(head, Level.REGION, 0)  # no such region
    assert refused(head, "galaxy", 1)
    assert refused(make_staff("sam", role=SUPERVISOR, pdu=pdu_b), Level.PDU, pdu_b.pk)  # no figures at all


@pytest.mark.django_db
def test_children_are_the_regions_the_pdus_and_the_practitioners_with_cases(ne: Region, pdu_a: Pdu, pdu_b: Pdu) -> None:
    assert [a.name for a in children(national())] == [
        "East Midlands",
        "East of England",
        "Greater Manchester",
        "Kent, Surrey and Sussex",
        "London",
        "North East",
        "North West",
        "South Central",
        "South West",
        "Wales",
        "West Midlands",
        "Yorkshire and the Humber",
    ]
    assert [a.name for a in children(region_area(ne))] == [
        "County Durham and Darlington",
        "Gateshead and South Tyneside",
        "Newcastle upon Tyne",
        "North Tyneside and Northumberland",
        "Redcar, Cleveland and Middlesbrough",
        "Stockton and Hartlepool",
        "Sunderland",
    ]
    zed, pat = make_staff("zed", pdu=pdu_a), make_staff("pat", pdu=pdu_a)
    make_staff("pip", pdu=pdu_a)  # no cases
    for practitioner in (zed, pat, pat, make_staff("lou", pdu=pdu_b)):
        new_case(practitioner)
    found = children(pdu_area(pdu_a))
    assert [(a.level, a.id, a.name) for a in found] == [
        (Level.PRACTITIONER, pat.pk, "Pat Tester"),
        (Level.PRACTITIONER, zed.pk, "Zed Tester"),
    ]
    assert children(found[0]) == []


# ---------------------------------------------------------------------------------------------
# The individual placement target


@pytest.mark.django_db
def test_the_individual_placement_target_is_the_regions_own_or_the_default(pdu_a: Pdu, pdu_b: Pdu) -> None:
    PolicyVersion.objects.create(
        key="individual_placement_target_percent",
        effective_from=date(2026, 4, 1),
        value={"default": 20, "NE": 30},
        reason="Targets for the year",
    )
    book = policy_book()
    on = date(2026, 11, 18)
    assert selectors.individual_target(pdu_area(pdu_a), book, on) == 30  # the North East's own
    assert selectors.individual_target(region_area(pdu_a.region), book, on) == 30
    assert selectors.individual_target(pdu_area(pdu_b), book, on) == 20  # London: the default
    assert selectors.individual_target(national(), book, on) == 20
    assert selectors.individual_target(pdu_area(pdu_a), book, date(2026, 3, 31)) == 20  # before it: 20 for all
