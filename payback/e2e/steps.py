"""Small steps the journeys share: dates, summary lists, the error summary, banners and signing out."""

import re
from datetime import date

from playwright.sync_api import Locator, Page, expect


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def fill_date(page: Page | Locator, legend: str, day: date) -> None:
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def summary_value(scope: Page | Locator, key: str) -> Locator:
    """The value beside `key` in a GOV.UK summary list within `scope`."""
    page = scope if isinstance(scope, Page) else scope.page
    row = scope.locator(".govuk-summary-list__row").filter(
        has=page.locator("dt", has_text=re.compile(f"^{re.escape(key)}$"))
    )
    return row.locator("dd.govuk-summary-list__value")


def error_summary(page: Page) -> Locator:
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", level=2)).to_have_text("There is a problem")
    return summary


def expect_banner(page: Page, text: str) -> None:
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(text)


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def menu(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=name, exact=True).click()


def sign_out(page: Page) -> None:
    page.get_by_role("navigation", name="Account navigation").get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/signed-out/$"))
