"""The figures pages through the Django test client: each member of staff sees their own area and
nothing outside it, in the pages and in every export; a supervisor sees no figures at all; a bad
period is named and this month shown instead; an unknown figure is 404.

Today is Wednesday 18 November 2026, so "this month" is 1 to 18 November. Hours worked in it:
300 minutes by Pat's case (Newcastle's first PDU, NE01) and 120 by Pip's (NE01), 240 by Nia's (NE02,
the North East's second) and 180 by Lou's (London). Pat, Nia and Lou each have a case sentenced
on 1 September 2025 with no work: past its 12-month window, so in the backlog. Five cases closed
today in NE02 and five in London."""

import csv
import io
from dataclasses import dataclass
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from payback.cases.models import Requirement
from payback.cases.services import ledger_credit_work, requirement_change_status
from payback.insight.services import figures_refresh
from payback.staff.models import Pdu, Scope, User
from payback.staff.regions import REGIONS
from payback.staff.roles import HEAD_OF_UNPAID_WORK, OPERATIONS_MANAGER, SUPERVISOR
from payback.testing.builders import make_staff, new_case

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]

NE_PDUS = REGIONS["NE"][1]


@dataclass
class World:
    here: Pdu  # NE01
    next_door: Pdu  # NE02
    london: Pdu  # LON01
    pat: User  # NE01
    pip: User  # NE01
    nia: User  # NE02
    lou: User  # London
    late: Requirement  # Pat's case in the backlog


def worked(requirement: Requirement, minutes: int, day: date) -> None:
    actor = requirement.person.practitioner
    ledger_credit_work(actor=actor, requirement=requirement, minutes=minutes, occurred_on=day, source="session")


def closed_today(practitioner: User, count: int) -> None:
    for _ in range(count):
        case = new_case(practitioner, sentence_date=date(2026, 6, 1), hours=40)
        requirement_change_status(actor=practitioner, requirement=case, to_status="revoked", reason="Court revoked")


@pytest.fixture
def world(pdu_a: Pdu, pdu_a2: Pdu, pdu_b: Pdu) -> World:
    pat, pip, nia, lou = (
        make_staff(name, pdu=pdu) for name, pdu in (("pat", pdu_a), ("pip", pdu_a), ("nia", pdu_a2), ("lou", pdu_b))
    )
    for practitioner, minutes, day in ((pat, 300, 10), (pip, 120, 12), (nia, 240, 5), (lou, 180, 3)):
        worked(new_case(practitioner, sentence_date=date(2026, 10, 5)), minutes, date(2026, 11, day))
    late = new_case(pat, sentence_date=date(2025, 9, 1), first_name="Sam", last_name="Oakes")
    new_case(nia, sentence_date=date(2025, 9, 1), first_name="Ray", last_name="Hollis")
    new_case(lou, sentence_date=date(2025, 9, 1), first_name="Lee", last_name="Marsh")
    closed_today(nia, 5)
    closed_today(lou, 5)
    figures_refresh()
    return World(pdu_a, pdu_a2, pdu_b, pat, pip, nia, lou, late)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def regional_head(world: World) -> User:
    return make_staff("rhea", role=HEAD_OF_UNPAID_WORK, scope=Scope.REGION, region=world.here.region)


def manager(world: World) -> User:
    return make_staff("mo", role=OPERATIONS_MANAGER, pdu=world.here)


def pages_of(level: str, pk: int) -> list[str]:
    """Every page and export of an area: its dashboard, a figure's breakdown, the fairness page (the
    country, a region or a PDU) and the cases behind a stock (a PDU or a caseload)."""
    area = {"level": level, "pk": pk}
    found = [reverse("insight:area", kwargs=area)]
    found += [reverse("insight:area-export", kwargs=area | {"fmt": fmt}) for fmt in ("csv", "xlsx")]
    found.append(reverse("insight:figure", kwargs=area | {"code": "worked_minutes"}))
    if level != "practitioner":  # a caseload has nothing below it to break a figure down by
        found += [
            reverse("insight:figure-export", kwargs=area | {"code": code, "fmt": fmt})
            for code in ("worked_minutes", "attendance_rate")
            for fmt in ("csv", "xlsx")
        ]
    if level != "practitioner":
        found.append(reverse("insight:fairness", kwargs=area))
        found += [reverse("insight:fairness-export", kwargs=area | {"fmt": fmt}) for fmt in ("csv", "xlsx")]
    if level in ("pdu", "practitioner"):
        found.append(reverse("insight:cases", kwargs=area | {"code": "backlog_cases"}))
    return found


def answers(client: Client, urls: list[str]) -> dict[str, int]:
    return {url: client.get(url).status_code for url in urls}


def csv_rows(client: Client, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    return list(csv.reader(io.StringIO(response.getvalue().decode())))


def sheets(client: Client, url: str) -> dict[str, list[tuple[object, ...]]]:
    response = client.get(url)
    assert response.status_code == 200, url
    book = load_workbook(io.BytesIO(response.getvalue()))
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


# ---------------------------------------------------------------------------------------------
# Nothing outside the user's own area


def test_a_regional_head_sees_every_page_of_their_region_and_none_outside_it(world: World) -> None:
    client = signed_in(regional_head(world))
    ne, london = world.here.region_id, world.london.region_id
    inside = pages_of("region", ne) + pages_of("pdu", world.next_door.pk) + pages_of("practitioner", world.nia.pk)
    assert set(answers(client, inside).values()) == {200}
    outside = (
        pages_of("national", 0)
        + pages_of("region", london)
        + pages_of("pdu", world.london.pk)
        + pages_of("practitioner", world.lou.pk)
    )
    assert answers(client, outside) == dict.fromkeys(outside, 404)


def test_an_operations_manager_sees_their_pdu_and_its_caseloads_only(world: World) -> None:
    client = signed_in(manager(world))
    inside = pages_of("pdu", world.here.pk) + pages_of("practitioner", world.pip.pk)
    assert set(answers(client, inside).values()) == {200}
    outside = (
        pages_of("national", 0)
        + pages_of("region", world.here.region_id)
        + pages_of("pdu", world.next_door.pk)  # the same region's next PDU
        + pages_of("pdu", world.london.pk)
        + pages_of("practitioner", world.nia.pk)
        + pages_of("practitioner", world.lou.pk)
    )
    assert answers(client, outside) == dict.fromkeys(outside, 404)


def test_a_practitioner_sees_their_own_caseload_only(world: World) -> None:
    client = signed_in(world.pat)
    assert set(answers(client, pages_of("practitioner", world.pat.pk)).values()) == {200}
    outside = (
        pages_of("national", 0)
        + pages_of("region", world.here.region_id)
        + pages_of("pdu", world.here.pk)  # their own PDU
        + pages_of("practitioner", world.pip.pk)  # a colleague in the same PDU
        + pages_of("practitioner", world.lou.pk)
    )
    assert answers(client, outside) == dict.fromkeys(outside, 404)


def test_figures_takes_each_user_to_their_own_area(world: World) -> None:
    expected = {
        make_staff("hana", role=HEAD_OF_UNPAID_WORK, scope=Scope.NATIONAL): "/insight/national/0/",
        regional_head(world): f"/insight/region/{world.here.region_id}/",
        manager(world): f"/insight/pdu/{world.here.pk}/",
        world.pat: f"/insight/practitioner/{world.pat.pk}/",
    }
    for user, url in expected.items():
        response = signed_in(user).get("/insight/")
        assert (response.status_code, response["Location"]) == (302, url), user.username


def test_a_supervisor_is_refused_every_figures_page(world: World) -> None:
    client = signed_in(make_staff("sam", role=SUPERVISOR, pdu=world.here))
    urls = ["/insight/", *pages_of("pdu", world.here.pk), *pages_of("national", 0)]
    assert answers(client, urls) == dict.fromkeys(urls, 403)


def test_someone_not_signed_in_is_sent_to_sign_in(world: World) -> None:
    response = Client().get(f"/insight/pdu/{world.here.pk}/figures.csv")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


# ---------------------------------------------------------------------------------------------
# The exports hold only the user's own area


def test_the_regional_dashboards_workbook_lists_only_the_regions_pdus(world: World) -> None:
    client = signed_in(regional_head(world))
    found = sheets(client, f"/insight/region/{world.here.region_id}/figures.xlsx")
    assert list(found) == ["Figures", "By pdu", "Definitions"]
    by_pdu = found["By pdu"]
    assert by_pdu[0][0] == "By pdu"
    assert by_pdu[1][:2] == ("PDU", "Hours worked")
    # Hours worked: NE01 300 + 120 minutes, NE02 240; the rest of the region none.
    assert [row[:2] for row in by_pdu[2:]] == [
        (name, {"County Durham and Darlington": 7, "Gateshead and South Tyneside": 4}.get(name, 0)) for name in NE_PDUS
    ]
    dashboard = {row[1]: row[2] for row in found["Figures"][2:]}
    assert (dashboard["Hours worked"], dashboard["Backlog"]) == (11, 2)  # 660 minutes; Pat's and Nia's


def test_the_regional_breakdown_csv_lists_only_the_regions_pdus(world: World) -> None:
    client = signed_in(regional_head(world))
    rows = csv_rows(client, f"/insight/region/{world.here.region_id}/figures/backlog_cases.csv")
    assert rows[0] == ["PDU", "This period", "Same period last year"]
    assert [row[:2] for row in rows[1:]] == [
        [name, "1" if name in ("County Durham and Darlington", "Gateshead and South Tyneside") else "0"]
        for name in NE_PDUS
    ]
    assert client.get("/insight/national/0/figures.csv").status_code == 404
    assert client.get("/insight/national/0/figures/backlog_cases.csv").status_code == 404


def test_the_regional_fairness_export_counts_the_regions_closed_cases_only(world: World) -> None:
    client = signed_in(regional_head(world))
    rows = csv_rows(client, f"/insight/region/{world.here.region_id}/fairness.csv")
    people = {row[0]: row[1] for row in rows[1:]}
    assert people["Male"] == "5"  # NE02's five, not London's five as well
    national = csv_rows(
        signed_in(make_staff("hana", role=HEAD_OF_UNPAID_WORK, scope=Scope.NATIONAL)),
        "/insight/national/0/fairness.csv",
    )
    assert {row[0]: row[1] for row in national[1:]}["Male"] == "10"


def test_the_pdu_workbook_lists_only_the_pdus_practitioners(world: World) -> None:
    client = signed_in(manager(world))
    found = sheets(client, f"/insight/pdu/{world.here.pk}/figures.xlsx")
    assert list(found)[1:] == ["By practitioner", "Definitions"]
    assert [row[:2] for row in found["By practitioner"][2:]] == [("Pat Tester", 5), ("Pip Tester", 2)]
    rows = csv_rows(client, f"/insight/pdu/{world.here.pk}/figures/worked_minutes.csv")
    assert rows[1:] == [["Pat Tester", "5.0", "0.0"], ["Pip Tester", "2.0", "0.0"]]


def test_a_practitioners_exports_hold_their_own_figures(world: World) -> None:
    client = signed_in(world.pat)
    rows = csv_rows(client, f"/insight/practitioner/{world.pat.pk}/figures.csv")
    figures = {row[1]: row[2] for row in rows[1:]}
    assert (figures["Hours worked"], figures["Backlog"], figures["Live requirements"]) == ("5.0", "1", "2")
    assert "Sessions planned" not in figures  # sessions are not casework
    found = sheets(client, f"/insight/practitioner/{world.pat.pk}/figures.xlsx")
    assert list(found) == ["Figures", "Definitions"]  # no one below a caseload
    breakdown = client.get(f"/insight/practitioner/{world.pat.pk}/figures/worked_minutes.csv")
    assert breakdown.status_code == 404  # a caseload has nothing below it to break a figure down by


def test_the_cases_behind_a_figure_are_the_areas_own(world: World) -> None:
    response = signed_in(manager(world)).get(f"/insight/pdu/{world.here.pk}/figures/backlog_cases/cases/")
    assert response.status_code == 200
    assert [case.pk for case in response.context["rows"]] == [world.late.pk]  # not Nia's, in NE02
    assert "Sam Oakes" in response.content.decode() and "Ray Hollis" not in response.content.decode()
    own = signed_in(world.pat).get(f"/insight/practitioner/{world.pat.pk}/figures/backlog_cases/cases/")
    assert [case.pk for case in own.context["rows"]] == [world.late.pk]


# ---------------------------------------------------------------------------------------------
# The period, and figures that do not exist


def test_a_bad_period_names_the_field_and_shows_this_month(world: World) -> None:
    client = signed_in(world.pat)
    url = f"/insight/practitioner/{world.pat.pk}/"
    response = client.get(url, {"period": "range", "start": "2026-11-10", "end": "2026-11-05"})
    assert response.status_code == 200
    page = response.content.decode()
    assert '<a href="#id_end">The last day must be on or after the first day</a>' in page
    assert "1 November 2026 to 18 November 2026, compared with 1 November 2025 to 18 November 2025." in page
    assert f'href="/insight/practitioner/{world.pat.pk}/figures.csv"' in page  # the exports ask for no period

    response = client.get(url, {"period": "fortnight"})
    assert '<a href="#id_period">Select a valid choice. fortnight is not one of the available choices.</a>' in (
        response.content.decode()
    )
    assert "1 November 2026 to 18 November 2026" in response.content.decode()


def test_a_range_of_days_reads_only_those_days(world: World) -> None:
    client = signed_in(manager(world))
    rows = csv_rows(
        client, f"/insight/pdu/{world.here.pk}/figures/worked_minutes.csv?period=range&start=2026-11-01&end=2026-11-10"
    )
    assert rows[1:] == [["Pat Tester", "5.0", "0.0"], ["Pip Tester", "0.0", "0.0"]]  # Pip worked on the 12th


def test_an_unknown_figure_is_404(world: World) -> None:
    client = signed_in(manager(world))
    pdu = world.here.pk
    urls = [
        f"/insight/pdu/{pdu}/figures/nonsense/",
        f"/insight/pdu/{pdu}/figures/nonsense.csv",
        f"/insight/pdu/{pdu}/figures/nonsense.xlsx",
        f"/insight/pdu/{pdu}/figures/nonsense/cases/",
        f"/insight/pdu/{pdu}/figures/worked_minutes/cases/",  # a flow has no cases behind it
        f"/insight/pdu/{pdu}/figures/decisions_overdue/cases/",  # nor does a count of decisions
        f"/insight/region/{world.here.region_id}/figures/backlog_cases/cases/",  # a PDU or a caseload only
        f"/insight/pdu/{pdu}/fairness/?characteristic=shoe_size",
    ]
    assert answers(signed_in(regional_head(world)), urls) == dict.fromkeys(urls, 404)
    assert client.get(urls[0]).status_code == 404


def test_a_practitioner_who_moves_pdu_does_not_take_their_old_pdus_cases_with_them(world: World) -> None:
    world.pat.pdu = world.next_door
    world.pat.save(update_fields=["pdu"])
    client = signed_in(make_staff("mona", role=OPERATIONS_MANAGER, pdu=world.next_door))
    response = client.get(f"/insight/practitioner/{world.pat.pk}/figures/backlog_cases/cases/")
    assert response.status_code == 200  # Pat is in NE02 now
    assert "Sam Oakes" not in response.content.decode()  # a case of NE01's, still there


def test_the_period_picker_shows_the_period_the_page_shows(world: World) -> None:
    client = signed_in(regional_head(world))
    region = world.here.region_id
    dashboard = client.get(f"/insight/region/{region}/").content.decode()
    assert '<option value="month" selected>This month</option>' in dashboard
    fairness = client.get(f"/insight/region/{region}/fairness/").content.decode()
    assert '<option value="year" selected>Financial year to date</option>' in fairness
