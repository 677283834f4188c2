"""The journey link a buyer shares. Imported by commissions.models, so Django finds it."""

import secrets

from django.db import models
from django.db.models import Q
from django.urls import reverse


def new_token() -> str:
    """256 random bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


class Journey(models.Model):
    """A public, read-only link to a commission's story: the maker's words, the
    milestones, and the progress notes and photos the maker marked shareable; never a
    price, an address, a message, a tracking number, the buyer's name or the reference.
    Revoking it kills the link for good; sharing again makes a new one."""

    commission = models.ForeignKey(
        "commissions.Commission", on_delete=models.CASCADE, related_name="journeys"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    gift_note = models.TextField(
        blank=True, help_text="A note for whoever opens the link (a gift's recipient)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["commission"],
                condition=Q(revoked_at__isnull=True),
                name="journey_one_live_link_per_commission",
            )
        ]

    def __str__(self) -> str:
        return f"Journey of {self.commission_id}{' (revoked)' if self.revoked_at else ''}"

    def get_absolute_url(self) -> str:
        return reverse("commissions:journey", args=[self.token])
