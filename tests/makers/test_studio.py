"""A maker runs their bench from the studio; nobody else reaches it."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from makers.models import Maker, MakerPortrait, Material, PersonalisationOption, Piece, PiecePhoto
from tests.factories import (
    CategoryFactory,
    ChoiceFactory,
    MaterialFactory,
    OptionFactory,
    PieceFactory,
    PiecePhotoFactory,
    jpeg_bytes,
)


def upload(name="bench.jpg", data=None, content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, data if data is not None else jpeg_bytes((320, 240)), content_type=content_type
    )


@pytest.fixture
def studio(client, maker):
    client.force_login(maker.user)
    return client


@pytest.fixture
def theirs(other_maker):
    """Another maker's piece with a photo, an option and a material."""
    piece = PieceFactory(maker=other_maker, slug="their-piece", status=Piece.Status.DRAFT)
    return {
        "piece": piece,
        "photo": PiecePhotoFactory(piece=piece),
        "option": OptionFactory(piece=piece),
        "material": MaterialFactory(maker=other_maker),
    }


def _studio_urls(t) -> list[tuple[str, str]]:
    slug = t["piece"].slug
    return [
        ("get", reverse("studio:piece_edit", args=[slug])),
        ("post", reverse("studio:piece_edit", args=[slug])),
        ("post", reverse("studio:piece_status", args=[slug])),
        ("post", reverse("studio:photos_add", args=[slug])),
        ("post", reverse("studio:photo_move", args=[slug, t["photo"].id])),
        ("post", reverse("studio:photo_delete", args=[slug, t["photo"].id])),
        ("get", reverse("studio:option_new", args=[slug])),
        ("get", reverse("studio:option_edit", args=[slug, t["option"].id])),
        ("post", reverse("studio:option_delete", args=[slug, t["option"].id])),
        ("get", reverse("studio:material_edit", args=[t["material"].id])),
        ("post", reverse("studio:material_delete", args=[t["material"].id])),
    ]


def test_a_maker_cannot_see_or_change_another_makers_things(studio, theirs):
    for method, url in _studio_urls(theirs):
        response = getattr(studio, method)(url, {"status": "published", "direction": "up"})
        assert response.status_code == 404, (method, url)
    theirs["piece"].refresh_from_db()
    assert theirs["piece"].status == Piece.Status.DRAFT
    assert PiecePhoto.objects.filter(pk=theirs["photo"].pk).exists()
    assert Material.objects.filter(pk=theirs["material"].pk).exists()


def test_a_buyer_has_no_studio_and_a_visitor_is_asked_to_log_in(client, buyer, theirs):
    urls = [
        ("get", reverse("studio:dashboard")),
        ("get", reverse("studio:profile")),
        ("get", reverse("studio:pieces")),
        ("get", reverse("studio:piece_new")),
    ]
    urls += _studio_urls(theirs)
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, url
    client.force_login(buyer)
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 404, url


def test_the_studio_link_shows_for_makers_only(client, buyer, maker):
    client.force_login(buyer)
    assert 'href="/studio/"' not in client.get("/").content.decode()
    client.force_login(maker.user)
    assert 'href="/studio/"' in client.get("/").content.decode()


def test_a_maker_adds_a_piece_as_a_draft_then_publishes_it_once_it_has_a_photo(studio, maker):
    silver = MaterialFactory(maker=maker, name="Recycled silver")
    CategoryFactory(slug="rings")
    response = studio.post(
        reverse("studio:piece_new"),
        {
            "title": "Wave ring",
            "description": "Like the sea.",
            "base_price_cents": "1,250.50",
            "lead_time_min_weeks": 2,
            "lead_time_max_weeks": 5,
            "made_to_order": "on",
            "materials": [silver.id],
        },
    )
    piece = Piece.objects.get(title="Wave ring")
    assert response.url == reverse("studio:piece_edit", args=[piece.slug])
    assert (piece.status, piece.base_price_cents, piece.price_from_cents) == (
        "draft",
        125050,
        125050,
    )
    assert piece.slug == "mara-wave-ring" and list(piece.materials.all()) == [silver]
    assert "Recycled silver" in piece.search_text

    response = studio.post(
        reverse("studio:piece_status", args=[piece.slug]), {"status": "published"}, follow=True
    )
    assert "Add at least one photo" in response.content.decode()
    piece.refresh_from_db()
    assert piece.status == "draft"

    studio.post(reverse("studio:photos_add", args=[piece.slug]), {"photos": [upload()]})
    studio.post(reverse("studio:piece_status", args=[piece.slug]), {"status": "published"})
    piece.refresh_from_db()
    assert piece.status == "published" and piece.published_at is not None
    assert studio.get(reverse("makers:catalog")).context["page"].object_list[0] == piece


def test_a_piece_form_explains_mistakes_and_keeps_what_was_typed(studio):
    response = studio.post(
        reverse("studio:piece_new"),
        {
            "title": "Bowl",
            "base_price_cents": "twelve",
            "lead_time_min_weeks": 6,
            "lead_time_max_weeks": 2,
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter an amount in EUR" in html and "cannot be shorter" in html
    assert 'value="Bowl"' in html and 'value="twelve"' in html
    assert not Piece.objects.exists()


def test_a_maker_cannot_list_another_makers_material_on_their_piece(studio, maker, theirs):
    piece = PieceFactory(maker=maker)
    response = studio.post(
        reverse("studio:piece_edit", args=[piece.slug]),
        {
            "title": piece.title,
            "base_price_cents": "120",
            "lead_time_min_weeks": 1,
            "lead_time_max_weeks": 2,
            "materials": [theirs["material"].id],
        },
    )
    assert "Select a valid choice" in response.content.decode()
    assert not piece.materials.exists()


def test_photos_upload_reorder_and_delete_with_and_without_htmx(
    studio, maker, django_capture_on_commit_callbacks
):
    piece = PieceFactory(maker=maker, status=Piece.Status.DRAFT)
    url = reverse("studio:photos_add", args=[piece.slug])
    with django_capture_on_commit_callbacks(execute=True):
        studio.post(
            url, {"photos": [upload("a.jpg"), upload("b.png", _png())], "alt_text": "On oak"}
        )
    first, second = piece.photos.order_by("position")
    assert (first.alt_text, first.image.name.endswith(".jpg")) == ("On oak", True)
    assert second.image.name.endswith(".png")  # see-through, so kept as PNG
    assert first.has_renditions  # the eager task rendered its sizes on commit

    response = studio.post(
        reverse("studio:photo_move", args=[piece.slug, second.id]),
        {"direction": "up"},
        HTTP_HX_REQUEST="true",
    )
    assert response.content.decode().lstrip().startswith('<section id="photos"')
    assert list(piece.photos.order_by("position")) == [second, first]

    studio.post(reverse("studio:photo_delete", args=[piece.slug, second.id]))
    assert list(piece.photos.all()) == [first]


def test_a_bad_photo_gets_a_clear_message_never_an_error_page(studio, maker):
    piece = PieceFactory(maker=maker, status=Piece.Status.DRAFT)
    response = studio.post(
        reverse("studio:photos_add", args=[piece.slug]),
        {"photos": [upload("page.jpg", b"<html><body>hi</body></html>")]},
    )
    assert response.status_code == 200
    assert "page.jpg" in response.content.decode()
    assert not piece.photos.exists()


def test_the_last_photo_of_a_published_piece_stays(studio, maker):
    piece = PieceFactory(maker=maker)
    photo = PiecePhotoFactory(piece=piece)
    response = studio.post(reverse("studio:photo_delete", args=[piece.slug, photo.id]), follow=True)
    assert "needs a photo" in response.content.decode()
    assert piece.photos.count() == 1


def test_options_with_typed_choices_set_the_lowest_price(studio, maker):
    piece = PieceFactory(maker=maker, base_price_cents=20000)
    studio.post(
        reverse("studio:option_new", args=[piece.slug]),
        {
            "kind": "choice",
            "label": "Metal",
            "required": "on",
            "choices_text": "Silver\n9ct gold | +320\nReclaimed silver | -15.50",
        },
    )
    option = piece.options.get()
    assert [(c.label, c.price_delta_cents) for c in option.choices.all()] == [
        ("Silver", 0),
        ("9ct gold", 32000),
        ("Reclaimed silver", -1550),
    ]
    piece.refresh_from_db()
    assert piece.price_from_cents == 20000 - 1550

    html = studio.get(reverse("studio:option_edit", args=[piece.slug, option.id])).content.decode()
    assert "9ct gold | +320.00" in html

    studio.post(
        reverse("studio:option_edit", args=[piece.slug, option.id]),
        {"kind": "choice", "label": "Metal", "required": "on", "choices_text": "Gold | +100"},
    )
    piece.refresh_from_db()
    assert piece.price_from_cents == 30000

    studio.post(reverse("studio:option_delete", args=[piece.slug, option.id]))
    piece.refresh_from_db()
    assert piece.price_from_cents == 20000 and not piece.options.exists()


def test_a_mistyped_choice_line_is_explained(studio, maker):
    piece = PieceFactory(maker=maker)
    response = studio.post(
        reverse("studio:option_new", args=[piece.slug]),
        {"kind": "choice", "label": "Stone", "choices_text": "Ruby | +lots"},
    )
    assert "Line 1" in response.content.decode()
    assert not PersonalisationOption.objects.exists()


def test_a_text_option_has_a_length_limit(studio, maker):
    piece = PieceFactory(maker=maker)
    studio.post(
        reverse("studio:option_new", args=[piece.slug]),
        {"kind": "text", "label": "Engraving", "max_length": 20},
    )
    option = piece.options.get()
    assert (option.kind, option.max_length) == ("text", 20)


def test_materials_are_added_renamed_and_removed(studio, maker):
    studio.post(
        reverse("studio:materials"),
        {"name": "Walnut", "kind": "wood", "origin": "Dordogne", "certification": "fsc"},
    )
    walnut = maker.materials.get()
    piece = PieceFactory(maker=maker)
    piece.materials.add(walnut)
    response = studio.post(reverse("studio:materials"), {"name": "walnut", "kind": "wood"})
    assert "already have a material" in response.content.decode()

    studio.post(
        reverse("studio:material_edit", args=[walnut.id]),
        {"name": "Black walnut", "kind": "wood", "certification": "fsc"},
    )
    piece.refresh_from_db()
    assert "Black walnut" in piece.search_text

    studio.post(reverse("studio:material_delete", args=[walnut.id]))
    assert not maker.materials.exists()


def test_the_profile_saves_and_a_new_portrait_replaces_the_old(
    studio, maker, django_capture_on_commit_callbacks
):
    data = {
        "display_name": "Mara Lind",
        "craft": "Silversmith",
        "tagline": "Rings by the sea",
        "story": "I work alone.",
        "location": "Ostend",
        "accepting_commissions": "on",
        "capacity": 4,
        "typical_lead_weeks": 3,
    }
    piece = PieceFactory(maker=maker)
    with django_capture_on_commit_callbacks(execute=True):
        studio.post(reverse("studio:profile"), {**data, "portrait": upload("me.jpg")})
    first = MakerPortrait.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        studio.post(reverse("studio:profile"), {**data, "portrait": upload("me2.jpg")})
    maker = Maker.objects.get(pk=maker.pk)
    assert (maker.display_name, maker.capacity) == ("Mara Lind", 4)
    assert maker.portrait.has_renditions and maker.portrait.pk != first.pk
    assert MakerPortrait.objects.count() == 1
    assert not first.image.storage.exists(first.image.name)  # the old files are gone
    assert "Mara Lind" in Piece.objects.get(pk=piece.pk).search_text


def test_a_maker_on_a_phone_sees_the_dashboard_counts(studio, maker):
    PieceFactory.create_batch(2, maker=maker)
    PieceFactory(maker=maker, status=Piece.Status.DRAFT)
    html = studio.get(reverse("studio:dashboard")).content.decode()
    assert '<span class="tile__n">2</span> published' in html
    assert '<span class="tile__n">1</span> draft' in html


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (200, 150), (90, 110, 80, 128)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_choices_are_kept_when_an_option_is_edited_without_them(studio, maker):
    piece = PieceFactory(maker=maker)
    option = OptionFactory(piece=piece, label="Size")
    ChoiceFactory(option=option, label="S")
    response = studio.post(
        reverse("studio:option_edit", args=[piece.slug, option.id]),
        {"kind": "choice", "label": "Size", "choices_text": ""},
    )
    assert "needs at least one choice" in response.content.decode()
    assert option.choices.count() == 1


def test_a_maker_makes_a_monogram_choice_need_the_initials(studio, maker):
    piece = PieceFactory(maker=maker)
    studio.post(
        reverse("studio:option_new", args=[piece.slug]),
        {"kind": "text", "label": "Initials", "max_length": "3"},
    )
    response = studio.post(
        reverse("studio:option_new", args=[piece.slug]),
        {"kind": "choice", "label": "Monogram", "choices_text": "Embossed | +15 | needs Initals"},
    )
    assert "no text option called “Initals”" in response.content.decode()
    studio.post(
        reverse("studio:option_new", args=[piece.slug]),
        {
            "kind": "choice",
            "label": "Monogram",
            "choices_text": "None\nEmbossed | +15 | needs initials",
        },
    )
    initials, monogram = piece.options.order_by("position")
    assert [(c.label, c.needs_id) for c in monogram.choices.all()] == [
        ("None", None),
        ("Embossed", initials.id),
    ]
    html = studio.get(
        reverse("studio:option_edit", args=[piece.slug, monogram.id])
    ).content.decode()
    assert "Embossed | +15.00 | needs Initials" in html
