from django.core.management.base import BaseCommand
from django.db import transaction

from shop.accounts.demo import BUYER_EMAIL, DEMO_PASSWORD, MAKER_EMAIL, OWNER_EMAIL, seed_accounts


class Command(BaseCommand):
    help = "Create the demo accounts, makers, pieces and commissions. Safe to run again."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            seed_accounts()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(
            f"Log in at http://127.0.0.1:8000/accounts/login/ with password {DEMO_PASSWORD}:\n"
            f"  buyer  {BUYER_EMAIL}\n  maker  {MAKER_EMAIL}\n"
            f"  owner  {OWNER_EMAIL}  (also /admin/)"
        )
