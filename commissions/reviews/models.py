"""A buyer's review of a delivered commission, and the maker's one reply. Imported by
commissions.models, so Django finds them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from shop.images.models import PrivateImageAsset


class Review(models.Model):
    """One per commission, by its buyer, once it has arrived: shown on the maker's page
    and the piece's as a verified commission."""

    commission = models.OneToOneField(
        "commissions.Commission", on_delete=models.CASCADE, related_name="review"
    )
    # Kept beside the commission so the maker's and the piece's pages read reviews in one
    # query.
    maker = models.ForeignKey("makers.Maker", on_delete=models.CASCADE, related_name="reviews")
    piece = models.ForeignKey(
        "makers.Piece",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviews",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    rating = models.PositiveSmallIntegerField()
    body = models.TextField()
    reply = models.TextField(blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    hidden = models.BooleanField(
        default=False, help_text="Taken down by the office: shown to nobody."
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="review_rating_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rating}★ for {self.commission_id}"

    @property
    def stars(self) -> str:
        return "★" * self.rating + "☆" * (5 - self.rating)


class ReviewPhoto(PrivateImageAsset):
    """The buyer's photo of the piece at home: public once the review shows, served
    through the commissions app (the catalog's media view knows nothing of reviews)."""

    UPLOAD_DIR = "reviews/photos"

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="photo")

    def file_url(self, name: str) -> str:
        # By its file's random name: a review's photo has no number in its address.
        return reverse("commissions:review_photo", args=[name.rsplit("/", 1)[-1]])
