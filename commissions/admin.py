"""The shop owner's view of every commission: its log, quotes, thread and photos."""

from django.contrib import admin, messages
from django.db import transaction

from commissions import services, workflow
from commissions.journal.admin import LateMilestoneFilter, MilestoneInline
from commissions.models import (
    Commission,
    Message,
    Payment,
    Quote,
    ReferenceImage,
    StatusChange,
    StripeEvent,
)
from commissions.payments import services as payment_services
from commissions.payments.events import APPLY_TASK
from commissions.reviews.models import Review
from commissions.shipping.models import Delivery
from commissions.workflow import OWNER, NotAllowed
from shop.admin_tools import SafeAutocompleteAdmin
from shop.images.admin import IMAGE_FORMFIELD_OVERRIDES, admin_thumbnail
from shop.images.pipeline import queue_renditions
from shop.money import Money
from shop.queue import enqueue_on_commit


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "role", "by", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class DeliveryInline(admin.StackedInline):
    """Where it went and how (the buyer and the maker fill it in on the site)."""

    model = Delivery
    extra = 0
    can_delete = False
    readonly_fields = [
        "method", "source", "gift", "name", "line1", "line2", "city", "postal_code", "region",
        "country", "carrier", "tracking_number", "maker_note", "heirloom_reused", "heirloom_returned", "shipped_at", "delivered_at",
        "arrival",
    ]  # fmt: skip
    fields = readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


def personalisation_words(commission) -> str:
    """ "Metal: 9ct gold (+€320.00); Engraving: A & B" from the stored choices."""
    parts = []
    for row in commission.personalisation or []:
        delta = row.get("price_delta_cents") or 0
        extra = f" ({'+' if delta > 0 else ''}{Money(delta, commission.currency)})" if delta else ""
        parts.append(f"{row.get('option', '')}: {row.get('value', '')}{extra}")
    return "; ".join(parts)


class QuoteInline(admin.StackedInline):
    model = Quote
    extra = 0
    can_delete = False
    readonly_fields = [
        "status",
        "price",
        "deposit",
        "balance",
        "estimated_weeks",
        "milestone_steps",
        "revision_rounds",
        "valid_until",
        "note",
        "created_at",
        "answered_at",
    ]
    fields = readonly_fields

    @admin.display(description="Milestones")
    def milestone_steps(self, obj):
        return " · ".join(f"{n}. {step}" for n, step in enumerate(obj.milestones, 1)) or "—"

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ReferenceImageInline(admin.TabularInline):
    model = ReferenceImage
    extra = 0
    formfield_overrides = IMAGE_FORMFIELD_OVERRIDES
    fields = ["preview", "kind", "image", "renditions_ready_at"]
    readonly_fields = ["preview", "renditions_ready_at"]

    @admin.display(description="Preview")
    def preview(self, obj):
        return admin_thumbnail(obj, size=80)


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    can_delete = False
    fields = ["created_at", "author", "body"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Commission)
class CommissionAdmin(SafeAutocompleteAdmin, admin.ModelAdmin):
    list_display = [
        "reference",
        "title",
        "buyer",
        "maker",
        "status",
        "slot",
        "expected_start",
        "created_at",
        "answer_by",
    ]
    list_filter = [
        "status",
        ("cancel_requested_at", admin.EmptyFieldListFilter),
        ("promised_passed_at", admin.EmptyFieldListFilter),
        LateMilestoneFilter,
        "kind",
        "slot",
        "heirloom",
        "maker",
    ]
    search_fields = ["reference", "title", "buyer__email", "buyer__name", "maker__display_name"]
    list_select_related = ["buyer", "maker"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "reference",
        "status",
        "slot",
        "queued_at",
        "expected_start",
        "created_at",
        "updated_at",
        "status_changed_at",
        "personalisation_display",
        "listed_price",
        "budget",
        "resent_from",
        "promised_by",
        "promised_passed_at",
        "cancel_requested_at",
        "cancel_request_reason",
        "last_update_at",
        "update_reminded_at",
        "activity_at",
    ]
    # Money and choices in words: the raw cents and JSON stay out of the office's forms.
    exclude = ["listed_price_cents", "budget_min_cents", "budget_max_cents", "personalisation"]
    autocomplete_fields = ["buyer", "maker", "piece"]
    inlines = [
        StatusChangeInline,
        QuoteInline,
        MilestoneInline,
        ReferenceImageInline,
        MessageInline,
        DeliveryInline,
    ]

    def has_add_permission(self, request) -> bool:
        # A commission starts on the site, through its services (its log, its emails, its
        # answer-by date); a row typed in here would have none of them.
        return False

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Photos added here are cleaned and rendered like any other.
        for image in form.instance.images.filter(renditions_ready_at__isnull=True):
            queue_renditions(image)

    @admin.display(description="Personalisation")
    def personalisation_display(self, obj):
        return personalisation_words(obj) or "—"

    @admin.display(description="Budget")
    def budget(self, obj):
        low, high = obj.budget_min_cents, obj.budget_max_cents
        if low is None and high is None:
            return "—"
        if high is None:
            return f"from {Money(low, obj.currency)}"
        if low is None:
            return f"up to {Money(high, obj.currency)}"
        return f"{Money(low, obj.currency)} – {Money(high, obj.currency)}"

    # The owner's moves, drawn from the move table (workflow.MOVES).
    actions = [name for name, move in workflow.MOVES.items() if OWNER in move.roles]

    def _make(self, request, queryset, name: str, perform) -> None:
        done = 0
        for commission in queryset:
            try:
                with transaction.atomic():
                    perform(commission=commission, by=request.user)
                done += 1
            except NotAllowed as e:
                self.message_user(request, f"{commission.reference}: {e}", messages.WARNING)
        if done:
            noun = "commission" if done == 1 else "commissions"
            self.message_user(request, f"{done} {noun}: {workflow.MOVES[name].done}")


def _owner_action(name: str, perform):
    def action(modeladmin, request, queryset):
        modeladmin._make(request, queryset, name, perform)

    action.__name__ = name
    return admin.action(description=workflow.MOVES[name].label())(action)


# The service that makes each of the owner's moves, with what comes with it (refunds for a
# cancellation, the slot handed on).
_OWNER_PERFORM = {
    "cancel": lambda *, commission, by: services.commission_cancel(
        commission=commission, by=by, reason="Cancelled by the shop."
    ),
    "ship": services.commission_ship,
    "confirm_delivery": services.commission_confirm_delivery,
    "complete": services.commission_complete,
}
for _name, _perform in _OWNER_PERFORM.items():
    setattr(CommissionAdmin, _name, staticmethod(_owner_action(_name, _perform)))


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = [
        "commission",
        "status",
        "price_display",
        "deposit_display",
        "valid_until",
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["commission__reference", "commission__title"]
    list_select_related = ["commission"]
    readonly_fields = [
        "commission",
        "status",
        "price_display",
        "deposit_display",
        "estimated_weeks",
        "milestone_steps",
        "revision_rounds",
        "valid_until",
        "note",
        "created_at",
        "answered_at",
    ]
    fields = readonly_fields

    @admin.display(description="Milestones")
    def milestone_steps(self, obj):
        return " · ".join(f"{n}. {step}" for n, step in enumerate(obj.milestones, 1)) or "—"

    def has_add_permission(self, request) -> bool:
        # Every field is read-only, so an "add" could only make a row without a commission
        # or a price; makers quote on the site (services.quote_send).
        return False

    @admin.display(description="Price", ordering="price_cents")
    def price_display(self, obj):
        return obj.price

    @admin.display(description="Deposit", ordering="deposit_cents")
    def deposit_display(self, obj):
        return obj.deposit


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "commission", "author", "body"]
    search_fields = ["commission__reference", "body", "author__email"]
    list_select_related = ["commission", "author"]
    readonly_fields = ["commission", "author", "created_at"]

    def has_add_permission(self, request) -> bool:
        # A message needs its commission and author, which are read-only here: buyers and
        # makers write on the site (messaging.message_post).
        return False


class RefundInline(admin.TabularInline):
    model = Payment
    fk_name = "refund_of"
    extra = 0
    can_delete = False
    fields = ["status", "amount_display", "refund_id", "refunded_at", "failure_reason"]
    readonly_fields = fields
    verbose_name_plural = "refunds"

    @admin.display(description="Amount")
    def amount_display(self, obj):
        return obj.amount

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("commission")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class NeedsAttentionFilter(admin.SimpleListFilter):
    title = "needs the owner"
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [("yes", "Needs the owner")]

    def queryset(self, request, queryset):
        return queryset.exclude(attention="") if self.value() == "yes" else queryset


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "commission",
        "kind",
        "amount_display",
        "status",
        "needs_owner",
        "paid_at",
        "refunded_at",
        "checkout_session_id",
    ]
    list_filter = [NeedsAttentionFilter, "kind", "status"]
    actions = ["refund_in_full", "attention_dealt_with"]
    search_fields = [
        "commission__reference",
        "checkout_session_id",
        "payment_intent_id",
        "refund_id",
        "public_id",
    ]
    list_select_related = ["commission"]
    date_hierarchy = "created_at"
    # A record of money: read-only, never deleted here; the amount with its symbol.
    fields = [
        "public_id",
        "commission",
        "kind",
        "amount_display",
        "status",
        "refund_of",
        "attention",
        "failure_reason",
        "checkout_session_id",
        "checkout_url",
        "payment_intent_id",
        "refund_id",
        "created_at",
        "expires_at",
        "paid_at",
        "refunded_at",
    ]
    readonly_fields = fields
    inlines = [RefundInline]

    @admin.display(description="Amount", ordering="amount_cents")
    def amount_display(self, obj):
        return obj.amount

    @admin.display(description="Needs the owner", boolean=True)
    def needs_owner(self, obj) -> bool:
        return bool(obj.attention)

    @admin.action(description="Refund in full through Stripe")
    def refund_in_full(self, request, queryset):
        for payment in queryset:
            try:
                refund = payment_services.payment_refund_by_owner(payment=payment, by=request.user)
            except NotAllowed as e:
                self.message_user(request, str(e), messages.WARNING)
            else:
                self.message_user(request, f"{refund} is on its way.")

    @admin.action(description="Dealt with: clear the flag")
    def attention_dealt_with(self, request, queryset):
        for payment in queryset.exclude(attention=""):
            payment_services.payment_attention_clear(payment=payment)
        self.message_user(request, "Flags cleared.")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin):
    list_display = [
        "received_at",
        "type",
        "id",
        "source",
        "processed_at",
        "attempts",
        "outcome",
        "last_error_short",
    ]
    list_filter = ["type", "source", ("processed_at", admin.EmptyFieldListFilter)]
    search_fields = ["id", "outcome", "last_error"]
    readonly_fields = [f.name for f in StripeEvent._meta.fields]
    actions = ["apply_again"]

    @admin.display(description="Last error")
    def last_error_short(self, obj):
        return obj.last_error[:80]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deleting one would let a redelivery apply it again

    @admin.action(description="Apply again (if not applied yet)")
    def apply_again(self, request, queryset):
        ids = list(queryset.filter(processed_at__isnull=True).values_list("id", flat=True))
        for event_id in ids:
            enqueue_on_commit(APPLY_TASK, event_id)
        self.message_user(request, f"{len(ids)} event(s) queued to apply.")


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Buyers' reviews: written on the site; the office can only take one down."""

    list_display = ["commission", "maker", "rating", "hidden", "created_at", "replied_at"]
    list_filter = ["hidden", "rating", "maker"]
    search_fields = ["commission__reference", "body", "reply"]
    fields = ["commission", "maker", "piece", "author", "rating", "body", "reply", "hidden"]
    readonly_fields = ["commission", "maker", "piece", "author", "rating", "body", "reply"]

    def has_add_permission(self, request) -> bool:
        return False
