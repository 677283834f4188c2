"""Helpers for other apps' admins; shop.images registers no admin of its own."""

from django.db import models
from django.utils.html import format_html
from django.utils.safestring import SafeString

from shop.images.forms import ImageField
from shop.images.pipeline import image_url


def admin_thumbnail(asset, size: int = 64) -> SafeString:
    """The asset's thumbnail fitted in a `size` px box, for a `list_display` method.

    "—" when there is no photo, "rendering…" until the Celery task has made the sizes,
    "unreadable" when the task found the file could not be read.
    """
    if asset is not None and asset.processing_failed:
        return format_html("{}", "unreadable")
    if asset is None or not asset.image:
        return format_html("{}", "—")
    thumb = (asset.renditions or {}).get("thumb") if asset.has_renditions else None
    if not thumb:
        return format_html("{}", "rendering…")
    scale = min(size / thumb["width"], size / thumb["height"], 1)
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="" loading="lazy" decoding="async">',
        image_url(thumb["jpeg"], asset),
        max(round(thumb["width"] * scale), 1),
        max(round(thumb["height"] * scale), 1),
    )


# Photos uploaded in the admin go through the same checks and cleaning as everywhere
# else (no GPS survives an upload, whoever makes it). Use in every admin or inline that
# edits an ImageAsset: `formfield_overrides = IMAGE_FORMFIELD_OVERRIDES`.
IMAGE_FORMFIELD_OVERRIDES = {models.ImageField: {"form_class": ImageField}}
