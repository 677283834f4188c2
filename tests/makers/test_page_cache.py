"""A visitor's pages come whole from the cache, and never a stale one: every change of a
price, an option, a photo, a maker, availability or publication shows on the next page,
and a draft never appears. (On PostgreSQL and Redis under CI; on the local defaults with
the in-process cache.)"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from makers import services
from makers.models import Maker, Piece
from shop.images.pipeline import render_renditions
from tests.factories import (
    ChoiceFactory,
    MakerFactory,
    OptionFactory,
    PieceFactory,
    PiecePhotoFactory,
)

CATALOG = reverse("makers:catalog")


@pytest.fixture
def ring(db):
    maker = MakerFactory(display_name="Mara Silversmith", slug="mara", featured=True)
    piece = PieceFactory(
        maker=maker, title="Hammered ring", slug="hammered-ring", base_price_cents=18000
    )
    piece.featured = True
    piece.save()
    return piece


def pages(piece: Piece) -> list[str]:
    """Every public page that shows this piece."""
    return [
        reverse("home"),
        CATALOG,
        f"{CATALOG}?q=ring",
        piece.get_absolute_url(),
        piece.maker.get_absolute_url(),
    ]


def served(client, url: str) -> tuple[str, int]:
    """The page as a visitor gets it, and how many queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), len(queries)


def warm(client, urls: list[str]) -> None:
    for url in urls:
        served(client, url)
        assert served(client, url)[1] == 0, f"{url} was not served from the cache"


def test_a_visitors_second_look_is_served_from_the_cache_with_no_token_and_no_cookie(client, ring):
    first = client.get(CATALOG)
    assert first.status_code == 200 and not first.cookies
    html, queries = served(client, CATALOG)
    assert queries == 0 and "Hammered ring" in html
    assert "csrf" not in html.lower()
    again = client.get(CATALOG)
    assert not again.cookies and "Cookie" in again["Vary"] and "HX-Request" in again["Vary"]


def test_the_fragment_and_the_whole_page_are_kept_apart(client, ring):
    warm(client, [CATALOG])
    fragment = client.get(CATALOG, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and 'id="results"' in fragment
    assert "<html" in client.get(CATALOG).content.decode()


def test_a_new_price_shows_on_every_page_at_once(client, ring):
    warm(client, pages(ring))
    services.piece_update(piece=ring, fields={"base_price_cents": 23500})
    for url in pages(ring):
        assert "235" in served(client, url)[0], url


def test_a_new_option_price_shows_on_the_piece_page_and_the_cards(client, ring):
    option = OptionFactory(piece=ring, label="Metal", required=True)
    ChoiceFactory(option=option, label="Silver")
    ChoiceFactory(option=option, label="Gold", price_delta_cents=30000)
    services.piece_refresh(piece=ring)
    warm(client, [ring.get_absolute_url(), CATALOG])
    assert "180" in served(client, ring.get_absolute_url())[0]
    services.option_save(
        piece=ring,
        option=option,
        fields={"label": "Metal", "required": True},
        choices=[("Silver", 5000), ("Gold", 41000)],
    )
    # The cheapest required choice now adds €50: "from" €230, on the page and the card.
    assert "230" in served(client, ring.get_absolute_url())[0]
    assert "230" in served(client, CATALOG)[0]


def test_unpublishing_takes_a_piece_off_every_page_and_a_draft_never_appears(client, ring):
    draft = PieceFactory(maker=ring.maker, title="Secret draft", status=Piece.Status.DRAFT)
    PiecePhotoFactory(piece=draft)
    warm(client, pages(ring))
    for url in pages(ring):
        assert "Secret draft" not in served(client, url)[0]
    assert client.get(draft.get_absolute_url()).status_code == 404

    services.piece_set_status(piece=ring, status=Piece.Status.DRAFT)
    assert client.get(ring.get_absolute_url()).status_code == 404
    for url in [reverse("home"), CATALOG, ring.maker.get_absolute_url()]:
        assert "Hammered ring" not in served(client, url)[0], url

    services.piece_set_status(piece=draft, status=Piece.Status.PUBLISHED)
    assert "Secret draft" in served(client, CATALOG)[0]
    assert served(client, draft.get_absolute_url())[1] > 0


def test_a_maker_who_stops_taking_commissions_or_fills_the_bench_shows_so_at_once(client, ring):
    maker_page = ring.maker.get_absolute_url()
    warm(client, [maker_page, ring.get_absolute_url(), reverse("makers:makers")])
    assert "Open for commissions" in served(client, maker_page)[0]
    services.maker_profile_update(maker=ring.maker, fields={"accepting_commissions": False})
    assert "Not taking commissions" in served(client, maker_page)[0]
    assert "Not taking commissions" in served(client, reverse("makers:makers"))[0]
    assert "not taking new commissions" in served(client, ring.get_absolute_url())[0]


def test_a_renamed_maker_shows_on_the_pieces_cards(client, ring):
    warm(client, [CATALOG, reverse("makers:makers")])
    services.maker_profile_update(maker=ring.maker, fields={"display_name": "Mara Goldsmith"})
    assert "Mara Goldsmith" in served(client, CATALOG)[0]
    assert "Mara Goldsmith" in served(client, reverse("makers:makers"))[0]


def test_a_photo_shows_once_its_renditions_are_made_and_a_new_cover_at_once(client, ring):
    first = PiecePhotoFactory(piece=ring, position=0)
    warm(client, [CATALOG, ring.get_absolute_url()])
    assert "placeholder.svg" in served(client, CATALOG)[0]
    render_renditions(first)  # the task's work: an .update(), no signal
    first.refresh_from_db()
    html = served(client, CATALOG)[0]
    assert "placeholder.svg" not in html and first.renditions["thumb"]["webp"] in html

    second = PiecePhotoFactory(piece=ring, position=1)
    render_renditions(second)
    second.refresh_from_db()
    warm(client, [CATALOG])
    services.piece_photo_move(photo=second, direction="up")
    assert second.renditions["thumb"]["webp"] in served(client, CATALOG)[0]


def test_a_logged_in_visitor_never_gets_the_visitors_page_nor_gives_theirs(client, ring, buyer):
    warm(client, [CATALOG])
    client.force_login(buyer)
    html, queries = served(client, CATALOG)
    assert queries > 0 and "Your account" in html and "X-CSRFToken" in html
    client.logout()
    html = served(client, CATALOG)[0]
    assert "Your account" not in html and "Log in" in html


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page(client, ring):
    warm(client, [CATALOG])
    client.cookies["messages"] = "anything"
    assert served(client, CATALOG)[1] > 0


def test_pages_work_and_stay_fresh_when_the_cache_is_unreachable(client, ring, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "shop.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    from shop.cache import breaker

    try:
        assert "180" in served(client, ring.get_absolute_url())[0]
        Piece.objects.filter(pk=ring.pk).update(base_price_cents=19900, price_from_cents=19900)
        assert "199" in served(client, ring.get_absolute_url())[0]
    finally:
        breaker._open_until = 0.0


def test_every_model_a_public_page_shows_is_watched():
    from shop import page_cache

    shown = {
        Maker,
        Piece,
        Piece.materials.through,
        *(rel.related_model for rel in Piece._meta.related_objects),
    }
    shown = {m for m in shown if m._meta.app_label == "makers"}
    assert shown <= page_cache._watched


def test_a_logged_in_buyers_cards_come_from_the_cache_and_still_show_a_new_price(
    client, ring, buyer
):
    client.force_login(buyer)
    pages = [CATALOG, ring.maker.get_absolute_url()]
    for url in pages:
        served(client, url)
        assert "180" in served(client, url)[0]
    services.piece_update(piece=ring, fields={"base_price_cents": 26500})
    for url in pages:
        html = served(client, url)[0]
        assert "265" in html and "180" not in html, url
        assert "Your account" in html
