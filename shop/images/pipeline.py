"""Check, clean and render every photo people upload.

`clean_image` runs in the form that takes an upload: it refuses anything that is not a
photo we can safely decode, turns it upright and re-encodes it from its pixels alone, so
the stored original carries no EXIF (GPS above all), XMP, ICC profile or comment.
`render_renditions` runs in a Celery task after commit and writes the sizes pages use.
"""

import io
import logging
import re
import struct
import warnings
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Protocol

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

from shop.queue import enqueue_on_commit

if TYPE_CHECKING:
    from shop.images.models import ImageAsset

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000
# Longest edge in pixels; an original smaller than a size is never enlarged.
RENDITION_SIZES = {"thumb": 480, "display": 1600}

RENDER_TASK = "shop.images.tasks.image_render"
# Pillow format ids; HEIF comes from pillow-heif. EPS (Ghostscript) and SVG never get near
# a decoder because Image.open only tries these.
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
ACCEPT = "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif"
# Transparent originals are flattened onto the shop's paper colour for JPEG renditions.
PAPER = (0xFA, 0xF6, 0xEF)
JPEG_QUALITY = 88
RENDITION_JPEG_QUALITY = 85
RENDITION_WEBP_QUALITY = 82

register_heif_opener()
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))

# What a hostile or broken file can make Pillow and its plugins raise while decoding.
_DECODE_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    TypeError,
    EOFError,
    IndexError,
    KeyError,
    RuntimeError,
    MemoryError,
    struct.error,
    zlib.error,
)
_PIXEL_BOMBS = (Image.DecompressionBombError, Image.DecompressionBombWarning)

_FORMATS_HINT = "Please upload a JPEG, PNG, WebP or HEIC photo."
MESSAGES = {
    "empty": "This file is empty. " + _FORMATS_HINT,
    "too_large": "This photo is larger than %(limit)s MB. Please upload a smaller copy "
    "(most phones and cameras can share a photo at a smaller size).",
    "not_an_image": "This file is not a photo we can read. " + _FORMATS_HINT,
    "damaged": "This photo could not be read: the file seems damaged or incomplete. "
    "Please export it again and upload the new copy.",
    "unsupported_format": "We can't take %(kind)s files. " + _FORMATS_HINT,
    "too_many_pixels": "This photo has more than %(megapixels)s megapixels. "
    "Please upload a smaller copy.",
}
# Known image kinds we refuse, told apart only to give a clearer message.
_OTHER_KINDS = (
    (b"%!PS", "EPS"),
    (b"\xc5\xd0\xd3\xc6", "EPS"),
    (b"%PDF", "PDF"),
    (b"GIF8", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"8BPS", "Photoshop"),
    (b"BM", "BMP"),
)


class UploadLike(Protocol):
    name: str
    size: int

    def read(self, size: int = -1) -> bytes: ...


def _error(code: str, **params) -> ValidationError:
    # The "damaged" message is a flavour of not_an_image for whoever checks codes.
    return ValidationError(
        MESSAGES[code], code="not_an_image" if code == "damaged" else code, params=params or None
    )


# --- Checking and cleaning an upload ------------------------------------------------------


def clean_image(upload: UploadLike) -> ContentFile:
    """Check an uploaded photo and return a clean copy ready to assign to an ImageAsset.

    Raises ValidationError (codes: empty, too_large, not_an_image, unsupported_format,
    too_many_pixels) for anything we will not store. The copy is upright, 8-bit sRGB, and
    made from pixels only: a JPEG, or a PNG when the photo has real transparency.
    """
    data = _read_upload(upload)
    with _decode_errors():
        image = _normalise(_decode(data))
        return _encode_original(image, getattr(upload, "name", "") or "photo")


def _read_upload(upload: UploadLike) -> bytes:
    """The upload's bytes, refusing an oversized file before reading any of it."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise _error("too_large", limit=MAX_UPLOAD_BYTES // (1024 * 1024))
    if hasattr(upload, "seek"):
        upload.seek(0)
    # Read one byte past the limit, in case `size` was not the truth.
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise _error("too_large", limit=MAX_UPLOAD_BYTES // (1024 * 1024))
    if not data:
        raise _error("empty")
    return data


@contextmanager
def _decode_errors() -> Iterator[None]:
    """Turn whatever decoding a bad file raises into a ValidationError, never a 500."""
    try:
        yield
    except _PIXEL_BOMBS:
        raise _error("too_many_pixels", megapixels=MAX_PIXELS // 1_000_000) from None
    except _DECODE_ERRORS as e:
        log.info("image refused: %r", e)
        raise _error("damaged") from None


def _decode(data: bytes) -> Image.Image:
    """Open with the allow-listed formats only; refuse huge images before decoding pixels."""
    with warnings.catch_warnings():
        # Pillow only warns between one and two times its own pixel limit; we refuse.
        # The filter is process-wide, so a concurrent thread could miss it, which is
        # harmless: MAX_PIXELS is below Pillow's limit and is checked below anyway.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
        except UnidentifiedImageError:
            raise _unrecognised(data) from None
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise _error("too_many_pixels", megapixels=MAX_PIXELS // 1_000_000)
        image.load()
    return image


def _unrecognised(data: bytes) -> ValidationError:
    """The error for bytes no allowed format claims: name a known kind if we can."""
    head = data[:1024]
    kind = next((kind for magic, kind in _OTHER_KINDS if head.startswith(magic)), None)
    if head[4:12] in (b"ftypavif", b"ftypavis"):
        kind = "AVIF"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in text):
        kind = "SVG"
    return _error("unsupported_format", kind=kind) if kind else _error("not_an_image")


def _normalise(image: Image.Image) -> Image.Image:
    """Upright 8-bit sRGB (RGBA only with real transparency) with no metadata at all."""
    image = _upright(image)
    alpha = _alpha_band(image)
    rgb = _to_srgb(_colour_part(image), image.info.get("icc_profile"))
    if alpha is not None:
        rgb.putalpha(alpha)
    return _pixels_only(rgb)


def _upright(image: Image.Image) -> Image.Image:
    try:
        ImageOps.exif_transpose(image, in_place=True)
    except _DECODE_ERRORS as e:
        # Broken EXIF must not cost the buyer their photo: keep it as the camera stored it.
        log.info("EXIF orientation ignored: %r", e)
    return image


def _alpha_band(image: Image.Image) -> Image.Image | None:
    """The alpha channel if some pixel is actually see-through, else None."""
    if image.mode in ("RGBA", "RGBa", "LA", "La", "PA"):
        band = image.getchannel("A")
    elif "transparency" in image.info:
        band = image.convert("RGBA").getchannel("A")
    else:
        return None
    return band if band.getextrema()[0] < 255 else None


def _colour_part(image: Image.Image) -> Image.Image:
    """The colour channels in a mode an ICC transform and JPEG understand (RGB, L, CMYK)."""
    if image.mode in ("RGB", "L", "CMYK"):
        return image
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N"):
        # 16-bit greys: scale down rather than let convert() clip everything to white.
        return image.convert("I").point(lambda v: v / 257).convert("L")
    if image.mode in ("LA", "La"):
        return image.getchannel(0)
    return image.convert("RGB")


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    if icc:
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(image, profile, _SRGB, outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError) as e:
            # A broken or mismatched profile: plain conversion is close enough.
            log.info("ICC profile ignored: %r", e)
    return image if image.mode == "RGB" else image.convert("RGB")


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new image holding the pixels and nothing else.

    Savers fall back to `image.info` for EXIF, ICC and XMP, and exif_transpose writes the
    EXIF back into it, so a fresh image is the sure way to carry none of them.
    """
    fresh = Image.new(image.mode, image.size)
    fresh.paste(image)
    return fresh


def _encode_original(image: Image.Image, original_name: str) -> ContentFile:
    buffer = io.BytesIO()
    if image.mode == "RGBA":
        image.save(buffer, format="PNG")
        suffix = ".png"
    else:
        image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        suffix = ".jpg"
    stem = re.sub(r"[^\w-]", "", PurePosixPath(original_name).stem)[:60] or "photo"
    return ContentFile(buffer.getvalue(), name=f"{stem}{suffix}")


# --- Renditions -------------------------------------------------------------------------


def render_renditions(asset: "ImageAsset", *, force: bool = False) -> dict:
    """Write each size in WebP and JPEG next to the original and record them on the asset.

    Idempotent: an asset already rendered is returned as is unless `force`; re-rendering
    replaces the files under the same names. Saved with a queryset update, so no model
    save or signal runs. Returns {} (and logs) when the asset or its file is gone.
    """
    if asset.renditions_ready_at and asset.renditions and not force:
        return asset.renditions
    image = _open_original(asset)
    if image is None:
        return {}
    made: dict[str, dict] = {}
    # Largest first, each made from the one before: a 40 MP original is resized once.
    storage = asset.image.storage
    for size, edge in sorted(RENDITION_SIZES.items(), key=lambda item: -item[1]):
        image = _resized(image, edge)
        made[size] = _write_rendition(storage, asset.image.name, size, image)
    renditions = {size: made[size] for size in RENDITION_SIZES}
    now = timezone.now()
    updated = (
        type(asset)
        ._base_manager.filter(pk=asset.pk)
        .update(renditions=renditions, renditions_ready_at=now)
    )
    if not updated:
        log.info("%s %s was deleted while rendering", asset._meta.label, asset.pk)
        _delete_renditions(storage, renditions)
        return {}
    asset.renditions, asset.renditions_ready_at = renditions, now
    return renditions


def _open_original(asset: "ImageAsset") -> Image.Image | None:
    """The stored original, decoded and normalised; None if it is missing or unreadable.

    Storage errors other than a missing file propagate, so the task retries them.
    """
    label = f"{asset._meta.label} {asset.pk}"
    if not asset.pk or not asset.image:
        log.warning("no image to render for %s", label)
        return None
    try:
        with asset.image.storage.open(asset.image.name, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        log.warning("image file %s of %s is gone", asset.image.name, label)
        return None
    try:
        with _decode_errors():
            return _normalise(_decode(data))
    except ValidationError as e:
        log.warning("cannot render %s: %s", label, "; ".join(e.messages))
        return None


def _resized(image: Image.Image, edge: int) -> Image.Image:
    copy = image.copy()
    copy.thumbnail((edge, edge), Image.Resampling.LANCZOS)
    return copy


def rendition_name(original: str, size: str, extension: str) -> str:
    """`<dir of original>/renditions/<stem>-<size>.<extension>`: fixed, so reruns replace."""
    path = PurePosixPath(original)
    return str(path.parent / "renditions" / f"{path.stem}-{size}.{extension}")


def _write_rendition(storage: Storage, original: str, size: str, image: Image.Image) -> dict:
    webp, jpeg = io.BytesIO(), io.BytesIO()
    image.save(webp, format="WEBP", quality=RENDITION_WEBP_QUALITY, method=4)
    _flattened(image).save(
        jpeg, format="JPEG", quality=RENDITION_JPEG_QUALITY, optimize=True, progressive=True
    )
    return {
        "width": image.width,
        "height": image.height,
        "webp": _replace_file(storage, rendition_name(original, size, "webp"), webp.getvalue()),
        "jpeg": _replace_file(storage, rendition_name(original, size, "jpg"), jpeg.getvalue()),
    }


def _flattened(image: Image.Image) -> Image.Image:
    if image.mode != "RGBA":
        return image
    paper = Image.new("RGB", image.size, PAPER)
    paper.paste(image, mask=image.getchannel("A"))
    return paper


def _replace_file(storage: Storage, name: str, data: bytes) -> str:
    # Storage.save never overwrites: it would add a random suffix to a taken name.
    storage.delete(name)
    return storage.save(name, ContentFile(data))


def _delete_renditions(storage: Storage, renditions: dict) -> None:
    for rendition in renditions.values():
        if isinstance(rendition, dict):
            for key in ("webp", "jpeg"):
                if rendition.get(key):
                    storage.delete(rendition[key])


def delete_files(asset: "ImageAsset") -> None:
    """Delete the asset's original and rendition files once the transaction commits.

    Call it next to deleting or replacing the row: a rollback keeps the files, and a
    failure to delete is logged without undoing the committed change.
    """
    original, storage = asset.image.name, asset.image.storage
    renditions = dict(asset.renditions or {})

    def delete() -> None:
        if original:
            storage.delete(original)
        _delete_renditions(storage, renditions)

    transaction.on_commit(delete, robust=True)


def queue_renditions(asset: "ImageAsset") -> None:
    """Render the asset's sizes in a Celery task once the current transaction commits."""
    enqueue_on_commit(RENDER_TASK, asset._meta.label, asset.pk)


def image_url(name: str | None, asset: "ImageAsset | None" = None) -> str:
    """The URL of a stored file (a rendition name), or "" for none.

    An asset decides its own URLs (private ones go through an access-checked view);
    a bare renditions dict (a queryset annotation) is in the public default storage.
    """
    if not name:
        return ""
    return asset.file_url(name) if asset is not None else default_storage.url(name)
