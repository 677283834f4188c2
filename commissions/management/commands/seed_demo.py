import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from commissions.demo import seed_commissions
from commissions.models import Commission
from makers.demo.catalog import LOAD_PIECES_PER_MAKER, seed_catalog, seed_scale
from makers.models import Maker, Piece
from shop.accounts.demo import BUYER_EMAIL, DEMO_PASSWORD, MAKER_EMAIL, OWNER_EMAIL, seed_accounts


class Command(BaseCommand):
    help = "Create the demo accounts, makers, pieces and commissions. Safe to run again."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            metavar="N",
            help=f"Also create N load-test makers (load-maker-1..N) with "
            f"{LOAD_PIECES_PER_MAKER} pieces each, for load tests.",
        )

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        with transaction.atomic():
            accounts = seed_accounts()
        created = seed_catalog(maker_user=accounts["maker"])
        load_makers = seed_scale(options["scale"]) if options["scale"] > 0 else 0
        # The demo's own emails (request received, quote sent…) are written to the outbox
        # like any other, but delivered nowhere: nobody reads @demo.atelier.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            commissions = seed_commissions(
                buyer=accounts["buyer"], maker_user=accounts["maker"], owner=accounts["owner"]
            )
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        added = (
            f"added {created.get('makers', 0)} makers, {created.get('pieces', 0)} pieces, "
            f"{created.get('photos', 0)} photos"
        )
        if options["scale"] > 0:
            added += f", {load_makers} load-test makers"
        self.stdout.write(
            f"Catalog: {Maker.objects.count()} makers, {Piece.objects.count()} pieces "
            f"({added}, in {time.monotonic() - started:.1f}s)."
        )
        self.stdout.write(f"Commissions: {Commission.objects.count()} (added {commissions}).")
        self.stdout.write(
            f"Log in at http://127.0.0.1:8000/accounts/login/ with password {DEMO_PASSWORD}:\n"
            f"  buyer  {BUYER_EMAIL}\n  maker  {MAKER_EMAIL}\n"
            f"  owner  {OWNER_EMAIL}  (also /admin/)"
        )
