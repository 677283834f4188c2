"""The shop owner's view of the catalog. Saving through the admin keeps the same derived
fields (lowest price, search text) the studio keeps."""

from django.contrib import admin

from makers import services
from makers.models import (
    Category,
    Maker,
    MakerPortrait,
    Material,
    OptionChoice,
    PersonalisationOption,
    Piece,
    PiecePhoto,
)
from shop import page_cache
from shop.admin_tools import SafeAutocompleteAdmin
from shop.images.admin import IMAGE_FORMFIELD_OVERRIDES, admin_thumbnail
from shop.images.pipeline import queue_renditions


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class MakerPortraitInline(admin.StackedInline):
    model = MakerPortrait
    extra = 0
    formfield_overrides = IMAGE_FORMFIELD_OVERRIDES
    readonly_fields = ["preview", "width", "height", "renditions_ready_at"]
    fields = ["image", "preview", "width", "height", "renditions_ready_at"]

    @admin.display(description="Preview")
    def preview(self, obj):
        return admin_thumbnail(obj, size=120)


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0
    fields = ["name", "kind", "origin", "supplier", "recycled", "certification"]


@admin.register(Maker)
class MakerAdmin(SafeAutocompleteAdmin, admin.ModelAdmin):
    list_display = [
        "portrait_thumb",
        "display_name",
        "craft",
        "location",
        "accepting_commissions",
        "capacity",
        "slots_taken",
        "featured",
    ]
    list_display_links = ["portrait_thumb", "display_name"]
    list_filter = ["accepting_commissions", "featured", "craft"]
    search_fields = ["display_name", "craft", "location", "user__email"]
    list_select_related = ["portrait"]
    prepopulated_fields = {"slug": ["display_name"]}
    autocomplete_fields = ["user"]
    readonly_fields = ["slots_taken", "created_at"]
    inlines = [MakerPortraitInline, MaterialInline]

    @admin.display(description="")
    def portrait_thumb(self, obj):
        return admin_thumbnail(getattr(obj, "portrait", None), size=48)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        portrait = MakerPortrait.objects.filter(maker=form.instance).first()
        if portrait and not portrait.has_renditions:
            queue_renditions(portrait)
        services.maker_pieces_refresh(maker=form.instance)


@admin.register(Material)
class MaterialAdmin(SafeAutocompleteAdmin, admin.ModelAdmin):
    list_display = ["name", "maker", "kind", "origin", "supplier", "recycled", "certification"]
    list_filter = ["kind", "recycled", "certification"]
    search_fields = ["name", "origin", "supplier", "maker__display_name"]
    list_select_related = ["maker"]
    autocomplete_fields = ["maker"]


class PiecePhotoInline(admin.TabularInline):
    model = PiecePhoto
    extra = 0
    formfield_overrides = IMAGE_FORMFIELD_OVERRIDES
    fields = ["preview", "image", "position", "alt_text", "renditions_ready_at"]
    readonly_fields = ["preview", "renditions_ready_at"]

    @admin.display(description="Preview")
    def preview(self, obj):
        return admin_thumbnail(obj, size=80)


class OptionInline(admin.TabularInline):
    model = PersonalisationOption
    extra = 0
    fields = ["kind", "label", "required", "max_length", "position"]
    show_change_link = True


@admin.register(Piece)
class PieceAdmin(SafeAutocompleteAdmin, admin.ModelAdmin):
    list_display = [
        "cover",
        "title",
        "maker",
        "category",
        "status",
        "price",
        "price_from",
        "lead_time",
        "featured",
        "published_at",
    ]
    list_display_links = ["cover", "title"]
    list_filter = ["status", "featured", "made_to_order", "category", "maker"]
    search_fields = ["title", "description", "maker__display_name", "slug"]
    list_select_related = ["maker", "category"]
    autocomplete_fields = ["maker", "materials"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["price_from_cents", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    inlines = [PiecePhotoInline, OptionInline]
    actions = ["publish", "archive"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("photos")

    @admin.display(description="")
    def cover(self, obj):
        photos = list(obj.photos.all())
        return admin_thumbnail(photos[0] if photos else None, size=56)

    @admin.display(description="Base price", ordering="base_price_cents")
    def price(self, obj):
        return obj.base_price

    @admin.display(description="From", ordering="price_from_cents")
    def price_from(self, obj):
        return obj.price_from

    @admin.display(description="Lead time")
    def lead_time(self, obj):
        return f"{obj.lead_time_min_weeks}–{obj.lead_time_max_weeks} wk"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for photo in form.instance.photos.filter(renditions_ready_at__isnull=True):
            queue_renditions(photo)
        services.piece_refresh(piece=form.instance)

    @admin.action(description="Publish (pieces with a photo)")
    def publish(self, request, queryset):
        self._set_status(request, queryset, Piece.Status.PUBLISHED)

    @admin.action(description="Archive")
    def archive(self, request, queryset):
        self._set_status(request, queryset, Piece.Status.ARCHIVED)

    def _set_status(self, request, queryset, status):
        done, refused = 0, []
        for piece in queryset:
            try:
                services.piece_set_status(piece=piece, status=status)
                done += 1
            except services.CatalogError as e:
                refused.append(f"{piece.title}: {e}")
        self.message_user(request, f"{done} piece(s) changed.")
        for line in refused:
            self.message_user(request, line, level="warning")


class OptionChoiceInline(admin.TabularInline):
    model = OptionChoice
    fk_name = "option"
    extra = 1
    fields = ["label", "price_delta_cents", "position", "needs"]
    raw_id_fields = ["needs"]


@admin.register(PersonalisationOption)
class PersonalisationOptionAdmin(SafeAutocompleteAdmin, admin.ModelAdmin):
    list_display = ["label", "piece", "kind", "required", "max_length"]
    list_filter = ["kind", "required"]
    search_fields = ["label", "piece__title"]
    list_select_related = ["piece"]
    autocomplete_fields = ["piece"]
    inlines = [OptionChoiceInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.piece_refresh(piece=form.instance.piece)


@admin.register(PiecePhoto)
class PiecePhotoAdmin(SafeAutocompleteAdmin, admin.ModelAdmin):
    formfield_overrides = IMAGE_FORMFIELD_OVERRIDES
    list_display = [
        "preview",
        "piece",
        "position",
        "alt_text",
        "width",
        "height",
        "renditions_ready_at",
    ]
    list_select_related = ["piece"]
    search_fields = ["piece__title", "alt_text"]
    list_filter = [("renditions_ready_at", admin.EmptyFieldListFilter)]
    autocomplete_fields = ["piece"]
    readonly_fields = ["preview", "width", "height", "renditions_ready_at"]

    @admin.display(description="")
    def preview(self, obj):
        return admin_thumbnail(obj, size=64)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "image" in form.changed_data:
            type(obj).objects.filter(pk=obj.pk).update(renditions={}, renditions_ready_at=None)
            page_cache.changed(type(obj))
            queue_renditions(obj)
