"""The demo catalog `seed_demo` creates: the shop a newcomer meets first."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from PIL import Image, ImageStat

from makers.demo import catalog, drawings
from makers.models import Maker, Piece, PiecePhoto
from shop.accounts.demo import DEMO_PASSWORD, MAKER_EMAIL


def _counts() -> dict[str, int]:
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label in {"accounts", "makers"}
    }


def _seed(**options) -> None:
    call_command("seed_demo", stdout=io.StringIO(), **options)


@pytest.fixture
def quick_drawings(monkeypatch, settings, tmp_path):
    """Small plain pictures in place of the real drawings (checked on their own below), so
    seeding the whole catalog takes a moment instead of fifteen seconds."""
    settings.MEDIA_ROOT = tmp_path

    def picture(slug: str, **looks) -> Image.Image:
        return Image.new("RGB", (160, 120), (200, 170, 140))

    monkeypatch.setattr(drawings, "DRAWINGS", dict.fromkeys(drawings.DRAWINGS, picture))
    monkeypatch.setattr(drawings, "portrait", picture)


def test_the_demo_catalog_shows_every_kind_of_maker_and_piece(db, quick_drawings):
    _seed()

    makers = list(Maker.objects.select_related("user", "portrait"))
    assert len(makers) >= 8
    assert Maker.objects.get(user__email=MAKER_EMAIL).craft == "Silversmith"
    assert all(m.portrait.has_renditions for m in makers)
    assert all(m.materials.exists() for m in makers)
    assert 3 <= sum(m.featured for m in makers) <= 4
    closed = [m for m in makers if not m.accepting_commissions]
    assert len(closed) == 1  # a full bench comes with the demo commissions
    tomas = Maker.objects.get(slug="tomas-brandt")
    assert tomas.user.check_password(DEMO_PASSWORD)

    pieces = Piece.objects.all()
    assert pieces.count() >= 40
    assert {"draft", "archived", "published"} <= set(pieces.values_list("status", flat=True))
    assert not pieces.published().filter(published_at=None).exists()
    assert not pieces.filter(photos=None).exists()
    assert not PiecePhoto.objects.filter(renditions_ready_at=None).exists()
    assert not PiecePhoto.objects.filter(alt_text="").exists()
    assert 6 <= pieces.filter(featured=True).count() <= 10
    assert not pieces.filter(search_text="").exists()
    assert pieces.filter(options__isnull=False).distinct().count() > pieces.count() / 2
    ring = Piece.objects.get(slug="mara-silversmith-birthstone-solitaire-ring")
    assert ring.price_from_cents == ring.base_price_cents  # every required choice has a +0
    assert ring.materials.filter(recycled=True).exists()

    before = _counts()
    _seed()
    assert _counts() == before


def test_scale_adds_load_makers_with_published_pieces_once(db, quick_drawings):
    _seed(scale=3)

    load = Maker.objects.filter(slug__startswith="load-maker-")
    assert sorted(load.values_list("slug", flat=True)) == [
        "load-maker-1",
        "load-maker-2",
        "load-maker-3",
    ]
    pieces = Piece.objects.filter(maker__in=load)
    assert pieces.published().count() == 3 * 20 == pieces.count()
    assert not pieces.filter(photos=None).exists()
    assert not pieces.filter(price_from_cents=0).exists()
    photos = PiecePhoto.objects.filter(piece__in=pieces)
    assert not photos.filter(renditions_ready_at=None).exists()
    # A handful of stored pictures shared by every load piece.
    images = set(photos.values_list("image", flat=True))
    assert len(images) == len(catalog.LOAD_KINDS)
    storage = PiecePhoto._meta.get_field("image").storage
    assert all(storage.exists(name) for name in images)

    before = _counts()
    _seed(scale=3)
    assert _counts() == before


@pytest.mark.parametrize("name", sorted(drawings.DRAWINGS))
def test_each_drawing_is_a_1200_by_900_picture_with_something_in_it(name):
    image = drawings.DRAWINGS[name](f"test-{name}")
    assert image.mode == "RGB"
    assert image.size == (1200, 900)
    assert max(ImageStat.Stat(image).stddev) > 8, "a flat picture"


def test_a_piece_always_gets_the_same_picture_and_a_maker_a_square_portrait():
    assert drawings.bowl("a-bowl").tobytes() == drawings.bowl("a-bowl").tobytes()
    assert drawings.bowl("a-bowl").tobytes() != drawings.bowl("another-bowl").tobytes()
    portrait = drawings.portrait("mara", initials="MS")
    assert portrait.mode == "RGB" and portrait.size == (900, 900)
    assert max(ImageStat.Stat(portrait).stddev) > 8
