"""A piece's photos are public while it is published, and only then: a draft's or an
archived piece's photos answer 404 at their URLs to everyone but its maker and the office."""

import pytest
from django.test import Client

from makers import services
from makers.models import Piece
from shop.images.pipeline import check_upload, render_renditions
from tests.factories import PieceFactory
from tests.world import photo_bytes


@pytest.fixture
def photo(maker):
    from django.core.files.base import ContentFile

    piece = PieceFactory(maker=maker, status=Piece.Status.DRAFT, published_at=None)
    [photo] = services.piece_photos_add(
        piece=piece, files=[check_upload(ContentFile(photo_bytes(), name="ring.jpg"))]
    )
    return photo


def _urls(photo) -> list[str]:
    names = [photo.image.name] + [
        photo.rendition_name(s, f) for s in ("thumb", "display") for f in ("webp", "jpeg")
    ]
    return ["/media/" + name for name in names]


def test_an_upload_its_task_has_not_cleaned_is_served_to_nobody(client, photo, owner):
    client.force_login(owner)
    assert client.get("/media/" + photo.image.name).status_code == 404


def test_a_pieces_photos_follow_its_status(client, photo, maker, owner, other_maker):
    render_renditions(photo)
    piece = photo.piece
    people = {"visitor": Client(), "maker": Client(), "owner": Client(), "other": Client()}
    people["maker"].force_login(maker.user)
    people["owner"].force_login(owner)
    people["other"].force_login(other_maker.user)

    def who_sees() -> set[str]:
        return {
            name
            for name, browser in people.items()
            if all(browser.get(url).status_code == 200 for url in _urls(photo))
        }

    assert who_sees() == {"maker", "owner"}  # a draft
    services.piece_set_status(piece=piece, status=Piece.Status.PUBLISHED)
    assert who_sees() == set(people)
    response = Client().get(_urls(photo)[1])
    assert response["Cache-Control"] == "public, max-age=3600"
    services.piece_set_status(piece=piece, status=Piece.Status.ARCHIVED)
    assert who_sees() == {"maker", "owner"}
    response = people["maker"].get(_urls(photo)[1])
    assert response["Cache-Control"] == "private, no-store"  # never left in a cache


def test_nothing_else_under_media_is_served(client, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "notes.txt").write_text("private")
    for path in ("/media/notes.txt", "/media/../settings.py", "/media/pieces/photos/x.jpg"):
        assert client.get(path).status_code == 404


def test_withdrawing_a_piece_gives_its_photos_new_names_so_old_links_die_on_any_storage(
    photo, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    render_renditions(photo)
    piece = photo.piece
    services.piece_set_status(piece=piece, status=Piece.Status.PUBLISHED)
    public = [url.removeprefix("/media/") for url in _urls(photo)]
    with django_capture_on_commit_callbacks(execute=True):
        services.piece_set_status(piece=piece, status=Piece.Status.ARCHIVED)
    photo.refresh_from_db()
    renamed = [url.removeprefix("/media/") for url in _urls(photo)]
    assert not set(public) & set(renamed)
    assert not any(default_storage.exists(name) for name in public)  # gone, even from S3
    assert all(default_storage.exists(name) for name in renamed)
    assert photo.has_renditions
