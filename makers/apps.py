from django.apps import AppConfig


class MakersConfig(AppConfig):
    name = "makers"
    verbose_name = "Makers and pieces"

    def ready(self) -> None:
        from makers import models
        from shop import page_cache

        # Everything the public pages show: a change to any of these is a new version
        # of the catalog (shop/page_cache.py).
        page_cache.watch(
            models.Category,
            models.Maker,
            models.MakerPortrait,
            models.Material,
            models.Piece,
            models.Piece.materials.through,
            models.PiecePhoto,
            models.PersonalisationOption,
            models.OptionChoice,
        )
