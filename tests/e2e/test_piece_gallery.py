"""A first-time visitor looks at a piece with several photos, on a desktop and on a phone:
the photos stay in their gallery (not under the footer), and the second one can be found
by a thumbnail, a swipe or the keyboard."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from shop.images.pipeline import render_renditions
from tests.e2e.conftest import DESKTOP, SCREENSHOTS
from tests.factories import PieceFactory, PiecePhotoFactory


def _photo(colour) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1200), colour).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def piece(maker):
    from django.core.files.base import ContentFile

    piece = PieceFactory(maker=maker, title="Walnut bowl", slug="walnut-bowl")
    for n, colour in enumerate([(120, 80, 50), (60, 90, 120), (150, 150, 90)], 1):
        photo = PiecePhotoFactory(
            piece=piece,
            position=n,
            alt_text=f"Bowl, view {n}",
            image=ContentFile(_photo(colour), name=f"bowl-{n}.jpg"),
        )
        render_renditions(photo)
    return piece


def _box(page, selector):
    return page.locator(selector).first.bounding_box()


def test_on_a_desktop_the_photos_sit_in_one_gallery_beside_the_details(open_as, piece):
    page = open_as(who="visitor", viewport=DESKTOP)
    page.goto(piece.get_absolute_url())
    gallery, info = _box(page, ".gallery"), _box(page, ".piece__info")
    # One photo in view (4:3 across the column) and its thumbnails, not three photos the
    # height of the details column each.
    assert gallery["height"] < gallery["width"] * 0.75 + 150
    footer = _box(page, ".site-footer")
    for figure in page.locator(".gallery__item").all():
        assert figure.bounding_box()["y"] < footer["y"], "a photo fell below the footer"
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < max(info["y"] + info["height"], gallery["height"]) + 400
    expect(page.locator(".gallery__thumbs a")).to_have_count(3)
    page.screens.shot("piece")


def test_on_a_phone_a_thumbnail_a_swipe_or_the_arrow_keys_reach_the_second_photo(page, piece):
    page.goto(piece.get_absolute_url())
    track = page.locator(".gallery__track")
    second = page.get_by_role("link", name="Photo 2 of 3")
    expect(second).to_be_visible()
    page.screens.shot("piece")
    second.click()
    page.wait_for_function(
        "() => Math.abs(document.querySelector('.gallery__track').scrollLeft"
        " - document.querySelector('#photo-2').offsetLeft) < 4"
    )
    expect(second).to_have_attribute("aria-current", "true")
    # As the person sees it (a full-page capture resizes the window, and the track with it).
    page.screenshot(
        path=str(SCREENSHOTS / "piece-gallery-second-photo-390x844.png"), caret="initial"
    )

    page.evaluate("document.querySelector('.gallery__track').scrollLeft = 0")
    track.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.gallery__track').scrollLeft > 50")


def test_without_javascript_a_thumbnail_still_brings_its_photo_into_view(open_as, piece):
    page = open_as(who="visitor", javascript=False)
    page.goto(piece.get_absolute_url())
    page.get_by_role("link", name="Photo 3 of 3").click()
    expect(page).to_have_url(f"{page.url.split('#')[0]}#photo-3")
    expect(page.get_by_alt_text("Bowl, view 3")).to_be_in_viewport()
