from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "shop.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Registers the emails rendered when they are sent, in web and worker alike.
        from shop.accounts import emails  # noqa: F401
