"""A real Chromium (Debian's, launched by path) driven by Playwright against a live server.

Screenshots go to artifacts/screenshots/ (named in the README). Any console error or
uncaught page error fails the test that caused it, and so does any serious or critical
accessibility fault: axe-core (from the npm registry, installed by `make install` into
tests/e2e/node_modules) runs on every page the browser loads and before every screenshot.
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
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
# Faults that shut someone out; "moderate" and "minor" ones are reported by axe but let pass.
AXE_FAILS_ON = ("serious", "critical")
# One run at a time on a page (a load and a screenshot may ask at once): each waits for the
# one before.
_AXE_RUN = """async () => {
  const run = () => axe.run(document, {resultTypes: ["violations"]});
  window.__axeRuns = (window.__axeRuns || Promise.resolve()).catch(() => null).then(run);
  const result = await window.__axeRuns;
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " — " + n.failureSummary.split("\\n").slice(1, 2).join("")),
  }));
}"""
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


def _axe_source() -> str:
    if not AXE.exists():
        skip_or_fail(f"no axe-core at {AXE.relative_to(ROOT)}", "run make install (it needs npm)")
    return AXE.read_text()


def axe_check(page, problems: list[str], prefix: str = "") -> None:
    """Run axe-core on the page as it is now; serious and critical faults become problems.

    Evaluated through the browser's DevTools connection, so the page's CSP (own scripts
    only) is neither loosened nor broken for the test. A page that navigates away while
    being checked is checked again when the next one loads."""
    try:
        if not page.evaluate("() => typeof axe !== 'undefined'"):
            page.evaluate(page.axe_source)
        found = page.evaluate(_AXE_RUN)
    except Exception as e:  # noqa: BLE001 - navigated away mid-check, or the page closed
        if "destroyed" in str(e) or "closed" in str(e) or "navigation" in str(e).lower():
            return
        raise
    url = "/" + page.url.split("/", 3)[-1]
    for fault in found:
        if fault["impact"] in AXE_FAILS_ON:
            where = "; ".join(fault["nodes"])
            problems.append(
                f"{prefix}axe {fault['impact']} on {url}: {fault['id']} ({fault['help']}): {where}"
            )


class Screens:
    def __init__(self, page, name: str, problems: list[str] | None = None, prefix: str = ""):
        self.page, self.name = page, name
        self.problems, self.prefix = problems, prefix

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
        if self.problems is not None:
            axe_check(self.page, self.problems, self.prefix)
        path = SCREENSHOTS / f"{self.name}-{label}-{size['width']}x{size['height']}.png"
        # caret="initial": by default Playwright hides the caret with an inline style on every
        # input and leaves style="" behind, which htmx then copies when it settles a swap
        # (refused by the CSP: a console error that was the screenshot's, not the page's).
        self.page.screenshot(path=str(path), full_page=True, caret="initial")
        return path


def _console(message, problems: list[str], prefix: str) -> None:
    if message.type != "error":
        return
    if not message.location.get("url") and "Content Security Policy" in message.text:
        # The checker itself, evaluated through DevTools (no script URL), styling a probe
        # element as it measures contrast: the page's CSP refusing it is the CSP working.
        return
    problems.append(f"{prefix}console {message.type}: {message.text}")


def _new_page(browser, live_server, viewport, request, *, who: str = "", javascript: bool = True):
    """A fresh browser (own cookies) and page; console and page errors are collected."""
    context = browser.new_context(
        viewport=viewport, base_url=live_server.url, java_script_enabled=javascript
    )
    page = context.new_page()
    problems: list[str] = []
    prefix = f"{who} " if who else ""
    page.on("console", lambda m: _console(m, problems, prefix))
    page.on("pageerror", lambda e: problems.append(f"{prefix}page error: {e}"))
    page.set_default_timeout(10_000)
    # Every page the browser loads, however it got there (a link, a form, a redirect).
    # (A browser with JavaScript off cannot run the checker; the same pages are checked in
    # the stories with it on.)
    page.axe_source = _axe_source()
    if javascript:
        page.on("load", lambda p: axe_check(p, problems, prefix))
    name = request.node.name.replace("[", "-").rstrip("]")
    page.screens = Screens(
        page, f"{name}-{who}" if who else name, problems if javascript else None, prefix
    )
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
