"""Stripe events under stress, applied by a real Celery worker on Redis and PostgreSQL:
a storm of duplicates in random order, and a worker killed in the middle of one."""

import json
import random
import signal
import time
import uuid
from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from commissions.models import Commission, Quote, Slot, Status, StatusChange
from commissions.payments import events
from commissions.payments.models import Payment, StripeEvent
from shop.notifications.models import OutboxEmail
from tests.conftest import wait_for, worker_idle
from tests.factories import MakerFactory, UserFactory
from tests.stripe_standin import sign

SECRET = "whsec_reliability"
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _awaiting_deposits(n: int, per_maker: int = 10) -> list[Payment]:
    """n commissions with an accepted quote and an open deposit Checkout, made in bulk."""
    buyer = UserFactory()
    makers = [MakerFactory(capacity=per_maker) for _ in range(-(-n // per_maker))]
    commissions = Commission.objects.bulk_create(
        Commission(
            buyer=buyer,
            maker=makers[i // per_maker],
            title=f"Piece {i}",
            status=Status.AWAITING_DEPOSIT,
            slot=Slot.BENCH,
            currency="EUR",
            expected_start=timezone.localdate(),
        )
        for i in range(n)
    )
    Quote.objects.bulk_create(
        Quote(
            commission=c,
            status=Quote.Status.ACCEPTED,
            price_cents=30000,
            deposit_cents=9000,
            currency="EUR",
            estimated_weeks=4,
            valid_until=timezone.localdate(),
        )
        for c in commissions
    )
    return Payment.objects.bulk_create(
        Payment(
            commission=c,
            kind=Payment.Kind.DEPOSIT,
            amount_cents=9000,
            currency="EUR",
            checkout_session_id=f"cs_storm_{i}",
            public_id=uuid.uuid4(),
        )
        for i, c in enumerate(commissions)
    )


def _event(event_type: str, payment: Payment, **session) -> dict:
    obj = {
        "id": payment.checkout_session_id,
        "object": "checkout.session",
        "metadata": {"payment_id": str(payment.public_id)},
        **session,
    }
    return {
        "id": f"evt_{uuid.uuid4().hex}",
        "type": event_type,
        "object": "event",
        "created": int(time.time()),
        "data": {"object": obj},
    }


def _deliver(client, event: dict) -> int:
    payload = json.dumps(event).encode()
    return client.post(
        reverse("payments:webhook"),
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload, SECRET),
    ).status_code


def test_a_storm_of_1000_events_with_30_percent_duplicates_pays_everyone_exactly_once(
    client, settings, on_worker
):
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    payments = _awaiting_deposits(600)
    paid, unpaid = payments[:500], payments[500:]
    unique = [
        _event(
            "checkout.session.completed",
            p,
            status="complete",
            payment_status="paid",
            payment_intent=f"pi_storm_{p.pk}",
        )
        for p in paid
    ]
    # Late and out of order: an expiry for a hundred sessions that were in fact paid.
    unique += [_event("checkout.session.expired", p, status="expired") for p in paid[:100]]
    unique += [_event("checkout.session.expired", p, status="expired") for p in unpaid]
    rng = random.Random(20261125)
    deliveries = unique + rng.choices(unique, k=300)
    rng.shuffle(deliveries)
    assert (len(unique), len(deliveries)) == (700, 1000)

    started = time.monotonic()
    assert {_deliver(client, event) for event in deliveries} == {200}
    received = time.monotonic() - started
    wait_for(
        lambda: not StripeEvent.objects.filter(processed_at__isnull=True).exists(), timeout=240
    )
    wait_for(lambda: not OutboxEmail.objects.exclude(status="sent").exists(), timeout=240)
    wait_for(worker_idle, timeout=60)

    assert StripeEvent.objects.count() == 700
    assert set(StripeEvent.objects.values_list("attempts", flat=True)) == {1}
    assert (
        Payment.objects.filter(
            pk__in=[p.pk for p in paid], status="paid", paid_at__isnull=False
        ).count()
        == 500
    )
    assert Payment.objects.filter(pk__in=[p.pk for p in unpaid], status="expired").count() == 100
    assert Commission.objects.filter(status=Status.IN_PROGRESS).count() == 500
    assert Commission.objects.filter(status=Status.AWAITING_DEPOSIT).count() == 100
    # Each paid commission moved once, and its buyer and maker heard once.
    moves = StatusChange.objects.filter(to_status=Status.IN_PROGRESS)
    assert moves.count() == 500 and moves.values("commission").distinct().count() == 500
    assert OutboxEmail.objects.filter(template="deposit_received").count() == 1000
    print(f"\n1000 webhooks answered in {received:.1f}s, {received:.2f} ms each on average")


def test_a_worker_killed_in_the_middle_of_an_event_leaves_it_to_the_next_worker_once(
    client, settings, on_worker
):
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    (payment,) = _awaiting_deposits(1)
    event = _event(
        "checkout.session.completed",
        payment,
        status="complete",
        payment_status="paid",
        payment_intent="pi_killed",
    )

    # Hold the payment row from outside, so the worker stops halfway through applying.
    dsn = connection.get_connection_params()
    blocker = psycopg.connect(
        **{k: v for k, v in dsn.items() if k != "cursor_factory"}, autocommit=False
    )
    try:
        blocker.execute("SELECT id FROM commissions_payment WHERE id = %s FOR UPDATE", [payment.pk])
        assert _deliver(client, event) == 200

        def worker_waiting() -> bool:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = "
                    "'Lock' AND datname = current_database()"
                )
                return cursor.fetchone()[0] > 0

        wait_for(worker_waiting, timeout=30)
        on_worker["stop"](signal.SIGKILL)  # mid-transaction: it rolls back with the process
    finally:
        blocker.rollback()
        blocker.close()

    stored = StripeEvent.objects.get()
    assert stored.processed_at is None
    assert Payment.objects.get().status == "pending"
    assert Commission.objects.get().status == Status.AWAITING_DEPOSIT

    on_worker["start"]()
    StripeEvent.objects.update(received_at=timezone.now() - timedelta(minutes=5))
    assert events.events_retry_unprocessed() == 1  # the beat task's sweep
    wait_for(lambda: StripeEvent.objects.get().processed_at is not None, timeout=60)
    wait_for(worker_idle, timeout=60)

    stored = StripeEvent.objects.get()
    assert (stored.attempts, stored.outcome) == (1, "paid")
    assert Payment.objects.get().status == "paid"
    assert Commission.objects.get().status == Status.IN_PROGRESS
    assert StatusChange.objects.filter(to_status=Status.IN_PROGRESS).count() == 1
    assert OutboxEmail.objects.filter(template="deposit_received").count() == 2
