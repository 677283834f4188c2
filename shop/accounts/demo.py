"""Demo accounts, created only by `manage.py seed_demo`."""

from shop.accounts.models import User

DEMO_PASSWORD = "atelier-demo"  # noqa: S105 - public demo accounts, seeded on request only
BUYER_EMAIL = "buyer@demo.atelier"
MAKER_EMAIL = "maker@demo.atelier"
OWNER_EMAIL = "owner@demo.atelier"


def _ensure(email: str, name: str, **flags) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"name": name, **flags})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def seed_accounts() -> dict[str, User]:
    return {
        "buyer": _ensure(BUYER_EMAIL, "Bea Buyer"),
        "maker": _ensure(MAKER_EMAIL, "Mara Silversmith"),
        "owner": _ensure(OWNER_EMAIL, "Otto Owner", is_staff=True, is_superuser=True),
    }
