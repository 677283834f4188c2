"""The accessibility check the browser stories run on every page can fail: a page with a
serious fault is caught, a clean one passes."""

from tests.e2e.conftest import PHONE, _axe_source, axe_check


def _checked(browser, html: str) -> list[str]:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.axe_source = _axe_source()
    page.set_content(html)
    problems: list[str] = []
    axe_check(page, problems)
    context.close()
    return problems


def test_a_photo_without_words_and_grey_on_grey_text_are_caught(browser):
    problems = _checked(
        browser,
        '<html lang="en"><title>x</title><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<p style="color:#999;background:#aaa">Hard to read</p></main></html>',
    )
    faults = " ".join(problems)
    assert "image-alt" in faults and "color-contrast" in faults


def test_a_plain_clear_page_passes(browser):
    problems = _checked(
        browser,
        '<html lang="en"><title>Fine</title><main><h1>Hello</h1>'
        '<img alt="A ring" src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></html>',
    )
    assert problems == []
