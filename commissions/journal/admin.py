"""The office's read-only view of the build journal: milestones (late ones filtered),
updates and proofs with their photos, pins, change orders and date changes. Everything
here is written on the site, through commissions.journal.services."""

from django.contrib import admin
from django.utils import timezone

from commissions.journal.models import (
    ChangeOrder,
    DateChange,
    Milestone,
    ProofPin,
    Update,
    UpdatePhoto,
)
from shop.images.admin import admin_thumbnail


class ReadOnlyAdmin(admin.ModelAdmin):
    """Every field shown, none editable, no add or delete: the journal is the record."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields] + list(self.readonly_fields)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class LateFilter(admin.SimpleListFilter):
    title = "late"
    parameter_name = "late"

    def lookups(self, request, model_admin):
        return [("yes", "Late (due and not done)")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(done_at__isnull=True, due_on__lt=timezone.localdate())
        return queryset


class LateMilestoneFilter(admin.SimpleListFilter):
    """On the commission list: those with a milestone past its date and not done."""

    title = "milestones"
    parameter_name = "milestone_late"

    def lookups(self, request, model_admin):
        return [("yes", "A milestone is late")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            late = Milestone.objects.filter(done_at__isnull=True, due_on__lt=timezone.localdate())
            return queryset.filter(pk__in=late.values("commission_id"))
        return queryset


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    can_delete = False
    fields = ["position", "title", "due_on", "done_at", "late", "note"]
    readonly_fields = fields

    @admin.display(description="Late", boolean=True)
    def late(self, obj):
        return obj.is_late(timezone.localdate())

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin):
    list_display = ["commission", "position", "title", "due_on", "done_at", "late"]
    list_filter = [LateFilter, ("done_at", admin.EmptyFieldListFilter)]
    search_fields = ["commission__reference", "title"]
    list_select_related = ["commission"]

    @admin.display(description="Late", boolean=True)
    def late(self, obj):
        return obj.is_late(timezone.localdate())


class UpdatePhotoInline(admin.TabularInline):
    model = UpdatePhoto
    extra = 0
    can_delete = False
    fields = ["preview", "position", "renditions_ready_at"]
    readonly_fields = fields

    @admin.display(description="Photo")
    def preview(self, obj):
        return admin_thumbnail(obj, size=80)

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Update)
class UpdateAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "commission", "kind", "version", "decision", "shareable"]
    list_filter = ["kind", "decision", "shareable"]
    search_fields = ["commission__reference", "body"]
    list_select_related = ["commission"]
    inlines = [UpdatePhotoInline]


@admin.register(UpdatePhoto)
class UpdatePhotoAdmin(ReadOnlyAdmin):
    list_display = ["preview", "update", "position", "renditions_ready_at"]
    list_select_related = ["update__commission"]
    # The photo as its private view serves it; never the raw upload's name.
    fields = ["preview", "update", "position", "width", "height", "renditions_ready_at"]

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    @admin.display(description="Photo")
    def preview(self, obj):
        return admin_thumbnail(obj, size=160)


@admin.register(ProofPin)
class ProofPinAdmin(ReadOnlyAdmin):
    list_display = ["update", "number", "x_pct", "y_pct", "author", "created_at"]
    list_select_related = ["update", "author"]


@admin.register(ChangeOrder)
class ChangeOrderAdmin(ReadOnlyAdmin):
    list_display = ["commission", "amount_display", "status", "created_at", "answered_at"]
    list_filter = ["status"]
    search_fields = ["commission__reference", "reason"]
    list_select_related = ["commission"]

    @admin.display(description="Amount", ordering="amount_cents")
    def amount_display(self, obj):
        return obj.amount


@admin.register(DateChange)
class DateChangeAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "commission", "kind", "old_date", "new_date", "by"]
    list_filter = ["kind"]
    search_fields = ["commission__reference", "reason"]
    list_select_related = ["commission", "by"]
