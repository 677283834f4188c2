"""The build journal's models. Imported by commissions.models, so Django finds them.

They point at Commission by its app label ("commissions.Commission") and import nothing of
commissions.models back: the models module imports this one.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from shop.images.models import PrivateImageAsset
from shop.money import Money

PCT = [MinValueValidator(0), MaxValueValidator(100)]


class Milestone(models.Model):
    """One planned step of the build, from the accepted quote; the maker ticks it off."""

    commission = models.ForeignKey(
        "commissions.Commission", on_delete=models.CASCADE, related_name="milestones"
    )
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["commission", "position"], name="milestone_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def is_late(self, today) -> bool:
        return self.done_at is None and self.due_on is not None and self.due_on < today


class Update(models.Model):
    """A progress note from the bench, with photos; or a design proof the buyer approves
    or asks to revise (kind "proof", numbered by version within the commission)."""

    class Kind(models.TextChoices):
        NOTE = "note", "Progress update"
        PROOF = "proof", "Design proof"

    class Decision(models.TextChoices):
        NONE = "", "Not a proof"
        PENDING = "pending", "Awaiting the buyer's approval"
        APPROVED = "approved", "Approved"
        REVISION = "revision", "Revision requested"

    commission = models.ForeignKey(
        "commissions.Commission", on_delete=models.CASCADE, related_name="updates"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=5, choices=Kind.choices, default=Kind.NOTE)
    body = models.TextField()
    milestone = models.ForeignKey(
        Milestone, on_delete=models.SET_NULL, null=True, blank=True, related_name="updates"
    )
    shareable = models.BooleanField(
        default=False, help_text="The maker lets it be shown on the public journey page."
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # A proof's own fields (empty on a note).
    version = models.PositiveSmallIntegerField(null=True, blank=True)
    decision = models.CharField(
        max_length=8, choices=Decision.choices, default=Decision.NONE, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_comment = models.TextField(blank=True)
    # Posted as the maker marked the piece finished (commissions.journal.proofs): its photo
    # goes with the request for the balance.
    finished = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["commission", "version"],
                condition=Q(kind="proof"),
                name="update_proof_version_unique",
            ),
            models.CheckConstraint(
                condition=Q(kind="note", version__isnull=True, decision="")
                | Q(kind="proof", version__isnull=False),
                name="update_proof_fields_only_on_proofs",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.PROOF:
            return f"Proof v{self.version} on {self.commission_id}"
        return f"Update on {self.commission_id}: {self.body[:40]}"

    @property
    def is_proof(self) -> bool:
        return self.kind == self.Kind.PROOF


class UpdatePhoto(PrivateImageAsset):
    """A photo of an update or proof: private to the buyer, the maker and the shop's staff
    (served by commissions:image with kind "u")."""

    UPLOAD_DIR = "commissions/updates"

    update = models.ForeignKey(Update, on_delete=models.CASCADE, related_name="photos")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def file_url(self, name: str) -> str:
        return reverse(
            "commissions:image",
            args=[self.update.commission.reference, "u", self.pk, name.rsplit("/", 1)[-1]],
        )


class ProofPin(models.Model):
    """A numbered comment the buyer pins to a point on a proof photo, stored as percentages
    of its width and height so it stays put at any size."""

    update = models.ForeignKey(Update, on_delete=models.CASCADE, related_name="pins")
    photo = models.ForeignKey(
        UpdatePhoto, on_delete=models.CASCADE, null=True, blank=True, related_name="pins"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField()
    x_pct = models.DecimalField(max_digits=5, decimal_places=2, validators=PCT)
    y_pct = models.DecimalField(max_digits=5, decimal_places=2, validators=PCT)
    comment = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(x_pct__gte=0, x_pct__lte=100), name="proof_pin_x_in_range"
            ),
            models.CheckConstraint(
                condition=Q(y_pct__gte=0, y_pct__lte=100), name="proof_pin_y_in_range"
            ),
            models.UniqueConstraint(fields=["update", "number"], name="proof_pin_number_unique"),
        ]

    def __str__(self) -> str:
        return f"Pin {self.number} on {self.update_id}"


class ChangeOrder(models.Model):
    """An extra charge the maker proposes (past the quote's revision allowance); the buyer
    accepts it, added to the balance, or declines it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    commission = models.ForeignKey(
        "commissions.Commission", on_delete=models.CASCADE, related_name="change_orders"
    )
    proof = models.ForeignKey(
        Update, on_delete=models.SET_NULL, null=True, blank=True, related_name="change_orders"
    )
    amount_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="EUR")
    reason = models.TextField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PROPOSED)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Change order {self.amount} on {self.commission_id} ({self.status})"

    @property
    def amount(self) -> Money:
        return Money(self.amount_cents, self.currency)


class DateChange(models.Model):
    """The promised date set, moved by the maker (with a reason the buyer sees) or agreed
    anew by the buyer after it passed."""

    class Kind(models.TextChoices):
        SET = "set", "Promised date set"
        MOVED = "moved", "Promised date moved"
        AGREED = "agreed", "New date agreed"

    commission = models.ForeignKey(
        "commissions.Commission", on_delete=models.CASCADE, related_name="date_changes"
    )
    old_date = models.DateField(null=True, blank=True)
    new_date = models.DateField()
    reason = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(max_length=6, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.commission_id}: {self.old_date} → {self.new_date} ({self.kind})"
