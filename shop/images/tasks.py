"""Background work on photos: render an asset's sizes, and catch up on any never rendered."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.apps import apps

from shop.celery import RETRY_POLICY
from shop.images.models import ImageAsset
from shop.images.pipeline import mark_failed, rename_files, render_renditions

log = logging.getLogger(__name__)

# Each beat run enqueues at most this many photos per model; the rest wait for the next.
MISSING_BATCH = 200


# OSError covers storage hiccups (a network blip to S3); a missing or undecodable file is
# logged by render_renditions, marked, and not retried. The checks before decoding bound
# the work (pixels, JPEG scans); the time limit is the last word on anything they missed.
@shared_task(autoretry_for=(OSError,), soft_time_limit=60, time_limit=90, **RETRY_POLICY)
def image_render(model_label: str, pk: int) -> bool:
    """Clean one ImageAsset's upload and render its sizes; True when it has them after."""
    model = apps.get_model(model_label)
    if not issubclass(model, ImageAsset):
        raise ValueError(f"{model_label} is not an ImageAsset")
    asset = model._base_manager.filter(pk=pk).first()
    if asset is None:
        log.info("%s %s is gone; nothing to render", model_label, pk)
        return False
    try:
        return bool(render_renditions(asset))
    except SoftTimeLimitExceeded:
        log.warning("%s %s took too long to process; given up", model_label, pk)
        mark_failed(asset, "too_slow", delete_file=asset.renditions_ready_at is None)
        return False


@shared_task(autoretry_for=(OSError,), **RETRY_POLICY)
def image_rename(model_label: str, pk: int) -> bool:
    """New names for one ImageAsset's files (a piece leaving the catalog)."""
    model = apps.get_model(model_label)
    if not issubclass(model, ImageAsset):
        raise ValueError(f"{model_label} is not an ImageAsset")
    asset = model._base_manager.filter(pk=pk).first()
    return bool(asset) and rename_files(asset)


@shared_task
def image_render_missing() -> int:
    """Enqueue a render for photos still without renditions (a lost task, a broker outage).

    A photo whose task is still on its way is enqueued again; rendering is idempotent.
    """
    queued = 0
    for model in image_asset_models():
        pks = list(
            model._base_manager.filter(renditions_ready_at__isnull=True)
            .exclude(image="")
            .order_by("pk")
            .values_list("pk", flat=True)[:MISSING_BATCH]
        )
        for pk in pks:
            image_render.delay(model._meta.label, pk)
        queued += len(pks)
    return queued


def image_asset_models() -> list[type[ImageAsset]]:
    """Every concrete ImageAsset model among the installed apps."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, ImageAsset) and not model._meta.proxy
    ]
