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

from commissions import services
from commissions.models import Commission, Quote, Slot, Status, StatusChange
from commissions.payments import events
from commissions.payments import services as payments
from commissions.payments.models import Payment, StripeEvent
from commissions.payments.tasks import events_reconcile
from shop.notifications.models import OutboxEmail
from tests.conftest import wait_for, worker_idle
from tests.factories import MakerFactory, UserFactory
from tests.stripe_standin import StripeStandIn, sign

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
        "mode": "payment",
        "livemode": False,
        "amount_total": payment.amount_cents,
        "currency": payment.currency.lower(),
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
    settings.PAYMENTS, settings.STRIPE_SECRET_KEY = "stripe", "sk_test_reliability"
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
    settings.PAYMENTS, settings.STRIPE_SECRET_KEY = "stripe", "sk_test_reliability"
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


def test_a_refund_whose_task_was_lost_in_redis_is_sent_by_the_sweep_and_settled_by_the_hourly_catch_up(
    client, settings, on_worker, owner
):
    """The owner cancels while the worker is away and the refund's task is lost from the
    queue; the beat sweep, on a real worker, sends the refund with the same key; Stripe
    answers "pending" and its webhook never comes; the hourly catch-up settles it."""
    from shop.celery import app

    with StripeStandIn() as stripe:
        stripe_env = {
            "PAYMENTS": "stripe",
            "STRIPE_SECRET_KEY": "sk_test_reliability",
            "STRIPE_WEBHOOK_SECRET": SECRET,
            "STRIPE_API_BASE": stripe.url,
        }
        for name, value in stripe_env.items():
            setattr(settings, name, value)
        on_worker["stop"]()
        on_worker["start"](**stripe_env)
        try:
            commission = _awaiting_deposits(1)[0].commission
            Payment.objects.all().delete()
            payment = payments.payment_start(
                commission=commission, by=commission.buyer, kind="deposit"
            )
            assert _deliver(client, stripe.pay(payment.checkout_session_id)) == 200
            wait_for(lambda: Payment.objects.get(pk=payment.pk).status == "paid", timeout=60)
            wait_for(worker_idle, timeout=60)

            on_worker["stop"]()
            stripe.refund_status = "pending"
            services.commission_cancel(commission=commission, by=owner, reason="Kiln broke.")
            app.control.purge()  # the refund's task is gone with the queue
            on_worker["start"](**stripe_env)
            refund = Payment.objects.get(kind="refund")
            Payment.objects.filter(pk=refund.pk).update(
                created_at=timezone.now() - timedelta(minutes=10)
            )
            # The beat's sweep (run here; the shop keeps no task results) hands the refund
            # to the worker again.
            assert payments.refunds_resend_pending() == 1
            wait_for(lambda: Payment.objects.get(pk=refund.pk).refund_id, timeout=60)
            assert [
                h["Idempotency-Key"] for m, p, _, h in stripe.requests if p == "/v1/refunds"
            ] == [f"refund-{refund.public_id}"]
            refund.refresh_from_db()
            assert refund.status == "refund_pending"  # Stripe said pending; no webhook follows

            stripe.refunds[refund.refund_id]["status"] = "succeeded"
            events_reconcile.delay()  # the hourly catch-up, on the worker
            wait_for(
                lambda: Payment.objects.get(pk=refund.pk).status == "refund_succeeded", timeout=60
            )
            refund.refresh_from_db()
            payment.refresh_from_db()
            assert (refund.status, payment.status) == ("refund_succeeded", "refunded")
            wait_for(worker_idle, timeout=60)
            assert len(stripe.refunds) == 1
            assert OutboxEmail.objects.filter(template="refund_issued").count() == 1
        finally:
            on_worker["stop"]()
            on_worker["start"]()


def test_a_burst_of_events_wakes_the_worker_once_and_each_is_applied_once(
    client, settings, on_worker
):
    """The webhook sends no Celery message per event: the first of a burst sets the drain
    flag and sends one drain task, which applies them all."""
    from shop.celery import app

    settings.PAYMENTS, settings.STRIPE_SECRET_KEY = "stripe", "sk_test_reliability"
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    *payments, late = _awaiting_deposits(41)
    on_worker["stop"]()  # the tasks wait in Redis where they can be counted
    with app.connection_for_write() as conn:
        redis = conn.default_channel.client
        redis.delete(app.conf.task_default_queue)
        for p in payments:
            event = _event(
                "checkout.session.completed",
                p,
                status="complete",
                payment_status="paid",
                payment_intent=f"pi_burst_{p.pk}",
            )
            assert _deliver(client, event) == 200
            if p is payments[0]:
                # Told apart from a new one after the no-disk-wait insert's SET.
                response = client.post(
                    reverse("payments:webhook"),
                    json.dumps(event).encode(),
                    content_type="application/json",
                    HTTP_STRIPE_SIGNATURE=sign(json.dumps(event).encode(), SECRET),
                )
                assert response.json()["duplicate"] is True
        queued = [json.loads(m) for m in redis.lrange(app.conf.task_default_queue, 0, -1)]
    assert [m["headers"]["task"] for m in queued] == [events.DRAIN_TASK]
    assert StripeEvent.objects.filter(processed_at__isnull=True).count() == 40
    with connection.cursor() as cursor:  # the setting was the insert's alone
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"

    on_worker["start"]()
    wait_for(
        lambda: not StripeEvent.objects.filter(processed_at__isnull=True).exists(), timeout=120
    )
    wait_for(worker_idle, timeout=60)
    assert set(StripeEvent.objects.values_list("attempts", flat=True)) == {1}
    assert Payment.objects.filter(status="paid").count() == 40
    # The drain cleared the flag: the next event sends a drain of its own.
    assert _deliver(client, _event("checkout.session.expired", late, status="expired")) == 200
    wait_for(lambda: Payment.objects.get(pk=late.pk).status == "expired", timeout=60)
