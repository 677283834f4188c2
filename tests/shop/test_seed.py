from django.core.management import call_command

from shop.accounts.demo import BUYER_EMAIL, DEMO_PASSWORD, MAKER_EMAIL, OWNER_EMAIL
from shop.accounts.models import User


def _counts() -> dict[str, int]:
    from django.apps import apps

    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label in {"accounts", "makers", "commissions"}
    }


def test_seed_demo_creates_the_demo_accounts_and_running_it_again_adds_nothing(db, client):
    call_command("seed_demo", verbosity=0)
    first = _counts()
    call_command("seed_demo", verbosity=0)
    assert _counts() == first
    for email in (BUYER_EMAIL, MAKER_EMAIL, OWNER_EMAIL):
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD)
    assert User.objects.get(email=OWNER_EMAIL).is_staff
    client.force_login(User.objects.get(email=OWNER_EMAIL))
    assert client.get("/admin/").status_code == 200
