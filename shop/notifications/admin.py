from django.contrib import admin, messages
from django.db import transaction

from shop.notifications.models import OutboxEmail
from shop.notifications.services import outbox_resend


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "to", "subject", "template", "status", "attempts", "sent_at"]
    list_filter = ["status", "template"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in OutboxEmail._meta.fields]
    actions = ["resend"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Send again")
    def resend(self, request, queryset):
        with transaction.atomic():
            for email_id in queryset.values_list("id", flat=True):
                outbox_resend(email_id=email_id)
        messages.success(request, f"{queryset.count()} email(s) queued again.")
