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
        self._watch_commission_pages()

    @staticmethod
    def _watch_commission_pages() -> None:
        """Every row the commission page shows, by the commission it belongs to
        (commissions/page_store.py)."""
        from django.contrib.auth import get_user_model

        from commissions import models as m
        from commissions import page_store
        from commissions.journal import models as journal
        from commissions.payments.models import Payment
        from commissions.reviews.models import Review, ReviewPhoto
        from commissions.shipping.models import Delivery
        from commissions.story.models import Journey

        page_store.watch(m.Commission, lambda row: row.pk)
        page_store.watch_people(get_user_model())
        for model in (
            m.StatusChange,
            m.ReferenceImage,
            m.Quote,
            m.Message,
            Payment,
            journal.Milestone,
            journal.Update,
            journal.ChangeOrder,
            journal.DateChange,
            Review,
            Delivery,
            Journey,
        ):
            page_store.watch(model)
        page_store.watch(m.MessageAttachment, lambda row: row.message.commission_id)
        page_store.watch(journal.UpdatePhoto, lambda row: row.update.commission_id)
        page_store.watch(journal.ProofPin, lambda row: row.update.commission_id)
        page_store.watch(ReviewPhoto, lambda row: row.review.commission_id)
