"""A real Chromium (Debian's, launched by path) driven by Playwright against a live server.

Screenshots go to artifacts/screenshots/ (named in the README). Any console error or
uncaught page error fails the test that caused it.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT, skip_or_fail

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between page actions are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        skip_or_fail(f"no Chromium at {CHROMIUM}", "apt-get install chromium (or run .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


class Screens:
    def __init__(self, page, name: str):
        self.page, self.name = page, name

    def shot(self, label: str) -> Path:
        """Save a full-page screenshot; first check nothing makes the page scroll sideways
        (on a phone that is the commonest layout bug)."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        # A page whose stylesheet is still loading lays out unstyled (photos at their own
        # size): measure the page as the person sees it.
        self.page.wait_for_load_state("load")
        size = self.page.viewport_size
        wide = self.page.evaluate("document.documentElement.scrollWidth")
        culprits = (
            []
            if wide <= size["width"]
            else self.page.evaluate(
                "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > "
                "document.documentElement.clientWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className)"
            )
        )
        assert wide <= size["width"], (
            f"{label}: the page is {wide}px wide on a {size['width']}px screen: {culprits}"
        )
        path = SCREENSHOTS / f"{self.name}-{label}-{size['width']}x{size['height']}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


def _new_page(browser, live_server, viewport, request, *, who: str = "", javascript: bool = True):
    """A fresh browser (own cookies) and page; console and page errors are collected."""
    context = browser.new_context(
        viewport=viewport, base_url=live_server.url, java_script_enabled=javascript
    )
    page = context.new_page()
    problems: list[str] = []
    prefix = f"{who} " if who else ""
    page.on(
        "console",
        lambda m: (
            problems.append(f"{prefix}console {m.type}: {m.text}") if m.type == "error" else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"{prefix}page error: {e}"))
    page.set_default_timeout(10_000)
    name = request.node.name.replace("[", "-").rstrip("]")
    page.screens = Screens(page, f"{name}-{who}" if who else name)
    return context, page, problems


@pytest.fixture
def page(browser, live_server, request):
    """A phone-sized page (390×844): most buyers and makers are on a phone."""
    context, page, problems = _new_page(browser, live_server, PHONE, request)
    yield page
    context.close()
    assert problems == [], "the browser reported errors:\n" + "\n".join(problems)


@pytest.fixture
def desktop_page(browser, live_server, request):
    context, page, problems = _new_page(browser, live_server, DESKTOP, request)
    yield page
    context.close()
    assert problems == [], "the browser reported errors:\n" + "\n".join(problems)


PASSWORD = "a-long-test-password"  # the factories' password


def log_in(page, user) -> None:
    """Through the real form, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


@pytest.fixture
def open_as(browser, live_server, request):
    """Another person's own browser (own cookies), logged in as `user`, or a visitor.

    Like the `page` fixture, any console or page error fails the test."""
    opened = []

    def open_(user=None, *, who: str, viewport=PHONE, javascript: bool = True):
        context, page, problems = _new_page(
            browser, live_server, viewport, request, who=who, javascript=javascript
        )
        opened.append((context, problems))
        if user is not None:
            log_in(page, user)
        return page

    yield open_
    for context, _ in opened:
        context.close()
    problems = [p for _, found in opened for p in found]
    assert problems == [], "the browser reported errors:\n" + "\n".join(problems)
