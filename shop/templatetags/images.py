"""{% picture %}: a photo's renditions as a responsive <picture>, or a calm placeholder."""

from django import template
from django.core.files.storage import default_storage
from django.core.signals import setting_changed
from django.dispatch import receiver

from shop.images.models import ImageAsset
from shop.images.pipeline import RENDITION_SIZES, image_url

register = template.Library()

PLACEHOLDER_RATIO = (4, 3)

# A public file's address depends on its name only (and the storage's settings), and a
# catalog page asks for about 120 of them: each is worked out once per process. Private
# assets decide their own addresses (a checked view) and are never kept here.
_public_urls: dict[str, str] = {}
_PUBLIC_URLS_MAX = 20000


def _url(name: str, owner: ImageAsset | None) -> str:
    if owner is not None and not (
        type(owner).file_url is ImageAsset.file_url and owner.image.storage is default_storage
    ):
        return image_url(name, owner)
    url = _public_urls.get(name)
    if url is None:
        if len(_public_urls) >= _PUBLIC_URLS_MAX:
            _public_urls.clear()
        url = _public_urls[name] = image_url(name, None)
    return url


@receiver(setting_changed)
def _forget_urls(*, setting, **kwargs) -> None:
    if setting in {"MEDIA_URL", "STORAGES", "MEDIA_ROOT"}:
        _public_urls.clear()


@register.inclusion_tag("components/picture.html")
def picture(
    asset,
    size: str = "display",
    *,
    alt: str = "",
    sizes: str = "",
    css_class: str = "",
    loading: str = "lazy",
) -> dict:
    """{% picture photo "thumb" alt=photo.alt_text sizes="50vw" css_class="card__photo" %}

    `asset` is an ImageAsset, its `renditions` dict (e.g. a queryset annotation) or None.
    Until the renditions exist it renders static/img/placeholder.svg in the same box.
    """
    renditions = _renditions_of(asset)
    owner = asset if isinstance(asset, ImageAsset) else None
    chosen = renditions.get(size) or renditions.get("display")
    base = {"alt": alt, "css_class": css_class, "loading": loading}
    if not chosen:
        width, height = _placeholder_box(asset, size)
        return {**base, "ready": False, "width": width, "height": height}
    return {
        **base,
        "ready": True,
        "src": _url(chosen["jpeg"], owner),
        "webp_srcset": _srcset(renditions, "webp", owner),
        "jpeg_srcset": _srcset(renditions, "jpeg", owner),
        "sizes": sizes or f"(max-width: {chosen['width']}px) 100vw, {chosen['width']}px",
        "width": chosen["width"],
        "height": chosen["height"],
    }


@register.simple_tag
def photo_url(asset, size: str = "display") -> str:
    """The address of a photo's large rendition (a tap on its thumbnail opens it), or of
    the original while the renditions are still being made."""
    rendition = _renditions_of(asset).get(size)
    if rendition:
        return _url(rendition["jpeg"], asset if isinstance(asset, ImageAsset) else None)
    if isinstance(asset, ImageAsset) and asset.image:
        return asset.file_url(asset.image.name)
    return ""


def _renditions_of(asset) -> dict:
    if isinstance(asset, dict):
        renditions = asset
    elif asset is not None and getattr(asset, "has_renditions", False):
        renditions = asset.renditions or {}
    else:
        return {}
    return {
        size: r
        for size, r in renditions.items()
        if isinstance(r, dict) and r.get("jpeg") and r.get("webp") and r.get("width")
    }


def _srcset(renditions: dict, kind: str, owner: ImageAsset | None) -> str:
    """`a.webp 480w, b.webp 1600w`, one entry per width: a small original gives two
    sizes of the same width, and a srcset must not repeat one."""
    by_width: dict[int, str] = {}
    for rendition in sorted(renditions.values(), key=lambda r: r["width"]):
        by_width.setdefault(rendition["width"], rendition[kind])
    return ", ".join(f"{_url(name, owner)} {width}w" for width, name in by_width.items())


def _placeholder_box(asset, size: str) -> tuple[int, int]:
    """The box the photo will take, so nothing moves when it arrives; 4:3 if unknown."""
    edge = RENDITION_SIZES.get(size, RENDITION_SIZES["display"])
    width, height = getattr(asset, "width", 0) or 0, getattr(asset, "height", 0) or 0
    if width and height:
        scale = min(edge / max(width, height), 1)  # renditions never enlarge an original
    else:
        width, height = PLACEHOLDER_RATIO
        scale = edge / max(width, height)
    return max(round(width * scale), 1), max(round(height * scale), 1)
