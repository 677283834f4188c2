"""Local test payments (no Stripe keys configured): the stand-in for Stripe's hosted page.

Pressing Pay makes the event Stripe would send, signs it with the same scheme, and hands it
to the same webhook code; so the whole flow runs on a fresh machine, and nothing else
differs from production.
"""

import json
import time

from django.db import transaction

from commissions.payments.events import webhook_receive
from commissions.payments.models import Payment, TestCheckoutSession
from shop import stripe_gateway as gateway


def _deliver(event_type: str, obj: dict) -> dict:
    event = {
        "id": gateway.local_id("evt"),
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": obj},
    }
    payload = json.dumps(event).encode()
    return webhook_receive(payload, gateway.signature_header(payload), source="local")


def _session_object(session: TestCheckoutSession) -> dict:
    payment = session.payment
    return {
        "id": session.id,
        "object": "checkout.session",
        "status": session.status,
        "payment_status": session.payment_status,
        "payment_intent": session.payment_intent if session.payment_status == "paid" else None,
        "amount_total": payment.amount_cents,
        "currency": payment.currency.lower(),
        "client_reference_id": payment.commission.reference,
        "metadata": {
            "payment_id": str(payment.public_id),
            "commission": payment.commission.reference,
            "kind": payment.kind,
        },
    }


def test_checkout_pay(session: TestCheckoutSession) -> dict:
    """The buyer presses Pay: what the webhook answered (the event's id, or nothing if
    the session was no longer open)."""
    with transaction.atomic():
        session = TestCheckoutSession.objects.select_for_update().get(pk=session.pk)
        if session.status != "open":
            return {}
        session.status, session.payment_status = "complete", "paid"
        session.save(update_fields=["status", "payment_status"])
    return _deliver("checkout.session.completed", _session_object(session))


def test_checkout_expire(session: TestCheckoutSession) -> None:
    with transaction.atomic():
        session = TestCheckoutSession.objects.select_for_update().get(pk=session.pk)
        if session.status != "open":
            return
        session.status = "expired"
        session.save(update_fields=["status"])
    _deliver("checkout.session.expired", _session_object(session))


def local_refund(refund: Payment, metadata: dict) -> dict:
    """What Stripe does for a refund: answers at once, then sends charge.refunded."""
    refund_id = gateway.local_id("re")
    original = refund.refund_of
    intent = original.payment_intent_id or gateway.local_id("pi")

    def send() -> None:
        _deliver(
            "charge.refunded",
            {
                "id": gateway.local_id("ch"),
                "object": "charge",
                "payment_intent": intent,
                "amount": original.amount_cents,
                "amount_refunded": refund.amount_cents,
                "refunded": True,
                "metadata": {"payment_id": metadata["payment_id"]},
                "refunds": {
                    "object": "list",
                    "data": [
                        {
                            "id": refund_id,
                            "object": "refund",
                            "amount": refund.amount_cents,
                            "status": "succeeded",
                            "payment_intent": intent,
                            "metadata": metadata,
                        }
                    ],
                },
            },
        )

    # After our refund row has its Stripe id, like a real webhook arriving a moment later.
    transaction.on_commit(send)
    return {"id": refund_id, "status": "succeeded"}
