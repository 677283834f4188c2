"""A buyer reads a maker's page: their story, materials, pieces and honest availability."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from makers.models import Material, Piece
from tests.factories import MakerFactory, MaterialFactory, PieceFactory, PiecePhotoFactory


def test_the_maker_page_tells_their_story_with_materials_and_pieces(client, maker):
    MaterialFactory(
        maker=maker,
        name="Fairmined gold",
        kind=Material.Kind.METAL,
        certification=Material.Certification.FAIRMINED,
        origin="La Llanada, Colombia",
    )
    PieceFactory(maker=maker, title="Hammered ring")
    PieceFactory(maker=maker, title="Secret draft", status=Piece.Status.DRAFT)
    html = client.get(maker.get_absolute_url()).content.decode()
    assert "I make rings at a bench by the window." in html
    assert "Fairmined gold" in html and "Fairmined" in html and "La Llanada, Colombia" in html
    assert "Hammered ring" in html and "Secret draft" not in html


def test_open_slots_are_capacity_minus_what_is_on_the_bench(client, maker):
    maker.capacity, maker.slots_taken = 3, 1
    maker.save()
    html = client.get(maker.get_absolute_url()).content.decode()
    assert "2 of 3" in html and "can start now" in html


def test_a_full_bench_says_waitlist_with_a_realistic_start(client, maker):
    maker.capacity = maker.slots_taken = 2
    maker.typical_lead_weeks = 5
    maker.save()
    html = client.get(maker.get_absolute_url()).content.decode()
    start = timezone.localdate() + timedelta(weeks=5)
    assert "Waitlist" in html and start.strftime("%-d %B %Y") in html


def test_a_closed_bench_says_so(client, maker):
    maker.accepting_commissions = False
    maker.save()
    assert "not taking new commissions" in client.get(maker.get_absolute_url()).content.decode()


def test_an_unknown_maker_is_a_404(client, db):
    assert client.get(reverse("makers:maker", args=["nobody"])).status_code == 404


def test_the_makers_list_shows_every_maker_with_their_state(client, maker, other_maker):
    other_maker.accepting_commissions = False
    other_maker.save()
    html = client.get(reverse("makers:makers")).content.decode()
    assert "Mara Silversmith" in html and "Tomas Woodworker" in html
    assert "Not taking commissions" in html


def test_the_home_page_features_makers_and_pieces(client, maker):
    maker.featured = True
    maker.save()
    PieceFactory(maker=maker, title="Featured bangle", featured=True)
    PieceFactory(maker=maker, title="Quiet bangle")
    html = client.get("/").content.decode()
    assert "Featured bangle" in html and "Quiet bangle" not in html
    assert "Mara Silversmith" in html and 'href="/pieces/"' in html


@pytest.mark.parametrize("page", ["maker", "piece", "home", "makers"])
def test_maker_piece_and_home_pages_run_the_same_queries_at_10_and_at_1000_pieces(
    client, maker, page
):
    counts = []
    for n in (10, 990):
        pieces = Piece.objects.bulk_create(
            Piece(
                maker=maker,
                title=f"P{i}",
                slug=f"p-{n}-{i}",
                base_price_cents=100,
                price_from_cents=100,
                status=Piece.Status.PUBLISHED,
                featured=True,
            )
            for i in range(n)
        )
        for piece in pieces[:3]:
            PiecePhotoFactory(piece=piece)
        MakerFactory.create_batch(3, featured=True)
        url = {
            "maker": maker.get_absolute_url(),
            "piece": pieces[0].get_absolute_url(),
            "home": "/",
            "makers": reverse("makers:makers"),
        }[page]
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 6, counts
