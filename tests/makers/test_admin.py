"""The shop owner runs the catalog in the admin: every list opens, searches and filters;
photos uploaded there are cleaned like any other."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from makers.models import Piece, PiecePhoto
from tests.factories import (
    ChoiceFactory,
    MaterialFactory,
    OptionFactory,
    PieceFactory,
    PiecePhotoFactory,
)

MODELS = ["category", "maker", "material", "piece", "personalisationoption", "piecephoto"]


@pytest.fixture
def office(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def catalog(maker):
    piece = PieceFactory(maker=maker, title="Signet ring")
    PiecePhotoFactory(piece=piece)
    MaterialFactory(maker=maker, name="Recycled gold")
    ChoiceFactory(option=OptionFactory(piece=piece, label="Size"), label="L")
    return piece


@pytest.mark.parametrize("model", MODELS)
def test_every_catalog_list_opens_searches_and_opens_a_row(office, catalog, model):
    url = reverse(f"admin:makers_{model}_changelist")
    assert office.get(url).status_code == 200
    assert office.get(url, {"q": "ring"}).status_code == 200
    assert office.get(reverse(f"admin:makers_{model}_add")).status_code == 200


def test_the_piece_list_shows_thumbnails_and_prices(
    office, catalog, django_capture_on_commit_callbacks
):
    from shop.images.pipeline import render_renditions

    render_renditions(catalog.photos.get())
    html = office.get(reverse("admin:makers_piece_changelist")).content.decode()
    assert "renditions/" in html and "€120.00" in html


def test_a_photo_uploaded_in_the_admin_loses_its_gps(
    office, catalog, django_capture_on_commit_callbacks
):
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (51.0, 3.0, 12.5),
    }
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (120, 90, 60)).save(buffer, format="JPEG", exif=exif)
    assert b"Exif" in buffer.getvalue()

    # Cleaned by the same task as every upload, once the admin's change is committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(
            reverse("admin:makers_piecephoto_add"),
            {
                "piece": catalog.id,
                "position": 3,
                "alt_text": "From the office",
                "image": SimpleUploadedFile(
                    "office.jpg", buffer.getvalue(), content_type="image/jpeg"
                ),
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    photo = PiecePhoto.objects.get(alt_text="From the office")
    with photo.image.open("rb") as f:
        raw = f.read()
    assert b"Exif" not in raw and b"GPS" not in raw


def test_a_file_that_is_no_photo_is_refused_in_the_admin_with_a_message(office, catalog):
    response = office.post(
        reverse("admin:makers_piecephoto_add"),
        {
            "piece": catalog.id,
            "position": 3,
            "image": SimpleUploadedFile(
                "notes.jpg", b"<html>notes</html>", content_type="image/jpeg"
            ),
        },
    )
    assert response.status_code == 200
    assert "not a photo we can read" in response.content.decode()


def test_publishing_from_the_admin_refuses_a_piece_without_a_photo(office, maker):
    bare = PieceFactory(maker=maker, title="Bare", status=Piece.Status.DRAFT)
    response = office.post(
        reverse("admin:makers_piece_changelist"),
        {"action": "publish", "_selected_action": [bare.id]},
        follow=True,
    )
    assert "Add at least one photo" in response.content.decode()
    bare.refresh_from_db()
    assert bare.status == Piece.Status.DRAFT
