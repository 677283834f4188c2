"""Check, clean and render every photo people upload, without stalling anyone.

In the web request, `check_upload` does only what a quick answer needs: the size, the
type and the pixel count from the header, and for a JPEG its number of scans, refusing
anything we will not decode (a progressive JPEG with thousands of scans keeps libjpeg
busy for minutes; a small PNG can declare forty megapixels). The upload is stored as it
came, under a random name nothing links to.

In a Celery task, `render_renditions` decodes it once, turns it upright, makes it 8-bit
sRGB, re-encodes it from its pixels alone (so the kept original carries no EXIF — GPS
above all — XMP, ICC profile or comment) under a new name, deletes the upload, and
writes the sizes pages use. A file that turns out unreadable there is deleted and the
photo marked so; the maker sees why.

Memory: one photo being processed holds about BYTES_PER_PIXEL bytes for each of its
pixels at most (Pillow keeps 4 a pixel, and turning a photo upright or changing its mode
holds a second copy for a moment), so MAX_PIXELS is IMAGE_DECODE_MEMORY_MB divided by
that: 256 MB by default, 33 megapixels.
"""

import io
import logging
import re
import struct
import uuid
import warnings
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

from shop import page_cache
from shop.queue import enqueue_on_commit

if TYPE_CHECKING:
    from shop.images.models import ImageAsset

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
BYTES_PER_PIXEL = 8
MAX_PIXELS = settings.IMAGE_DECODE_MEMORY_MB * 1024 * 1024 // BYTES_PER_PIXEL
# A baseline JPEG has 1 to 3 scans, a progressive one about 10; past this, each extra
# scan makes libjpeg go over the whole image again (its documented scan-count issue).
MAX_JPEG_SCANS = 64
# Real files have a few dozen segments; a file of millions of tiny ones is an attack on
# the parser, not a photo.
MAX_JPEG_SEGMENTS = 2000
# Longest edge in pixels; an original smaller than a size is never enlarged.
RENDITION_SIZES = {"thumb": 480, "display": 1600}

RENDER_TASK = "shop.images.tasks.image_render"
RENAME_TASK = "shop.images.tasks.image_rename"
# Pillow format ids; HEIF comes from pillow-heif. EPS (Ghostscript) and SVG never get near
# a decoder because Image.open only tries these.
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
SUFFIXES = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "HEIF": ".heic"}
ACCEPT = "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif"
# Transparent originals are flattened onto the shop's paper colour for JPEG renditions.
PAPER = (0xFA, 0xF6, 0xEF)
JPEG_QUALITY = 88
RENDITION_JPEG_QUALITY = 85
RENDITION_WEBP_QUALITY = 82
# libwebp's effort, 0-6: 1 costs a quarter of the default 4, for files a few percent larger.
RENDITION_WEBP_METHOD = 1

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
    "too_many_scans": "This JPEG is saved in a way that takes too long to open (%(scans)s "
    "scans). Please export it again as an ordinary JPEG and upload the new copy.",
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
    # "damaged" and "too_many_scans" are flavours of not_an_image for whoever checks codes.
    public = "not_an_image" if code in ("damaged", "too_many_scans") else code
    return ValidationError(MESSAGES[code], code=public, params=params or None)


def _megapixels() -> int:
    return MAX_PIXELS // 1_000_000


# --- In the web request: quick checks only ------------------------------------------------------


@dataclass(frozen=True)
class Header:
    format: str
    width: int
    height: int


def check_upload(upload: UploadLike) -> ContentFile:
    """Check an uploaded photo quickly and return it, as it came, ready to assign to an
    ImageAsset (the task cleans it after commit).

    Raises ValidationError (codes: empty, too_large, not_an_image, unsupported_format,
    too_many_pixels) for anything we will not decode. Nothing is decoded here.
    """
    data = _read_upload(upload)
    header = inspect(data)
    return ContentFile(data, name=f"upload{SUFFIXES[header.format]}")


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


def inspect(data: bytes) -> Header:
    """Type, pixel count and (for a JPEG) scan count, from the headers alone."""
    if data.startswith(b"\xff\xd8"):
        # Before Pillow reads the headers: its parser walks them in Python too, so a
        # million tiny segments would cost it seconds.
        scans = jpeg_scan_count(data)
        if scans > MAX_JPEG_SCANS:
            raise _error("too_many_scans", scans=f"more than {MAX_JPEG_SCANS}")
    with _decode_errors(), warnings.catch_warnings():
        # Pillow only warns between one and two times its own pixel limit; we refuse.
        # The filter is process-wide, so a concurrent thread could miss it, which is
        # harmless: MAX_PIXELS is below Pillow's limit and is checked below anyway.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
        except UnidentifiedImageError:
            raise _unrecognised(data) from None
        with image:
            width, height = image.size
            frames = getattr(image, "n_frames", 1)
            fmt = image.format
    if width * height > MAX_PIXELS:
        raise _error("too_many_pixels", megapixels=_megapixels())
    if frames > 1 and fmt in ("PNG", "WEBP"):
        raise _error("unsupported_format", kind=f"animated {fmt.title() if fmt == 'WEBP' else fmt}")
    return Header(fmt, width, height)


# A marker: 0xFF then anything but a stuffed zero or a restart marker (which sit inside
# the entropy-coded data of a scan).
_NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7]")


def jpeg_scan_count(data: bytes) -> int:
    """How many scans (SOS segments) the JPEG's main image has, counted by walking its
    segments, so EXIF thumbnails and data after the image (a phone's motion clip, a
    second MPO picture) do not count. Stops counting once past MAX_JPEG_SCANS.

    Raises ValidationError("damaged") for a stream that is not made of segments.
    """
    pos, scans, segments, end = 2, 0, 0, len(data)
    while pos < end:
        if data[pos] != 0xFF:
            raise _error("damaged")
        while pos < end and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= end:
            break
        marker = data[pos]
        pos += 1
        segments += 1
        if segments > MAX_JPEG_SEGMENTS:
            raise _error("damaged")
        if marker == 0xD9:  # end of image
            break
        if 0xD0 <= marker <= 0xD7 or marker in (0x01, 0xD8):  # no length follows
            continue
        if pos + 2 > end:
            break
        length = int.from_bytes(data[pos : pos + 2], "big")
        if length < 2:
            raise _error("damaged")
        pos += length
        if marker == 0xDA:
            scans += 1
            if scans > MAX_JPEG_SCANS:
                return scans
            found = _NEXT_MARKER.search(data, pos)
            if found is None:
                break  # truncated: the decoder will say so
            pos = found.start()
    return scans


@contextmanager
def _decode_errors() -> Iterator[None]:
    """Turn whatever decoding a bad file raises into a ValidationError, never a 500."""
    try:
        yield
    except ValidationError:
        raise
    except _PIXEL_BOMBS:
        raise _error("too_many_pixels", megapixels=_megapixels()) from None
    except _DECODE_ERRORS as e:
        log.info("image refused: %r", e)
        raise _error("damaged") from None


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


# --- In the task: decode once, clean, render ------------------------------------------------------


def decode(data: bytes, *, draft_edge: int | None = None) -> Image.Image:
    """Check the headers again (the stored file is what counts), then decode.

    `draft_edge`: a JPEG is decoded at the smallest of 1/2, 1/4 or 1/8 scale that still
    gives that many pixels on its long edge (libjpeg scales while decoding: far less work
    and memory for renditions made from a clean original).
    """
    inspect(data)
    with _decode_errors(), warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
        if draft_edge and image.format == "JPEG":
            image.draft("RGB", (draft_edge, draft_edge))
        image.load()
        return _normalise(image)


def _normalise(image: Image.Image) -> Image.Image:
    """Upright 8-bit sRGB (RGBA only with real transparency), no metadata at all."""
    icc = image.info.get("icc_profile")
    _upright(image)
    image = _eight_bit(image)
    image = _to_srgb(image, icc)
    # Savers fall back to `info` for EXIF, ICC and XMP, and exif_transpose writes EXIF
    # back into it: with it empty they have nothing to copy. No copy of the pixels made.
    image.info.clear()
    return image


def _upright(image: Image.Image) -> None:
    try:
        ImageOps.exif_transpose(image, in_place=True)
    except _DECODE_ERRORS as e:
        # Broken EXIF must not cost the buyer their photo: keep it as the camera stored it.
        log.info("EXIF orientation ignored: %r", e)


def _eight_bit(image: Image.Image) -> Image.Image:
    """RGB, RGBA (when some pixel is see-through), L or CMYK, at 8 bits a channel."""
    mode = image.mode
    if mode in ("RGB", "L", "CMYK"):
        return image
    if mode in ("I;16", "I;16L", "I;16B", "I;16N"):
        # 16-bit greys: keep the high byte of each (convert() would clip them to white).
        raw = "L;16B" if mode == "I;16B" else "L;16"
        return Image.frombytes("L", image.size, image.tobytes(), "raw", raw)
    if mode == "I":
        return image.point(lambda v: v / 257).convert("L")
    if mode in ("LA", "La", "PA", "RGBa") or (mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
    if image.mode == "RGBA":
        lowest_alpha = image.getextrema()[3][0]
        return image if lowest_alpha < 255 else image.convert("RGB")
    return image.convert("RGB")


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    if icc and not _is_srgb(icc) and image.mode in ("RGB", "RGBA", "CMYK", "L"):
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            out = "RGBA" if image.mode == "RGBA" else "RGB"
            in_place = image.mode == out
            converted = ImageCms.profileToProfile(
                image, profile, _SRGB, outputMode=out, inPlace=in_place
            )
            return image if in_place else converted
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError) as e:
            # A broken or mismatched profile: plain conversion is close enough.
            log.info("ICC profile ignored: %r", e)
    if image.mode in ("RGB", "RGBA"):
        return image
    return image.convert("RGB")


def _is_srgb(icc: bytes) -> bool:
    """An sRGB profile (a camera's, a phone's, an editor's): converting to sRGB would
    change nothing but cost a pass over every pixel."""
    try:
        description = ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(icc)))
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return False
    return "srgb" in description.lower().replace(" ", "")


def _encode_original(image: Image.Image) -> tuple[bytes, str]:
    """The kept original: a JPEG, or a PNG when it has real transparency. A baseline JPEG
    is written as it is encoded; a progressive or optimised one would first hold the
    whole photo's coefficients in memory."""
    buffer = io.BytesIO()
    if image.mode == "RGBA":
        image.save(buffer, format="PNG", compress_level=6)
        return buffer.getvalue(), ".png"
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY, exif=b"")
    return buffer.getvalue(), ".jpg"


def render_renditions(asset: "ImageAsset", *, force: bool = False) -> dict:
    """Clean a freshly uploaded photo and write its sizes, in WebP and JPEG.

    A photo not yet processed (no renditions_ready_at) is decoded once: its clean original
    is written under a new name and the upload deleted, and the sizes are made from the
    same pixels. With `force`, an already clean original is re-rendered only (decoded at
    reduced scale). Idempotent, and saved with a conditional queryset update (no save(),
    no signal): of two tasks for one photo, the second finds the work done and deletes
    what it made. Returns {} (and logs) when the asset or its file is gone or unreadable.
    """
    if asset.renditions_ready_at and not force:
        return asset.renditions if asset.has_renditions else {}
    label = f"{asset._meta.label} {asset.pk}"
    if not asset.pk or not asset.image:
        log.warning("no image to render for %s", label)
        return {}
    storage, stored = asset.image.storage, asset.image.name
    fresh = asset.renditions_ready_at is None
    data = _read_stored(storage, stored, label)
    if data is None:
        mark_failed(asset, "missing")
        return {}
    try:
        image = decode(data, draft_edge=None if fresh else max(RENDITION_SIZES.values()))
    except ValidationError as e:
        log.warning("cannot process %s: %s", label, "; ".join(e.messages))
        mark_failed(asset, e.code or "damaged", delete_file=fresh)
        return {}
    del data
    written: list[str] = []
    name, width, height = stored, asset.width, asset.height
    if fresh:
        encoded, suffix = _encode_original(image)
        name = storage.save(_clean_name(stored, suffix), ContentFile(encoded))
        written.append(name)
        width, height = image.size
        del encoded
    renditions = _write_renditions(storage, name, image)
    written += [r[k] for r in renditions.values() for k in ("webp", "jpeg")]
    now = timezone.now()
    updated = (
        type(asset)
        ._base_manager.filter(pk=asset.pk, image=stored)
        .update(
            image=name, width=width, height=height, renditions=renditions, renditions_ready_at=now
        )
    )
    page_cache.changed(type(asset))
    if not updated:
        log.info("%s was deleted or processed meanwhile", label)
        for leftover in written:
            if leftover != stored:
                storage.delete(leftover)
        return {}
    if fresh and name != stored:
        storage.delete(stored)  # the upload as it came, metadata and all
    asset.image.name, asset.width, asset.height = name, width, height
    asset.renditions, asset.renditions_ready_at = renditions, now
    return renditions


def _read_stored(storage: Storage, name: str, label: str) -> bytes | None:
    """The stored file; None if it is missing. Other storage errors propagate, so the
    task retries them."""
    try:
        with storage.open(name, "rb") as f:
            return f.read(MAX_UPLOAD_BYTES + 1)
    except FileNotFoundError:
        log.warning("image file %s of %s is gone", name, label)
        return None


def _clean_name(stored: str, suffix: str) -> str:
    """A new random name beside the upload: nothing that knew the upload's finds this."""
    return str(PurePosixPath(stored).parent / f"{uuid.uuid4().hex}{suffix}")


def mark_failed(asset: "ImageAsset", reason: str, *, delete_file: bool = False) -> None:
    """Never try this photo again (the sweep skips it); say why to whoever looks."""
    if delete_file and asset.image.name:
        asset.image.storage.delete(asset.image.name)
    type(asset)._base_manager.filter(pk=asset.pk).update(
        image="" if delete_file else asset.image.name,
        renditions={"failed": reason},
        renditions_ready_at=timezone.now(),
    )
    page_cache.changed(type(asset))


def _write_renditions(storage: Storage, original: str, image: Image.Image) -> dict:
    """Largest first, each made from the one before: a big photo is resized once."""
    made: dict[str, dict] = {}
    for size, edge in sorted(RENDITION_SIZES.items(), key=lambda item: -item[1]):
        image = _shrunk(image, edge)
        made[size] = _write_rendition(storage, original, size, image)
    return {size: made[size] for size in RENDITION_SIZES}


def _shrunk(image: Image.Image, edge: int) -> Image.Image:
    """At most `edge` pixels on the long side, never enlarged. A box reduce() by a whole
    factor first (an average of each block of pixels: fast, and it cannot alias), then a
    Hamming filter for the last step of less than 2×; Lanczos over all 24 MP costs five
    times as much for a difference the eye cannot see at these sizes."""
    width, height = image.size
    longest = max(width, height)
    if longest <= edge:
        return image
    factor = longest // edge
    if factor > 1:
        image = image.reduce(factor)
    scale = edge / longest
    size = (max(round(width * scale), 1), max(round(height * scale), 1))
    return image.resize(size, Image.Resampling.HAMMING)


def rendition_name(original: str, size: str, extension: str) -> str:
    """`<dir of original>/renditions/<stem>-<size>.<extension>`: fixed, so reruns replace."""
    path = PurePosixPath(original)
    return str(path.parent / "renditions" / f"{path.stem}-{size}.{extension}")


def _write_rendition(storage: Storage, original: str, size: str, image: Image.Image) -> dict:
    webp, jpeg = io.BytesIO(), io.BytesIO()
    image.save(
        webp, format="WEBP", quality=RENDITION_WEBP_QUALITY, method=RENDITION_WEBP_METHOD, exif=b""
    )
    # Browsers take the WebP; the JPEG is for the few that cannot, so it is kept simple.
    _flattened(image).save(jpeg, format="JPEG", quality=RENDITION_JPEG_QUALITY, exif=b"")
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


def rename_files(asset: "ImageAsset") -> bool:
    """Give a photo's files new random names and delete the old ones, so that whoever
    kept a link (a cache, a CDN, someone who saw a piece while it was published) finds
    nothing there any more. For a piece withdrawn or archived; storage-neutral, so it holds
    on S3 too, where no view of ours stands between a URL and its file. True if renamed.
    """
    if not asset.has_renditions:
        return False  # an upload not cleaned yet gets a new name from its task anyway
    storage, old = asset.image.storage, asset.image.name
    made: list[str] = []
    try:
        with storage.open(old, "rb") as f:
            name = storage.save(_clean_name(old, PurePosixPath(old).suffix), ContentFile(f.read()))
        made.append(name)
        renditions = {}
        for size, rendition in asset.renditions.items():
            copy = dict(rendition)
            for kind, extension in (("webp", "webp"), ("jpeg", "jpg")):
                with storage.open(rendition[kind], "rb") as f:
                    copy[kind] = _replace_file(
                        storage, rendition_name(name, size, extension), f.read()
                    )
                made.append(copy[kind])
            renditions[size] = copy
    except FileNotFoundError:
        for leftover in made:
            storage.delete(leftover)
        log.warning("files of %s %s are gone; not renamed", asset._meta.label, asset.pk)
        return False
    updated = (
        type(asset)
        ._base_manager.filter(pk=asset.pk, image=old)
        .update(image=name, renditions=renditions)
    )
    page_cache.changed(type(asset))
    if not updated:
        for leftover in made:
            storage.delete(leftover)
        return False
    storage.delete(old)
    _delete_renditions(storage, asset.renditions)
    asset.image.name, asset.renditions = name, renditions
    return True


def queue_rename(asset: "ImageAsset") -> None:
    """Rename the photo's files in a Celery task once the transaction commits."""
    enqueue_on_commit(RENAME_TASK, asset._meta.label, asset.pk)


def queue_renditions(asset: "ImageAsset") -> None:
    """Clean the photo and render its sizes in a Celery task once the transaction commits."""
    enqueue_on_commit(RENDER_TASK, asset._meta.label, asset.pk)


def image_url(name: str | None, asset: "ImageAsset | None" = None) -> str:
    """The URL of a stored file (a rendition name), or "" for none.

    An asset decides its own URLs (private ones go through an access-checked view);
    a bare renditions dict (a queryset annotation) is in the public default storage.
    """
    if not name:
        return ""
    return asset.file_url(name) if asset is not None else default_storage.url(name)
