"""The build journal in a real browser: the maker posts an update with a photo from a
phone at the bench, and the buyer, with the commission's page open, sees it appear
without a reload; a tap opens the photo large. What the maker types survives a reload."""

import io
import time

from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from tests.commissions import conftest as commission_fixtures
from tests.e2e.conftest import log_in

ring = commission_fixtures.ring
request_for = commission_fixtures.request_for
quoted = commission_fixtures.quoted
accepted = commission_fixtures.accepted
at_work = commission_fixtures.at_work


def bench_photo(tmp_path):
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (190, 150, 90)).save(buffer, format="JPEG")
    path = tmp_path / "bench.jpg"
    path.write_bytes(buffer.getvalue())
    return path


def shot(page, label: str):
    page.evaluate("window.scrollTo(0, 0)")
    return page.screens.shot(label)


def test_the_maker_posts_from_the_bench_and_the_open_page_shows_it_without_a_reload(
    page, open_as, at_work, buyer, maker, tmp_path
):
    url = at_work.get_absolute_url()
    log_in(page, buyer)
    page.goto(url)
    page.evaluate("window.stillTheSamePage = true")
    expect(page.locator("#timeline-entries")).to_contain_text("Promised by")

    mara = open_as(maker.user, who="maker")  # a phone
    mara.goto(url)
    form = mara.locator("#post-update")
    expect(mara.locator("#hints")).to_contain_text("Post your first update from the bench")
    # What she types is kept if the page goes away before it posts.
    form.get_by_label("What you did").fill("The band is soldered; polishing next.")
    mara.reload()
    expect(form.get_by_label("What you did")).to_have_value("The band is soldered; polishing next.")
    expect(form.locator(".upload-status")).to_contain_text("What you typed before is back.")
    shot(mara, "update-form")

    # Tap one: the photos; tap two: post (the first milestone is picked already).
    form.get_by_label("Photos from the bench").set_input_files(str(bench_photo(tmp_path)))
    form.get_by_label("This milestone is done").check()
    form.get_by_role("button", name="Post the update").click()
    expect(form.locator(".upload-status")).to_contain_text("Posted")
    posted = time.monotonic()
    expect(form.get_by_label("What you did")).to_have_value("")
    kept = mara.evaluate("Object.keys(sessionStorage)")
    assert f"update-{at_work.reference}" not in kept  # the kept draft is gone

    entries = page.locator("#timeline-entries")
    expect(entries).to_contain_text("The band is soldered; polishing next.", timeout=10_000)
    assert time.monotonic() - posted < 10
    assert page.evaluate("window.stillTheSamePage") is True  # no reload
    expect(entries.locator(".journal-gallery img")).to_have_count(1)
    expect(entries).to_contain_text("Milestone done: Sketch")
    expect(page.locator("#milestones")).to_contain_text(
        "done " + timezone.localdate().strftime("%-d")
    )
    shot(page, "timeline")

    # A tap on the photo opens it large, in a viewer that swipes between the update's photos.
    entries.locator(".journal-gallery__link").first.click()
    viewer = page.locator("dialog.viewer")
    expect(viewer.locator("img")).to_be_visible()
    expect(viewer).to_contain_text("1 of 1")
    page.screens.shot("photo-viewer")
    viewer.get_by_role("button", name="Close").click()
    expect(viewer).to_be_hidden()
