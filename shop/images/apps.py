from django.apps import AppConfig


class ImagesConfig(AppConfig):
    """Installed so Celery's autodiscovery finds shop.images.tasks; it has no tables."""

    name = "shop.images"
    label = "images"
    verbose_name = "Images"
