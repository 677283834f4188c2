from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "shop.notifications"
    label = "notifications"
    verbose_name = "Email outbox"
