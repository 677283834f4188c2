"""Where a commission's piece goes and how it got there. Imported by commissions.models,
so Django finds it."""

from django.db import models

from commissions.shipping import carriers


class Delivery(models.Model):
    """The address (given with the balance at Checkout, or on the delivery page), or a
    pick-up at the workshop; then the carrier, the tracking number and the maker's note
    in the parcel; then when it arrived. One per commission."""

    class Method(models.TextChoices):
        POST = "post", "Sent by post"
        PICKUP = "pickup", "Picked up at the workshop"

    class Source(models.TextChoices):
        CHECKOUT = "checkout", "Given at checkout"
        BUYER = "buyer", "Given on the delivery page"

    class Arrival(models.TextChoices):
        BUYER = "buyer", "The buyer said it arrived"
        AUTO = "auto", "Taken as arrived 14 days after shipping"
        OFFICE = "office", "The office said it arrived"

    commission = models.OneToOneField(
        "commissions.Commission", on_delete=models.CASCADE, related_name="delivery"
    )
    method = models.CharField(max_length=6, choices=Method.choices, default=Method.POST)
    source = models.CharField(max_length=8, choices=Source.choices, blank=True)
    gift = models.BooleanField(default=False, help_text="It goes to someone else.")
    name = models.CharField(max_length=120, blank=True)
    line1 = models.CharField("address", max_length=200, blank=True)
    line2 = models.CharField("address (line 2)", max_length=200, blank=True)
    city = models.CharField(max_length=120, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    region = models.CharField("state or region", max_length=120, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="Two-letter code, e.g. FR.")
    carrier = models.CharField(max_length=20, choices=carriers.CHOICES, blank=True)
    tracking_number = models.CharField(max_length=40, blank=True)
    maker_note = models.TextField(
        blank=True, help_text="The maker's note to the buyer, like the card in the parcel."
    )
    # An heirloom rework closes its loop: what of the buyer's piece went into the new one,
    # and what goes back to them.
    heirloom_reused = models.TextField(blank=True)
    heirloom_returned = models.TextField(blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    arrival = models.CharField(max_length=6, choices=Arrival.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"Delivery of {self.commission_id} ({self.get_method_display()})"

    @property
    def has_address(self) -> bool:
        return bool(self.line1 and self.city and self.country)

    @property
    def address_lines(self) -> list[str]:
        town = " ".join(p for p in (self.postal_code, self.city) if p)
        lines = [self.name, self.line1, self.line2, town, self.region, self.country]
        return [line for line in lines if line]

    @property
    def carrier_name(self) -> str:
        return carriers.carrier_name(self.carrier)

    @property
    def tracking_url(self) -> str:
        return carriers.tracking_url(self.carrier, self.tracking_number)
