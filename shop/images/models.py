import uuid
from pathlib import PurePosixPath

from django.core.files.storage import storages
from django.db import models


def image_upload_to(instance: "ImageAsset", filename: str) -> str:
    """A fresh unguessable name under the subclass's UPLOAD_DIR; the extension is ours."""
    suffix = PurePosixPath(filename).suffix.lower() or ".jpg"
    return f"{instance.UPLOAD_DIR}/{uuid.uuid4().hex}{suffix}"


class ImageAsset(models.Model):
    """An uploaded photo. Until the Celery task has run, `image` is the upload as it came
    (checked, never shown); the task replaces it with the clean original (upright, no
    metadata) and fills `renditions`:
    {"thumb": {"width": 480, "height": .., "webp": "<storage name>", "jpeg": "<storage name>"},
     "display": {"width": 1600, ...}}, or {"failed": "<why>"} for a file it could not
    read. Until then pages show a placeholder.
    """

    UPLOAD_DIR = "images"

    image = models.ImageField(upload_to=image_upload_to, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    renditions = models.JSONField(default=dict, blank=True, editable=False)
    renditions_ready_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.image and not self.image._committed:
            # A new upload, as it came: not cleaned, nothing rendered yet.
            self.renditions, self.renditions_ready_at = {}, None
        # The header a browser sent may defeat Django's measuring; the task measures again.
        self.width, self.height = self.width or 0, self.height or 0
        super().save(*args, **kwargs)

    @property
    def has_renditions(self) -> bool:
        return bool(self.renditions_ready_at) and not self.processing_failed

    @property
    def processing_failed(self) -> bool:
        """The task found the file unreadable (or gone) and will not try again."""
        return isinstance(self.renditions, dict) and "failed" in self.renditions

    def file_url(self, name: str) -> str:
        """Where a browser fetches one of this asset's files. Private assets (a buyer's
        reference photos) override this with a view that checks who is asking."""
        return self.image.storage.url(name)

    def rendition_name(self, size: str, fmt: str) -> str | None:
        """The stored name of one rendition ("thumb"/"display", "webp"/"jpeg"), if made."""
        rendition = (self.renditions or {}).get(size)
        return rendition.get(fmt) if isinstance(rendition, dict) else None


def private_storage():
    return storages["private"]


class PrivateImageAsset(ImageAsset):
    """A photo only some people may see. Its files live in the private storage, which has
    no public URLs: the subclass's `file_url` points at a view that checks who is asking."""

    image = models.ImageField(
        upload_to=image_upload_to,
        storage=private_storage,
        width_field="width",
        height_field="height",
    )

    class Meta:
        abstract = True
