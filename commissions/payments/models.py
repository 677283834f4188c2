"""A payment (deposit, balance or refund), the Stripe events we received, and the local
stand-in's Checkout Sessions. Imported by commissions.models, so Django finds them."""

import uuid

from django.db import models
from django.db.models import Q

from shop.money import Money


class Payment(models.Model):
    """One attempt to take (or give back) money for a commission.

    A deposit or balance row is one Checkout Session; if it expires, paying later makes a
    new row. A refund row points at the payment it gives back. Which status may follow
    which is one table, `commissions.payments.states.MOVES`: pending → processing → paid
    → refunded; expired, failed and mismatch end an attempt that did not pay us what we
    asked for.
    """

    class Kind(models.TextChoices):
        DEPOSIT = "deposit", "Deposit"
        BALANCE = "balance", "Balance"
        REFUND = "refund", "Refund"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for payment"
        PROCESSING = "processing", "Processing"
        PAID = "paid", "Paid"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired unpaid"
        REFUNDED = "refunded", "Refunded"
        # Stripe says paid, but not what we asked for (amount, currency, mode, session):
        # never counted as paid; anything taken is refunded.
        MISMATCH = "mismatch", "Did not match what was asked"
        # Refund rows:
        REFUND_PENDING = "refund_pending", "Refund requested"
        REFUND_SUCCEEDED = "refund_succeeded", "Refund issued"
        REFUND_FAILED = "refund_failed", "Refund failed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    commission = models.ForeignKey(
        "commissions.Commission", on_delete=models.PROTECT, related_name="payments"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    amount_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    checkout_session_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    checkout_url = models.URLField(max_length=2000, blank=True)
    payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    refund_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="refunds"
    )
    refund_id = models.CharField(max_length=255, blank=True, db_index=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.TextField(
        "reason", blank=True, help_text="Why a payment failed, or why a refund was made."
    )
    # Exactly what was sent to Stripe to open the session: a retry after a timeout sends
    # the same, as Stripe requires for one idempotency key.
    checkout_params = models.JSONField(null=True, blank=True, editable=False)
    attention = models.TextField(
        blank=True,
        help_text="Why the shop owner should look at this payment; empty once dealt with.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="refund", refund_of__isnull=False)
                | (~Q(kind="refund") & Q(refund_of__isnull=True)),
                name="payment_refund_points_at_a_payment",
            ),
            # One open Checkout at a time for the deposit, and one for the balance.
            models.UniqueConstraint(
                fields=["commission", "kind"],
                condition=Q(status="pending"),
                name="payment_one_open_checkout",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} {self.amount} for {self.commission.reference} "
            f"({self.get_status_display().lower()})"
        )

    @property
    def amount(self) -> Money:
        return Money(self.amount_cents, self.currency)


class StripeEvent(models.Model):
    """A Stripe event, stored by its id the moment it arrives (webhook or the hourly
    catch-up), then applied exactly once by a Celery task."""

    id = models.CharField(max_length=255, primary_key=True)
    type = models.CharField(max_length=100, db_index=True)
    payload = models.JSONField()
    source = models.CharField(
        max_length=10,
        default="webhook",
        help_text="webhook, reconcile (the Events API) or local (test payments)",
    )
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = "Stripe event"

    def __str__(self) -> str:
        return f"{self.type} {self.id}"


class TestCheckoutSession(models.Model):
    """The local test-payment page's stand-in for a Stripe Checkout Session (used only
    when no Stripe keys are configured)."""

    __test__ = False  # not a pytest test class, despite the name

    id = models.CharField(max_length=64, primary_key=True)
    payment = models.OneToOneField(Payment, on_delete=models.CASCADE, related_name="test_session")
    status = models.CharField(max_length=10, default="open")  # open, complete, expired
    payment_status = models.CharField(max_length=10, default="unpaid")
    payment_intent = models.CharField(max_length=64)
    success_url = models.CharField(max_length=2000)
    cancel_url = models.CharField(max_length=2000)
    expires_at = models.DateTimeField()
    # The delivery address typed on the test page, as Stripe's page collects it.
    shipping = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.id
