"""With no Stripe keys (a fresh machine), a clearly labelled local page stands in for
Stripe's checkout, and its events go through the same signed webhook code."""

from django.urls import reverse

from commissions import services
from commissions.models import Status
from commissions.payments.models import Payment, StripeEvent
from shop import stripe_gateway


def test_a_buyer_pays_the_deposit_on_the_local_test_page(
    client, buyer, quoted, settings, django_capture_on_commit_callbacks
):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    services.quote_accept(commission=quoted, by=buyer)
    client.force_login(buyer)
    html = client.get(quoted.get_absolute_url()).content.decode()
    assert "Pay the deposit of €120.00" in html and "a test page: no money moves" in html

    response = client.post(reverse("commissions:pay", args=[quoted.reference, "deposit"]))
    payment = Payment.objects.get()
    assert response.url == reverse("payments:test_checkout", args=[payment.checkout_session_id])
    page = client.get(response.url).content.decode()
    assert "Test payment — no money moves" in page and "€120.00" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(response.url, {"action": "pay"})
    assert response.url.startswith(reverse("payments:return", args=[payment.public_id]))
    assert "Paid — thank you" in client.get(response.url).content.decode()
    quoted.refresh_from_db()
    payment.refresh_from_db()
    assert payment.status == "paid" and quoted.status == Status.IN_PROGRESS
    event = StripeEvent.objects.get()
    assert (event.source, event.type, event.outcome) == (
        "local",
        "checkout.session.completed",
        "paid",
    )


def test_the_local_page_is_signed_like_stripe_and_refused_unsigned(client, db, settings):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    payload = b'{"id": "evt_x", "type": "checkout.session.completed", "data": {"object": {}}}'
    response = client.post(
        reverse("payments:webhook"),
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE="t=1,v1=00",
    )
    assert response.status_code == 400
    header = stripe_gateway.signature_header(payload)
    assert header.startswith("t=") and ",v1=" in header
    assert (
        client.post(
            reverse("payments:webhook"),
            payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=header,
        ).status_code
        == 200
    )


def test_cancel_on_the_local_page_charges_nothing(client, buyer, quoted, settings):
    settings.STRIPE_SECRET_KEY = ""
    services.quote_accept(commission=quoted, by=buyer)
    client.force_login(buyer)
    url = client.post(reverse("commissions:pay", args=[quoted.reference, "deposit"])).url
    response = client.post(url, {"action": "cancel"})
    assert response.url.endswith("?payment=cancelled")
    assert Payment.objects.get().status == "pending"


def test_a_cancelled_commission_is_refunded_locally_too(
    client, buyer, owner, quoted, settings, django_capture_on_commit_callbacks
):
    settings.STRIPE_SECRET_KEY = ""
    services.quote_accept(commission=quoted, by=buyer)
    client.force_login(buyer)
    url = client.post(reverse("commissions:pay", args=[quoted.reference, "deposit"])).url
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "pay"})
    with django_capture_on_commit_callbacks(execute=True):
        services.commission_cancel(commission=quoted, by=owner, reason="The maker fell ill.")
    deposit = Payment.objects.get(kind="deposit")
    assert deposit.status == "refunded" and deposit.refunds.get().status == "refund_succeeded"


def test_the_test_page_is_gone_once_stripe_is_configured(client, buyer, settings):
    client.force_login(buyer)
    settings.PAYMENTS, settings.STRIPE_SECRET_KEY = "stripe", "sk_live_configured"
    assert client.get(reverse("payments:test_checkout", args=["cs_local_x"])).status_code == 404
