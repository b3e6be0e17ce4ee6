"""The foundation's journeys in a real browser: signing in and out, finding a case, recording a
case, an adjustment and its correction, and the 404 for a case outside the user's area. Every
distinct page is checked with axe at 1280 and 375 pixels wide."""

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from payback.cases.models import Requirement
from payback.cases.services import ledger_record_travel
from payback.core.workingdays import add_working_days
from payback.staff.models import Pdu, User

from .conftest import assert_accessible, sign_in

# Data must be committed for the live server to see it. The flush after each test also empties
# the rows the migrations load (regions, PDUs, policy, permissions), so they are put back.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

YRO_REFUSAL = (
    "Youth Rehabilitation Orders are managed by youth justice services, not in Payback. "
    "Record only Community Orders and Suspended Sentence Orders"
)
TRAVEL_CAP_MESSAGE = "Travel adjustments can be at most 3 hours a day"


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def short_date(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def fill_date(page: Page, legend: str, day: date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def summary_value(page: Page, test_id: str, key: str) -> Locator:
    """The value beside `key` in the summary list with that test id."""
    row = (
        page.get_by_test_id(test_id)
        .locator(".govuk-summary-list__row")
        .filter(has=page.locator("dt", has_text=re.compile(f"^{re.escape(key)}$")))
    )
    return row.locator("dd")


def error_summary(page: Page) -> Locator:
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", level=2)).to_have_text("There is a problem")
    return summary


def open_tab(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Case sections").get_by_role("link", name=name).click()
    expect(page.get_by_role("navigation", name="Case sections").get_by_role("link", name=name)).to_have_attribute(
        "aria-current", "page"
    )


def caseload_names(page: Page) -> Locator:
    return page.get_by_test_id("caseload").locator("tbody tr td:first-child")


@pytest.mark.browser
def test_sign_in_with_a_wrong_password_then_the_right_one_and_sign_out(
    page: Page, practitioner: User, pdu_a: Pdu
) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Payback")
    expect(page.get_by_test_id("identity")).to_have_count(0)
    assert_accessible(page)

    page.get_by_label("Username").fill("pat")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    expect(error_summary(page)).to_contain_text("Enter a correct username and password. Both are case-sensitive")
    expect(page.get_by_label("Username")).to_have_value("pat")
    expect(page.get_by_label("Password")).to_have_value("")
    assert_accessible(page)

    sign_in(page, "pat")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("What needs you today")
    identity = page.get_by_test_id("identity")
    expect(identity).to_contain_text("Pat Tester")
    expect(identity).to_contain_text(f"Probation practitioner · {pdu_a.name}, {pdu_a.region.name}")
    menu = page.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("link")).to_have_text(
        ["Home", "Notifications", "Caseload", "New case", "To decide", "Concerns", "Figures", "Policy"]
    )
    expect(menu.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    assert_accessible(page)

    page.get_by_role("navigation", name="Account navigation").get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/signed-out/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    expect(page.get_by_test_id("identity")).to_have_count(0)
    assert_accessible(page)

    page.goto("/cases/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/cases/$"))


@pytest.mark.browser
def test_find_a_case_by_filtering_and_sorting_then_read_its_tabs(
    page: Page, practitioner: User, make_case: Callable[..., Requirement]
) -> None:
    today = timezone.localdate()
    # Pat's own cases: a practitioner's caseload shows their own by default.
    make_case(
        first_name="Alex",
        last_name="Smith",
        sentence_date=today - timedelta(days=14),
        hours=40,
        practitioner=practitioner,
    )
    make_case(
        first_name="Bea",
        last_name="Jones",
        sentence_date=today - timedelta(days=400),
        hours=100,
        practitioner=practitioner,
    )
    risky_sentenced = today - timedelta(days=300)
    risky = make_case(
        first_name="Cal",
        last_name="Brown",
        sentence_date=risky_sentenced,
        hours=120,
        court="Durham Crown Court",
        practitioner=practitioner,
    )
    patel = make_case(
        first_name="Dee",
        last_name="Patel",
        sentence_date=today - timedelta(days=30),
        hours=60,
        practitioner=practitioner,
    )

    sign_in(page, "pat")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Caseload").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Caseload")
    expect(page.get_by_test_id("result-count")).to_have_text("4 cases")
    rows = page.get_by_test_id("caseload").locator("tbody tr")
    expect(rows.filter(has_text="Jones, Bea").locator(".govuk-tag").first).to_have_text("Backlog")
    expect(rows.filter(has_text="Brown, Cal").locator(".govuk-tag").first).to_have_text("At risk")
    for calm in ("Smith, Alex", "Patel, Dee"):
        expect(rows.filter(has_text=calm).locator(".govuk-tag", has_text=re.compile("Backlog|At risk"))).to_have_count(
            0
        )
    assert_accessible(page)

    # By name, then by CRN
    page.get_by_label("Name or CRN").fill("jones")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_test_id("result-count")).to_have_text("1 case")
    expect(caseload_names(page)).to_have_text(["Jones, Bea"])
    expect(page.get_by_label("Name or CRN")).to_have_value("jones")

    page.get_by_label("Name or CRN").fill(patel.person.crn)
    page.get_by_role("button", name="Apply filters").click()
    expect(caseload_names(page)).to_have_text(["Patel, Dee"])
    expect(page.get_by_test_id("caseload").locator("tbody tr td").nth(1)).to_have_text(patel.person.crn)

    # Due or at risk: at risk leaves out the case already in backlog
    page.get_by_label("Name or CRN").fill("")
    page.get_by_label("Due or at risk").select_option(label="At risk of not finishing in time")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_test_id("result-count")).to_have_text("1 case")
    expect(caseload_names(page)).to_have_text(["Brown, Cal"])
    page.get_by_role("link", name="Clear filters").click()
    expect(page.get_by_test_id("result-count")).to_have_text("4 cases")

    # Sorting: the sorted column says so with aria-sort
    name_header = page.get_by_role("columnheader", name="Name")
    expect(page.get_by_role("columnheader", name="Complete by")).to_have_attribute("aria-sort", "ascending")
    expect(name_header).to_have_attribute("aria-sort", "none")
    name_header.get_by_role("link").click()
    expect(name_header).to_have_attribute("aria-sort", "ascending")
    expect(page.get_by_role("columnheader", name="Complete by")).to_have_attribute("aria-sort", "none")
    expect(caseload_names(page)).to_have_text(["Brown, Cal", "Jones, Bea", "Patel, Dee", "Smith, Alex"])
    name_header.get_by_role("link").click()
    expect(name_header).to_have_attribute("aria-sort", "descending")
    expect(caseload_names(page)).to_have_text(["Smith, Alex", "Patel, Dee", "Jones, Bea", "Brown, Cal"])

    # The case: summary, hours, order and history
    page.get_by_role("link", name="Brown, Cal").click()
    expect(page).to_have_url(re.compile(rf"/cases/{risky.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Cal Brown")
    expect(page.locator(".govuk-caption-l")).to_have_text(risky.person.crn)
    expect(page.get_by_role("navigation", name="Case sections").get_by_role("link", name="Summary")).to_have_attribute(
        "aria-current", "page"
    )
    expect(summary_value(page, "hours-summary", "Ordered")).to_have_text("120 hours")
    expect(summary_value(page, "hours-summary", "Credited")).to_contain_text("0 minutes")
    expect(summary_value(page, "hours-summary", "Remaining")).to_have_text("120 hours")
    expect(page.get_by_text("0% of the hours are done")).to_be_visible()
    expect(summary_value(page, "key-dates", "Sentenced")).to_have_text(long_date(risky_sentenced))
    expect(summary_value(page, "key-dates", "Induction due")).to_contain_text(
        long_date(add_working_days(risky_sentenced, 5))
    )
    expect(summary_value(page, "key-dates", "Assessment due")).to_contain_text(
        long_date(add_working_days(risky_sentenced, 15))
    )
    complete_by = summary_value(page, "key-dates", "Complete by")
    expect(complete_by).to_contain_text(long_date(risky_sentenced + relativedelta(months=12)))
    expect(complete_by).to_contain_text("At risk")
    assert_accessible(page)

    open_tab(page, "Hours")
    expect(page.get_by_role("heading", level=2, name="Hours ledger")).to_be_visible()
    expect(page.get_by_text("120 hours remaining of 120 hours")).to_be_visible()
    expect(page.get_by_test_id("ledger")).to_contain_text("No hours recorded yet.")
    assert_accessible(page)

    open_tab(page, "Order")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Community Order")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Durham Crown Court")
    expect(page.get_by_role("table")).to_contain_text("Order made")
    assert_accessible(page)

    open_tab(page, "History")
    history = page.get_by_test_id("history")
    expect(history.locator(".moj-timeline__title")).to_have_text(
        [
            "Unpaid work requirement of 120 hours recorded",
            f"Cal Brown ({risky.person.crn}) recorded with a Community Order made at Durham Crown Court",
        ]
    )
    assert_accessible(page)


@pytest.mark.browser
def test_record_a_new_case_after_correcting_the_errors(page: Page, practitioner: User, pdu_a: Pdu) -> None:
    today = timezone.localdate()
    sentenced = today - timedelta(days=7)

    sign_in(page, "pat")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="New case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a new case")
    expect(page.get_by_label("PDU managing the case")).to_have_value(str(pdu_a.pk))

    page.get_by_label("CRN").fill("N123456")
    fill_date(page, "Date of birth", date(1990, 5, 17))
    page.get_by_role("group", name="Sex").get_by_label("Female").check()
    page.get_by_label("Youth Rehabilitation Order").check()
    fill_date(page, "Date of sentence", sentenced)
    page.get_by_label("Court").fill("Newcastle Magistrates' Court")
    page.get_by_label("Hours of unpaid work ordered").fill("301")
    page.get_by_role("button", name="Save case").click()

    expect(page).to_have_title(re.compile(r"^Error: Record a new case"))
    summary = error_summary(page)
    expect(summary.get_by_role("link")).to_have_text(
        ["Enter the first name", "Enter the last name", YRO_REFUSAL, "Hours ordered must be between 40 and 300"]
    )
    expect(summary.get_by_role("link", name="Enter the first name")).to_have_attribute("href", "#id_first_name")
    expect(summary.get_by_role("link", name="Enter the last name")).to_have_attribute("href", "#id_last_name")
    expect(summary.get_by_role("link", name=YRO_REFUSAL)).to_have_attribute("href", "#id_order_type-0")
    expect(page.locator("#id_first_name-error")).to_have_text("Error: Enter the first name")
    expect(page.locator("#id_order_type-error")).to_have_text(f"Error: {YRO_REFUSAL}")
    # what was typed is kept
    expect(page.get_by_label("CRN")).to_have_value("N123456")
    expect(page.get_by_role("group", name="Date of birth").get_by_label("Year")).to_have_value("1990")
    expect(page.get_by_label("Female")).to_be_checked()
    expect(page.get_by_label("Youth Rehabilitation Order")).to_be_checked()
    expect(page.get_by_label("Court")).to_have_value("Newcastle Magistrates' Court")
    expect(page.get_by_label("Hours of unpaid work ordered")).to_have_value("301")
    assert_accessible(page)

    # each link in the summary takes the user to the field
    summary.get_by_role("link", name="Enter the last name").click()
    expect(page.get_by_label("Last name")).to_be_focused()
    summary.get_by_role("link", name=YRO_REFUSAL).click()
    expect(page.get_by_label("Community Order")).to_be_focused()

    # Fix everything but the hours: only the hours error is left
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Okafor")
    page.get_by_label("Community Order").check()
    page.get_by_role("button", name="Save case").click()
    summary = error_summary(page)
    expect(summary.get_by_role("link")).to_have_text(["Hours ordered must be between 40 and 300"])
    expect(summary.get_by_role("link")).to_have_attribute("href", "#id_hours")
    expect(page.locator("#id_hours-error")).to_have_text("Error: Hours ordered must be between 40 and 300")
    expect(page.get_by_label("First name")).to_have_value("Nia")
    expect(page.get_by_label("Hours of unpaid work ordered")).to_have_value("301")

    page.get_by_label("Hours of unpaid work ordered").fill("120")
    page.get_by_role("button", name="Save case").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Case recorded for Nia Okafor")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nia Okafor")
    expect(page.locator(".govuk-caption-l")).to_have_text("N123456")
    expect(page.locator(".payback-tags .govuk-tag").first).to_have_text("Awaiting induction")
    expect(summary_value(page, "hours-summary", "Remaining")).to_have_text("120 hours")
    expect(summary_value(page, "key-dates", "Sentenced")).to_have_text(long_date(sentenced))
    expect(summary_value(page, "key-dates", "Induction due")).to_contain_text(long_date(add_working_days(sentenced, 5)))
    expect(summary_value(page, "key-dates", "Assessment due")).to_contain_text(
        long_date(add_working_days(sentenced, 15))
    )
    assert_accessible(page)


def _case_for_adjustments(make_case: Callable[..., Requirement], practitioner: User) -> Requirement:
    today = timezone.localdate()
    return make_case(
        first_name="Ron",
        last_name="Hale",
        sentence_date=today - timedelta(days=30),
        hours=100,
        practitioner=practitioner,
    )


@pytest.mark.browser
def test_record_a_travel_adjustment_within_the_cap(
    page: Page, practitioner: User, make_case: Callable[..., Requirement]
) -> None:
    case = _case_for_adjustments(make_case, practitioner)
    travelled = timezone.localdate() - timedelta(days=3)

    sign_in(page, "pat")
    page.goto(f"/cases/{case.pk}/hours/")
    expect(page.get_by_text("100 hours remaining of 100 hours")).to_be_visible()
    page.get_by_role("link", name="Record a travel adjustment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record an adjustment")
    expect(page.get_by_label("Travel time adjustment")).to_be_checked()

    page.get_by_label("Minutes", exact=True).fill("200")
    fill_date(page, "Date it applies to", travelled)
    page.get_by_label("Reason").fill("Two buses each way to the placement")
    page.get_by_role("button", name="Save adjustment").click()

    summary = error_summary(page)
    expect(summary.get_by_role("link")).to_have_count(1)
    expect(summary.get_by_role("link")).to_contain_text(TRAVEL_CAP_MESSAGE)
    expect(summary.get_by_role("link")).to_have_attribute("href", "#id_minutes")
    minutes_error = page.locator("#id_minutes-error")
    expect(minutes_error).to_contain_text(TRAVEL_CAP_MESSAGE)
    expect(page.get_by_label("Minutes", exact=True)).to_have_attribute(
        "aria-describedby", re.compile("id_minutes-error")
    )
    expect(page.get_by_label("Minutes", exact=True)).to_have_value("200")
    expect(page.get_by_label("Reason")).to_have_value("Two buses each way to the placement")
    assert_accessible(page)

    page.get_by_label("Minutes", exact=True).fill("120")
    page.get_by_role("button", name="Save adjustment").click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/hours/$"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Travel time adjustment of 2 hours recorded")
    expect(page.get_by_text("98 hours remaining of 100 hours")).to_be_visible()
    entries = page.get_by_test_id("ledger").locator("tbody tr")
    expect(entries).to_have_count(1)
    cells = entries.first.locator("td")
    expect(cells.nth(0)).to_have_text(short_date(travelled))
    expect(cells.nth(1)).to_have_text("Travel time adjustment")
    expect(cells.nth(2)).to_have_text("120")
    expect(cells.nth(3)).to_contain_text("Two buses each way to the placement")
    expect(cells.nth(4)).to_contain_text("Pat Tester")

    open_tab(page, "Summary")
    expect(summary_value(page, "hours-summary", "Remaining")).to_have_text("98 hours")
    expect(summary_value(page, "hours-summary", "Credited")).to_contain_text("Travel adjustments: 2 hours")


@pytest.mark.browser
def test_correct_a_travel_adjustment(page: Page, practitioner: User, make_case: Callable[..., Requirement]) -> None:
    case = _case_for_adjustments(make_case, practitioner)
    travelled = timezone.localdate() - timedelta(days=3)
    ledger_record_travel(
        actor=practitioner, requirement=case, minutes=120, occurred_on=travelled, reason="Two buses each way"
    )

    sign_in(page, "pat")
    page.goto(f"/cases/{case.pk}/hours/")
    expect(page.get_by_text("98 hours remaining of 100 hours")).to_be_visible()
    page.get_by_role("link", name=f"Correct travel time adjustment of {short_date(travelled)}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Correct an entry")
    expect(page.locator(".govuk-summary-list")).to_contain_text(
        f"Travel time adjustment of 2 hours on {long_date(travelled)}"
    )
    assert_accessible(page)

    page.get_by_role("button", name="Reverse this entry").click()
    expect(error_summary(page).get_by_role("link")).to_have_text(["Enter why the entry is being corrected"])
    page.get_by_label("Why is this entry wrong?").fill("Recorded against the wrong person")
    page.get_by_role("button", name="Reverse this entry").click()

    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/hours/$"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Entry corrected: a reversal has been added to the ledger"
    )
    expect(page.get_by_text("100 hours remaining of 100 hours")).to_be_visible()
    entries = page.get_by_test_id("ledger").locator("tbody tr")
    expect(entries).to_have_count(2)
    original, correction = entries.nth(0).locator("td"), entries.nth(1).locator("td")
    expect(original.nth(1)).to_have_text("Travel time adjustment Corrected")
    expect(original.nth(1).locator(".govuk-tag")).to_have_text("Corrected")
    expect(original.nth(2)).to_have_text("120")
    expect(correction.nth(1)).to_have_text("Correction of travel time adjustment")
    expect(correction.nth(2)).to_have_text("-120")
    expect(correction.nth(3)).to_contain_text("Recorded against the wrong person")
    expect(page.get_by_test_id("ledger").get_by_role("link", name=re.compile("^Correct"))).to_have_count(0)

    open_tab(page, "Summary")
    expect(summary_value(page, "hours-summary", "Remaining")).to_have_text("100 hours")

    open_tab(page, "History")
    titles = page.get_by_test_id("history").locator(".moj-timeline__title")
    expect(titles.nth(0)).to_have_text(
        "Correction of travel time adjustment: minus 2 hours (Recorded against the wrong person)"
    )
    expect(titles.nth(1)).to_have_text("Recorded travel time adjustment: 2 hours (Two buses each way)")
    expect(page.get_by_test_id("history").locator(".moj-timeline__byline").nth(0)).to_have_text("by Pat Tester")


@pytest.mark.browser
def test_a_case_outside_the_users_area_is_not_found(
    page: Page, practitioner: User, other_region_practitioner: User, make_case: Callable[..., Requirement]
) -> None:
    case = make_case(first_name="Ivy", last_name="Marsh", practitioner=practitioner)

    sign_in(page, "lou")
    for url in (f"/cases/{case.pk}/", f"/cases/{case.pk}/hours/"):
        response = page.goto(url)
        assert response is not None and response.status == 404, url
        expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
        expect(page.locator("body")).not_to_contain_text("Marsh")
        expect(page.locator("body")).not_to_contain_text(case.person.crn)
    expect(page).to_have_title(re.compile("^Page not found"))
    assert_accessible(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Caseload").click()
    expect(page.get_by_test_id("result-count")).to_have_text("0 cases")
