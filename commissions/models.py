"""The life of one order: a question or request, its messages and quotes, its status log.

Models hold fields, constraints and small properties; every status change goes through
commissions.workflow, and every other change through commissions.services.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from makers.models import Maker, Piece
from shop.images.models import PrivateImageAsset
from shop.money import Money

# Crockford's base32 without the look-alikes I, L, O, U: easy to read out on the phone.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference() -> str:
    """Like C-7F3K2Q: 32**6 (about a billion) possibilities, drawn at random."""
    return "C-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


class Status(models.TextChoices):
    INQUIRY = "inquiry", "Question"
    REQUESTED = "requested", "Requested"
    QUOTED = "quoted", "Quoted"
    AWAITING_DEPOSIT = "awaiting_deposit", "Awaiting deposit"
    SCHEDULED = "scheduled", "Deposit paid, waiting to start"
    IN_PROGRESS = "in_progress", "In progress"
    AWAITING_BALANCE = "awaiting_balance", "Awaiting balance"
    READY_TO_SHIP = "ready_to_ship", "Ready to ship"
    SHIPPED = "shipped", "Shipped"
    DELIVERED = "delivered", "Delivered"
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Declined by the maker"
    EXPIRED = "expired", "Expired unanswered"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"
    CANCELLED = "cancelled", "Cancelled"


class Slot(models.TextChoices):
    """Where an accepted commission stands at the maker's bench."""

    NONE = "", "Not at the bench"
    BENCH = "bench", "Has a slot"
    WAITLIST = "waitlist", "On the waitlist"


class Commission(models.Model):
    """One order, from the first question or request to the piece in the buyer's hands."""

    class Kind(models.TextChoices):
        PIECE = "piece", "From a listed piece"
        CUSTOM = "custom", "Custom brief"

    reference = models.CharField(max_length=10, unique=True, default=new_reference, editable=False)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="commissions"
    )
    maker = models.ForeignKey(Maker, on_delete=models.PROTECT, related_name="commissions")
    piece = models.ForeignKey(
        Piece, on_delete=models.SET_NULL, null=True, blank=True, related_name="commissions"
    )
    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.CUSTOM)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    title = models.CharField(max_length=160)
    brief = models.TextField(blank=True, help_text="What the buyer wants, in their words.")
    # From a piece: what was chosen and what it cost at the time, kept even if the maker
    # later changes the listing.
    personalisation = models.JSONField(default=list, blank=True)
    listed_price_cents = models.PositiveIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, default="EUR")
    budget_min_cents = models.PositiveIntegerField(null=True, blank=True)
    budget_max_cents = models.PositiveIntegerField(null=True, blank=True)
    wanted_by = models.DateField(null=True, blank=True)
    # Heirloom rework: the buyer sends a piece of their own to be remade.
    heirloom = models.BooleanField(default=False)
    heirloom_description = models.TextField(blank=True)
    heirloom_received_at = models.DateTimeField(null=True, blank=True)
    heirloom_condition = models.TextField(blank=True)

    slot = models.CharField(max_length=8, choices=Slot.choices, default=Slot.NONE, blank=True)
    queued_at = models.DateTimeField(
        null=True, blank=True, help_text="When it joined the waitlist (its place in the queue)."
    )
    expected_start = models.DateField(null=True, blank=True)
    declined_reason = models.TextField(blank=True)
    resent_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="resent_as"
    )

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    status_changed_at = models.DateTimeField(auto_now_add=True)
    # A request the maker has not answered by then expires (beat task).
    answer_by = models.DateTimeField(null=True, blank=True, db_index=True)

    # The build journal (commissions.journal). The promised date is set when the quote is
    # accepted (expected start + the quote's weeks) and moved only with a reason.
    promised_by = models.DateField(null=True, blank=True)
    last_update_at = models.DateTimeField(null=True, blank=True)
    update_reminded_at = models.DateTimeField(
        null=True, blank=True, help_text="When the maker was last reminded to post an update."
    )
    promised_passed_at = models.DateTimeField(
        null=True, blank=True, help_text="When buyer and owner were told the date had passed."
    )
    cancel_requested_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="The buyer asked the owner to cancel after the promised date passed.",
    )
    cancel_request_reason = models.TextField(blank=True)
    # Bumped by every new timeline entry of any kind: the live poll's cursor.
    activity_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["maker", "status"]),
            models.Index(fields=["buyer", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_min_cents__isnull=True)
                | Q(budget_max_cents__isnull=True)
                | Q(budget_min_cents__lte=models.F("budget_max_cents")),
                name="commission_budget_min_le_max",
            ),
            models.CheckConstraint(
                condition=~Q(slot="waitlist") | Q(queued_at__isnull=False),
                name="commission_waitlist_has_a_place",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("commissions:detail", args=[self.reference])

    @property
    def listed_price(self) -> Money | None:
        if self.listed_price_cents is None:
            return None
        return Money(self.listed_price_cents, self.currency)

    @property
    def is_inquiry(self) -> bool:
        return self.status == Status.INQUIRY


class StatusChange(models.Model):
    """The commission's log: who moved it from what to what, when, and why."""

    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="log")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: the shop itself.",
    )
    role = models.CharField(max_length=8)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.commission_id}: {self.from_status or '∅'} → {self.to_status}"


class ReferenceImage(PrivateImageAsset):
    """A photo the buyer sends with a brief: inspiration, or the heirloom to rework."""

    UPLOAD_DIR = "commissions/references"

    class Kind(models.TextChoices):
        REFERENCE = "reference", "Reference"
        HEIRLOOM = "heirloom", "Heirloom"

    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="images")
    kind = models.CharField(max_length=9, choices=Kind.choices, default=Kind.REFERENCE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def file_url(self, name: str) -> str:
        return reverse(
            "commissions:image",
            args=[self.commission.reference, "r", self.pk, name.rsplit("/", 1)[-1]],
        )


class Quote(models.Model):
    """The maker's offer. A new quote supersedes the one before; one at most is accepted."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        SUPERSEDED = "superseded", "Replaced by a newer quote"
        EXPIRED = "expired", "Expired"
        WITHDRAWN = "withdrawn", "Withdrawn"

    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="quotes")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    price_cents = models.PositiveIntegerField()
    deposit_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="EUR")
    estimated_weeks = models.PositiveSmallIntegerField()
    milestones = models.JSONField(default=list, blank=True, help_text="Planned steps, in order.")
    revision_rounds = models.PositiveSmallIntegerField(default=1)
    valid_until = models.DateField()
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["commission"],
                condition=Q(status="accepted"),
                name="quote_one_accepted_per_commission",
            ),
            models.UniqueConstraint(
                fields=["commission"],
                condition=Q(status="open"),
                name="quote_one_open_per_commission",
            ),
            models.CheckConstraint(
                condition=Q(deposit_cents__lte=models.F("price_cents")),
                name="quote_deposit_le_price",
            ),
        ]

    def __str__(self) -> str:
        return f"Quote {self.price} for {self.commission_id}"

    @property
    def price(self) -> Money:
        return Money(self.price_cents, self.currency)

    @property
    def deposit(self) -> Money:
        return Money(self.deposit_cents, self.currency)

    @property
    def balance(self) -> Money:
        return Money(self.price_cents - self.deposit_cents, self.currency)


class Message(models.Model):
    """One message in a commission's thread between buyer and maker."""

    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author_id} on {self.commission_id}: {self.body[:40]}"


class MessageAttachment(PrivateImageAsset):
    UPLOAD_DIR = "commissions/messages"

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")

    def file_url(self, name: str) -> str:
        return reverse(
            "commissions:image",
            args=[self.message.commission.reference, "m", self.pk, name.rsplit("/", 1)[-1]],
        )


class ThreadMark(models.Model):
    """How far one person has read a commission's thread, and when we last emailed them
    about it (at most one new-message email per thread per ten minutes)."""

    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="marks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["commission", "user"], name="thread_mark_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.commission_id} up to {self.read_at}"


# Payments and the build journal live in their own modules; importing them here lets
# Django find their models.
from commissions.journal.models import (  # noqa: E402, F401
    ChangeOrder,
    DateChange,
    Milestone,
    ProofPin,
    Update,
    UpdatePhoto,
)
from commissions.payments.models import Payment, StripeEvent, TestCheckoutSession  # noqa: E402, F401
from commissions.reviews.models import Review, ReviewPhoto  # noqa: E402, F401
from commissions.shipping.models import Delivery  # noqa: E402, F401
from commissions.story.models import Journey  # noqa: E402, F401
