"""A buyer pays the deposit and the balance through Stripe Checkout; webhooks are verified
and applied exactly once; the owner's cancellation refunds what was paid.

Stripe itself is the local stand-in (tests/stripe_standin.py), driven through the real
`stripe` library; webhook payloads are signed with Stripe's real scheme."""

import json
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from commissions import services
from commissions.journal import proofs
from commissions.models import Commission, Status
from commissions.payments import events
from commissions.payments import services as payments
from commissions.payments.models import Payment, StripeEvent
from commissions.tasks import events_reconcile, events_retry_unprocessed, refund_send
from shop.images.pipeline import check_upload
from shop.notifications.models import OutboxEmail
from tests.commissions.conftest import STRIPE_WEBHOOK_SECRET as SECRET
from tests.stripe_standin import sign
from tests.world import photo_bytes

WEBHOOK = reverse("payments:webhook")


def finished_photo():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("done.jpg", photo_bytes(), content_type="image/jpeg")


def deliver(
    client,
    event: dict,
    *,
    secret: str = SECRET,
    timestamp: int | None = None,
    header: str | None = "sign",
):
    payload = json.dumps(event).encode()
    headers = {}
    if header == "sign":
        headers["HTTP_STRIPE_SIGNATURE"] = sign(payload, secret, timestamp)
    elif header:
        headers["HTTP_STRIPE_SIGNATURE"] = header
    return client.post(WEBHOOK, payload, content_type="application/json", **headers)


def start_deposit(client, buyer, commission):
    client.force_login(buyer)
    return client.post(reverse("commissions:pay", args=[commission.reference, "deposit"]))


# --- Starting a Checkout -----------------------------------------------------------------------


def test_pay_deposit_creates_a_checkout_session_with_everything_stripe_needs(
    client, stripe, buyer, accepted
):
    response = start_deposit(client, buyer, accepted)
    payment = Payment.objects.get()
    assert response.status_code == 302 and response.url == payment.checkout_url
    assert response.url.startswith("https://checkout.stripe.test/c/pay/cs_test_")
    assert (payment.kind, payment.amount_cents, payment.status) == ("deposit", 12000, "pending")

    method, path, params, headers = stripe.requests[-1]
    assert (method, path) == ("POST", "/v1/checkout/sessions")
    assert headers["Idempotency-Key"] == f"checkout-{payment.public_id}"
    item = params["line_items"][0]
    assert item["price_data"]["unit_amount"] == "12000" and item["price_data"]["currency"] == "eur"
    assert "Stacking ring" in item["price_data"]["product_data"]["name"]
    assert accepted.reference in item["price_data"]["product_data"]["description"]
    assert params["metadata"]["payment_id"] == str(payment.public_id)
    assert params["payment_intent_data"]["metadata"]["payment_id"] == str(payment.public_id)
    assert params["client_reference_id"] == accepted.reference
    assert params["success_url"].endswith(
        f"/payments/{payment.public_id}/return/?session_id={{CHECKOUT_SESSION_ID}}"
    )
    assert params["cancel_url"].endswith(f"{accepted.get_absolute_url()}?payment=cancelled")
    assert 23 * 3600 < int(params["expires_at"]) - time.time() <= 24 * 3600


def test_pressing_pay_again_hands_back_the_same_session(client, stripe, buyer, accepted):
    first = start_deposit(client, buyer, accepted).url
    assert start_deposit(client, buyer, accepted).url == first
    assert len(stripe.sessions) == 1 and Payment.objects.count() == 1


def test_paying_after_the_session_expired_starts_a_new_one(client, stripe, buyer, accepted):
    first = start_deposit(client, buyer, accepted).url
    Payment.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    second = start_deposit(client, buyer, accepted).url
    assert second != first and len(stripe.sessions) == 2
    assert list(Payment.objects.order_by("id").values_list("status", flat=True)) == [
        "expired",
        "pending",
    ]


def test_a_failed_call_to_stripe_charges_nothing_and_a_retry_uses_the_same_key(
    client, stripe, buyer, accepted
):
    stripe.fail_next = 3  # more than the library's own retries
    response = start_deposit(client, buyer, accepted)
    assert response.url == accepted.get_absolute_url()
    assert "could not reach the payment provider" in client.get(response.url).content.decode()
    payment = Payment.objects.get()
    assert payment.checkout_session_id is None
    start_deposit(client, buyer, accepted)
    keys = {h["Idempotency-Key"] for *_, h in stripe.requests}
    assert keys == {f"checkout-{payment.public_id}"} and len(stripe.sessions) == 1


def test_only_the_buyer_pays_and_only_what_is_due(client, stripe, buyer, maker, quoted):
    client.force_login(buyer)
    response = client.post(
        reverse("commissions:pay", args=[quoted.reference, "deposit"]), follow=True
    )
    assert "no deposit to pay at this point" in response.content.decode()
    services.quote_accept(commission=quoted, by=buyer)
    client.force_login(maker.user)
    response = client.post(
        reverse("commissions:pay", args=[quoted.reference, "deposit"]), follow=True
    )
    assert "Only the buyer pays" in response.content.decode()
    assert not Payment.objects.exists() and not stripe.requests


# --- Confirmation: the webhook and the return page --------------------------------------------


def test_the_webhook_confirms_the_deposit_and_work_starts(
    client, stripe, buyer, maker, accepted, now_on_commit
):
    start_deposit(client, buyer, accepted)
    payment = Payment.objects.get()
    with now_on_commit():
        response = deliver(client, stripe.pay(payment.checkout_session_id))
    assert response.status_code == 200 and response.json()["duplicate"] is False
    payment.refresh_from_db()
    accepted.refresh_from_db()
    assert payment.status == "paid" and payment.payment_intent_id.startswith("pi_test_")
    assert accepted.status == Status.IN_PROGRESS
    assert accepted.log.last().role == "system" and "€120.00" in accepted.log.last().note
    assert set(
        OutboxEmail.objects.filter(template="deposit_received").values_list("to", flat=True)
    ) == {buyer.email, maker.user.email}
    assert StripeEvent.objects.get().outcome == "paid"


def test_the_return_page_turns_to_paid_by_itself(client, stripe, buyer, accepted, now_on_commit):
    start_deposit(client, buyer, accepted)
    payment = Payment.objects.get()
    page = client.get(reverse("payments:return", args=[payment.public_id])).content.decode()
    assert "Payment processing" in page and 'hx-trigger="every 2s"' in page

    stripe.pay(payment.checkout_session_id)  # paid at Stripe; the webhook is late
    status = client.get(
        reverse("payments:status", args=[payment.public_id]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Paid — thank you" in status and "hx-trigger" not in status
    accepted.refresh_from_db()
    assert accepted.status == Status.IN_PROGRESS

    # The webhook arrives afterwards: acknowledged, and it changes nothing.
    with now_on_commit():
        deliver(client, stripe.events[-1])
    assert StripeEvent.objects.get().outcome == "already paid"
    assert accepted.log.filter(to_status=Status.IN_PROGRESS).count() == 1


def test_another_buyer_cannot_see_the_return_page(client, stripe, buyer, other_buyer, accepted):
    start_deposit(client, buyer, accepted)
    payment = Payment.objects.get()
    client.force_login(other_buyer)
    assert client.get(reverse("payments:return", args=[payment.public_id])).status_code == 404


def test_a_waitlisted_commission_waits_for_its_slot_once_the_deposit_is_paid(
    client, stripe, buyer, other_buyer, maker, request_for, now_on_commit
):
    maker.capacity = 1
    maker.save()
    first, second = request_for(other_buyer), request_for(buyer)
    for commission, who in ((first, other_buyer), (second, buyer)):
        services.quote_send(
            commission=commission,
            by=maker.user,
            price_cents=20000,
            deposit_cents=5000,
            estimated_weeks=2,
            milestones=[],
            revision_rounds=0,
            valid_until=timezone.localdate(),
        )
        services.quote_accept(commission=commission, by=who)
    for commission, who in ((first, other_buyer), (second, buyer)):
        start_deposit(client, who, commission)
        with now_on_commit():
            payment = Payment.objects.get(commission=commission)
            deliver(client, stripe.pay(payment.checkout_session_id))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.slot) == (Status.IN_PROGRESS, "bench")
    assert (second.status, second.slot) == (Status.SCHEDULED, "waitlist")
    client.force_login(maker.user)
    client.post(reverse("commissions:finish", args=[first.reference]), {"photos": finished_photo()})
    second.refresh_from_db()
    assert (second.status, second.slot) == (Status.IN_PROGRESS, "bench")
    assert OutboxEmail.objects.filter(template="slot_ready", to=buyer.email).exists()


# --- Signatures ------------------------------------------------------------------------------------


def _event(stripe, client, buyer, accepted) -> dict:
    start_deposit(client, buyer, accepted)
    return stripe.pay(Payment.objects.get().checkout_session_id)


@pytest.mark.parametrize("how", ["missing", "wrong secret", "expired", "tampered", "garbage"])
def test_a_bad_signature_is_refused_and_nothing_is_stored(client, stripe, buyer, accepted, how):
    event = _event(stripe, client, buyer, accepted)
    if how == "missing":
        response = deliver(client, event, header=None)
    elif how == "wrong secret":
        response = deliver(client, event, secret="whsec_someone_else")
    elif how == "expired":
        response = deliver(client, event, timestamp=int(time.time()) - 600)
    elif how == "tampered":
        good = sign(json.dumps(event).encode(), SECRET)
        event["data"]["object"]["amount_total"] = 1
        response = deliver(client, event, header=good)
    else:
        response = deliver(client, event, header="t=1,v1=deadbeef")
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()
    assert Payment.objects.get().status == "pending"


def test_a_replayed_event_is_acknowledged_and_applied_once(
    client, stripe, buyer, accepted, now_on_commit
):
    event = _event(stripe, client, buyer, accepted)
    payload = json.dumps(event).encode()
    header = sign(payload, SECRET)
    with now_on_commit():
        first = client.post(
            WEBHOOK, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
        )
        again = client.post(
            WEBHOOK, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
        )
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == {"received": event["id"], "duplicate": True}
    stored = StripeEvent.objects.get()
    assert (stored.attempts, stored.outcome) == (1, "paid")
    assert OutboxEmail.objects.filter(template="deposit_received").count() == 2


def test_events_we_do_not_handle_are_acknowledged_and_not_stored(client, db, stripe):
    response = deliver(client, stripe.event("customer.created", {"id": "cus_1"}))
    assert response.status_code == 200 and response.json() == {"ignored": "customer.created"}
    assert not StripeEvent.objects.exists()


# --- Out of order, late, asynchronous ------------------------------------------------------------


def test_a_bank_debit_is_processing_until_it_succeeds(
    client, stripe, buyer, accepted, now_on_commit
):
    start_deposit(client, buyer, accepted)
    payment = Payment.objects.get()
    with now_on_commit():
        deliver(client, stripe.pay(payment.checkout_session_id, async_payment=True))
    payment.refresh_from_db()
    assert payment.status == "processing"
    html = client.get(accepted.get_absolute_url()).content.decode()
    assert "Payment processing" in html and "Pay the deposit" not in html
    session = dict(stripe.sessions[payment.checkout_session_id], payment_status="paid")
    with now_on_commit():
        deliver(client, stripe.event("checkout.session.async_payment_succeeded", session))
    payment.refresh_from_db()
    accepted.refresh_from_db()
    assert payment.status == "paid" and accepted.status == Status.IN_PROGRESS


def test_a_failed_bank_debit_tells_the_buyer_and_they_can_try_again(
    client, stripe, buyer, accepted, now_on_commit
):
    start_deposit(client, buyer, accepted)
    payment = Payment.objects.get()
    with now_on_commit():
        deliver(client, stripe.pay(payment.checkout_session_id, async_payment=True))
        deliver(
            client,
            stripe.event(
                "checkout.session.async_payment_failed",
                stripe.sessions[payment.checkout_session_id],
            ),
        )
    payment.refresh_from_db()
    assert payment.status == "failed"
    assert OutboxEmail.objects.filter(template="payment_failed", to=buyer.email).exists()
    assert "Pay the deposit" in client.get(accepted.get_absolute_url()).content.decode()
    assert start_deposit(client, buyer, accepted).url != payment.checkout_url


def test_completed_after_expired_still_pays_and_expired_after_paid_changes_nothing(
    client, stripe, buyer, accepted, now_on_commit
):
    start_deposit(client, buyer, accepted)
    payment = Payment.objects.get()
    session_id = payment.checkout_session_id
    completed = stripe.pay(session_id)
    expired = stripe.event(
        "checkout.session.expired", dict(stripe.sessions[session_id], status="expired")
    )
    with now_on_commit():
        deliver(client, expired)
        deliver(client, completed)
        deliver(client, expired | {"id": "evt_late_copy"})
    payment.refresh_from_db()
    accepted.refresh_from_db()
    assert payment.status == "paid" and accepted.status == Status.IN_PROGRESS
    assert StripeEvent.objects.get(id="evt_late_copy").outcome == "stays paid"


def test_a_refund_before_the_paid_event_is_never_undone_by_it(
    client, stripe, buyer, owner, accepted, now_on_commit
):
    start_deposit(client, buyer, accepted)
    payment = Payment.objects.get()
    completed = stripe.pay(payment.checkout_session_id)
    refund = stripe.dashboard_refund(completed["data"]["object"]["payment_intent"])
    with now_on_commit():
        deliver(client, stripe.charge_refunded(refund, 12000))
        deliver(client, completed)
    payment.refresh_from_db()
    accepted.refresh_from_db()
    assert payment.status == "refunded" and payment.refunds.get().status == "refund_succeeded"
    assert accepted.status == Status.AWAITING_DEPOSIT  # refunded money starts no work
    outcome = StripeEvent.objects.get(type="checkout.session.completed").outcome
    assert outcome == "refunded before it was confirmed"
    assert "refunded before its payment was confirmed" in payment.attention
    assert OutboxEmail.objects.filter(template="payment_attention", to=owner.email).exists()


def test_an_event_that_cannot_be_applied_stays_visible_with_its_error(
    client, db, stripe, now_on_commit
):
    broken = stripe.event("checkout.session.completed", {})
    broken["data"] = {}  # no object at all
    with now_on_commit():
        assert deliver(client, broken).status_code == 200
    stored = StripeEvent.objects.get()
    assert stored.processed_at is None and stored.attempts == events.MAX_ATTEMPTS
    assert stored.last_error == "Malformed: the event has no data.object."
    assert events.events_retry_unprocessed(now=timezone.now() + timedelta(hours=1)) == 0


def test_unapplied_events_are_picked_up_again(client, stripe, buyer, accepted):
    event = _event(stripe, client, buyer, accepted)
    deliver(client, event)  # stored; its task is lost with the rolled-back test transaction
    assert StripeEvent.objects.get().processed_at is None
    assert events_retry_unprocessed.apply().get() == 0  # too fresh to retry
    StripeEvent.objects.update(received_at=timezone.now() - timedelta(minutes=5))
    assert events.events_retry_unprocessed() == 1
    assert events.event_apply(event_id=event["id"]) == "paid"
    assert events.event_apply(event_id=event["id"]) == "already applied"


# --- Nothing missed: the catch-up from Stripe's Events API -----------------------------------------


def test_the_hourly_catch_up_applies_events_the_webhook_never_delivered(
    client, stripe, buyer, accepted, now_on_commit
):
    start_deposit(client, buyer, accepted)
    payment = Payment.objects.get()
    stripe.pay(payment.checkout_session_id)  # never delivered
    stripe.event("customer.created", {"id": "cus_1"})
    nothing_pending = {"checked": 0, "resent": 0}
    with now_on_commit():
        assert events_reconcile.apply().get() == {
            "listed": 1,
            "new": 1,
            "refunds": nothing_pending,
        }
    payment.refresh_from_db()
    assert payment.status == "paid" and StripeEvent.objects.get().source == "reconcile"
    with now_on_commit():
        assert events_reconcile.apply().get() == {
            "listed": 1,
            "new": 0,
            "refunds": nothing_pending,
        }
    _, path, params, _ = stripe.requests[-1]
    assert path == "/v1/events" and "checkout.session.completed" in params["types"]


def test_the_catch_up_command_takes_a_date_range_and_pages_through(
    client, stripe, buyer, request_for, maker, now_on_commit, capsys
):
    old = int((timezone.now() - timedelta(days=5)).timestamp())
    for i in range(120):
        stripe.event(
            "checkout.session.expired", {"id": f"cs_gone_{i}", "metadata": {}}, created=old + i
        )
    stripe.event("checkout.session.expired", {"id": "cs_recent", "metadata": {}})
    since = (timezone.now() - timedelta(days=6)).date().isoformat()
    until = (timezone.now() - timedelta(days=4)).date().isoformat()
    with now_on_commit():
        call_command("stripe_reconcile", since=since, until=until)
    assert StripeEvent.objects.count() == 120  # two pages of 100, and not the recent one
    assert "120 events listed, 120 new" in capsys.readouterr().out


# --- The balance -----------------------------------------------------------------------------------


def test_the_maker_finishes_the_buyer_pays_the_balance_and_it_is_ready_to_ship(
    client, stripe, buyer, maker, accepted, now_on_commit
):
    start_deposit(client, buyer, accepted)
    with now_on_commit():
        deliver(client, stripe.pay(Payment.objects.get().checkout_session_id))
    # The quote includes revisions: the buyer approves a proof before the piece is finished.
    proofs.proof_post(
        commission=accepted, by=maker.user, body="", images=[check_upload(finished_photo())]
    )
    proofs.proof_approve(commission=accepted, by=buyer, version=1)
    client.force_login(maker.user)
    client.post(
        reverse("commissions:finish", args=[accepted.reference]), {"photos": finished_photo()}
    )
    accepted.refresh_from_db()
    assert accepted.status == Status.AWAITING_BALANCE
    email = OutboxEmail.objects.get(template="balance_due")
    assert email.to == buyer.email and "€280.00" in email.subject

    client.force_login(buyer)
    response = client.post(reverse("commissions:pay", args=[accepted.reference, "balance"]))
    balance = Payment.objects.get(kind="balance")
    assert balance.amount_cents == 28000 and response.url == balance.checkout_url
    with now_on_commit():
        deliver(client, stripe.pay(balance.checkout_session_id))
    accepted.refresh_from_db()
    assert accepted.status == Status.READY_TO_SHIP
    assert OutboxEmail.objects.filter(template="balance_received").count() == 2
    html = client.get(accepted.get_absolute_url()).content.decode()
    assert "Paid in full" in html and "€280.00" in html and "€120.00" in html


# --- Refunds -----------------------------------------------------------------------------------------


def test_the_owner_cancels_and_every_paid_payment_is_refunded_once(
    client, stripe, buyer, maker, owner, accepted, now_on_commit
):
    stripe.refund_status = "pending"  # as card refunds usually answer at first
    start_deposit(client, buyer, accepted)
    deposit = Payment.objects.get()
    with now_on_commit():
        deliver(client, stripe.pay(deposit.checkout_session_id))
    client.force_login(owner)
    with now_on_commit():
        response = client.post(
            reverse("admin:commissions_commission_changelist"),
            {"action": "cancel", "_selected_action": [accepted.id]},
            follow=True,
        )
    assert "1 commission: Cancelled; what was paid is being refunded." in response.content.decode()
    accepted.refresh_from_db()
    refund = Payment.objects.get(kind="refund")
    assert accepted.status == Status.CANCELLED and refund.refund_id.startswith("re_test_")
    assert refund.amount_cents == 12000 and refund.status == "refund_pending"
    calls = [(p, h["Idempotency-Key"]) for m, p, _, h in stripe.requests if p == "/v1/refunds"]
    assert calls == [("/v1/refunds", f"refund-{refund.public_id}")]
    assert set(
        OutboxEmail.objects.filter(template="commission_cancelled").values_list("to", flat=True)
    ) == {buyer.email, maker.user.email}

    assert refund_send.apply(args=[refund.pk]).get() == "already sent"
    assert len([r for r in stripe.requests if r[1] == "/v1/refunds"]) == 1
    # Until Stripe says it succeeded, nobody is told the money is back.
    assert not OutboxEmail.objects.filter(template="refund_issued").exists()
    client.force_login(buyer)
    page = client.get(accepted.get_absolute_url()).content.decode()
    assert "Refund requested" in page and "Refund issued" not in page
    client.force_login(owner)

    stripe.refunds[refund.refund_id]["status"] = "succeeded"
    with now_on_commit():
        deliver(client, stripe.charge_refunded(stripe.refunds[refund.refund_id], 12000))
    deposit.refresh_from_db()
    refund.refresh_from_db()
    assert (deposit.status, refund.status) == ("refunded", "refund_succeeded")
    assert OutboxEmail.objects.get(template="refund_issued").to == buyer.email
    html = client.get(reverse("admin:commissions_payment_changelist")).content.decode()
    assert "€120.00" in html
    # The payment's page in the office: its refund in words, no raw cents, nothing to delete.
    html = client.get(
        reverse("admin:commissions_payment_change", args=[deposit.pk])
    ).content.decode()
    assert f"Deposit €120.00 for {accepted.reference} (refunded)" in html
    assert f"Refund €120.00 for {accepted.reference} (refund issued)" in html
    assert "Amount cents" not in html and "refund_succeeded" not in html
    assert reverse("admin:commissions_payment_delete", args=[deposit.pk]) not in html
    assert (
        client.get(reverse("admin:commissions_payment_delete", args=[deposit.pk])).status_code
        == 403
    )


def test_money_paid_after_the_buyer_withdrew_goes_straight_back(
    client, stripe, buyer, accepted, now_on_commit
):
    start_deposit(client, buyer, accepted)
    payment = Payment.objects.get()
    services.commission_withdraw(commission=accepted, by=buyer)
    with now_on_commit():
        deliver(client, stripe.pay(payment.checkout_session_id))
    payment.refresh_from_db()
    refund = payment.refunds.get()
    assert payment.status == "refunded" and refund.refund_id.startswith("re_test_")
    assert refund.status == "refund_succeeded"  # Stripe's answer is applied at once
    assert Commission.objects.get().status == Status.WITHDRAWN
    assert StripeEvent.objects.get().outcome == "refunded: commission withdrawn"


def test_payments_start_outside_any_open_session_twice_only_once(stripe, buyer, accepted):
    first = payments.payment_start(commission=accepted, by=buyer, kind="deposit")
    second = payments.payment_start(commission=accepted, by=buyer, kind="deposit")
    assert first.pk == second.pk and len(stripe.sessions) == 1


def test_the_owner_sees_money_with_its_symbol_everywhere_in_the_admin(client, owner, accepted):
    client.force_login(owner)
    html = client.get(reverse("admin:commissions_quote_changelist")).content.decode()
    assert "€400.00" in html and "€120.00" in html
    html = client.get(
        reverse("admin:commissions_commission_change", args=[accepted.pk])
    ).content.decode()
    assert "€180.00" in html and "€280.00" in html  # the listed price, the quote's balance
    for model in ("commission", "quote", "payment", "stripeevent", "message"):
        assert (
            client.get(reverse(f"admin:commissions_{model}_changelist"), {"q": "x"}).status_code
            == 200
        )
