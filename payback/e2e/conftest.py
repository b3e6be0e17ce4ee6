"""Browser fixtures for the end-to-end tests: Debian's chromium, one per test session, a fresh
context (cookies, storage) for each test, and helpers that sign in through the real form and
check every page with axe at desktop and mobile widths."""

import os
import weakref
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, ViewportSize, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from payback.testing.builders import PASSWORD

# Playwright's sync API keeps an event loop running in the test thread, so Django would refuse
# ORM calls made by fixtures and assertions as "async unsafe". They are plain synchronous calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
WIDTHS = (1280, 375)
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)

# The MOJ header is near-black; a page without it has lost its stylesheets.
HEADER_BACKGROUND = "rgb(11, 12, 12)"

# What the browser reported for each open page: CSP violations, script errors, missing assets.
_problems: weakref.WeakKeyDictionary[Page, list[str]] = weakref.WeakKeyDictionary()
_axe = Axe()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"The browser tests need Debian's chromium at {CHROMIUM}: run `make chromium`")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A page in a fresh browser context that records Content Security Policy violations, script
    errors and stylesheets or scripts that failed to load."""
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    new_page = context.new_page()
    problems: list[str] = []
    _problems[new_page] = problems

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(f"CSP violation on {new_page.url}: {message.text}")

    def on_response(response: Response) -> None:
        if "/assets/" in response.url and response.status >= 400:
            problems.append(f"{response.url} answered {response.status}")

    new_page.on("console", on_console)
    new_page.on("pageerror", lambda error: problems.append(f"Script error on {new_page.url}: {error}"))
    new_page.on("response", on_response)
    yield new_page
    context.close()
    assert_no_browser_problems(new_page)


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real sign-in form and wait for the header to name the user."""
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("identity")).to_be_visible()


def assert_no_browser_problems(page: Page) -> None:
    problems = _problems.get(page, [])
    assert not problems, "The browser reported problems:\n" + "\n".join(problems)


def assert_styled(page: Page) -> None:
    """The GOV.UK, MOJ and Payback stylesheets have been applied."""
    header = page.get_by_test_id("header")
    background = header.evaluate("element => getComputedStyle(element).backgroundColor")
    assert background == HEADER_BACKGROUND, f"MOJ Frontend styles missing on {page.url}: header is {background}"
    font = page.locator("h1").first.evaluate("element => getComputedStyle(element).fontFamily")
    assert "GDS Transport" in font, f"GOV.UK Frontend styles missing on {page.url}: heading font is {font}"
    margin = page.locator(".payback-footer-text").evaluate("element => getComputedStyle(element).marginTop")
    assert margin == "10px", f"Payback styles missing on {page.url}: footer text margin is {margin}"


# Elements reaching past the right edge of the viewport, when the page itself scrolls sideways.
_OVERFLOW_SCRIPT = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return [];
  const wide = [...document.body.querySelectorAll("*")].filter(
    (element) => element.getBoundingClientRect().right > root.clientWidth + 1
  );
  const described = wide.slice(0, 5).map((element) => element.outerHTML.slice(0, 120));
  return [`the page is ${root.scrollWidth}px wide`, ...described];
}"""


def _describe(violation: dict[str, Any], width: int) -> str:
    nodes = "\n".join(f"      - {' '.join(map(str, node['target']))}" for node in violation["nodes"])
    return f"  [{width}px] {violation['id']} ({violation['impact']}): {violation['help']}\n{nodes}"


def assert_accessible(page: Page) -> None:
    """Run axe on the page as it is now, at 1280 and 375 pixels wide, and fail listing each
    violation with its rule, impact, help text and the elements it found. Also fail on a page
    that scrolls sideways at either width (wide tables scroll inside their own region instead),
    whose stylesheets did not load (contrast checks would mean nothing) or that broke the
    Content Security Policy."""
    assert_styled(page)
    found: list[str] = []
    try:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": DESKTOP["height"]})
            results = _axe.run(page)
            found += [_describe(violation, width) for violation in results.response["violations"]]
            overflow = page.evaluate(_OVERFLOW_SCRIPT)
            if overflow:
                found.append(
                    f"  [{width}px] reflow: the page scrolls sideways (WCAG 1.4.10)\n      - "
                    + "\n      - ".join(overflow)
                )
    finally:
        page.set_viewport_size(DESKTOP)
    title = page.title()
    assert not found, f"Accessibility problems on {page.url} ({title}):\n" + "\n".join(found)
    assert_no_browser_problems(page)
