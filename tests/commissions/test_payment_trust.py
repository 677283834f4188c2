"""Payments you can trust: a session counts as paid only when it is exactly what the shop
asked for; anything else is flagged for the owner and refunded; refunds are never lost and
are read in every shape Stripe sends; events that are not ours are told apart from events
that are broken; a double press of Pay opens one session.

Stripe is the local stand-in (tests/stripe_standin.py), driven through the real `stripe`
library; every webhook goes through the real view, signed with Stripe's scheme."""

import json
import threading
import time
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from commissions import services
from commissions.models import Commission, Quote, Status
from commissions.payments import events
from commissions.payments import services as payments
from commissions.payments.models import Payment, StripeEvent
from commissions.workflow import NotAllowed
from shop import stripe_gateway as gateway
from shop.notifications.models import OutboxEmail
from tests.commissions.conftest import STRIPE_WEBHOOK_SECRET as SECRET
from tests.commissions.test_payments import WEBHOOK, deliver, start_deposit
from tests.conftest import skip_or_fail
from tests.stripe_standin import sign


def pay_with(client, stripe, buyer, accepted, now_on_commit, **session) -> Payment:
    """The buyer opens the deposit's Checkout; at Stripe the session is changed as given
    (what a bug, another integration or someone with the dashboard could make), then
    paid, and its signed event delivered and applied. The payment, refreshed."""
    start_deposit(client, buyer, accepted)
    payment = accepted.payments.get(kind="deposit", status="pending")
    stripe.sessions[payment.checkout_session_id].update(session)
    with now_on_commit():
        deliver(client, stripe.pay(payment.checkout_session_id))
    payment.refresh_from_db()
    return payment


def quote(commission: Commission, maker, price_cents: int, deposit_cents: int) -> Quote:
    """The maker quotes, valid today, with no milestones to speak of."""
    return services.quote_send(
        commission=commission,
        by=maker.user,
        price_cents=price_cents,
        deposit_cents=deposit_cents,
        estimated_weeks=2,
        milestones=[],
        revision_rounds=0,  # no design to approve before the piece is finished
        valid_until=timezone.localdate(),
    )


def refund_calls(stripe) -> list[dict]:
    return [
        {"params": params, "key": headers["Idempotency-Key"]}
        for method, path, params, headers in stripe.requests
        if (method, path) == ("POST", "/v1/refunds")
    ]


# --- 1. No free checkout in production -------------------------------------------------------


def test_with_stripe_payments_and_no_key_nothing_can_be_paid_for_free(
    client, settings, buyer, accepted, now_on_commit
):
    settings.PAYMENTS, settings.STRIPE_SECRET_KEY = "stripe", ""
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens: never the internet
    client.force_login(buyer)
    response = client.post(
        reverse("commissions:pay", args=[accepted.reference, "deposit"]), follow=True
    )
    assert "Nothing was charged" in response.content.decode()
    payment = Payment.objects.get()
    assert payment.checkout_session_id is None and payment.status == "pending"
    assert client.get(reverse("payments:test_checkout", args=["cs_local_any"])).status_code == 404
    accepted.refresh_from_db()
    assert accepted.status == Status.AWAITING_DEPOSIT


def test_the_test_checkout_page_answers_only_the_buyer_whose_payment_it_is(
    client, buyer, other_buyer, maker, accepted, now_on_commit
):
    client.force_login(buyer)
    url = client.post(reverse("commissions:pay", args=[accepted.reference, "deposit"])).url
    assert client.get(url).status_code == 200
    for person in (other_buyer, maker.user):
        client.force_login(person)
        assert client.get(url).status_code == 404
        with now_on_commit():
            assert client.post(url, {"action": "pay"}).status_code == 404
    client.logout()
    response = client.post(url, {"action": "pay"})
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert Payment.objects.get().status == "pending"
    assert not StripeEvent.objects.exists()


def test_with_test_payments_every_page_says_no_money_moves(client, db, settings):
    settings.PAYMENTS = "test"
    assert "Test shop: payments are simulated" in client.get("/").content.decode()
    settings.PAYMENTS, settings.STRIPE_SECRET_KEY = "stripe", "sk_live_configured"
    assert "Test shop" not in client.get("/").content.decode()


# --- 2. No silent webhook secret ----------------------------------------------------------


def test_with_a_key_and_no_webhook_secret_every_event_is_refused_even_one_signed_the_old_way(
    client, stripe, settings, buyer, accepted
):
    settings.STRIPE_WEBHOOK_SECRET = ""
    start_deposit(client, buyer, accepted)
    event = stripe.pay(Payment.objects.get().checkout_session_id)
    payload = json.dumps(event).encode()
    # What anyone who knows SECRET_KEY could sign with before: the test payments' secret.
    settings.PAYMENTS = "test"
    forged = gateway.signature_header(payload)
    settings.PAYMENTS = "stripe"
    for header in (forged, sign(payload, "")):
        response = client.post(
            WEBHOOK, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
        )
        assert response.status_code == 400
    assert "STRIPE_WEBHOOK_SECRET is not configured" in response.json()["error"]
    assert not StripeEvent.objects.exists()
    assert Payment.objects.get().status == "pending"


# --- 3. Paid only if it is exactly what we asked for ---------------------------------------------

MISMATCHES = {
    "one cent": ({"amount_total": 1}, "It is for €0.01, not €120.00."),
    "another currency": ({"currency": "usd"}, "It is for $120.00, not €120.00."),
    "setup mode": ({"mode": "setup"}, "Its mode is setup, not payment."),
    "subscription": ({"mode": "subscription"}, "Its mode is subscription, not payment."),
    "live on test keys": ({"livemode": True}, "It is a live session; the shop takes test"),
    "no livemode": ({"livemode": None}, "It is a neither live nor test session"),
    "no amount": ({"amount_total": None}, "It is for an amount we cannot read"),
    "legacy adaptive pricing short": (
        {
            "currency": "usd",
            "amount_total": 13000,
            "currency_conversion": {"source_currency": "eur", "amount_total": 100},
        },
        "It is for $130.00, not €120.00.",
    ),
}


@pytest.mark.parametrize("change", MISMATCHES, ids=list(MISMATCHES))
def test_a_signed_session_that_is_not_what_we_asked_for_is_flagged_refunded_and_never_paid(
    client, stripe, buyer, owner, accepted, now_on_commit, change
):
    session, reason = MISMATCHES[change]
    payment = pay_with(client, stripe, buyer, accepted, now_on_commit, **session)
    accepted.refresh_from_db()
    assert payment.status == "mismatch" and accepted.status == Status.AWAITING_DEPOSIT
    assert reason in payment.failure_reason and reason in payment.attention
    assert not OutboxEmail.objects.filter(template="deposit_received").exists()
    # What was taken goes back whole, with the refund row's own key.
    refund = payment.refunds.get()
    assert refund_calls(stripe) == [
        {
            "params": {
                "payment_intent": payment.payment_intent_id,
                "metadata": {
                    "refund_payment_id": str(refund.public_id),
                    "payment_id": str(payment.public_id),
                    "commission": accepted.reference,
                },
            },
            "key": f"refund-{refund.public_id}",
        }
    ]
    assert refund.status == "refund_succeeded"
    alert = OutboxEmail.objects.get(template="payment_attention")
    assert alert.to == owner.email and reason in alert.body_text
    assert OutboxEmail.objects.filter(template="payment_mismatch", to=buyer.email).exists()
    # The buyer sees what happened, and can pay again.
    page = client.get(accepted.get_absolute_url()).content.decode()
    assert "Did not match what was asked" in page and "Pay the deposit" in page
    start_deposit(client, buyer, accepted)
    assert Payment.objects.filter(kind="deposit", status="pending").count() == 1
    assert StripeEvent.objects.get().outcome.startswith("mismatch, refunding: ")


@pytest.mark.parametrize(
    "session",
    [
        # Since 2025-03-31: our currency and amount stay; the buyer's are beside them.
        {"presentment_details": {"presentment_currency": "usd", "presentment_amount": 13000}},
        # Before: the buyer's currency on the session, ours in currency_conversion.
        {
            "currency": "usd",
            "amount_total": 13000,
            "currency_conversion": {
                "source_currency": "eur",
                "amount_total": 12000,
                "amount_subtotal": 12000,
                "fx_rate": "1.083",
            },
        },
    ],
    ids=["presentment_details", "currency_conversion"],
)
def test_a_buyer_paying_in_their_own_currency_through_adaptive_pricing_has_paid(
    client, stripe, buyer, accepted, now_on_commit, session
):
    payment = pay_with(client, stripe, buyer, accepted, now_on_commit, **session)
    accepted.refresh_from_db()
    assert payment.status == "paid" and accepted.status == Status.IN_PROGRESS


def test_metadata_naming_another_payment_pays_neither(
    client, stripe, buyer, other_buyer, request_for, maker, accepted, now_on_commit
):
    """A session of ours whose metadata names another buyer's payment: the session id is
    the authority, and the two disagree."""
    other = request_for(other_buyer)
    quote(other, maker, 40000, 12000)
    services.quote_accept(commission=other, by=other_buyer)
    start_deposit(client, other_buyer, other)
    theirs = Payment.objects.get(commission=other)
    mine = pay_with(
        client,
        stripe,
        buyer,
        accepted,
        now_on_commit,
        metadata={"payment_id": str(theirs.public_id)},
    )
    theirs.refresh_from_db()
    assert mine.status == "mismatch" and "metadata names another payment" in mine.attention
    assert theirs.status == "pending"
    assert Commission.objects.filter(status=Status.IN_PROGRESS).count() == 0


def test_a_foreign_session_whose_metadata_names_our_payment_is_flagged_beside_it(
    client, stripe, buyer, owner, accepted, now_on_commit
):
    start_deposit(client, buyer, accepted)
    ours = Payment.objects.get()
    foreign = dict(stripe.sessions[ours.checkout_session_id], id="cs_test_foreign")
    stripe.sessions["cs_test_foreign"] = foreign
    with now_on_commit():
        deliver(client, stripe.pay("cs_test_foreign"))
        deliver(client, stripe.pay("cs_test_foreign") | {"id": "evt_second_copy"})
    ours.refresh_from_db()
    flagged = Payment.objects.get(checkout_session_id="cs_test_foreign")
    assert ours.status == "pending"  # the buyer's own session is still open
    assert flagged.status == "mismatch" and flagged.commission == accepted
    assert "is not the one opened for this payment" in flagged.attention
    assert flagged.refunds.get().status == "refund_succeeded" and len(refund_calls(stripe)) == 1
    assert OutboxEmail.objects.filter(template="payment_attention").count() == 1


def test_no_payment_required_leaves_nothing_stuck_in_processing(
    client, stripe, buyer, accepted, now_on_commit
):
    start_deposit(client, buyer, accepted)
    payment = Payment.objects.get()
    session = stripe.sessions[payment.checkout_session_id]
    session.update(status="complete", payment_status="no_payment_required", amount_total=0)
    with now_on_commit():
        deliver(client, stripe.event("checkout.session.completed", session))
    payment.refresh_from_db()
    assert payment.status == "mismatch" and not payment.refunds.exists()  # nothing taken
    page = client.get(accepted.get_absolute_url()).content.decode()
    assert "Payment processing" not in page and "Pay the deposit" in page
    assert start_deposit(client, buyer, accepted).url.startswith("https://checkout.stripe.test/")
    mail = OutboxEmail.objects.get(template="payment_mismatch")
    assert "Nothing was charged" in mail.body_text


def test_the_return_page_checks_the_session_too(client, stripe, buyer, accepted, now_on_commit):
    start_deposit(client, buyer, accepted)
    payment = Payment.objects.get()
    stripe.sessions[payment.checkout_session_id]["amount_total"] = 1
    stripe.pay(payment.checkout_session_id)  # paid at Stripe; the webhook is late
    with now_on_commit():
        page = client.get(reverse("payments:return", args=[payment.public_id])).content.decode()
    assert "This payment was not counted" in page and "being refunded" in page
    payment.refresh_from_db()
    assert payment.status == "mismatch"


def test_a_live_key_expects_live_sessions(client, stripe, settings, buyer, accepted, now_on_commit):
    settings.STRIPE_SECRET_KEY = "sk_live_standin"
    payment = pay_with(
        client,
        stripe,
        buyer,
        accepted,
        now_on_commit,
    )  # the stand-in's are test sessions
    assert payment.status == "mismatch" and "It is a test session; the shop takes live" in (
        payment.attention
    )


def test_an_expanded_payment_intent_is_stored_by_its_id(
    client, stripe, buyer, accepted, now_on_commit
):
    start_deposit(client, buyer, accepted)
    payment = Payment.objects.get()
    event = stripe.pay(payment.checkout_session_id)
    intent = event["data"]["object"]["payment_intent"]
    event["data"]["object"]["payment_intent"] = {
        "id": intent,
        "object": "payment_intent",
        "amount": 12000,
        "status": "succeeded",
        "metadata": {"payment_id": str(payment.public_id)},
    }
    with now_on_commit():
        deliver(client, event)
    payment.refresh_from_db()
    assert payment.status == "paid" and payment.payment_intent_id == intent


# --- 4. Refunds never lost, in every shape ------------------------------------------------------


@pytest.fixture
def paid_deposit(client, stripe, buyer, accepted, now_on_commit) -> Payment:
    start_deposit(client, buyer, accepted)
    payment = Payment.objects.get()
    with now_on_commit():
        deliver(client, stripe.pay(payment.checkout_session_id))
    payment.refresh_from_db()
    assert payment.status == "paid"
    return payment


def test_a_refund_whose_task_was_lost_is_sent_by_the_sweep_with_the_same_key(
    client, stripe, buyer, owner, accepted, paid_deposit, now_on_commit
):
    # The owner cancels; the refund's task is lost (the callbacks after commit never run).
    services.commission_cancel(commission=accepted, by=owner, reason="The kiln broke.")
    refund = Payment.objects.get(kind="refund")
    assert (refund.status, refund.refund_id) == ("refund_pending", "")
    page = client.get(accepted.get_absolute_url()).content.decode()
    assert "Refund requested" in page and "Refund issued" not in page
    assert payments.refunds_resend_pending() == 0  # too fresh: its task may still come
    later = timezone.now() + timedelta(minutes=10)
    with now_on_commit():
        assert payments.refunds_resend_pending(now=later) == 1
    refund.refresh_from_db()
    paid_deposit.refresh_from_db()
    assert (refund.status, paid_deposit.status) == ("refund_succeeded", "refunded")
    assert [c["key"] for c in refund_calls(stripe)] == [f"refund-{refund.public_id}"]
    with now_on_commit():
        assert payments.refunds_resend_pending(now=later) == 0
    assert "Refund issued" in client.get(accepted.get_absolute_url()).content.decode()


def test_the_hourly_catch_up_finds_a_refund_whose_answer_was_lost_and_never_refunds_twice(
    client, stripe, owner, accepted, paid_deposit, now_on_commit
):
    stripe.lose_next = 3  # Stripe makes the refund; every answer is lost on the way back
    with now_on_commit():
        services.commission_cancel(commission=accepted, by=owner, reason="Cancelled.")
    refund = Payment.objects.get(kind="refund")
    assert refund.refund_id == "" and len(stripe.refunds) == 1
    with now_on_commit():
        found = payments.refunds_reconcile(now=timezone.now() + timedelta(hours=1))
    refund.refresh_from_db()
    assert found == {"checked": 1, "resent": 0}
    assert refund.status == "refund_succeeded" and refund.refund_id in stripe.refunds
    assert len(stripe.refunds) == 1


def test_the_hourly_catch_up_settles_a_pending_refund_whose_event_never_came(
    client, stripe, owner, accepted, paid_deposit, now_on_commit
):
    stripe.refund_status = "pending"
    with now_on_commit():
        services.commission_cancel(commission=accepted, by=owner, reason="Cancelled.")
    refund = Payment.objects.get(kind="refund")
    assert refund.status == "refund_pending" and refund.refund_id
    stripe.refunds[refund.refund_id]["status"] = "succeeded"  # no webhook arrives
    with now_on_commit():
        payments.refunds_reconcile(now=timezone.now() + timedelta(hours=1))
    refund.refresh_from_db()
    assert refund.status == "refund_succeeded"
    assert OutboxEmail.objects.filter(template="refund_issued").count() == 1


@pytest.mark.parametrize("shape", ["current", "listed", "refund.created"])
def test_a_refund_made_in_the_stripe_dashboard_shows_on_the_commission_and_to_the_owner(
    client, stripe, buyer, owner, accepted, paid_deposit, now_on_commit, shape
):
    refund = stripe.dashboard_refund(paid_deposit.payment_intent_id, amount=5000)
    if shape == "refund.created":
        event = stripe.event("refund.created", refund)
    else:
        event = stripe.charge_refunded(refund, 12000, listed=shape == "listed")
    with now_on_commit():
        deliver(client, event)
        deliver(client, stripe.event("refund.updated", refund))  # and its follow-up
    row = Payment.objects.get(kind="refund")
    paid_deposit.refresh_from_db()
    assert (row.status, row.amount_cents, row.refund_id) == ("refund_succeeded", 5000, refund["id"])
    assert paid_deposit.status == "paid"  # only part of it came back
    assert "A refund of €50.00 was made outside the shop" in row.attention
    assert OutboxEmail.objects.get(template="payment_attention").to == owner.email
    client.force_login(buyer)
    page = client.get(accepted.get_absolute_url()).content.decode()
    assert "−€50.00" in page and "Refund issued" in page
    client.force_login(owner)
    listing = client.get(reverse("admin:commissions_payment_changelist"), {"attention": "yes"})
    assert refund["id"] in listing.content.decode() or str(row.amount) in listing.content.decode()


def test_a_refund_that_fails_after_it_succeeded_makes_the_payment_paid_again(
    client, stripe, buyer, owner, accepted, paid_deposit, now_on_commit
):
    with now_on_commit():
        services.commission_cancel(commission=accepted, by=owner, reason="Cancelled.")
    refund = Payment.objects.get(kind="refund")
    paid_deposit.refresh_from_db()
    assert (refund.status, paid_deposit.status) == ("refund_succeeded", "refunded")
    with now_on_commit():
        deliver(client, stripe.refund_fails(refund.refund_id))
    refund.refresh_from_db()
    paid_deposit.refresh_from_db()
    assert (refund.status, paid_deposit.status) == ("refund_failed", "paid")
    assert paid_deposit.refunded_at is None
    assert "failed after it had succeeded" in refund.attention
    alerts = OutboxEmail.objects.filter(template="payment_attention", to=owner.email)
    assert alerts.filter(body_text__contains="failed after it had succeeded").exists()
    client.force_login(buyer)
    page = client.get(accepted.get_absolute_url()).content.decode()
    assert "Refund failed" in page and "Refund issued" not in page
    # The owner refunds again: a new row, a new key, and it goes through.
    client.force_login(owner)
    with now_on_commit():
        client.post(
            reverse("admin:commissions_payment_changelist"),
            {"action": "refund_in_full", "_selected_action": [paid_deposit.pk]},
        )
    paid_deposit.refresh_from_db()
    assert paid_deposit.status == "refunded" and len(refund_calls(stripe)) == 2


def test_stripe_refusing_a_refund_asks_the_owner_and_the_sweep_stops_sending_it(
    client, stripe, owner, accepted, paid_deposit, now_on_commit
):
    stripe.dashboard_refund(paid_deposit.payment_intent_id)  # all of it already back
    with now_on_commit():
        services.commission_cancel(commission=accepted, by=owner, reason="Cancelled.")
    refund = Payment.objects.get(kind="refund", refund_id="")
    assert refund.status == "refund_pending" and "Stripe refused this refund" in refund.attention
    assert payments.refunds_resend_pending(now=timezone.now() + timedelta(hours=1)) == 0


# --- 5. Events that are ours, or not ----------------------------------------------------------------


@pytest.mark.parametrize("named", ["ORDER-12345", "", 42, str(uuid.uuid4())])
def test_a_session_of_another_integration_is_not_ours_and_is_not_retried(
    client, stripe, db, now_on_commit, named
):
    event = stripe.event(
        "checkout.session.completed",
        {
            "id": "cs_test_elsewhere",
            "object": "checkout.session",
            "metadata": {"payment_id": named},
        },
    )
    with now_on_commit():
        assert deliver(client, event).status_code == 200
    stored = StripeEvent.objects.get()
    assert (stored.outcome, stored.attempts, stored.last_error) == ("not our session", 1, "")


MALFORMED = {
    "a list": b"[1, 2]",
    "not json": b"{nope",
    "NaN": b'{"id": "evt_1", "type": "checkout.session.completed", "data": {"object": {"amount_total": NaN}}}',
    "Infinity": b'{"id": "evt_1", "type": "refund.updated", "data": {"object": {"amount": Infinity}}}',
    "a number too big for a float": b'{"id": "evt_1", "type": "refund.updated", "data": {"object": {"amount": 1e999}}}',
    "an id too long": json.dumps({"id": "evt_" + "x" * 300, "type": "refund.updated"}).encode(),
    "a number for an id": b'{"id": 12345, "type": "refund.updated", "data": {"object": {}}}',
    "a type that is an object": b'{"id": "evt_1", "type": {"x": 1}, "data": {"object": {}}}',
    "a type too long": json.dumps({"id": "evt_1", "type": "refund." + "x" * 200}).encode(),
    "deep nesting": b'{"id": "evt_1", "type": "refund.updated", "data": '
    + b"[" * 100000
    + b"]" * 100000
    + b"}",
}


@pytest.mark.parametrize("body", MALFORMED, ids=list(MALFORMED))
def test_a_signed_body_that_is_no_stripe_event_gets_a_clear_400(client, stripe, db, body):
    payload = MALFORMED[body]
    response = client.post(
        WEBHOOK,
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload, SECRET),
    )
    assert response.status_code == 400 and response.json()["error"].startswith("Not an event")
    assert not StripeEvent.objects.exists()


@pytest.mark.parametrize(
    "data",
    [{}, {"object": None}, {"object": [1, 2]}, {"object": "cs_test_1"}],
    ids=["no object", "null", "a list", "a string"],
)
def test_a_signed_event_without_an_object_is_kept_with_its_error_for_the_owner(
    client, stripe, db, now_on_commit, data
):
    event = {"id": "evt_test_broken", "type": "checkout.session.completed", "data": data}
    with now_on_commit():
        assert deliver(client, event).status_code == 200
    stored = StripeEvent.objects.get()
    assert stored.processed_at is None and stored.last_error.startswith("Malformed")
    assert events.events_retry_unprocessed(now=timezone.now() + timedelta(hours=1)) == 0


def test_nul_characters_are_stored_without_breaking_the_database(client, stripe, db, now_on_commit):
    event = stripe.event(
        "checkout.session.completed",
        {"id": "cs_test_nul", "metadata": {"payment_id": "a\u0000b", "note\u0000": "x"}},
    )
    with now_on_commit():
        assert deliver(client, event).status_code == 200
    stored = StripeEvent.objects.get()
    assert stored.outcome == "not our session"
    assert "\x00" not in json.dumps(stored.payload)


# Any JSON value at all, as the object of every event type we handle.
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=6)
    ),
    max_leaves=20,
)
KEYS = [
    "id",
    "object",
    "status",
    "payment_status",
    "payment_intent",
    "metadata",
    "mode",
    "amount_total",
    "amount",
    "currency",
    "livemode",
    "refunds",
    "charge",
    "expires_at",
    "currency_conversion",
]
objects = st.dictionaries(st.sampled_from(KEYS), json_values, max_size=10)


@hsettings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(kind=st.sampled_from(events.HANDLED), obj=objects, ours=st.booleans())
def test_an_event_of_any_shape_is_answered_and_applied_without_an_error(
    client, stripe, buyer, accepted, kind, obj, ours
):
    if ours:  # sometimes about a real payment of ours, so the deep paths run too
        payment = Payment.objects.filter(kind="deposit").first() or payments.payment_start(
            commission=accepted, by=buyer, kind="deposit"
        )
        obj = {**obj, "metadata": {"payment_id": str(payment.public_id)}}
    event = {"id": f"evt_fuzz_{uuid.uuid4().hex}", "type": kind, "data": {"object": obj}}
    assert deliver(client, event).status_code == 200
    outcome = events.event_apply(event_id=event["id"])  # raises if anything was not handled
    stored = StripeEvent.objects.get(id=event["id"])
    assert stored.processed_at and stored.outcome == outcome[:200]


# --- 6. Double-click safe ------------------------------------------------------------------------


def test_a_retry_after_a_timeout_sends_the_same_request_and_gets_the_same_session(
    client, stripe, buyer, accepted
):
    stripe.lose_next = 3  # the library's own retries included: every answer is lost
    response = start_deposit(client, buyer, accepted)
    assert response.url == accepted.get_absolute_url()
    assert len(stripe.sessions) == 1  # made at Stripe, though we never heard
    time.sleep(1.1)  # a second later, when a timestamp in the request would have moved on
    response = start_deposit(client, buyer, accepted)
    payment = Payment.objects.get()
    assert response.url == payment.checkout_url and len(stripe.sessions) == 1
    creates = [p for m, path, p, _ in stripe.requests if path == "/v1/checkout/sessions"]
    assert len(creates) == 4 and all(p == creates[0] for p in creates)


def test_the_stand_in_refuses_a_reused_key_with_other_parameters_as_stripe_does(stripe, accepted):
    params = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": "eur",
                    "unit_amount": 100,
                    "product_data": {"name": "x"},
                },
            }
        ],
        "success_url": "https://x/",
        "cancel_url": "https://x/",
    }
    gateway.checkout_session_create(params, idempotency_key="k-1")
    with pytest.raises(gateway.GatewayRefused, match="same parameters"):
        gateway.checkout_session_create({**params, "expires_at": 2000000000}, idempotency_key="k-1")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mode", ["stripe", "test"])
def test_two_quick_presses_of_pay_open_one_session_and_never_a_500(
    request, settings, buyer, maker, request_for, mode
):
    if connection.vendor != "postgresql":
        skip_or_fail(
            "needs PostgreSQL for real concurrent requests",
            "set DATABASE_URL=postgres://... or run .ci/run",
        )
    stripe = request.getfixturevalue("stripe") if mode == "stripe" else None
    if mode == "test":
        settings.PAYMENTS = "test"
    for round_ in range(15):
        commission = request_for(buyer)
        quote(commission, maker, 40000, 12000)
        services.quote_accept(commission=commission, by=buyer)
        url = reverse("commissions:pay", args=[commission.reference, "deposit"])
        clients = [Client(raise_request_exception=False) for _ in range(2)]
        for c in clients:
            c.force_login(buyer)
        barrier, answers = threading.Barrier(2), []

        def press(c, url=url, answers=answers, barrier=barrier):
            barrier.wait()
            answers.append(c.post(url))
            connection.close()

        threads = [threading.Thread(target=press, args=(c,)) for c in clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        payment = Payment.objects.get(commission=commission)
        assert [a.status_code for a in answers] == [302, 302], f"round {round_}"
        assert {a.url for a in answers} == {payment.checkout_url}, f"round {round_}"
    if stripe:
        assert len(stripe.sessions) == 15


# --- 7. Quotes that can be paid ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("price", "deposit", "message"),
    [
        (40000, 0, "Ask for a deposit of at least €0.50"),
        (40000, 10, "Ask for a deposit of at least €0.50"),
        (40000, 39990, "The balance after the deposit would be €0.10"),
    ],
)
def test_a_quote_whose_deposit_or_balance_cannot_be_paid_is_refused_with_a_clear_message(
    client, maker, request_for, buyer, price, deposit, message
):
    commission = request_for(buyer)
    with pytest.raises(NotAllowed, match=message.replace(".", r"\.")):
        quote(commission, maker, price, deposit)
    client.force_login(maker.user)
    form = {
        "price": price / 100,
        "deposit_amount": deposit / 100,
        "estimated_weeks": 2,
        "revision_rounds": 1,
        "valid_until": timezone.localdate().isoformat(),
    }
    page = client.post(reverse("commissions:quote", args=[commission.reference]), form)
    assert page.status_code == 200 and message in page.content.decode()
    assert not commission.quotes.exists()


def test_a_deposit_of_the_whole_price_is_fine_and_the_finished_piece_is_ready_to_ship(
    client, maker, request_for, buyer, now_on_commit
):
    commission = request_for(buyer)
    assert quote(commission, maker, 40000, 40000).balance.cents == 0
    services.quote_accept(commission=commission, by=buyer)
    client.force_login(buyer)
    checkout = client.post(reverse("commissions:pay", args=[commission.reference, "deposit"]))
    with now_on_commit():
        back = client.post(checkout.url, {"action": "pay"})
        assert "Paid — thank you" in client.get(back.url).content.decode()
    payments.commission_mark_finished(commission=commission, by=maker.user)
    commission.refresh_from_db()
    assert commission.status == Status.READY_TO_SHIP


def test_an_old_quote_with_no_deposit_cannot_be_accepted_and_holds_no_slot(
    client, maker, request_for, buyer
):
    commission = request_for(buyer)
    quote(commission, maker, 40000, 12000)
    Quote.objects.filter(commission=commission).update(deposit_cents=0)  # written long ago
    client.force_login(buyer)
    page = client.post(
        reverse("commissions:move", args=[commission.reference, "accept_quote"]), follow=True
    ).content.decode()
    assert "This quote cannot be paid as it stands" in page
    commission.refresh_from_db()
    assert commission.status == Status.QUOTED and commission.slot == ""
