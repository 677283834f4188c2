"""A thin wrapper around the `stripe` library: the few calls the shop makes, webhook
signatures, and Stripe's objects read into small typed records. Knows nothing of
commissions.

With PAYMENTS=stripe, calls go to Stripe (or to STRIPE_API_BASE, which only tests point
at a local stand-in). With PAYMENTS=test the shop runs on local test payments: the caller
keeps its own stand-in sessions, and signs the events it makes with `signature_header`,
Stripe's scheme, so the same webhook code verifies and applies them.

Everything read from Stripe is read defensively: a webhook is signed, but its object may
come in any shape Stripe has ever documented (expanded or not, older or newer API
versions), so each field is checked for its type and never trusted to be there.
"""

import hashlib
import hmac
import json
import math
import re
import time
import uuid
from dataclasses import dataclass, field

import stripe
from django.conf import settings

# How old a webhook signature may be before it is refused (Stripe's own default).
SIGNATURE_TOLERANCE = 300

# The smallest amount Stripe charges, in minor units (its documented minimums; 50 for
# currencies not listed here, the most common minimum).
_MINIMUM_CHARGE = {
    "EUR": 50,
    "USD": 50,
    "GBP": 30,
    "CHF": 50,
    "CAD": 50,
    "AUD": 50,
    "NZD": 50,
    "SEK": 300,
    "NOK": 300,
    "DKK": 250,
    "PLN": 200,
    "CZK": 1500,
    "JPY": 50,
    "HKD": 400,
    "SGD": 50,
    "MXN": 1000,
}


def minimum_charge(currency: str) -> int:
    return _MINIMUM_CHARGE.get(currency.upper(), 50)


class GatewayError(Exception):
    """Stripe could not be reached or answered with a temporary error: safe to retry
    with the same idempotency key."""


class GatewayRefused(Exception):
    """Stripe refused the call for good (an invalid request, an already refunded charge):
    retrying the same call cannot help; a person must look."""


class BadEvent(Exception):
    """A webhook delivery that is not a usable Stripe event."""


class BadSignature(BadEvent):
    """A webhook whose signature is missing, wrong or too old."""


# --- Reading Stripe's objects --------------------------------------------------------------


def _text(value, limit: int = 255) -> str:
    return value if isinstance(value, str) and len(value) <= limit else ""


def _int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def object_id(value) -> str:
    """The id of a field that Stripe sends either as an id or, expanded, as the object."""
    if isinstance(value, dict):
        value = value.get("id")
    return _text(value)


def _metadata(value) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, str)}


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str = ""
    status: str = ""  # "open", "complete" or "expired"
    payment_status: str = ""  # "paid", "unpaid" or "no_payment_required"
    payment_intent: str = ""
    expires_at: int = 0
    mode: str = ""
    amount_total: int | None = None
    currency: str = ""  # lower case, as Stripe writes it
    livemode: bool | None = None
    metadata: dict = field(default_factory=dict)
    # Adaptive Pricing on sessions made before 2025-03-31: `currency` and `amount_total`
    # are what the buyer paid in their own currency; these are what the shop asked for.
    source_currency: str = ""
    source_amount_total: int | None = None
    # The address the buyer typed, when the session collected one: name, line1, line2,
    # city, postal_code, region, country (all text; empty when none).
    shipping: dict = field(default_factory=dict)


def _shipping(obj: dict) -> dict:
    """The shipping address of a session, in any of the shapes Stripe has sent it:
    `collected_information.shipping_details` (API 2025-03-31 and later),
    `shipping_details`, and the older `shipping`."""
    collected = obj.get("collected_information")
    found = None
    for candidate in (
        collected.get("shipping_details") if isinstance(collected, dict) else None,
        obj.get("shipping_details"),
        obj.get("shipping"),
    ):
        if isinstance(candidate, dict) and isinstance(candidate.get("address"), dict):
            found = candidate
            break
    if found is None:
        return {}
    address = found["address"]
    return {
        "name": _text(found.get("name"), 120),
        "line1": _text(address.get("line1"), 200),
        "line2": _text(address.get("line2"), 200),
        "city": _text(address.get("city"), 120),
        "postal_code": _text(address.get("postal_code"), 20),
        "region": _text(address.get("state"), 120),
        "country": _text(address.get("country"), 2).upper(),
    }


def session_from(obj) -> CheckoutSession:
    """A Checkout Session from an API answer or a webhook's data.object."""
    if not isinstance(obj, dict):
        obj = {}
    conversion = obj.get("currency_conversion")
    conversion = conversion if isinstance(conversion, dict) else {}
    livemode = obj.get("livemode")
    return CheckoutSession(
        id=_text(obj.get("id")),
        url=_text(obj.get("url"), 2000),
        status=_text(obj.get("status"), 40),
        payment_status=_text(obj.get("payment_status"), 40),
        payment_intent=object_id(obj.get("payment_intent")),
        expires_at=_int(obj.get("expires_at")) or 0,
        mode=_text(obj.get("mode"), 40),
        amount_total=_int(obj.get("amount_total")),
        currency=_text(obj.get("currency"), 10).lower(),
        livemode=livemode if isinstance(livemode, bool) else None,
        metadata=_metadata(obj.get("metadata")),
        source_currency=_text(conversion.get("source_currency"), 10).lower(),
        source_amount_total=_int(conversion.get("amount_total")),
        shipping=_shipping(obj),
    )


@dataclass(frozen=True)
class Refund:
    id: str
    status: str = ""  # "pending", "requires_action", "succeeded", "failed" or "canceled"
    amount: int | None = None
    currency: str = ""
    payment_intent: str = ""
    charge: str = ""
    metadata: dict = field(default_factory=dict)
    failure_reason: str = ""


def refund_from(obj) -> Refund:
    if not isinstance(obj, dict):
        obj = {}
    return Refund(
        id=_text(obj.get("id")),
        status=_text(obj.get("status"), 40),
        amount=_int(obj.get("amount")),
        currency=_text(obj.get("currency"), 10).lower(),
        payment_intent=object_id(obj.get("payment_intent")),
        charge=object_id(obj.get("charge")),
        metadata=_metadata(obj.get("metadata")),
        failure_reason=_text(obj.get("failure_reason"), 200),
    )


@dataclass(frozen=True)
class Charge:
    id: str
    payment_intent: str = ""
    metadata: dict = field(default_factory=dict)
    # Only charges from API versions before 2022-11-15 carry their refunds; newer ones
    # leave this None and the refunds must be asked for.
    refunds: list[Refund] | None = None


def charge_from(obj) -> Charge:
    if not isinstance(obj, dict):
        obj = {}
    listed = obj.get("refunds")
    refunds = None
    if isinstance(listed, dict) and isinstance(listed.get("data"), list):
        refunds = [refund_from(r) for r in listed["data"] if isinstance(r, dict)]
    return Charge(
        id=_text(obj.get("id")),
        payment_intent=object_id(obj.get("payment_intent")),
        metadata=_metadata(obj.get("metadata")),
        refunds=refunds,
    )


# --- Configuration ------------------------------------------------------------------------


def test_mode() -> bool:
    """PAYMENTS=test: the local, clearly labelled test-payment page stands in for Stripe."""
    return settings.PAYMENTS == "test"


def key_livemode(key: str) -> bool | None:
    """True for a live key, False for a test key, None for something that is no key."""
    if key.startswith(("sk_live_", "rk_live_")):
        return True
    if key.startswith(("sk_test_", "rk_test_")):
        return False
    return None


def expected_livemode() -> bool:
    """What `livemode` every object must say: test payments and test keys are never live."""
    return not test_mode() and bool(key_livemode(settings.STRIPE_SECRET_KEY))


def webhook_secret() -> str:
    """The secret webhooks are signed with. Only test payments derive one from SECRET_KEY;
    with real payments a missing STRIPE_WEBHOOK_SECRET refuses every event (and the system
    check stops the shop before it gets that far)."""
    if test_mode():
        digest = hmac.new(settings.SECRET_KEY.encode(), b"local-test-payments", hashlib.sha256)
        return "whsec_local_" + digest.hexdigest()[:32]
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise BadSignature("STRIPE_WEBHOOK_SECRET is not configured: no event can be verified.")
    return settings.STRIPE_WEBHOOK_SECRET


# --- Calls to Stripe -------------------------------------------------------------------------


def _client() -> stripe.StripeClient:
    options = {
        "max_network_retries": 2,
        "http_client": stripe.new_default_http_client(timeout=settings.STRIPE_TIMEOUT_SECONDS),
    }
    if settings.STRIPE_API_BASE:
        options["base_addresses"] = {"api": settings.STRIPE_API_BASE}
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, **options)


def _call(fn):
    """Run one API call; sort Stripe's errors into "try again" and "refused for good"."""
    try:
        return fn()
    except (
        stripe.InvalidRequestError,
        stripe.IdempotencyError,
        stripe.CardError,
        stripe.PermissionError,
    ) as e:
        raise GatewayRefused(str(e)) from e
    except stripe.StripeError as e:
        # Connection errors, 5xx, rate limits, an idempotent request still in flight.
        raise GatewayError(str(e)) from e


def checkout_session_create(params: dict, *, idempotency_key: str) -> CheckoutSession:
    """Create a Checkout Session; the same key (with the same params, which Stripe
    insists on) always gives back the same session."""
    return session_from(
        _call(
            lambda: _client().v1.checkout.sessions.create(
                params=params, options={"idempotency_key": idempotency_key}
            )
        ).to_dict()
    )


def checkout_session_retrieve(session_id: str) -> CheckoutSession:
    return session_from(
        _call(lambda: _client().v1.checkout.sessions.retrieve(session_id)).to_dict()
    )


def refund_create(
    *, payment_intent: str, amount: int | None, idempotency_key: str, metadata: dict
) -> Refund:
    """Refund a payment (all of it when `amount` is None); the same key never refunds
    twice."""
    params = {"payment_intent": payment_intent, "metadata": metadata}
    if amount is not None:
        params["amount"] = amount
    return refund_from(
        _call(
            lambda: _client().v1.refunds.create(
                params=params, options={"idempotency_key": idempotency_key}
            )
        ).to_dict()
    )


def refund_retrieve(refund_id: str) -> Refund:
    return refund_from(_call(lambda: _client().v1.refunds.retrieve(refund_id)).to_dict())


def refunds_list(*, payment_intent: str) -> list[Refund]:
    """Every refund of one payment (the current API no longer lists them on the charge)."""

    def fetch():
        page = _client().v1.refunds.list(params={"payment_intent": payment_intent, "limit": 100})
        return [refund_from(r.to_dict()) for r in page.auto_paging_iter()]

    return _call(fetch)


def events_list(*, created_gte: int, created_lt: int | None = None, types: list[str]) -> list[dict]:
    """Every event of these types in the time range, oldest first, as plain dicts."""
    created = {"gte": created_gte, **({"lt": created_lt} if created_lt else {})}

    def fetch():
        page = _client().v1.events.list(params={"created": created, "types": types, "limit": 100})
        return [event.to_dict() for event in page.auto_paging_iter()]

    events = [e for e in _call(fetch) if _envelope_problem(e) is None]
    return sorted(events, key=lambda e: _int(e.get("created")) or 0)


# --- Webhook signatures ------------------------------------------------------------------------

_EVENT_ID = re.compile(r"^[A-Za-z0-9_]{1,255}$")
_EVENT_TYPE = re.compile(r"^[a-z0-9_.]{1,100}$")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is not a finite number")
    return value


def _no_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def _envelope_problem(event) -> str | None:
    if not isinstance(event, dict):
        return "Not an event: the body is not a JSON object."
    if not isinstance(event.get("id"), str) or not _EVENT_ID.match(event["id"]):
        return "Not an event: its id is missing or not a Stripe id."
    if not isinstance(event.get("type"), str) or not _EVENT_TYPE.match(event["type"]):
        return "Not an event: its type is missing or not a Stripe event type."
    return None


def _without_nul(value):
    """PostgreSQL can store no NUL character, in text or in JSON."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    return value


def event_from_webhook(payload: bytes, signature_header: str | None) -> dict:
    """Verify the Stripe-Signature header (the real scheme, with the timestamp tolerance)
    and return the event as a dict. Raises BadSignature for a bad signature and BadEvent
    for a signed body that is not a Stripe event (not JSON, NaN, no id or type)."""
    if not signature_header:
        raise BadSignature("No Stripe-Signature header.")
    try:
        text = payload.decode("utf-8")
        stripe.WebhookSignature.verify_header(
            text, signature_header, webhook_secret(), SIGNATURE_TOLERANCE
        )
    except (stripe.SignatureVerificationError, UnicodeDecodeError) as e:
        raise BadSignature(str(e)) from e
    try:
        event = json.loads(text, parse_float=_finite, parse_constant=_no_constant)
    except (ValueError, RecursionError) as e:
        raise BadEvent(f"Not an event: the body is not valid JSON ({e}).") from e
    problem = _envelope_problem(event)
    if problem:
        raise BadEvent(problem)
    # Strict JSON (the parser's default) has no raw control characters in a string, so a
    # NUL can only come as the escape; without one there is nothing to walk.
    return _without_nul(event) if "\\u0000" in text else event


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
