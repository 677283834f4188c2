"""A local HTTP stand-in for the few Stripe API calls the shop makes, so tests drive the
real `stripe` library (pointed at it through STRIPE_API_BASE) without leaving loopback.

It speaks Stripe's wire format: form-encoded requests with bracketed keys, JSON answers,
Idempotency-Key replay, list pagination. Tests move sessions along (pay, expire) and make
the events Stripe would send, signed with the real scheme by `sign()`.
"""

import hashlib
import hmac
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import stripe

# Events carry the API version of the library the shop pins, as Stripe's do.
API_VERSION = stripe.api_version


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """Stripe's webhook signature, computed here independently of the shop's code."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def _nest(pairs: list[tuple[str, str]]) -> dict:
    """a[b][0][c]=1 → {"a": {"b": [{"c": "1"}]}} (Stripe's form encoding)."""
    root: dict = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        node = root
        for part, nxt in zip(parts, parts[1:] + [None], strict=True):
            if nxt is None:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return _lists(root)


def _lists(node):
    if isinstance(node, dict):
        if node and all(k.isdigit() for k in node):
            return [_lists(node[k]) for k in sorted(node, key=int)]
        return {k: _lists(v) for k, v in node.items()}
    return node


class StripeStandIn:
    def __init__(self) -> None:
        self.sessions: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.asked: dict[str, int] = {}  # session id → the amount the shop asked for
        self.charged: dict[str, int] = {}  # payment intent → the amount it took
        self.events: list[dict] = []
        self.requests: list[tuple[str, str, dict, dict]] = []  # method, path, params, headers
        self._replies: dict[str, tuple[int, dict]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.fail_next: int = 0  # answer the next N calls with a 500, to test retries
        # Do the next N calls, then drop the connection without an answer, as a timeout
        # looks to the caller (the call happened; its answer was lost).
        self.lose_next: int = 0
        self.refund_status = "succeeded"  # what a new refund says at once
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_test_{next(self._ids):06d}"

    # --- What the API answers --------------------------------------------------------------

    def _route(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        if method == "POST" and path == "/v1/checkout/sessions":
            return 200, self._session_create(params)
        if method == "GET" and path.startswith("/v1/checkout/sessions/"):
            session = self.sessions.get(path.rsplit("/", 1)[-1])
            return (200, session) if session else (404, _error("No such checkout.session"))
        if method == "POST" and path == "/v1/refunds":
            return self._refund_create(params)
        if method == "GET" and path.startswith("/v1/refunds/"):
            refund = self.refunds.get(path.rsplit("/", 1)[-1])
            return (200, refund) if refund else (404, _error("No such refund"))
        if method == "GET" and path == "/v1/refunds":
            return 200, self._refunds_list(params)
        if method == "GET" and path == "/v1/events":
            return 200, self._events_list(params)
        return 404, _error(f"Unknown route {method} {path}")

    def _session_create(self, params: dict) -> dict:
        session_id = self.new_id("cs")
        item = params["line_items"][0]["price_data"]
        session = {
            "id": session_id,
            "object": "checkout.session",
            "livemode": False,
            "mode": params["mode"],
            "url": f"https://checkout.stripe.test/c/pay/{session_id}",
            "status": "open",
            "payment_status": "unpaid",
            "payment_intent": None,
            "amount_total": int(item["unit_amount"]),
            "currency": item["currency"],
            "client_reference_id": params.get("client_reference_id"),
            "customer_email": params.get("customer_email"),
            "metadata": params.get("metadata", {}),
            "payment_intent_metadata": params.get("payment_intent_data", {}).get("metadata", {}),
            "success_url": params["success_url"],
            "cancel_url": params["cancel_url"],
            "expires_at": int(params.get("expires_at") or time.time() + 86400),
            "line_items_name": item["product_data"]["name"],
            "shipping_address_collection": params.get("shipping_address_collection"),
            "collected_information": None,
        }
        self.sessions[session_id] = session
        self.asked[session_id] = int(item["unit_amount"])
        return session

    def session_of(self, payment_intent: str) -> dict | None:
        return next(
            (s for s in self.sessions.values() if s["payment_intent"] == payment_intent), None
        )

    def _refund_create(self, params: dict) -> tuple[int, dict]:
        session = self.session_of(params["payment_intent"])
        if session is None:
            return 404, _error(f"No such payment_intent: {params['payment_intent']}")
        charged = self.charged[params["payment_intent"]]
        already = sum(
            r["amount"]
            for r in self.refunds.values()
            if r["payment_intent"] == params["payment_intent"] and r["status"] != "failed"
        )
        amount = int(params.get("amount") or charged - already)
        if already + amount > charged or amount <= 0:
            return 400, _error(f"Charge for {params['payment_intent']} has already been refunded.")
        refund = {
            "id": self.new_id("re"),
            "object": "refund",
            "status": self.refund_status,
            "amount": amount,
            "currency": session["currency"],
            "charge": "ch_" + params["payment_intent"].removeprefix("pi_"),
            "payment_intent": params["payment_intent"],
            "metadata": params.get("metadata", {}),
        }
        self.refunds[refund["id"]] = refund
        return 200, refund

    def _refunds_list(self, params: dict) -> dict:
        found = [
            r
            for r in self.refunds.values()
            if not params.get("payment_intent") or r["payment_intent"] == params["payment_intent"]
        ]
        return {"object": "list", "url": "/v1/refunds", "data": found, "has_more": False}

    def _events_list(self, params: dict) -> dict:
        created = params.get("created", {})
        gte, lt = int(created.get("gte", 0)), int(created.get("lt", 2**40))
        types = set(params.get("types", []))
        # Stripe lists newest first, `limit` at a time, continued by `starting_after`.
        matching = [
            e
            for e in sorted(self.events, key=lambda e: -e["created"])
            if gte <= e["created"] < lt and (not types or e["type"] in types)
        ]
        if params.get("starting_after"):
            ids = [e["id"] for e in matching]
            matching = matching[ids.index(params["starting_after"]) + 1 :]
        limit = int(params.get("limit", 10))
        return {
            "object": "list",
            "url": "/v1/events",
            "data": matching[:limit],
            "has_more": len(matching) > limit,
        }

    def _handler(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, method: str) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                params = _nest(parse_qsl(url.query) + parse_qsl(body))
                key = self.headers.get("Idempotency-Key")
                lose = False
                with standin._lock:
                    standin.requests.append((method, url.path, params, dict(self.headers)))
                    if standin.fail_next:
                        standin.fail_next -= 1
                        status, reply = 500, _error("Stand-in told to fail")
                    elif key and key in standin._replies:
                        # Stripe replays the first answer, but only for the same request.
                        first_params, status, reply = standin._replies[key]
                        if first_params != params:
                            status, reply = (
                                400,
                                {
                                    "error": {
                                        "type": "idempotency_error",
                                        "message": "Keys for idempotent requests can only be used "
                                        "with the same parameters they were first used with.",
                                    }
                                },
                            )
                    else:
                        status, reply = standin._route(method, url.path, params)
                        if key and status < 500:
                            standin._replies[key] = (params, status, reply)
                    if standin.lose_next:
                        standin.lose_next -= 1
                        lose = True
                if lose:
                    self.close_connection = True
                    return
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", f"req_{next(standin._ids)}")
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # noqa: N802
                self._answer("GET")

            def do_POST(self):  # noqa: N802
                self._answer("POST")

            def log_message(self, *args):
                pass

        return Handler

    # --- What the test makes happen at Stripe ------------------------------------------------

    def event(self, event_type: str, obj: dict, *, created: int | None = None) -> dict:
        event = {
            "id": self.new_id("evt"),
            "object": "event",
            "type": event_type,
            "api_version": API_VERSION,
            "created": created or int(time.time()),
            "livemode": False,
            "data": {"object": dict(obj)},
        }
        self.events.append(event)
        return event

    def pay(
        self,
        session_id: str,
        *,
        async_payment: bool = False,
        shipping: dict | None = None,
        shape: str = "current",
    ) -> dict:
        """The buyer pays on Stripe's page; returns the checkout.session.completed event.
        `shipping` ({"name", "address": {...}}) is the address typed there, placed where
        the API version of `shape` puts it: "current" (`collected_information.
        shipping_details`, 2025-03-31 on), "shipping_details" or the oldest, "shipping"."""
        session = self.sessions[session_id]
        if shipping is not None:
            if shape == "current":
                session["collected_information"] = {"shipping_details": shipping}
            else:
                session[shape] = shipping
        session["status"] = "complete"
        session["payment_intent"] = session["payment_intent"] or self.new_id("pi")
        session["payment_status"] = "unpaid" if async_payment else "paid"
        # What the card is charged: the session's total, or what was asked if a test
        # changed the total into something unreadable.
        total = session.get("amount_total")
        self.charged[session["payment_intent"]] = (
            total if isinstance(total, int) else self.asked[session_id]
        )
        return self.event("checkout.session.completed", session)

    def expire(self, session_id: str) -> dict:
        session = self.sessions[session_id]
        session["status"] = "expired"
        return self.event("checkout.session.expired", session)

    def charge_refunded(self, refund: dict, amount: int, *, listed: bool = False) -> dict:
        """charge.refunded as the current API sends it: the charge without its refunds
        (since 2022-11-15). `listed=True` gives the older shape, refunds embedded."""
        session = self.session_of(refund["payment_intent"])
        charge = {
            "id": refund.get("charge") or self.new_id("ch"),
            "object": "charge",
            "payment_intent": refund["payment_intent"],
            "amount": amount,
            "amount_refunded": refund["amount"],
            "refunded": refund["amount"] >= amount,
            "metadata": session["payment_intent_metadata"] if session else {},
        }
        if listed:
            charge["refunds"] = {"object": "list", "data": [refund], "has_more": False}
        return self.event("charge.refunded", charge)

    def dashboard_refund(self, payment_intent: str, amount: int | None = None) -> dict:
        """The owner refunds in the Stripe dashboard: no metadata of ours."""
        status, refund = self._refund_create(
            {"payment_intent": payment_intent, **({"amount": str(amount)} if amount else {})}
        )
        assert status == 200, refund
        return refund

    def refund_fails(self, refund_id: str, reason: str = "expired_or_canceled_card") -> dict:
        """The bank sends the refund back: refund.failed (it may have succeeded before)."""
        refund = self.refunds[refund_id]
        refund.update(status="failed", failure_reason=reason)
        return self.event("refund.failed", refund)


def _error(message: str) -> dict:
    return {"error": {"type": "invalid_request_error", "message": message}}
