"""A thin wrapper around the `stripe` library: the few calls the shop makes, and webhook
signatures. Knows nothing of commissions.

With STRIPE_SECRET_KEY set, calls go to Stripe (or to STRIPE_API_BASE, which only tests
point at a local stand-in). Without it the shop runs on local test payments: the caller
keeps its own stand-in sessions, and signs the events it makes with `signature_header`,
Stripe's scheme, so the same webhook code verifies and applies them.
"""

import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass

import stripe
from django.conf import settings

# How old a webhook signature may be before it is refused (Stripe's own default).
SIGNATURE_TOLERANCE = 300


class GatewayError(Exception):
    """Stripe could not be reached or refused a call; safe to retry with the same key."""


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str
    payment_status: str  # "paid", "unpaid" or "no_payment_required"
    status: str  # "open", "complete" or "expired"
    payment_intent: str | None
    expires_at: int


def test_mode() -> bool:
    """No Stripe keys: the local, clearly labelled test-payment page stands in."""
    return not settings.STRIPE_SECRET_KEY


def webhook_secret() -> str:
    if settings.STRIPE_WEBHOOK_SECRET:
        return settings.STRIPE_WEBHOOK_SECRET
    # Local test payments sign their events with a secret derived from SECRET_KEY.
    digest = hmac.new(settings.SECRET_KEY.encode(), b"local-test-payments", hashlib.sha256)
    return "whsec_local_" + digest.hexdigest()[:32]


def _client() -> stripe.StripeClient:
    options = {"max_network_retries": 2}
    if settings.STRIPE_API_BASE:
        options["base_addresses"] = {"api": settings.STRIPE_API_BASE}
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, **options)


def _session(obj) -> CheckoutSession:
    obj = obj.to_dict()
    intent = obj.get("payment_intent")
    if isinstance(intent, dict):
        intent = intent.get("id")
    return CheckoutSession(
        id=obj["id"],
        url=obj.get("url") or "",
        status=obj.get("status") or "",
        payment_status=obj.get("payment_status") or "unpaid",
        payment_intent=intent,
        expires_at=int(obj.get("expires_at") or 0),
    )


def checkout_session_create(params: dict, *, idempotency_key: str) -> CheckoutSession:
    """Create a Checkout Session; the same key always gives back the same session."""
    try:
        return _session(
            _client().v1.checkout.sessions.create(
                params=params, options={"idempotency_key": idempotency_key}
            )
        )
    except stripe.StripeError as e:
        raise GatewayError(str(e)) from e


def checkout_session_retrieve(session_id: str) -> CheckoutSession:
    try:
        return _session(_client().v1.checkout.sessions.retrieve(session_id))
    except stripe.StripeError as e:
        raise GatewayError(str(e)) from e


def refund_create(
    *, payment_intent: str, amount: int, idempotency_key: str, metadata: dict
) -> dict:
    """Refund (part of) a payment; the same key never refunds twice."""
    try:
        refund = _client().v1.refunds.create(
            params={"payment_intent": payment_intent, "amount": amount, "metadata": metadata},
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as e:
        raise GatewayError(str(e)) from e
    return {"id": refund["id"], "status": refund["status"]}


def events_list(*, created_gte: int, created_lt: int | None = None, types: list[str]) -> list[dict]:
    """Every event of these types in the time range, oldest first, as plain dicts."""
    created = {"gte": created_gte, **({"lt": created_lt} if created_lt else {})}
    try:
        page = _client().v1.events.list(params={"created": created, "types": types, "limit": 100})
        events = [event.to_dict() for event in page.auto_paging_iter()]
    except stripe.StripeError as e:
        raise GatewayError(str(e)) from e
    return sorted(events, key=lambda e: e.get("created", 0))


# --- Webhook signatures ------------------------------------------------------------------------


class BadSignature(Exception):
    """A webhook whose signature is missing, wrong or too old."""


def event_from_webhook(payload: bytes, signature_header: str | None) -> dict:
    """Verify the Stripe-Signature header (the real scheme, with the timestamp tolerance)
    and return the event as a dict; raise BadSignature otherwise."""
    if not signature_header:
        raise BadSignature("No Stripe-Signature header.")
    try:
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8"), signature_header, webhook_secret(), SIGNATURE_TOLERANCE
        )
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError, UnicodeDecodeError) as e:
        raise BadSignature(str(e)) from e
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise BadSignature("Not an event.")
    return event


def signature_header(
    payload: bytes, *, secret: str | None = None, timestamp: int | None = None
) -> str:
    """The Stripe-Signature header for a payload: `t=<unix time>,v1=<HMAC-SHA256 of
    "<t>.<payload>">`. The local test payments sign their events with it."""
    timestamp = int(timestamp or time.time())
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new((secret or webhook_secret()).encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def local_id(prefix: str) -> str:
    """An id in Stripe's style for the local test payments: cs_local_…, pi_local_…"""
    return f"{prefix}_local_{uuid.uuid4().hex[:24]}"
