"""A buyer on a phone filters the catalog and personalises a ring; a maker adds a piece from
their phone at the bench."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from makers.models import Material, PersonalisationOption, Piece
from makers.services import piece_refresh
from shop.images.pipeline import render_renditions
from tests.factories import (
    CategoryFactory,
    ChoiceFactory,
    MakerFactory,
    MaterialFactory,
    OptionFactory,
    PieceFactory,
    PiecePhotoFactory,
)


@pytest.fixture
def catalog(maker):
    rings = CategoryFactory(name="Rings", slug="rings")
    bowls = CategoryFactory(name="Bowls", slug="bowls")
    potter = MakerFactory(display_name="Ines Potter", slug="ines", craft="Ceramicist")
    clay = MaterialFactory(maker=potter, name="Stoneware", kind=Material.Kind.CLAY)
    silver = MaterialFactory(
        maker=maker,
        name="Recycled silver",
        recycled=True,
        origin="Sheffield, UK",
        supplier="Cookson",
    )
    ring = PieceFactory(
        maker=maker,
        title="Stacking ring",
        slug="stacking-ring",
        category=rings,
        base_price_cents=18000,
    )
    ring.materials.add(silver)
    metal = OptionFactory(piece=ring, label="Metal", required=True)
    ChoiceFactory(option=metal, label="Silver")
    ChoiceFactory(option=metal, label="9ct gold", price_delta_cents=32000)
    OptionFactory(
        piece=ring, label="Engraving", kind=PersonalisationOption.Kind.TEXT, max_length=12
    )
    for i in range(3):
        bowl = PieceFactory(
            maker=potter, title=f"Tea bowl {i + 1}", category=bowls, base_price_cents=6000 + i * 500
        )
        bowl.materials.add(clay)
    for piece in Piece.objects.all():
        render_renditions(PiecePhotoFactory(piece=piece))
        piece_refresh(piece=piece)
    return ring


def test_a_buyer_filters_the_catalog_on_a_phone_and_the_url_follows(page, catalog):
    page.goto("/pieces/")
    assert page.locator(".card").count() == 4
    page.locator("summary", has_text="Filter and sort").click()
    page.get_by_label("Category").select_option("bowls")
    page.wait_for_url("**/pieces/?*category=bowls*")
    expect(page.locator(".card")).to_have_count(3)
    assert "Stacking ring" not in page.locator("#results").inner_text()
    page.get_by_label("Search").fill("3")
    expect(page.locator(".card")).to_have_count(1)
    assert "Tea bowl 3" in page.locator("#results").inner_text()

    page.go_back()
    expect(page.locator(".card")).to_have_count(3)
    assert page.get_by_label("Category").input_value() == "bowls"  # form and results agree
    # Screenshots last: Playwright styles the page while it takes one, and htmx would keep
    # that in its history snapshot.
    page.screens.shot("catalog-filtered")
    page.goto("/pieces/")
    page.screens.shot("catalog")


def test_the_catalog_works_without_javascript(browser, live_server, catalog):
    context = browser.new_context(
        java_script_enabled=False, base_url=live_server.url, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.goto("/pieces/")
    page.locator("summary", has_text="Filter and sort").click()
    page.get_by_label("Category").select_option("rings")
    page.get_by_role("button", name="Show pieces").click()
    page.wait_for_url("**/pieces/?*category=rings*")
    assert page.locator(".card").count() == 1

    page.locator(".card").first.click()
    page.get_by_label("Metal").select_option(label="9ct gold (+€320.00)")
    page.get_by_role("button", name="Update price").click()
    assert "€500.00" in page.locator("#price").inner_text()
    context.close()


def test_a_buyer_personalises_a_ring_and_the_price_follows_live(page, catalog):
    page.goto(catalog.get_absolute_url())
    assert "€180.00" in page.locator("#price").inner_text()
    assert not page.get_by_role("button", name="Update price").is_visible()
    page.get_by_label("Metal").select_option(label="9ct gold (+€320.00)")
    expect(page.locator("#price")).to_contain_text("€500.00")
    page.get_by_label("Engraving").fill("A & B, 2026")
    assert "Recycled silver" in page.content() and "Sheffield" in page.content()
    page.screens.shot("piece-personalised")


def test_a_maker_adds_and_publishes_a_piece_from_a_phone(page, maker, tmp_path):
    MaterialFactory(maker=maker, name="Recycled silver")
    photo = tmp_path / "bench.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (176, 141, 87)).save(buffer, format="JPEG")
    photo.write_bytes(buffer.getvalue())

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(maker.user.email)
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    page.goto("/studio/")
    page.screens.shot("studio")
    page.get_by_role("link", name="Add a piece").first.click()
    page.get_by_label("Title").fill("Wave ring")
    page.get_by_label("Base price (EUR)").fill("240")
    page.get_by_label("Recycled silver").check()
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url("**/studio/pieces/mara-wave-ring/")

    page.get_by_label("Add photos").set_input_files([str(photo), str(photo)])
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".photo-list__item")).to_have_count(2)
    page.get_by_role("button", name="Move photo 2 earlier").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messages")).to_contain_text("is now published")
    page.screens.shot("studio-piece")
    piece = Piece.objects.get(slug="mara-wave-ring")
    assert piece.status == "published" and piece.photos.count() == 2
