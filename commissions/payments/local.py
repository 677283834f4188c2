"""Local test payments (PAYMENTS=test): the stand-in for Stripe's hosted page and API.

Pressing Pay makes the event Stripe would send, in the current API's shape, signs it with
the same scheme and hands it to the same webhook code (as a task, as Stripe delivers a
moment later); so the whole flow runs on a fresh machine, and nothing else differs from
production. Nothing here imports the event code: the delivery goes by the task's name.
"""

import json
import time
from dataclasses import replace
from datetime import UTC, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from commissions.payments.models import Payment, TestCheckoutSession
from shop import stripe_gateway as gateway
from shop.queue import enqueue_on_commit

DELIVER_TASK = "commissions.payments.tasks.local_event_deliver"


def _deliver(event_type: str, obj: dict) -> str:
    """Sign and send an event, after the current transaction commits; its id."""
    event = {
        "id": gateway.local_id("evt"),
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": obj},
    }
    payload = json.dumps(event)
    enqueue_on_commit(DELIVER_TASK, payload, gateway.signature_header(payload.encode()))
    return event["id"]


def _asked(payment: Payment) -> tuple[int, str]:
    """The amount and currency the shop asked for when it opened the session."""
    item = (payment.checkout_params or {}).get("line_items", [{}])[0].get("price_data", {})
    return int(item.get("unit_amount", payment.amount_cents)), item.get(
        "currency", payment.currency.lower()
    )


def _session_object(session: TestCheckoutSession) -> dict:
    payment = session.payment
    amount, currency = _asked(payment)
    return {
        "id": session.id,
        "object": "checkout.session",
        "mode": "payment",
        "livemode": False,
        "status": session.status,
        "payment_status": session.payment_status,
        "payment_intent": session.payment_intent if session.payment_status == "paid" else None,
        "amount_total": amount,
        "currency": currency,
        "expires_at": int(session.expires_at.timestamp()),
        "client_reference_id": payment.commission.reference,
        "metadata": (payment.checkout_params or {}).get("metadata", {}),
        # Where the current API puts the address typed at Checkout.
        "collected_information": {"shipping_details": _shipping_details(session.shipping)}
        if session.shipping
        else None,
    }


def collects_address(payment: Payment) -> bool:
    """Whether Checkout asks this payment's buyer for a delivery address."""
    return bool((payment.checkout_params or {}).get("shipping_address_collection"))


def _shipping_details(shipping: dict) -> dict:
    return {
        "name": shipping.get("name", ""),
        "address": {
            "line1": shipping.get("line1", ""),
            "line2": shipping.get("line2") or None,
            "city": shipping.get("city", ""),
            "postal_code": shipping.get("postal_code") or None,
            "state": shipping.get("region") or None,
            "country": shipping.get("country", ""),
        },
    }


def _path(url: str, session_id: str) -> str:
    """A return address on this site, as a path (the local page serves whatever host the
    buyer is on), with the session id filled in as Stripe does."""
    return url.removeprefix(settings.SITE_URL).replace("{CHECKOUT_SESSION_ID}", session_id)


def session_create(payment: Payment) -> gateway.CheckoutSession:
    """Like Stripe with an idempotency key: a payment has one session, however often it
    is asked for (two presses of Pay at once included)."""
    session = TestCheckoutSession.objects.filter(payment=payment).first()
    if session is None:
        session_id = gateway.local_id("cs")
        params = payment.checkout_params
        try:
            with transaction.atomic():
                session = TestCheckoutSession.objects.create(
                    id=session_id,
                    payment=payment,
                    payment_intent=gateway.local_id("pi"),
                    success_url=_path(params["success_url"], session_id),
                    cancel_url=_path(params["cancel_url"], session_id),
                    expires_at=datetime.fromtimestamp(params["expires_at"], tz=UTC),
                )
        except IntegrityError:
            session = TestCheckoutSession.objects.get(payment=payment)
    return session_retrieve(session.id, url=True)


def session_retrieve(session_id: str, *, url: bool = False) -> gateway.CheckoutSession:
    session = TestCheckoutSession.objects.select_related("payment__commission").get(pk=session_id)
    found = gateway.session_from(_session_object(session))
    if url:
        found = replace(found, url=reverse("payments:test_checkout", args=[session.id]))
    return found


def test_checkout_pay(session: TestCheckoutSession, *, shipping: dict | None = None) -> str:
    """The buyer presses Pay (with the delivery address, when the session collects one):
    the id of the event on its way, or "" if the session was no longer open."""
    with transaction.atomic():
        session = TestCheckoutSession.objects.select_for_update().get(pk=session.pk)
        if session.status != "open":
            return ""
        session.status, session.payment_status = "complete", "paid"
        session.shipping = shipping or {}
        session.save(update_fields=["status", "payment_status", "shipping"])
        return _deliver("checkout.session.completed", _session_object(session))


def test_checkout_expire(session: TestCheckoutSession) -> str:
    with transaction.atomic():
        session = TestCheckoutSession.objects.select_for_update().get(pk=session.pk)
        if session.status != "open":
            return ""
        session.status = "expired"
        session.save(update_fields=["status"])
        return _deliver("checkout.session.expired", _session_object(session))


def refund_create(refund: Payment, *, payment_intent: str, metadata: dict) -> gateway.Refund:
    """What Stripe does for a refund: answers at once (succeeded), then sends
    refund.created and charge.refunded — the charge without its refunds, as the current
    API does. One refund row gives one refund id, however often it is sent."""
    refund_id = f"re_local_{refund.public_id.hex[:24]}"
    obj = {
        "id": refund_id,
        "object": "refund",
        "amount": refund.amount_cents,
        "currency": refund.currency.lower(),
        "status": "succeeded",
        "payment_intent": payment_intent,
        "charge": f"ch_local_{payment_intent[-24:]}",
        "metadata": metadata,
    }
    _deliver("refund.created", obj)
    _deliver(
        "charge.refunded",
        {
            "id": obj["charge"],
            "object": "charge",
            "payment_intent": payment_intent,
            "amount_refunded": refund.amount_cents,
            "refunded": True,
            "metadata": {"payment_id": metadata.get("payment_id", "")},
        },
    )
    return gateway.refund_from(obj)
