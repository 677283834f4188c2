"""Redis goes away and the shop stays up, at its normal speed.

A real gunicorn serves the shop on the test database with its own Redis, a redis-server
this test starts on a spare port and kills by pid (the machine's shared Redis is never
touched). With Redis dead, or hung (accepting connections and never answering), people
browse, log in, sign up, write a message, send a request, the owner cancels a paid
commission in the office and Stripe's webhook is stored: every answer comes in normal
time, and what could not be enqueued waits in PostgreSQL for the beat sweeps, which pick
it all up once Redis is back.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import closing
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from commissions import services
from commissions.models import Commission, Status
from commissions.payments import events, local
from commissions.payments import services as payments
from commissions.payments.models import Payment, StripeEvent
from commissions.payments.tasks import refunds_resend_pending
from shop import stripe_gateway
from shop.notifications.models import OutboxEmail
from shop.notifications.tasks import outbox_resend_pending
from tests.conftest import ROOT, _test_database_url, skip_or_fail, wait_for
from tests.factories import MakerFactory, PieceFactory, PiecePhotoFactory, UserFactory

PASSWORD = "a-long-test-password"
# A page on this shared 2-core machine takes tens of milliseconds (a log-in, hashing its
# password, up to a second when the machine is busy); an enqueue stuck on the broker took
# about 19 seconds. Anything under this is "normal speed".
BUDGET = 2.5

pytestmark = [pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OwnRedis:
    """A redis-server of this test's own, on a spare port, stopped by its pid."""

    def __init__(self, port: int):
        self.port, self.proc = port, None
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(lambda: _answers(self.port), timeout=10, interval=0.05)

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class HungRedis:
    """Accepts connections and reads whatever it is sent, and never answers."""

    def __init__(self):
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(64)
        self.url = f"redis://127.0.0.1:{self.server.getsockname()[1]}/0"
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self) -> None:
        self.server.close()
        for conn in self.held:
            conn.close()


@pytest.fixture
def own_redis():
    if not any(
        os.access(os.path.join(p, "redis-server"), os.X_OK) for p in os.environ["PATH"].split(":")
    ):
        skip_or_fail(
            "needs redis-server to start a Redis of its own", "apt-get install redis-server"
        )
    redis = OwnRedis(_free_port())
    redis.start()
    yield redis
    redis.kill()


@pytest.fixture
def serve(tmp_path):
    """Start gunicorn on the test database with the given REDIS_URL; stopped by pid."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        skip_or_fail("needs PostgreSQL for a web server in its own process", "set DATABASE_URL")
    started = []

    def start(redis_url: str) -> str:
        port = _free_port()
        log = open(tmp_path / f"gunicorn-{port}.log", "w")  # noqa: SIM115
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("STRIPE_")},
            "DATABASE_URL": _test_database_url(),
            "REDIS_URL": redis_url,
            "DB_CONN_MAX_AGE": "0",
            "EMAIL_URL": f"file://{tmp_path / 'mail'}",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
        }
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "shop.wsgi:application"]
            + ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append((proc, tmp_path / f"gunicorn-{port}.log"))
        base = f"http://127.0.0.1:{port}"

        def up():
            try:
                return requests.get(base + "/healthz/live", timeout=1).status_code == 200
            except requests.RequestException:
                return False

        wait_for(up, timeout=60, interval=0.2)
        return base

    yield start
    for proc, _ in started:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)


@pytest.fixture
def shop_world(settings):
    """A maker's published ring, a buyer with a question and a paid commission, the owner."""
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    # Hashed the way the server (with production settings) can check.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    buyer = UserFactory(email="buyer@example.test", name="Bea Buyer")
    maker = MakerFactory(slug="mara", display_name="Mara", user__email="maker@example.test")
    UserFactory(email="owner@example.test", is_staff=True, is_superuser=True)
    ring = PieceFactory(maker=maker, title="Stacking ring", slug="stacking-ring")
    PiecePhotoFactory(piece=ring)
    question = services.inquiry_start(buyer=buyer, maker=maker, body="Could it be wider?")
    paid = services.commission_request_custom(
        buyer=buyer, maker=maker, title="A walnut box", brief="For letters."
    )
    services.quote_send(
        commission=paid,
        by=maker.user,
        price_cents=40000,
        deposit_cents=12000,
        estimated_weeks=4,
        milestones=[],
        revision_rounds=1,
        valid_until=timezone.localdate() + timedelta(days=14),
    )
    services.quote_accept(commission=paid, by=buyer)
    payment = payments.payment_start(commission=paid, by=buyer, kind="deposit")
    local.test_checkout_pay(payment.test_session)
    payments.payment_sync(payment=payment)
    paid.refresh_from_db()
    assert paid.status == Status.IN_PROGRESS
    return {"buyer": buyer, "maker": maker, "ring": ring, "question": question, "paid": paid}


class Browser:
    """A person's browser: cookies, the CSRF token from each form, and a stopwatch."""

    def __init__(self, base: str):
        self.base, self.session, self.timings = base, requests.Session(), []

    def _timed(self, method: str, path: str, **kwargs) -> requests.Response:
        started = time.monotonic()
        response = self.session.request(
            method, self.base + path, timeout=30, allow_redirects=False, **kwargs
        )
        self.timings.append((f"{method} {path}", time.monotonic() - started))
        return response

    def get(self, path: str, expect: int = 200) -> requests.Response:
        response = self._timed("GET", path)
        assert response.status_code == expect, (path, response.status_code, response.text[:500])
        return response

    def post_form(self, page: str, action: str, data: dict, expect: int = 302):
        html = self.get(page).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        response = self._timed("POST", action, data={"csrfmiddlewaretoken": token, **data})
        assert response.status_code == expect, (action, response.status_code, response.text[:800])
        return response

    def log_in(self, email: str) -> None:
        self.post_form(
            "/accounts/login/", "/accounts/login/", {"username": email, "password": PASSWORD}
        )


def _signed_event(event_type: str, obj: dict) -> tuple[bytes, str]:
    event = {
        "id": stripe_gateway.local_id("evt"),
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": obj},
    }
    payload = json.dumps(event).encode()
    # The web server signs and checks local events with a secret made from SECRET_KEY,
    # the same development key in both processes.
    return payload, stripe_gateway.signature_header(payload)


def _everyone_uses_the_shop(base: str, world: dict) -> dict[str, Browser]:
    """The actions the issue names, each checked for its answer; timings are kept."""
    visitor, buyer, owner = Browser(base), Browser(base), Browser(base)
    question, paid = world["question"], world["paid"]
    buyer.log_in("buyer@example.test")
    visitor.get("/")
    visitor.get(world["ring"].get_absolute_url())
    visitor.get("/pieces/?q=ring")
    buyer.get(question.get_absolute_url())
    buyer.post_form(
        question.get_absolute_url(),
        f"/commissions/{question.reference}/messages/new/",
        {"body": "Written while Redis was away."},
    )
    buyer.post_form(
        "/makers/mara/commission/",
        "/makers/mara/commission/",
        {"title": "A ring for Sam", "brief": "Sent while Redis was away."},
    )
    visitor.post_form(
        "/accounts/signup/",
        "/accounts/signup/",
        {"name": "Nell", "email": "nell@example.test", "password": "woven-silver-42"},
    )
    owner.log_in("owner@example.test")
    owner.post_form(
        "/admin/commissions/commission/",
        "/admin/commissions/commission/",
        {"action": "cancel", "_selected_action": str(paid.pk), "index": "0"},
    )
    payload, signature = _signed_event(
        "checkout.session.completed", {"id": "cs_local_unknown", "object": "checkout.session"}
    )
    started = time.monotonic()
    response = requests.post(
        base + "/payments/stripe/webhook/",
        data=payload,
        headers={"Content-Type": "application/json", "Stripe-Signature": signature},
        timeout=30,
    )
    visitor.timings.append(("POST webhook", time.monotonic() - started))
    assert response.status_code == 200 and response.json()["duplicate"] is False
    ready = visitor.get("/healthz/ready")
    assert ready.json()["checks"]["redis"] == "down" and ready.json()["status"] == "degraded"
    visitor.get("/healthz/live")
    return {"visitor": visitor, "buyer": buyer, "owner": owner}


def _timings(browsers: dict[str, Browser]) -> list[tuple[str, float]]:
    return [t for browser in browsers.values() for t in browser.timings]


def _everything_waits_in_the_database(world: dict) -> None:
    paid = Commission.objects.get(pk=world["paid"].pk)
    assert paid.status == Status.CANCELLED
    refund = Payment.objects.get(kind="refund", commission=paid)
    assert refund.status == "refund_pending" and refund.refund_id == ""
    pending = set(OutboxEmail.objects.filter(status="pending").values_list("template", flat=True))
    assert {"message_new", "request_received", "commission_cancelled"} <= pending
    assert StripeEvent.objects.filter(processed_at__isnull=True).count() == 1
    assert Commission.objects.filter(title="A ring for Sam").exists()


def _the_sweeps_pick_it_all_up() -> None:
    """Once Redis is back the beat tasks send what waited (run here, in-process)."""
    long_ago = timezone.now() - timedelta(minutes=10)
    OutboxEmail.objects.update(created_at=long_ago)
    StripeEvent.objects.update(received_at=long_ago)
    Payment.objects.filter(kind="refund").update(created_at=long_ago)
    # .result, not .get(): Celery's "no join inside a task" flag is process-wide, and a
    # browser test's live-server thread can leave it set.
    assert outbox_resend_pending.apply().result >= 3
    assert events.events_retry_unprocessed() == 1
    assert refunds_resend_pending.apply().result == 1
    assert not OutboxEmail.objects.filter(status="pending").exists()
    assert StripeEvent.objects.filter(processed_at__isnull=True).count() == 0
    assert Payment.objects.get(kind="refund").refund_id.startswith("re_local_")


def test_redis_killed_the_shop_answers_at_normal_speed(own_redis, serve, shop_world):
    base = serve(own_redis.url)
    # While Redis is up, a message is enqueued: the web process holds a live connection.
    warm = Browser(base)
    warm.log_in("buyer@example.test")
    warm.post_form(
        shop_world["question"].get_absolute_url(),
        f"/commissions/{shop_world['question'].reference}/messages/new/",
        {"body": "Before the outage."},
    )
    own_redis.kill()

    browsers = _everyone_uses_the_shop(base, shop_world)
    slow = [(what, round(took, 2)) for what, took in _timings(browsers) if took > BUDGET]
    assert slow == [], f"slower than {BUDGET}s with Redis gone: {slow}"
    _everything_waits_in_the_database(shop_world)

    own_redis.start()
    _the_sweeps_pick_it_all_up()


def test_a_hung_redis_costs_one_slow_enqueue_then_normal_speed(serve, shop_world):
    hung = HungRedis()
    try:
        base = serve(hung.url)
        browsers = _everyone_uses_the_shop(base, shop_world)
    finally:
        hung.close()
    timings = _timings(browsers)
    slow = [(what, round(took, 2)) for what, took in timings if took > BUDGET]
    # The first enqueue waits for the socket timeout (connect 1s + read 2s); after that
    # the breaker skips the broker, and the readiness check gives up after a second.
    assert len(slow) <= 2 and all(took < 5 for _, took in slow), slow
    assert sum(took for _, took in timings) < 10 + len(timings) * 0.2, timings
    _everything_waits_in_the_database(shop_world)
