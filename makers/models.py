"""The catalog: who makes, from what, and what can be ordered."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from shop.images.models import ImageAsset
from shop.money import Money


class Category(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Availability:
    accepting: bool
    capacity: int
    open_slots: int
    earliest_start: date

    @property
    def waitlist(self) -> bool:
        return self.accepting and self.open_slots == 0


class Maker(models.Model):
    """A maker's profile. A user linked here is a maker and has a studio."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="maker"
    )
    slug = models.SlugField(max_length=80, unique=True)
    display_name = models.CharField(max_length=120)
    craft = models.CharField(max_length=80, help_text="e.g. Silversmith, Woodworker")
    tagline = models.CharField(max_length=160, blank=True)
    story = models.TextField(blank=True, help_text="In your own words: who you are, how you work.")
    location = models.CharField(max_length=120, blank=True)
    accepting_commissions = models.BooleanField(default=True)
    capacity = models.PositiveSmallIntegerField(
        default=3, help_text="How many commissions you work on at once."
    )
    # Kept by the commissions app under a row lock on this maker when a commission
    # takes or frees a slot, so capacity checks never race.
    slots_taken = models.PositiveSmallIntegerField(default=0, editable=False)
    # When the next slot frees, counting the waitlist (the commissions app plans the queue
    # from each piece's estimated weeks and keeps this current). Empty: no plan yet.
    next_start_on = models.DateField(null=True, blank=True, editable=False)
    workshop_address = models.TextField(
        blank=True,
        help_text="Where buyers send a piece to rework. Shown only to a buyer "
        "whose rework you have agreed.",
    )
    offers_pickup = models.BooleanField(
        default=False,
        help_text="Buyers may collect their piece at your workshop (its address is shown "
        "to them once the piece is paid for).",
    )
    typical_lead_weeks = models.PositiveSmallIntegerField(
        default=4, help_text="How long a typical piece takes once you start."
    )
    featured = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("makers:maker", args=[self.slug])

    def availability(self, today: date | None = None) -> Availability:
        """Open slots now, and when work on a new commission could honestly start."""
        today = today or timezone.localdate()
        open_slots = max(self.capacity - self.slots_taken, 0)
        if open_slots:
            start = today
        else:
            # Full: when the queue says the next slot frees, or failing a plan, when a
            # typical piece on the bench would be finished.
            start = max(
                today, self.next_start_on or today + timedelta(weeks=self.typical_lead_weeks)
            )
        return Availability(self.accepting_commissions, self.capacity, open_slots, start)


class MakerPortrait(ImageAsset):
    UPLOAD_DIR = "makers/portraits"

    maker = models.OneToOneField(Maker, on_delete=models.CASCADE, related_name="portrait")


class Material(models.Model):
    """A material a maker works with, and where it comes from."""

    class Kind(models.TextChoices):
        METAL = "metal", "Metal"
        STONE = "stone", "Stone"
        WOOD = "wood", "Wood"
        TEXTILE = "textile", "Textile"
        GLASS = "glass", "Glass"
        CLAY = "clay", "Clay"
        LEATHER = "leather", "Leather"
        OTHER = "other", "Other"

    class Certification(models.TextChoices):
        NONE = "", "None"
        FAIRMINED = "fairmined", "Fairmined"
        FAIRTRADE = "fairtrade", "Fairtrade"
        RJC = "rjc", "RJC Chain of Custody"
        FSC = "fsc", "FSC"
        PEFC = "pefc", "PEFC"
        GOTS = "gots", "GOTS organic"
        OEKO_TEX = "oeko_tex", "OEKO-TEX"
        LWG = "lwg", "Leather Working Group"

    maker = models.ForeignKey(Maker, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    origin = models.CharField(max_length=160, blank=True, help_text="Where it comes from.")
    supplier = models.CharField(max_length=160, blank=True)
    recycled = models.BooleanField(default=False)
    certification = models.CharField(max_length=12, choices=Certification.choices, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["maker", "name"], name="material_unique_per_maker"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_responsible(self) -> bool:
        return self.recycled or bool(self.certification)


class PieceQuerySet(models.QuerySet):
    def published(self) -> "PieceQuerySet":
        return self.filter(status=Piece.Status.PUBLISHED)


class Piece(models.Model):
    """A listing: something a buyer can order, made to order or ready made."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    maker = models.ForeignKey(Maker, on_delete=models.CASCADE, related_name="pieces")
    title = models.CharField(max_length=140)
    slug = models.SlugField(max_length=160, unique=True)
    description = models.TextField(blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="pieces"
    )
    base_price_cents = models.PositiveIntegerField(help_text="In minor units (cents).")
    # The lowest price a buyer can pay: the base price plus the cheapest choice of each
    # required option (and any discount an optional choice gives). Kept by
    # services.piece_refresh so the catalog can filter and sort on it with an index.
    price_from_cents = models.PositiveIntegerField(default=0, editable=False)
    currency = models.CharField(max_length=3, default="EUR")
    lead_time_min_weeks = models.PositiveSmallIntegerField(default=2)
    lead_time_max_weeks = models.PositiveSmallIntegerField(default=4)
    made_to_order = models.BooleanField(default=True)
    materials = models.ManyToManyField(Material, blank=True, related_name="pieces")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    featured = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Title, description, maker, craft and materials in one column, so one index (a GIN
    # full-text index on PostgreSQL) answers the catalog search. Kept by
    # services.piece_refresh.
    search_text = models.TextField(blank=True, default="", editable=False)
    # On PostgreSQL a trigger keeps this as to_tsvector('english', search_text), with a GIN
    # index (migration 0004), so search and ranking read a stored vector. Never written
    # or read from Python; unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PieceQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(lead_time_min_weeks__lte=models.F("lead_time_max_weeks")),
                name="piece_lead_time_min_le_max",
            ),
        ]
        # The catalog's "newest" order, and its price order.
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"]),
            models.Index(fields=["status", "price_from_cents", "id"]),
            # A maker's page lists their published pieces.
            models.Index(fields=["maker", "status"]),
            # The home page's few featured pieces, without scanning the rest.
            models.Index(fields=["featured", "status", "-published_at", "-id"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("makers:piece", args=[self.slug])

    @property
    def base_price(self) -> Money:
        return Money(self.base_price_cents, self.currency)

    @property
    def price_from(self) -> Money:
        return Money(self.price_from_cents, self.currency)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class PiecePhoto(ImageAsset):
    UPLOAD_DIR = "pieces/photos"

    piece = models.ForeignKey(Piece, on_delete=models.CASCADE, related_name="photos")
    position = models.PositiveSmallIntegerField(default=0)
    alt_text = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["position", "id"]


class PersonalisationOption(models.Model):
    """Something the buyer chooses or writes: an engraving, a birthstone, a ring size."""

    class Kind(models.TextChoices):
        TEXT = "text", "Text (engraving, initials)"
        CHOICE = "choice", "Choice (stone, metal, size)"

    piece = models.ForeignKey(Piece, on_delete=models.CASCADE, related_name="options")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    label = models.CharField(max_length=80)
    help_text = models.CharField(max_length=200, blank=True)
    required = models.BooleanField(default=False)
    max_length = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Text options: the most characters that fit."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


class OptionChoice(models.Model):
    option = models.ForeignKey(
        PersonalisationOption, on_delete=models.CASCADE, related_name="choices"
    )
    label = models.CharField(max_length=80)
    price_delta_cents = models.IntegerField(default=0, help_text="Added to the base price.")
    position = models.PositiveSmallIntegerField(default=0)
    # A choice that means nothing without words: a monogram needs the initials.
    needs = models.ForeignKey(
        PersonalisationOption,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needed_by",
        help_text="A text option the buyer must fill in when they pick this choice.",
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label
