"""A buyer personalises a piece and sees the price and delivery window follow, with or
without JavaScript."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from makers.models import PersonalisationOption, Piece
from makers.services import piece_refresh
from tests.factories import (
    ChoiceFactory,
    MaterialFactory,
    OptionFactory,
    PieceFactory,
    PiecePhotoFactory,
)


@pytest.fixture
def ring(maker):
    """A €180 ring: a required metal (silver +0, gold +320), an optional stone, an engraving."""
    piece = PieceFactory(
        maker=maker,
        title="Stacking ring",
        slug="stacking-ring",
        base_price_cents=18000,
        lead_time_min_weeks=2,
        lead_time_max_weeks=3,
    )
    metal = OptionFactory(piece=piece, label="Metal", required=True, position=0)
    piece.silver = ChoiceFactory(option=metal, label="Silver", price_delta_cents=0)
    piece.gold = ChoiceFactory(option=metal, label="9ct gold", price_delta_cents=32000)
    stone = OptionFactory(piece=piece, label="Birthstone", position=1)
    piece.sapphire = ChoiceFactory(option=stone, label="Sapphire", price_delta_cents=4050)
    piece.engraving = OptionFactory(
        piece=piece,
        label="Engraving",
        position=2,
        kind=PersonalisationOption.Kind.TEXT,
        max_length=12,
    )
    piece.metal, piece.stone = metal, stone
    piece.materials.add(
        MaterialFactory(
            maker=maker,
            name="Recycled silver",
            recycled=True,
            origin="Sheffield, UK",
            supplier="Cookson",
        )
    )
    PiecePhotoFactory(piece=piece)
    return piece_refresh(piece=piece)


def test_the_piece_page_shows_photos_materials_with_provenance_and_the_price_from(client, ring):
    html = client.get(ring.get_absolute_url()).content.decode()
    assert "Stacking ring" in html and "Mara Silversmith" in html
    assert "Recycled silver" in html and "From Sheffield, UK, supplied by Cookson" in html
    assert "€180.00" in html
    assert "Request this piece" in html and "Ask the maker a question" in html


def test_choices_add_their_price_and_the_total_comes_back_without_javascript(client, ring):
    response = client.get(
        ring.get_absolute_url(),
        {
            f"opt-{ring.metal.id}": ring.gold.id,
            f"opt-{ring.stone.id}": ring.sapphire.id,
            f"opt-{ring.engraving.id}": "A & B",
        },
    )
    estimate = response.context["estimate"]
    assert estimate.total.cents == 18000 + 32000 + 4050
    html = response.content.decode()
    assert "<html" in html and "€540.50" in html
    assert "Metal: 9ct gold" in html and "+€320.00" in html


def test_with_htmx_only_the_price_box_comes_back(client, ring):
    response = client.get(
        ring.get_absolute_url(), {f"opt-{ring.metal.id}": ring.gold.id}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="price"')
    assert "<html" not in html and "€500.00" in html


def test_the_price_is_taken_from_the_database_not_from_the_browser(client, ring, other_maker):
    foreign = ChoiceFactory(
        option=OptionFactory(piece=PieceFactory(maker=other_maker)), price_delta_cents=-17000
    )
    response = client.get(ring.get_absolute_url(), {f"opt-{ring.metal.id}": foreign.id})
    assert response.context["estimate"].total.cents == 18000
    assert "Select a valid choice" in response.content.decode()


def test_a_too_long_engraving_is_explained_and_the_rest_still_prices(client, ring):
    response = client.get(
        ring.get_absolute_url(),
        {f"opt-{ring.metal.id}": ring.gold.id, f"opt-{ring.engraving.id}": "Far too long a text"},
    )
    assert response.context["estimate"].total.cents == 50000
    assert "at most 12 characters" in response.content.decode()


def test_the_lowest_price_counts_the_cheapest_required_choice_and_any_discount(maker):
    piece = PieceFactory(maker=maker, base_price_cents=10000)
    size = OptionFactory(piece=piece, required=True)
    ChoiceFactory(option=size, price_delta_cents=1500)
    ChoiceFactory(option=size, price_delta_cents=2500)
    box = OptionFactory(piece=piece, required=False)
    ChoiceFactory(option=box, price_delta_cents=-500)
    ChoiceFactory(option=box, price_delta_cents=900)
    assert piece_refresh(piece=piece).price_from_cents == 10000 + 1500 - 500


def test_the_delivery_window_starts_now_with_a_free_slot_and_later_on_a_waitlist(client, ring):
    today = timezone.localdate()
    estimate = client.get(ring.get_absolute_url()).context["estimate"]
    assert (estimate.start, estimate.waitlist) == (today, False)
    assert estimate.delivery_from == today + timedelta(weeks=2)
    assert estimate.delivery_to == today + timedelta(weeks=3)

    ring.maker.slots_taken = ring.maker.capacity
    ring.maker.save()
    response = client.get(ring.get_absolute_url())
    estimate = response.context["estimate"]
    assert estimate.waitlist and estimate.start == today + timedelta(
        weeks=ring.maker.typical_lead_weeks
    )
    assert "bench is full" in response.content.decode()


def test_a_maker_not_taking_commissions_offers_a_question_not_a_request(client, ring):
    ring.maker.accepting_commissions = False
    ring.maker.save()
    html = client.get(ring.get_absolute_url()).content.decode()
    assert "not taking new commissions" in html
    assert "Request this piece" not in html and "Ask the maker a question" in html


def test_a_draft_is_hidden_from_buyers_but_its_maker_can_preview_it(client, ring, buyer):
    Piece.objects.filter(pk=ring.pk).update(status=Piece.Status.DRAFT)
    assert client.get(ring.get_absolute_url()).status_code == 404
    client.force_login(buyer)
    assert client.get(ring.get_absolute_url()).status_code == 404
    client.force_login(ring.maker.user)
    response = client.get(ring.get_absolute_url())
    assert response.status_code == 200 and "only you can see this page" in response.content.decode()


def test_the_piece_page_runs_the_same_queries_however_many_options_and_photos(client, ring):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(ring.get_absolute_url(), {f"opt-{ring.metal.id}": ring.gold.id})
        return len(queries)

    before = count()
    for _ in range(5):
        option = OptionFactory(piece=ring)
        ChoiceFactory.create_batch(4, option=option)
        PiecePhotoFactory(piece=ring)
        ring.materials.add(MaterialFactory(maker=ring.maker))
    assert count() == before <= 6


def test_a_monogram_without_initials_is_not_bought_the_form_says_what_is_missing(client, buyer):
    piece = PieceFactory(title="Wallet", slug="wallet", base_price_cents=9000)
    monogram = OptionFactory(piece=piece, label="Monogram", position=0)
    initials = OptionFactory(
        piece=piece, label="Initials", kind=PersonalisationOption.Kind.TEXT, max_length=3
    )
    ChoiceFactory(option=monogram, label="No monogram")
    embossed = ChoiceFactory(
        option=monogram, label="Blind-embossed initials", price_delta_cents=1500, needs=initials
    )
    url = piece.get_absolute_url()
    page = client.get(url).content.decode()
    assert "Needed with Blind-embossed initials." in page

    chosen = {f"opt-{monogram.id}": embossed.id, f"opt-{initials.id}": ""}
    html = client.get(url, chosen).content.decode()
    assert "Blind-embossed initials needs your initials" in html
    client.force_login(buyer)
    response = client.post(reverse("commissions:request_piece", args=[piece.slug]), chosen)
    assert "Blind-embossed initials needs your initials" in response.content.decode()
    assert not piece.commissions.exists()

    chosen[f"opt-{initials.id}"] = "MS"
    html = client.get(url, chosen).content.decode()
    assert "needs your initials" not in html and "€105.00" in html
