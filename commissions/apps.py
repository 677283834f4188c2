from django.apps import AppConfig


class CommissionsConfig(AppConfig):
    name = "commissions"
    verbose_name = "Commissions"

    def ready(self) -> None:
        from commissions.reviews.models import Review, ReviewPhoto
        from shop import page_cache

        # Reviews show on the maker's and the piece's public pages: a new, changed, answered
        # or hidden review (or its photo's sizes) is a new version of those pages.
        page_cache.watch(Review, ReviewPhoto)
