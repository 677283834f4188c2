"""The image pipeline: only real photos get in, checked quickly in the request and cleaned
in the task; the kept original carries no metadata, and pages get sizes.

Every test image is drawn (or put together byte by byte) here; nothing binary lives in
the repository.
"""

import io
import struct
import time
import zlib
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.template import Context, Template
from django.utils.datastructures import MultiValueDict
from PIL import ExifTags, Image, ImageCms

from shop.images import pipeline
from shop.images.admin import admin_thumbnail
from shop.images.forms import ImageField, MultipleImageField
from shop.images.pipeline import check_upload, delete_files, queue_renditions, render_renditions
from shop.images.tasks import image_render, image_render_missing
from tests.conftest import wait_for

RED, BLUE, WALNUT = (255, 0, 0), (0, 0, 255), (160, 82, 45)


# --- Drawing test files ----------------------------------------------------------------------


def _encoded(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def _jpeg(size=(64, 48), colour=WALNUT, **options) -> bytes:
    return _encoded(Image.new("RGB", size, colour), "JPEG", quality=95, **options)


def _upload(data: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def _png_claiming(width: int, height: int) -> bytes:
    """A well-formed PNG header for a huge RGB image, with almost no pixel data behind it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


def _gps_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PocketPhone"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (51.0, 3.0, 12.5),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (3.0, 43.0, 5.0),
    }
    return exif


def _decoded(content) -> Image.Image:
    content.seek(0)
    image = Image.open(io.BytesIO(content.read()))
    image.load()
    return image


def _close(pixel, expected, tolerance: int = 12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=False))


def _refusal(data: bytes, name: str = "photo.jpg") -> ValidationError:
    """What the web request says of this upload (it decodes nothing)."""
    with pytest.raises(ValidationError) as excinfo:
        check_upload(_upload(data, name))
    return excinfo.value


def _stored_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


# --- A piece to hang photos on -----------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def piece(db):
    from makers.models import Maker, Piece
    from shop.accounts.models import User

    user = User.objects.create_user(email="mara@example.test", password="a-long-test-password")
    maker = Maker.objects.create(user=user, slug="mara", display_name="Mara", craft="Silversmith")
    return Piece.objects.create(
        maker=maker, title="Hammered ring", slug="hammered-ring", base_price_cents=12000
    )


def _reloaded(photo):
    # Not refresh_from_db(): re-assigning an ImageField with width/height fields makes
    # Django open the file again to measure it.
    return type(photo).objects.get(pk=photo.pk)


def _photo(piece, data: bytes = b"", name: str = "ring.jpg"):
    """A photo as the studio stores it: checked, not yet cleaned or rendered."""
    from makers.models import PiecePhoto

    image = check_upload(_upload(data or _jpeg((2000, 1000)), name))
    return PiecePhoto.objects.create(piece=piece, image=image, alt_text="A ring")


@pytest.fixture
def cleaned(piece, media):
    """Upload `data` and run the task: the stored original, decoded, and its name."""

    def clean(data: bytes, name: str = "photo.jpg"):
        photo = _photo(piece, data, name)
        assert render_renditions(photo), "the task refused the photo"
        photo = _reloaded(photo)
        with default_storage.open(photo.image.name, "rb") as f:
            image = Image.open(io.BytesIO(f.read()))
            image.load()
        return image, photo.image.name

    return clean


# --- What gets in ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_a_photo_in_each_accepted_format_is_kept_as_a_clean_jpeg(fmt, cleaned):
    data = _encoded(Image.new("RGB", (64, 48), WALNUT), fmt)
    checked = check_upload(_upload(data, f"bench.{fmt.lower()}"))
    # The request keeps the upload as it came, named by what it really is.
    assert checked.name == "upload" + pipeline.SUFFIXES[fmt] and checked.read() == data
    image, name = cleaned(data, f"bench.{fmt.lower()}")
    assert name.endswith(".jpg")
    assert image.format == "JPEG" and image.mode == "RGB" and image.size == (64, 48)
    assert _close(image.getpixel((32, 24)), WALNUT)


def test_a_photo_with_real_transparency_is_kept_as_a_png(cleaned):
    drawing = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    drawing.paste((*RED, 255), (10, 10, 30, 30))
    for fmt in ("PNG", "WEBP"):
        data = _encoded(drawing, fmt, lossless=True) if fmt == "WEBP" else _encoded(drawing, fmt)
        image, name = cleaned(data, f"cutout.{fmt.lower()}")
        assert name.endswith(".png")
        assert image.format == "PNG" and image.mode == "RGBA"
        assert image.getpixel((0, 0))[3] == 0 and image.getpixel((20, 20)) == (*RED, 255)


def test_a_png_whose_alpha_is_all_opaque_becomes_a_jpeg(cleaned):
    image, name = cleaned(_encoded(Image.new("RGBA", (30, 20), (*BLUE, 255)), "PNG"), "flat.png")
    assert image.format == "JPEG" and name.endswith(".jpg")


def test_a_palette_png_with_a_transparent_colour_keeps_its_transparency(cleaned):
    drawing = Image.new("P", (20, 20), 0)
    drawing.putpalette([255, 255, 255, 200, 30, 30] + [0] * 762)
    drawing.paste(1, (5, 5, 15, 15))
    image, _ = cleaned(_encoded(drawing, "PNG", transparency=0), "p.png")
    assert image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0 and image.getpixel((10, 10)) == (200, 30, 30, 255)


def test_a_cmyk_jpeg_comes_back_rgb_with_its_colours(cleaned):
    cmyk_red = Image.new("CMYK", (64, 64), (0, 255, 255, 0))
    image, _ = cleaned(_encoded(cmyk_red, "JPEG", quality=95))
    assert image.mode == "RGB"
    assert _close(image.getpixel((32, 32)), RED, tolerance=16)


def test_a_16_bit_grey_png_keeps_its_greys_instead_of_turning_white(cleaned):
    grey = Image.new("I;16", (20, 20), 32896)  # mid grey on a 0..65535 scale
    image, _ = cleaned(_encoded(grey, "PNG"), "scan.png")
    assert image.mode == "RGB" and _close(image.getpixel((10, 10)), (128, 128, 128), 3)


def test_a_photo_with_an_icc_profile_is_converted_and_the_profile_dropped(cleaned):
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    cutout = Image.new("RGBA", (64, 48), (*WALNUT, 255))
    cutout.paste((0, 0, 0, 0), (0, 0, 8, 8))
    for icc in (srgb, b"not really a colour profile"):
        # PNG's saver falls back to the image's own profile: the PNG case proves we pass none.
        for data in (_jpeg(icc_profile=icc), _encoded(cutout, "PNG", icc_profile=icc)):
            image, _ = cleaned(data)
            assert "icc_profile" not in image.info
            assert _close(image.getpixel((32, 24)), WALNUT)


def test_an_srgb_profile_is_recognised_and_not_converted_again():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    lab = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    assert pipeline._is_srgb(srgb)
    assert not pipeline._is_srgb(lab) and not pipeline._is_srgb(b"junk")


def test_a_sideways_phone_photo_is_turned_upright(cleaned):
    # Stored wide with Orientation=6: the camera was turned a quarter clockwise.
    stored = Image.new("RGB", (40, 20), BLUE)
    stored.paste(RED, (0, 0, 10, 10))
    image, _ = cleaned(_encoded(stored, "JPEG", quality=95, exif=_gps_exif(orientation=6)))
    assert image.size == (20, 40)
    assert _close(image.getpixel((17, 2)), RED, 20)  # the red corner is now top right
    assert _close(image.getpixel((2, 2)), BLUE, 20)
    assert not image.getexif()  # and nothing says to turn it again


# --- What is refused, and how ------------------------------------------------------------------


def test_a_truncated_jpeg_passes_the_quick_check_and_the_task_marks_it_unreadable(piece, media):
    noisy = Image.effect_noise((256, 256), 60).convert("RGB")
    photo = _photo(piece, _encoded(noisy, "JPEG")[:1200])  # the request decodes nothing
    raw = photo.image.name
    assert render_renditions(photo) == {}
    photo = _reloaded(photo)
    assert photo.processing_failed and not photo.has_renditions
    assert photo.renditions == {"failed": "not_an_image"} and photo.image.name == ""
    assert not default_storage.exists(raw)  # nothing of the upload is kept
    assert image_render_missing.apply().get() == 0  # and it is not tried again
    assert admin_thumbnail(photo) == "unreadable"


def test_a_jpeg_header_followed_by_garbage_is_refused_as_unreadable():
    error = _refusal(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40)
    assert error.code == "not_an_image"


def test_an_html_file_named_like_a_photo_is_refused():
    error = _refusal(
        b"<!doctype html><html><body><script>alert(1)</script></body></html>", "photo.jpg"
    )
    assert error.code == "not_an_image"
    assert error.messages == [
        "This file is not a photo we can read. Please upload a JPEG, PNG, WebP or HEIC photo."
    ]


def test_an_eps_file_is_refused_as_unsupported():
    error = _refusal(_encoded(Image.new("RGB", (20, 20), WALNUT), "EPS"), "logo.eps")
    assert error.code == "unsupported_format" and "EPS" in error.messages[0]


def test_an_svg_file_is_refused_as_unsupported():
    svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>'
    error = _refusal(svg, "drawing.jpg")
    assert error.code == "unsupported_format" and "SVG" in error.messages[0]


def test_a_gif_is_refused_as_unsupported():
    error = _refusal(_encoded(Image.new("P", (10, 10)), "GIF"), "ring.gif")
    assert error.code == "unsupported_format" and "GIF" in error.messages[0]


def test_an_empty_file_is_refused():
    assert _refusal(b"").code == "empty"


def test_a_file_over_15_mb_is_refused_without_reading_a_byte():
    class HugeUpload:
        name = "huge.jpg"
        size = pipeline.MAX_UPLOAD_BYTES + 1

        def read(self, *args):
            raise AssertionError("the file was read")

        def seek(self, *args):
            raise AssertionError("the file was touched")

    with pytest.raises(ValidationError) as excinfo:
        check_upload(HugeUpload())
    assert excinfo.value.code == "too_large" and "15 MB" in excinfo.value.messages[0]


def test_a_file_that_understates_its_size_is_still_refused_at_the_limit():
    class Understated(io.BytesIO):
        name, size = "liar.jpg", 1000

    with pytest.raises(ValidationError) as excinfo:
        check_upload(Understated(b"\xff" * (pipeline.MAX_UPLOAD_BYTES + 10)))
    assert excinfo.value.code == "too_large"


def test_a_real_45_megapixel_png_is_refused_for_its_pixels():
    # One colour compresses to a few kilobytes: small on disk, 45 MP once decoded.
    data = _encoded(Image.new("1", (7500, 6000), 1), "PNG")
    assert len(data) < 100_000
    error = _refusal(data, "flat.png")
    assert error.code == "too_many_pixels" and "33 megapixels" in error.messages[0]


def test_a_small_png_declaring_40_megapixels_is_refused_from_its_header():
    started = time.monotonic()
    error = _refusal(_png_claiming(8000, 5000), "forty.png")
    assert error.code == "too_many_pixels" and time.monotonic() - started < 0.5


def test_the_pixel_limit_is_the_memory_one_photo_may_use(settings):
    # 256 MB by default at 8 bytes a pixel (Pillow's 4, and a second copy while turning
    # a photo upright): a 24 MP camera photo fits, a 40 MP one does not.
    assert settings.IMAGE_DECODE_MEMORY_MB == 256
    assert pipeline.MAX_PIXELS == 256 * 1024 * 1024 // 8 == 33_554_432
    assert 6000 * 4000 <= pipeline.MAX_PIXELS < 8000 * 5000


def test_our_own_pixel_limit_applies_below_pillows(monkeypatch):
    monkeypatch.setattr(pipeline, "MAX_PIXELS", 64 * 48 - 1)
    assert _refusal(_jpeg((64, 48))).code == "too_many_pixels"


def test_a_png_claiming_100000_by_100000_pixels_is_refused_before_decoding():
    started = time.monotonic()
    error = _refusal(_png_claiming(100_000, 100_000), "bomb.png")
    assert error.code == "too_many_pixels"
    assert time.monotonic() - started < 1


def test_pillows_decompression_bomb_warning_is_treated_as_an_error(monkeypatch):
    # Lift our own limit so only Pillow's warning (between 1x and 2x its limit) can stop
    # this; were the warning ignored, the missing pixel data would give "not_an_image".
    monkeypatch.setattr(pipeline, "MAX_PIXELS", 10**12)
    width, height = 10_000, 9_000
    assert Image.MAX_IMAGE_PIXELS < width * height < 2 * Image.MAX_IMAGE_PIXELS
    assert _refusal(_png_claiming(width, height), "bomb.png").code == "too_many_pixels"


# --- Files made to stall a worker ------------------------------------------------------------


def _progressive_with_scans(extra_scans: int) -> bytes:
    """A real progressive 4-megapixel JPEG (one flat colour: a few kilobytes), then
    `extra_scans` empty scans before its end. Each makes libjpeg go over all the image's
    blocks again (its documented scan-count issue): with 42,000 of them Pillow would
    decode for about 16 seconds on this machine, in a web request, before this fix."""
    data = _encoded(Image.new("RGB", (2048, 2048), WALNUT), "JPEG", progressive=True)
    assert data.endswith(b"\xff\xd9")
    # An AC refinement scan of the first component, with no entropy-coded data at all.
    empty_scan = b"\xff\xda\x00\x08\x01\x01\x00\x01\x3f\x10"
    return data[:-2] + empty_scan * extra_scans + b"\xff\xd9"


def test_an_ordinary_progressive_jpeg_is_welcome():
    data = _encoded(Image.effect_noise((64, 64), 40).convert("RGB"), "JPEG", progressive=True)
    assert 3 < pipeline.jpeg_scan_count(data) <= pipeline.MAX_JPEG_SCANS
    check_upload(_upload(data))


def test_a_progressive_jpeg_with_thousands_of_empty_scans_is_refused_before_decoding():
    data = _progressive_with_scans(42_000)
    assert 400_000 < len(data) < 450_000  # like the 420 KB file that held a worker 16 s
    started = time.monotonic()
    error = _refusal(data)
    assert time.monotonic() - started < 0.5
    assert error.code == "not_an_image"
    assert error.messages == [
        "This JPEG is saved in a way that takes too long to open (more than 64 scans). "
        "Please export it again as an ordinary JPEG and upload the new copy."
    ]
    # One scan over the limit is refused; the limit itself is not.
    assert _refusal(_progressive_with_scans(pipeline.MAX_JPEG_SCANS)).code == "not_an_image"


def test_scans_are_counted_in_the_image_only_not_in_its_metadata_or_after_its_end():
    plain = _jpeg((64, 48))
    # A metadata segment full of scan markers (as an EXIF thumbnail has) is skipped whole.
    payload = b"Exif\x00\x00" + b"\xff\xda" * 2000
    app1 = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    with_thumbnail = plain[:2] + app1 + plain[2:]
    # A phone's motion photo appends a video after the picture's end.
    motion = plain + b"ftypmp42" + b"\xff\xda\x00\x08" * 5000
    for data in (with_thumbnail, motion):
        assert pipeline.jpeg_scan_count(data) == 1
        check_upload(_upload(data))


def test_a_jpeg_of_countless_tiny_segments_is_refused_quickly():
    comment = b"\xff\xfe\x00\x02"  # an empty comment: four bytes a segment
    data = _jpeg()[:2] + comment * 1_000_000 + _jpeg()[2:]
    started = time.monotonic()
    assert _refusal(data).code == "not_an_image"
    assert time.monotonic() - started < 0.5


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_an_animation_is_refused(fmt):
    frames = [Image.new("RGB", (16, 16), colour) for colour in (RED, BLUE, WALNUT)]
    data = _encoded(frames[0], fmt, save_all=True, append_images=frames[1:])
    error = _refusal(data, f"moving.{fmt.lower()}")
    assert error.code == "unsupported_format" and "animated" in error.messages[0]


def test_the_task_that_cleans_photos_has_a_time_limit():
    # The checks above bound the work of every format we take; this is the last word.
    assert image_render.soft_time_limit == 60 and image_render.time_limit == 90


def test_a_hostile_photo_through_the_studio_is_refused_at_once_and_nothing_is_kept(
    client, piece, media
):
    client.force_login(piece.maker.user)
    started = time.monotonic()
    response = client.post(
        f"/studio/pieces/{piece.slug}/photos/",
        {"photos": _upload(_progressive_with_scans(42_000), "ring.jpg"), "alt_text": "x"},
    )
    assert time.monotonic() - started < 1
    assert response.status_code == 200
    assert "ring.jpg: this jpeg is saved in a way that takes too long" in (
        response.content.decode().lower()
    )
    assert not piece.photos.exists() and _stored_files(media) == []


def test_an_empty_file_through_the_studio_gets_the_shops_message(client, piece, media):
    client.force_login(piece.maker.user)
    response = client.post(
        f"/studio/pieces/{piece.slug}/photos/", {"photos": _upload(b"", "ring.jpg"), "alt_text": ""}
    )
    assert "ring.jpg: this file is empty. Please upload a JPEG" in response.content.decode()


def test_the_request_keeps_the_upload_out_of_sight_until_the_task_has_cleaned_it(
    client, piece, media, django_capture_on_commit_callbacks
):
    """The upload (GPS and all) waits under a random name nothing links to; the task
    writes the clean original under a new name and deletes the upload."""
    client.force_login(piece.maker.user)
    gps_photo = _encoded(Image.new("RGB", (900, 600), WALNUT), "JPEG", exif=_gps_exif())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(
            f"/studio/pieces/{piece.slug}/photos/",
            {"photos": _upload(gps_photo, "ring.jpg"), "alt_text": "A ring"},
        )
    photo = piece.photos.get()
    upload_name = photo.image.name
    assert not photo.has_renditions and default_storage.exists(upload_name)
    page = client.get(piece.get_absolute_url()).content.decode()
    assert upload_name not in page and "img/placeholder.svg" in page
    for callback in callbacks:  # the task, as the worker would run it after commit
        callback()
    photo = _reloaded(photo)
    assert photo.has_renditions and photo.image.name != upload_name
    assert not default_storage.exists(upload_name)
    with default_storage.open(photo.image.name, "rb") as f:
        assert b"GPS" not in f.read()


# --- No metadata survives, anywhere ----------------------------------------------------------


def test_gps_and_every_other_tag_are_gone_from_every_stored_file(media, piece):
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = _encoded(
        Image.effect_noise((2400, 1800), 40).convert("RGB"),
        "JPEG",
        exif=_gps_exif(),
        icc_profile=srgb,
        comment=b"taken at home",
        xmp=b"<x:xmpmeta><exif:GPSLatitude>51,3.2N</exif:GPSLatitude></x:xmpmeta>",
    )
    source = Image.open(io.BytesIO(data))
    assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test photo does carry GPS

    photo = _photo(piece, data)
    assert image_render.apply(args=[photo._meta.label, photo.pk]).get() is True
    photo = _reloaded(photo)

    names = [photo.image.name] + [
        r[kind] for r in photo.renditions.values() for kind in ("webp", "jpeg")
    ]
    assert sorted(names) == _stored_files(media) and len(names) == 5
    for name in names:
        with default_storage.open(name, "rb") as f:
            raw = f.read()
        image = Image.open(io.BytesIO(raw))
        assert not image.getexif(), name
        assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info), name
        for marker in (b"GPS", b"Exif", b"EXIF", b"xmpmeta", b"taken at home"):
            assert marker not in raw, (name, marker)


# --- Renditions --------------------------------------------------------------------------------


def test_renditions_are_made_in_both_formats_at_both_sizes(media, piece):
    photo = _photo(piece, _jpeg((2000, 1000)))
    renditions = render_renditions(photo)
    assert {k: (v["width"], v["height"]) for k, v in renditions.items()} == {
        "thumb": (480, 240),
        "display": (1600, 800),
    }
    for size, rendition in renditions.items():
        for kind, fmt in (("webp", "WEBP"), ("jpeg", "JPEG")):
            assert rendition[kind].startswith("pieces/photos/renditions/")
            with default_storage.open(rendition[kind], "rb") as f:
                image = Image.open(f)
                image.load()
            assert image.format == fmt
            assert image.size == (rendition["width"], rendition["height"])
            assert _close(image.getpixel((10, 10)), WALNUT), (size, kind)
    photo = _reloaded(photo)
    assert photo.renditions == renditions and photo.has_renditions


def test_a_small_original_is_never_enlarged(media, piece):
    renditions = render_renditions(_photo(piece, _jpeg((300, 200))))
    assert renditions["thumb"]["width"] == renditions["display"]["width"] == 300
    assert renditions["display"]["height"] == 200


def test_a_transparent_original_is_flattened_onto_paper_for_jpeg_only(media, piece):
    cutout = Image.new("RGBA", (600, 400), (0, 0, 0, 0))
    cutout.paste((*RED, 255), (200, 100, 400, 300))
    renditions = render_renditions(_photo(piece, _encoded(cutout, "PNG"), "cutout.png"))
    with default_storage.open(renditions["thumb"]["jpeg"], "rb") as f:
        jpeg = Image.open(f)
        assert jpeg.mode == "RGB" and _close(jpeg.getpixel((5, 5)), pipeline.PAPER)
    with default_storage.open(renditions["thumb"]["webp"], "rb") as f:
        assert Image.open(f).convert("RGBA").getpixel((5, 5))[3] == 0


def test_rendering_again_adds_no_files(media, piece):
    photo = _photo(piece)
    first = render_renditions(photo)
    files = _stored_files(media)
    assert render_renditions(photo) == first  # already ready: no work
    assert render_renditions(photo, force=True) == first  # forced: same names, replaced
    assert _stored_files(media) == files and len(files) == 5


def test_a_photo_whose_file_is_gone_renders_nothing_and_is_not_tried_again(media, piece):
    photo = _photo(piece)
    default_storage.delete(photo.image.name)
    assert render_renditions(photo) == {}
    photo = _reloaded(photo)
    assert photo.processing_failed and photo.renditions == {"failed": "missing"}
    assert image_render_missing.apply().get() == 0


def test_the_task_gives_a_photo_its_renditions(media, piece):
    photo = _photo(piece)
    assert image_render.delay(photo._meta.label, photo.pk).get() is True
    photo = _reloaded(photo)
    assert photo.renditions_ready_at is not None and set(photo.renditions) == {"thumb", "display"}


def test_the_task_for_a_deleted_photo_returns_quietly(media, piece):
    photo = _photo(piece)
    label, pk = photo._meta.label, photo.pk
    photo.delete()
    assert image_render.apply(args=[label, pk]).get() is False


def test_queued_renditions_are_made_after_commit_and_never_for_a_rollback(
    media, piece, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        photo = _photo(piece)
        queue_renditions(photo)
    photo = _reloaded(photo)
    assert photo.has_renditions

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            queue_renditions(_photo(piece))
            raise RuntimeError("the upload failed")
    assert callbacks == []


def test_the_beat_task_renders_photos_left_without_renditions(media, piece):
    done, forgotten = _photo(piece), _photo(piece)
    render_renditions(done)
    assert image_render_missing.apply().get() == 1
    forgotten = _reloaded(forgotten)
    assert forgotten.has_renditions
    assert image_render_missing.apply().get() == 0


def test_deleting_a_photos_files_waits_for_commit(media, piece, django_capture_on_commit_callbacks):
    photo = _photo(piece)
    render_renditions(photo)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            delete_files(photo)
            raise RuntimeError("changed my mind")
    assert len(_stored_files(media)) == 5
    with django_capture_on_commit_callbacks(execute=True):
        delete_files(photo)
        photo.delete()
    assert _stored_files(media) == []


# --- Forms -----------------------------------------------------------------------------------


class PortraitForm(forms.Form):
    portrait = ImageField(required=False)


class PhotosForm(forms.Form):
    photos = MultipleImageField(max_files=2)


def test_the_image_field_hands_over_the_checked_upload_for_the_task_to_clean():
    data = _jpeg(exif=_gps_exif())
    form = PortraitForm(data={}, files={"portrait": _upload(data, "me.jpg")})
    assert form.is_valid(), form.errors
    checked = form.cleaned_data["portrait"]
    assert checked.name == "upload.jpg" and checked.read() == data
    assert 'accept="image/jpeg,image/png,image/webp,image/heic' in str(form["portrait"])


def test_an_empty_file_gets_the_shops_own_message_not_djangos():
    for form in (
        PortraitForm(data={}, files={"portrait": _upload(b"", "empty.jpg")}),
        PhotosForm(data={}, files=MultiValueDict({"photos": [_upload(b"", "empty.jpg")]})),
    ):
        assert not form.is_valid()
        message = " ".join(next(iter(form.errors.values())))
        assert "his file is empty. Please upload a JPEG, PNG, WebP or HEIC photo." in message
        assert "submitted file" not in message


def test_the_image_field_shows_a_clear_error_and_allows_no_photo():
    form = PortraitForm(data={}, files={"portrait": _upload(b"<html></html>", "me.jpg")})
    assert not form.is_valid()
    assert form.errors["portrait"][0].startswith("This file is not a photo we can read.")
    empty = PortraitForm(data={}, files={})
    assert empty.is_valid() and empty.cleaned_data["portrait"] is None


def test_several_photos_come_back_checked_in_order():
    files = MultiValueDict(
        {
            "photos": [
                _upload(_jpeg(colour=RED), "a.jpg"),
                _upload(_encoded(Image.new("RGB", (8, 8), BLUE), "PNG"), "b.png"),
            ]
        }
    )
    form = PhotosForm(data={}, files=files)
    assert form.is_valid(), form.errors
    first, second = form.cleaned_data["photos"]
    assert (first.name, second.name) == ("upload.jpg", "upload.png")
    assert _close(_decoded(second).getpixel((4, 4)), BLUE)
    assert "multiple" in str(form["photos"])


def test_one_bad_photo_among_several_is_named_in_the_error():
    files = MultiValueDict(
        {"photos": [_upload(_jpeg(), "ring.jpg"), _upload(b"<!doctype html>", "holiday.jpg")]}
    )
    form = PhotosForm(data={}, files=files)
    assert not form.is_valid()
    assert form.errors["photos"] == [
        "holiday.jpg: this file is not a photo we can read. "
        "Please upload a JPEG, PNG, WebP or HEIC photo."
    ]


def test_more_photos_than_allowed_are_refused_with_the_limit():
    files = MultiValueDict({"photos": [_upload(_jpeg(), f"{n}.jpg") for n in range(3)]})
    form = PhotosForm(data={}, files=files)
    assert not form.is_valid()
    assert form.errors["photos"] == ["You can add up to 2 photos at a time; you chose 3."]


def test_sending_no_photos_to_a_required_field_asks_for_one():
    form = PhotosForm(data={}, files=MultiValueDict())
    assert not form.is_valid() and form.errors["photos"] == ["This field is required."]


# --- Pages and admin -------------------------------------------------------------------------


def _render(asset, extra: str = "") -> str:
    template = Template(
        '{% load images %}{% picture asset "thumb" alt="A hammered ring" '
        'css_class="card__photo"' + extra + " %}"
    )
    return template.render(Context({"asset": asset}))


def test_a_photo_shows_a_placeholder_until_its_renditions_exist_then_a_srcset(media, piece):
    photo = _photo(piece, _jpeg((2000, 1000)))
    before = _render(photo)
    assert "img/placeholder.svg" in before and 'class="img-placeholder card__photo"' in before
    assert 'alt="A hammered ring"' in before and "<picture" not in before
    assert 'width="480" height="240"' in before  # the box the photo will take

    render_renditions(photo)
    after = _render(photo, ' sizes="50vw"')
    stem = Path(photo.image.name).stem
    assert '<source type="image/webp"' in after
    assert (
        f"/media/pieces/photos/renditions/{stem}-thumb.webp 480w, "
        f"/media/pieces/photos/renditions/{stem}-display.webp 1600w"
    ) in after
    assert f'src="/media/pieces/photos/renditions/{stem}-thumb.jpg"' in after
    assert f"{stem}-display.jpg 1600w" in after and 'sizes="50vw"' in after
    assert 'width="480" height="240"' in after and 'class="card__photo"' in after
    assert 'loading="lazy"' in after and 'decoding="async"' in after
    for html in (before, after):
        assert "style=" not in html and "<script" not in html


def test_a_missing_photo_or_bare_renditions_render_too(media, piece):
    empty = _render(None)
    assert "img/placeholder.svg" in empty and 'width="480" height="360"' in empty
    photo = _photo(piece, _jpeg((300, 200)))
    html = _render(render_renditions(photo))  # e.g. a queryset annotation of renditions
    assert html.count(" 300w") == 2  # one per srcset: a width is never listed twice
    assert 'alt="A hammered ring"' in html and "<picture>" in html


def test_alt_text_is_escaped():
    html = Template('{% load images %}{% picture None "display" alt=alt %}').render(
        Context({"alt": 'Ring "Luna" <b>'})
    )
    assert 'alt="Ring &quot;Luna&quot; &lt;b&gt;"' in html


def test_the_admin_thumbnail_follows_the_photo(media, piece):
    assert admin_thumbnail(None) == "—"
    photo = _photo(piece, _jpeg((2000, 1000)))
    assert admin_thumbnail(photo) == "rendering…"
    render_renditions(photo)
    html = admin_thumbnail(photo, size=64)
    assert html.startswith('<img src="/media/pieces/photos/renditions/')
    assert '-thumb.jpg" width="64" height="32"' in html


# --- With a real worker ----------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_a_photo_queued_in_a_transaction(on_worker, settings):
    from makers.models import Maker, Piece, PiecePhoto
    from shop.accounts.models import User

    settings.MEDIA_ROOT = on_worker["media_root"]
    with transaction.atomic():
        user = User.objects.create_user(email="w@example.test", password="a-long-test-password")
        maker = Maker.objects.create(user=user, slug="w", display_name="W", craft="Potter")
        piece = Piece.objects.create(maker=maker, title="Bowl", slug="bowl", base_price_cents=5000)
        photo = PiecePhoto.objects.create(
            piece=piece, image=check_upload(_upload(_jpeg((900, 600))))
        )
        queue_renditions(photo)
    wait_for(lambda: PiecePhoto.objects.get(pk=photo.pk).renditions_ready_at, timeout=60)
    photo = _reloaded(photo)
    assert photo.renditions["display"]["width"] == 900
    for rendition in photo.renditions.values():
        assert default_storage.exists(rendition["webp"]) and default_storage.exists(
            rendition["jpeg"]
        )
