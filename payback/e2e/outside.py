"""Steps the journeys of the services outside the office share (the person's at /my/ and a
beneficiary contact's at /partners/): the code sent to them, giving it (a wrong one first), and
signing out."""

from pathlib import Path

from playwright.sync_api import Page, expect

from payback.testing.outside import only_code

from .conftest import assert_accessible
from .steps import error_summary, heading


def enter_code(page: Page, outbox: Path, pattern: str, to: str) -> None:
    """On the code page: the code sent to `to` (the one message matching `pattern`), a wrong one
    first (the page says so), each page checked with axe."""
    expect(heading(page)).to_have_text("Enter your code")
    assert_accessible(page)
    code = only_code(outbox, pattern, to)
    page.get_by_label("Code").fill(f"{(int(code) + 1) % 1_000_000:06d}")
    page.get_by_role("button", name="Sign in").click()
    expect(error_summary(page)).to_contain_text("That code is not right")
    assert_accessible(page)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page: Page) -> None:
    page.get_by_role("navigation", name="Your account").get_by_role("button", name="Sign out").click()
    expect(heading(page)).to_have_text("You have signed out")
