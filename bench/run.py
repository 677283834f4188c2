"""Benchmark: how the catalog pages and the Stripe webhook hold up as the shop grows.

Builds a scratch database (SQLite in a temporary folder, or BENCH_DATABASE_URL, e.g. a
PostgreSQL database of its own), fills it with the demo's load makers at two sizes and
times each page at both, in one run. Absolute times on a shared 2-core machine are noisy;
the ratios (the large catalog against the small, in the same run) are the figures to read.

    make bench                                 # SQLite
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/atelier_bench make bench
"""

import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCRATCH = Path(tempfile.mkdtemp(prefix="atelier-bench-"))
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "shop.settings",
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL")
        or f"sqlite:///{SCRATCH / 'bench.sqlite3'}",
        "MEDIA_ROOT": str(SCRATCH / "media"),
        "PRIVATE_MEDIA_ROOT": str(SCRATCH / "private"),
        "ALLOWED_HOSTS": "testserver",
        "STRIPE_WEBHOOK_SECRET": "whsec_bench",
        "LOG_LEVEL": "WARNING",
        "EMAIL_URL": "memory:",
    }
)
os.environ.pop("REDIS_URL", None)  # tasks in-process: the bench measures the web side

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

SIZES = (1_000, 10_000)  # pieces; the load makers have 20 each
ROUNDS = 25


def _time(client: Client, url: str) -> tuple[float, int]:
    for _ in range(3):  # warm caches and connections
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times) * 1000, len(queries)


def _pages() -> dict[str, str]:
    from makers.models import Category, Maker, Piece

    piece = Piece.objects.published().order_by("id").first()
    maker = Maker.objects.filter(slug__startswith="load-maker").order_by("id").first()
    category = Category.objects.order_by("id").first()
    return {
        "catalog, first page": "/pieces/",
        "catalog, filtered": f"/pieces/?category={category.slug}&price_min=10&price_max=900&open=on",
        "catalog, search": "/pieces/?q=silver",
        "catalog, page 20": "/pieces/?sort=price&page=20",
        "maker page": maker.get_absolute_url(),
        "piece page": piece.get_absolute_url(),
        "home page": "/",
    }


def _webhooks(n: int) -> float:
    """ms per signed checkout.session.completed event, stored and applied in-process."""
    from commissions.payments.models import Payment
    from tests.reliability.test_stripe_events import _awaiting_deposits, _event
    from tests.stripe_standin import sign

    client = Client()
    events = [
        _event(
            "checkout.session.completed",
            p,
            status="complete",
            payment_status="paid",
            payment_intent=f"pi_bench_{p.pk}",
        )
        for p in _awaiting_deposits(n)
    ]
    start = time.perf_counter()
    for event in events:
        payload = json.dumps(event).encode()
        client.post(
            "/payments/stripe/webhook/",
            payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=sign(payload, "whsec_bench"),
        )
    elapsed = time.perf_counter() - start
    assert Payment.objects.filter(status="paid").count() >= n
    return elapsed / n * 1000


def main() -> None:
    print(f"database: {connection.vendor}, scratch folder {SCRATCH}")
    call_command("migrate", verbosity=0)
    results: dict[int, dict[str, tuple[float, int]]] = {}
    client = Client()
    for size in SIZES:
        from makers.models import Piece

        missing = size - Piece.objects.count()
        start = time.perf_counter()
        if missing > 0:
            call_command("seed_demo", scale=size // 20, stdout=io.StringIO())
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # as autovacuum would, after a bulk load
        print(f"\n{Piece.objects.count():,} pieces (seeded in {time.perf_counter() - start:.0f}s)")
        results[size] = {name: _time(client, url) for name, url in _pages().items()}
        for name, (ms, queries) in results[size].items():
            print(f"  {name:<20} {ms:7.1f} ms  {queries} queries")

    small, large = SIZES
    print(f"\nratio, {large:,} pieces against {small:,} (1.0 = no slower):")
    for name in results[small]:
        ratio = results[large][name][0] / results[small][name][0]
        same = "same" if results[large][name][1] == results[small][name][1] else "DIFFERENT"
        print(f"  {name:<20} ×{ratio:4.2f}   queries: {same}")

    per_event = _webhooks(200)
    page = results[large]["catalog, first page"][0]
    print(
        f"\nStripe webhook, verified + stored + applied in-process: {per_event:.1f} ms per event "
        f"(×{per_event / page:.2f} a catalog page)"
    )


if __name__ == "__main__":
    main()
