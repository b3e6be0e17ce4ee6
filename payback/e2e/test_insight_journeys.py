"""Management information in a real browser: the head of unpaid work goes from the country down to a
caseload, opens a figure's breakdown and the outcomes by protected characteristic, and chooses the
days; a regional head, an operations manager and a practitioner each see their own area and no
other. Every distinct page is checked with axe at 1280 and 375 pixels wide.

Today is Wednesday 18 November 2026, so "this month" is 1 to 18 November. Hours worked in it:
Pat's 300 minutes on the 10th and Pip's 120 on the 12th (both County Durham and Darlington, NE01),
Nia's 240 on the 5th (Gateshead and South Tyneside, NE02) and Lou's 180 on the 3rd (London): 840
minutes, 14 hours, in all. Pat's case sentenced on 1 September 2025 has no work and its 12 months
are past: the backlog. NE01's session of 16 November was stood down. Ten of Nia's cases closed
today: five men who completed their hours, five women whose orders were revoked."""

import re
from dataclasses import dataclass
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from payback.cases.models import Requirement
from payback.cases.services import ledger_credit_work, requirement_change_status
from payback.delivery.services import session_stand_down
from payback.insight.services import figures_refresh
from payback.staff.models import Pdu, Scope, User
from payback.staff.roles import HEAD_OF_UNPAID_WORK, OPERATIONS_MANAGER, PLACEMENT_COORDINATOR
from payback.testing.builders import active_project, frozen_today, make_staff, new_case, plan_session

from .conftest import assert_accessible, sign_in
from .steps import error_summary, heading, menu

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.browser]

TODAY = "2026-11-18"
THIS_MONTH = "1 November 2026 to 18 November 2026, compared with 1 November 2025 to 18 November 2025."
DIVERSITY = {"ethnicity": "White: English, Welsh, Scottish, Northern Irish or British", "disability": "None"}


@dataclass
class Country:
    here: Pdu  # NE01, County Durham and Darlington
    london: Pdu
    pat: User
    late: Requirement  # Pat's case in the backlog


def work(practitioner: User, minutes: int, day: date) -> None:
    case = new_case(practitioner, sentence_date=date(2026, 10, 5))
    ledger_credit_work(actor=practitioner, requirement=case, minutes=minutes, occurred_on=day, source="session")


def closed_today(practitioner: User) -> None:
    """Five men who worked all their 40 hours in September, completed today; five women revoked today."""
    for n in range(10):
        sex = "female" if n >= 5 else "male"
        case = new_case(practitioner, sentence_date=date(2026, 6, 1), hours=40, sex=sex, diversity=DIVERSITY)
        if sex == "female":
            requirement_change_status(actor=practitioner, requirement=case, to_status="revoked", reason="Revoked")
        else:
            ledger_credit_work(
                actor=practitioner, requirement=case, minutes=2400, occurred_on=date(2026, 9, 15), source="session"
            )


@pytest.fixture
def country(pdu_a: Pdu, pdu_a2: Pdu, pdu_b: Pdu) -> Country:
    make_staff("hana", role=HEAD_OF_UNPAID_WORK, scope=Scope.NATIONAL)
    make_staff("rhea", role=HEAD_OF_UNPAID_WORK, scope=Scope.REGION, region=pdu_a.region)
    manager = make_staff("mo", role=OPERATIONS_MANAGER, pdu=pdu_a)
    coordinator = make_staff("cora", role=PLACEMENT_COORDINATOR, pdu=pdu_a)
    pat, pip = make_staff("pat", pdu=pdu_a), make_staff("pip", pdu=pdu_a)
    nia, lou = make_staff("nia", pdu=pdu_a2), make_staff("lou", pdu=pdu_b)
    for practitioner, minutes, day in ((pat, 300, 10), (pip, 120, 12), (nia, 240, 5), (lou, 180, 3)):
        work(practitioner, minutes, date(2026, 11, day))
    late = new_case(pat, sentence_date=date(2025, 9, 1), first_name="Sam", last_name="Oakes")
    project = active_project(coordinator, manager, pdu_a)
    with frozen_today(date(2026, 11, 2)):
        session = plan_session(coordinator, project, date(2026, 11, 16), supervisor=None)
        session_stand_down(actor=coordinator, session=session, reason="weather")
    closed_today(nia)
    figures_refresh()
    return Country(pdu_a, pdu_b, pat, late)


def check(page: Page) -> None:
    assert_accessible(page)


def now(page: Page, code: str) -> str:
    """The figure's value this period, as the dashboard shows it."""
    return page.locator(f'tr[data-figure="{code}"]').get_by_test_id("now").inner_text()


def open_below(page: Page, name: str) -> None:
    page.get_by_test_id("children").get_by_role("link", name=name, exact=True).click()
    expect(heading(page)).to_have_text(name)


def expect_not_found(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 404, url
    expect(heading(page)).to_have_text("Page not found")


@pytest.mark.today(TODAY, at="10:00")
def test_the_head_of_unpaid_work_goes_from_the_country_to_a_caseload(page: Page, country: Country) -> None:
    sign_in(page, "hana")
    menu(page, "Figures")
    expect(heading(page)).to_have_text("England and Wales")
    expect(page.get_by_test_id("period")).to_have_text(THIS_MONTH)
    assert now(page, "worked_minutes") == "14.0"  # 840 minutes
    assert now(page, "sessions_stood_down") == "1"
    for name in ("Hours worked each month", "Sessions stood down, by reason", "Backlog, by time past"):
        expect(page.locator("figure").get_by_role("img", name=re.compile(re.escape(name)))).to_be_visible()
    assert page.locator("figure svg[role=img]").count() == 3
    check(page)

    open_below(page, "North East")
    assert now(page, "worked_minutes") == "11.0"  # 660 minutes: not London's 180
    check(page)
    open_below(page, "County Durham and Darlington")
    assert (now(page, "worked_minutes"), now(page, "backlog_cases")) == ("7.0", "1")
    check(page)
    open_below(page, "Pat Tester")
    expect(page.locator(".govuk-caption-l")).to_have_text("Management information: caseload")
    assert now(page, "worked_minutes") == "5.0"
    check(page)

    # One figure for each region
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="England and Wales").click()
    page.get_by_role("link", name="Hours worked", exact=True).click()
    expect(heading(page)).to_have_text("Hours worked")
    rows = page.get_by_test_id("breakdown").locator("tbody tr")
    expect(rows).to_have_count(12)
    expect(rows.filter(has_text="North East").locator("td").first).to_have_text("11.0")
    expect(rows.filter(has_text="London").locator("td").first).to_have_text("3.0")
    expect(page.get_by_role("img", name=re.compile("Hours worked, this period"))).to_be_visible()
    check(page)

    # Outcomes by protected characteristic, over the financial year to date
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="England and Wales").click()
    page.get_by_role("link", name="outcomes by protected characteristic").click()
    expect(heading(page)).to_have_text("Outcomes by protected characteristic")
    expect(page.get_by_test_id("period")).to_contain_text("1 April 2026 to 18 November 2026")
    expect(page.get_by_test_id("people")).to_have_text("10 requirements ended in the period.")
    expect(page.get_by_role("img", name=re.compile("Completed, by sex"))).to_be_visible()
    check(page)

    # The days chosen: the end before the start, then a good range
    choose_days(page, "2026-11-10", "2026-11-05")
    summary = error_summary(page)
    expect(summary.get_by_role("link")).to_have_text("The last day must be on or after the first day")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#id_end")
    # the page's own default meanwhile: the financial year to date
    expect(page.get_by_test_id("period")).to_contain_text("1 April 2026 to 18 November 2026")
    check(page)
    choose_days(page, "2026-11-01", "2026-11-17")
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.get_by_test_id("period")).to_have_text(
        "1 November 2026 to 17 November 2026, compared with 1 November 2025 to 17 November 2025."
    )
    expect(page.get_by_test_id("none")).to_be_visible()  # all ten closed today, the 18th


def choose_days(page: Page, start: str, end: str) -> None:
    form = page.get_by_role("form", name="Period")
    form.get_by_role("combobox", name="Period").select_option(label="Choose the days")
    form.get_by_label("From", exact=True).fill(start)
    form.get_by_label("To", exact=True).fill(end)
    form.get_by_role("button", name="Show figures").click()


@pytest.mark.today(TODAY, at="10:00")
def test_a_regional_head_sees_their_region_and_nothing_wider(page: Page, country: Country) -> None:
    sign_in(page, "rhea")
    menu(page, "Figures")
    expect(heading(page)).to_have_text("North East")
    expect(page.get_by_test_id("children").locator("tbody tr")).to_have_count(7)
    assert now(page, "worked_minutes") == "11.0"
    expect_not_found(page, "/insight/national/0/")
    check(page)
    expect_not_found(page, f"/insight/pdu/{country.london.pk}/")


@pytest.mark.today(TODAY, at="10:00")
def test_an_operations_manager_finds_the_cases_in_their_backlog(page: Page, country: Country) -> None:
    sign_in(page, "mo")
    menu(page, "Figures")
    expect(heading(page)).to_have_text("County Durham and Darlington")
    page.get_by_role("link", name="Backlog", exact=True).click()
    expect(heading(page)).to_have_text("Backlog")
    rows = page.get_by_test_id("breakdown").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Pat Tester").locator("td").first).to_have_text("1")
    expect(rows.filter(has_text="Pip Tester").locator("td").first).to_have_text("0")
    check(page)

    page.get_by_role("link", name="the cases behind this figure today").click()
    expect(heading(page)).to_have_text("Backlog: the cases")
    expect(page.get_by_test_id("case-count")).to_have_text("1 case")
    check(page)
    page.get_by_role("link", name="Sam Oakes").click()
    expect(heading(page)).to_have_text("Sam Oakes")
    expect(page).to_have_url(re.compile(rf"/cases/{country.late.pk}/$"))


@pytest.mark.today(TODAY, at="10:00")
def test_a_practitioner_sees_their_own_caseload_only(page: Page, country: Country) -> None:
    sign_in(page, "pat")
    menu(page, "Figures")
    expect(heading(page)).to_have_text("Pat Tester")
    expect(page).to_have_url(re.compile(rf"/insight/practitioner/{country.pat.pk}/$"))
    assert (now(page, "worked_minutes"), now(page, "backlog_cases"), now(page, "live_cases")) == ("5.0", "1", "2")
    expect(page.get_by_role("heading", name="Sessions", exact=True)).to_have_count(0)  # not casework
    expect(page.get_by_test_id("children")).to_have_count(0)
    expect_not_found(page, f"/insight/pdu/{country.here.pk}/")
