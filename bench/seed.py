"""Fill a bench database: makers with 20 published pieces each, and one commission per maker
with a 27-entry timeline (4 status changes, 2 quotes, a paid deposit, 20 messages).

Run by `bench/run.py` in a process of its own, with DATABASE_URL pointing at the bench
database (PostgreSQL). Everything is bulk inserts: 10,000 pieces take well under a minute.
A table `bench_seed` records what was seeded; `seeded()` lets the harness reuse a database
whose size and seed version match instead of seeding it again.

    DATABASE_URL=postgres://…/bench13 python -m bench.seed 10000
"""

import sys
import time
from datetime import timedelta

# Bump when what is seeded changes: an older bench database is then dropped and seeded again.
SEED_VERSION = "1"
PIECES_PER_MAKER = 20  # makers.demo.catalog.LOAD_PIECES_PER_MAKER
BUYERS = 50
MESSAGES = 20
PASSWORD = "atelier-bench-password"  # noqa: S105 - a scratch database's accounts
# The logged-in pages log in as this buyer; their first commission (with load-maker-1) is
# the timeline page.
BUYER_EMAIL = "bench-buyer-0@bench.atelier"
# Every load piece lists "Recycled silver" among its materials: the search that matches
# (almost) every piece.
SEARCH_WORD = "silver"

MARKER_TABLE = "bench_seed"


def seeded(cursor, pieces: int) -> bool:
    """True if this database was seeded with `pieces` pieces by this seed version."""
    cursor.execute("SELECT to_regclass(%s)", [MARKER_TABLE])
    if cursor.fetchone()[0] is None:
        return False
    cursor.execute(f"SELECT version, pieces FROM {MARKER_TABLE}")  # noqa: S608 - a constant
    return cursor.fetchall() == [(SEED_VERSION, pieces)]


def seed(pieces: int) -> dict:
    """Seed an empty, migrated database. Returns what it made."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from commissions.models import Commission, Message, Quote, StatusChange, ThreadMark
    from commissions.payments.models import Payment
    from makers.demo.catalog import LOAD_PREFIX, seed_scale
    from makers.models import Maker, Piece
    from shop.accounts.models import User

    if pieces % PIECES_PER_MAKER:
        raise ValueError(f"pieces must be a multiple of {PIECES_PER_MAKER}")
    started = time.monotonic()
    seed_scale(pieces // PIECES_PER_MAKER)  # the demo's bulk load makers, photos included
    with transaction.atomic():
        makers = list(Maker.objects.filter(slug__startswith=LOAD_PREFIX).order_by("id"))
        # The home page shows a few featured makers and pieces.
        Maker.objects.filter(pk__in=[m.pk for m in makers[:4]]).update(featured=True)
        featured = Piece.objects.filter(maker__in=makers[:8]).order_by("id")[::PIECES_PER_MAKER]
        Piece.objects.filter(pk__in=[p.pk for p in featured]).update(featured=True)

        password = make_password(PASSWORD)
        buyers = User.objects.bulk_create(
            User(email=f"bench-buyer-{i}@bench.atelier", name=f"Bench Buyer {i}", password=password)
            for i in range(BUYERS)
        )
        first_piece = {}
        for piece in Piece.objects.filter(maker__in=makers).order_by("id").only("id", "maker_id"):
            first_piece.setdefault(piece.maker_id, piece)
        # One commission per maker, at the bench (a paid deposit holds a slot), bought by
        # the buyers in turn: bench-buyer-0 has the first maker's.
        commissions = Commission.objects.bulk_create(
            Commission(
                buyer=buyers[i % BUYERS],
                maker=maker,
                piece=first_piece[maker.pk],
                kind=Commission.Kind.PIECE,
                status="in_progress",
                slot="bench",
                title=f"A commission from {maker.display_name}",
                brief="As listed, with the hand-finished surface and initials inside.",
                listed_price_cents=52000,
                currency="EUR",
                expected_start=timezone.localdate(),
            )
            for i, maker in enumerate(makers)
        )
        Maker.objects.filter(pk__in=[m.pk for m in makers]).update(slots_taken=1)
        users = {m.pk: m.user_id for m in makers}
        _timelines(commissions, users, Message, Quote, StatusChange, Payment, ThreadMark)
        # bulk_create stamps every row "now": spread the thread over the last days, in order.
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Message._meta.db_table} "  # noqa: S608 - model table names
                "SET created_at = now() - (%s - id) * interval '7 minutes'",
                [Message.objects.order_by("-id").values_list("id", flat=True).first()],
            )
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} "
                "(version text, pieces int, makers int, seeded_at timestamptz)"
            )
            cursor.execute(f"DELETE FROM {MARKER_TABLE}")  # noqa: S608 - a constant
            cursor.execute(
                f"INSERT INTO {MARKER_TABLE} VALUES (%s, %s, %s, now())",  # noqa: S608
                [SEED_VERSION, pieces, len(makers)],
            )
    if not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum would after a bulk load
    return {
        "makers": len(makers),
        "pieces": Piece.objects.published().count(),
        "commissions": len(commissions),
        "seconds": round(time.monotonic() - started, 1),
    }


def _timelines(commissions, users, Message, Quote, StatusChange, Payment, ThreadMark) -> None:
    from django.utils import timezone

    today = timezone.localdate()
    now = timezone.now()
    changes, quotes, payments, messages, marks = [], [], [], [], []
    for c in commissions:
        maker_user = users[c.maker_id]
        for frm, to, by, role in (
            ("", "requested", c.buyer_id, "buyer"),
            ("requested", "quoted", maker_user, "maker"),
            ("quoted", "awaiting_deposit", c.buyer_id, "buyer"),
            ("awaiting_deposit", "in_progress", None, "system"),
        ):
            changes.append(
                StatusChange(commission=c, from_status=frm, to_status=to, by_id=by, role=role)
            )
        for status, price in (("superseded", 48000), ("accepted", 52000)):
            quotes.append(
                Quote(
                    commission=c,
                    status=status,
                    price_cents=price,
                    deposit_cents=price // 4,
                    currency="EUR",
                    estimated_weeks=4,
                    milestones=["Design", "Casting", "Finishing"],
                    valid_until=today + timedelta(days=14),
                    note="Hand-finished, initials inside the band.",
                    answered_at=now if status == "accepted" else None,
                )
            )
        payments.append(
            Payment(
                commission=c,
                kind="deposit",
                amount_cents=13000,
                currency="EUR",
                status="paid",
                checkout_session_id=f"cs_test_bench_{c.pk}",
                payment_intent_id=f"pi_bench_{c.pk}",
                paid_at=now,
            )
        )
        for n in range(MESSAGES):
            author = c.buyer_id if n % 2 == 0 else maker_user
            messages.append(
                Message(
                    commission=c,
                    author_id=author,
                    body=f"Message {n + 1}: how the piece is coming along, and a question "
                    "about the engraving's lettering.",
                )
            )
        for user in (c.buyer_id, maker_user):
            marks.append(ThreadMark(commission=c, user_id=user, read_at=now + timedelta(hours=1)))
    StatusChange.objects.bulk_create(changes, batch_size=2000)
    Quote.objects.bulk_create(quotes, batch_size=2000)
    Payment.objects.bulk_create(payments, batch_size=2000)
    Message.objects.bulk_create(messages, batch_size=2000)
    ThreadMark.objects.bulk_create(marks, batch_size=2000)


def refresh() -> None:
    """What each run needs afresh on a seeded database, new or reused: an earlier run's
    webhook events gone; and where the commission keeps a cursor of its latest activity
    for the live poll (`activity_at`, from the build journal), one set, as the services
    would have set it, so the poll finds nothing new (migrations may add the column after
    the seed)."""
    from django.utils import timezone

    from commissions.models import Commission
    from commissions.payments.models import StripeEvent

    StripeEvent.objects.filter(id__startswith="evt_bench_").delete()
    if "activity_at" in {f.name for f in Commission._meta.get_fields()}:
        Commission.objects.filter(activity_at__isnull=True).update(activity_at=timezone.now())


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    pieces = int(sys.argv[1])
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        reuse = seeded(cursor, pieces)
    if reuse:
        refresh()
        print(f"reusing the seeded database ({pieces:,} pieces)", flush=True)
        return
    made = seed(pieces)
    refresh()
    print(
        f"seeded {made['makers']} makers, {made['pieces']:,} pieces, {made['commissions']} "
        f"commissions with 27-entry timelines in {made['seconds']}s",
        flush=True,
    )


if __name__ == "__main__":
    main()
