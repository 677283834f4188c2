"""Distinct, signed Stripe events for the webhook's load (bench/wrk.lua replays them).

Each line of the file is "<Stripe-Signature>\t<JSON body>", signed with Stripe's real scheme
(`t=<unix time>,v1=<HMAC-SHA256 of "<t>.<body>">`, the webhook secret as key). The events
are `checkout.session.expired` for sessions the shop never opened: the webhook verifies,
stores and enqueues each one (the ingestion measured), and applying one, were a worker
running, is a lookup that finds nothing; nothing calls Stripe.

Stripe's tolerance is five minutes, so the harness writes a fresh file right before each
webhook run.
"""

import hashlib
import hmac
import json
import time
from pathlib import Path

EVENT_TYPE = "checkout.session.expired"


def event(n: int, run: str, created: int) -> dict:
    return {
        "id": f"evt_bench_{run}_{n}",
        "object": "event",
        "api_version": "2024-06-20",
        "created": created,
        "livemode": False,
        "pending_webhooks": 1,
        "type": EVENT_TYPE,
        "data": {
            "object": {
                "id": f"cs_test_bench_{run}_{n}",
                "object": "checkout.session",
                "status": "expired",
                "payment_status": "unpaid",
                "mode": "payment",
                "amount_total": 13000,
                "currency": "eur",
                "livemode": False,
                "metadata": {},
            }
        },
    }


def signature(payload: bytes, secret: str, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def write_bodies(path: Path, *, count: int, secret: str, run: str, start: int = 0) -> Path:
    """Write `count` distinct signed events (ids `evt_bench_<run>_<start…>`) to `path`."""
    now = int(time.time())
    with path.open("w") as out:
        for n in range(start, start + count):
            body = json.dumps(event(n, run, now), separators=(",", ":"))
            out.write(f"{signature(body.encode(), secret, now)}\t{body}\n")
    return path


def read_bodies(path: Path) -> list[tuple[str, bytes]]:
    """The file as wrk.lua splits it: (signature, body) per line."""
    pairs = []
    for line in path.read_text().splitlines():
        sig, body = line.split("\t", 1)
        pairs.append((sig, body.encode()))
    return pairs
