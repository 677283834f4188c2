"""From the bench to the buyer's hands: the address (given with the balance at Stripe
Checkout, on the local test page, or on the delivery page, a gift or a pick-up), shipping
with carrier and tracking, and the arrival (the buyer says so, or the shop takes it as
arrived 14 days after shipping, once).

Stripe is the local stand-in, driven through the real `stripe` library; its events are
signed with Stripe's scheme and go through the real webhook."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from commissions.journal import proofs
from commissions.models import Commission, Status
from commissions.payments.models import Payment
from commissions.shipping import carriers
from commissions.shipping import services as shipping
from commissions.shipping.models import Delivery
from commissions.tasks import deliveries_confirm_overdue
from commissions.workflow import NotAllowed
from shop.images.pipeline import check_upload
from shop.notifications.models import OutboxEmail
from tests.commissions.test_payments import deliver, finished_photo, start_deposit

ADDRESS = {
    "name": "Ada Lovelace",
    "address": {
        "line1": "12 Rue des Lilas",
        "line2": None,
        "city": "Lyon",
        "postal_code": "69003",
        "state": None,
        "country": "FR",
    },
}
GIFT = {
    "method": "post",
    "gift": "on",
    "name": "Grace Hopper",
    "line1": "3 Harbour Lane",
    "line2": "",
    "city": "Galway",
    "postal_code": "H91",
    "region": "",
    "country": "IE",
}


def _finish(client, buyer, maker, commission):
    """The design approved (the quote includes revisions), the piece finished with its
    photo: the balance is due."""
    proofs.proof_post(
        commission=commission, by=maker.user, body="", images=[check_upload(finished_photo())]
    )
    proofs.proof_approve(commission=commission, by=buyer, version=1)
    client.force_login(maker.user)
    client.post(
        reverse("commissions:finish", args=[commission.reference]), {"photos": finished_photo()}
    )


def _finished(client, stripe, buyer, maker, commission, now_on_commit):
    """Deposit paid, the piece finished: the balance is due."""
    start_deposit(client, buyer, commission)
    with now_on_commit():
        deliver(client, stripe.pay(Payment.objects.get().checkout_session_id))
    _finish(client, buyer, maker, commission)
    commission.refresh_from_db()
    assert commission.status == Status.AWAITING_BALANCE
    client.force_login(buyer)


def _pay_balance(client, stripe, commission, now_on_commit, **paid):
    client.post(reverse("commissions:pay", args=[commission.reference, "balance"]))
    balance = Payment.objects.get(kind="balance")
    with now_on_commit():
        deliver(client, stripe.pay(balance.checkout_session_id, **paid))
    commission.refresh_from_db()
    return balance


@pytest.fixture
def finished(client, stripe, buyer, maker, accepted, now_on_commit):
    _finished(client, stripe, buyer, maker, accepted, now_on_commit)
    return accepted


# --- The address ---------------------------------------------------------------------------


def test_the_balance_checkout_asks_for_the_address_and_the_deposit_does_not(
    client, stripe, buyer, finished, now_on_commit
):
    deposit_params = stripe.requests[0][2]
    assert "shipping_address_collection" not in deposit_params
    _pay_balance(client, stripe, finished, now_on_commit, shipping=ADDRESS)
    params = next(
        p
        for m, path, p, _ in stripe.requests
        if path == "/v1/checkout/sessions" and m == "POST"
        if p["metadata"]["kind"] == "balance"
    )
    countries = params["shipping_address_collection"]["allowed_countries"]
    assert "FR" in countries and "US" in countries


@pytest.mark.parametrize("shape", ["current", "shipping_details", "shipping"])
def test_the_address_typed_at_checkout_is_kept_in_every_shape_stripe_sends(
    client, stripe, buyer, finished, now_on_commit, shape
):
    _pay_balance(client, stripe, finished, now_on_commit, shipping=ADDRESS, shape=shape)
    assert finished.status == Status.READY_TO_SHIP
    delivery = Delivery.objects.get(commission=finished)
    assert (delivery.source, delivery.method) == ("checkout", "post")
    assert delivery.address_lines == ["Ada Lovelace", "12 Rue des Lilas", "69003 Lyon", "FR"]


def test_a_hostile_address_is_cut_to_its_columns_and_kept_as_text(
    client, stripe, buyer, maker, finished, now_on_commit
):
    hostile = {
        "name": '<img src=x onerror="alert(1)">',
        "address": {"line1": "1 Main St\x00", "city": "x" * 5000, "country": "fr"},
    }
    _pay_balance(client, stripe, finished, now_on_commit, shipping=hostile)
    assert finished.status == Status.READY_TO_SHIP  # paid, whatever the address was
    # An over-long city is not an address: nothing was kept, and the maker asks.
    assert not Delivery.objects.filter(commission=finished, line1__gt="").exists()
    client.force_login(maker.user)
    page = client.get(reverse("commissions:ship", args=[finished.reference])).content.decode()
    assert "No address was given" in page


def test_the_maker_sees_the_address_only_once_the_piece_is_paid_for(
    client, stripe, buyer, maker, other_buyer, other_maker, finished, now_on_commit
):
    client.post(reverse("commissions:delivery", args=[finished.reference]), GIFT)
    client.force_login(maker.user)
    assert "3 Harbour Lane" not in client.get(finished.get_absolute_url()).content.decode()
    client.force_login(buyer)
    assert "3 Harbour Lane" in client.get(finished.get_absolute_url()).content.decode()
    _pay_balance(client, stripe, finished, now_on_commit)
    client.force_login(maker.user)
    html = client.get(finished.get_absolute_url()).content.decode()
    assert "3 Harbour Lane" in html and "A gift" in html
    for stranger in (other_buyer, other_maker.user):
        client.force_login(stranger)
        assert client.get(finished.get_absolute_url()).status_code == 404


def test_an_address_given_before_paying_is_not_asked_again_or_overwritten(
    client, stripe, buyer, finished, now_on_commit
):
    response = client.post(reverse("commissions:delivery", args=[finished.reference]), GIFT)
    assert response.status_code == 302
    balance = _pay_balance(client, stripe, finished, now_on_commit, shipping=ADDRESS)
    assert "shipping_address_collection" not in balance.checkout_params
    delivery = Delivery.objects.get(commission=finished)
    assert (delivery.name, delivery.city, delivery.gift, delivery.source) == (
        "Grace Hopper",
        "Galway",
        True,
        "buyer",
    )


def test_a_half_address_or_a_gift_without_one_is_refused_with_what_to_do(client, buyer, finished):
    url = reverse("commissions:delivery", args=[finished.reference])
    page = client.post(url, {**GIFT, "line1": "", "city": ""}).content.decode()
    assert "For a gift, give the name and address" in page and "Grace Hopper" in page
    page = client.post(url, {**GIFT, "gift": "", "city": ""}).content.decode()
    assert "Give the whole address" in page
    assert not Delivery.objects.exists()


def test_pick_up_only_when_the_maker_offers_it_and_then_no_address_is_asked(
    client, stripe, buyer, maker, finished, now_on_commit
):
    url = reverse("commissions:delivery", args=[finished.reference])
    page = client.post(url, {"method": "pickup"}).content.decode()
    assert "Select a valid choice" in page and not Delivery.objects.exists()
    maker.offers_pickup, maker.workshop_address = True, "Atelier Mara\n4 Quai du Rhône, Lyon"
    maker.save()
    assert client.post(url, {"method": "pickup"}).status_code == 302
    balance = _pay_balance(client, stripe, finished, now_on_commit)
    assert "shipping_address_collection" not in balance.checkout_params
    html = client.get(finished.get_absolute_url()).content.decode()
    assert "4 Quai du Rhône" in html and "You collect it" in html


def test_the_local_test_page_collects_the_address_as_stripe_does(
    client, buyer, maker, accepted, settings, now_on_commit
):
    settings.PAYMENTS = "test"
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    client.force_login(buyer)
    with now_on_commit():
        pay = client.post(reverse("commissions:pay", args=[accepted.reference, "deposit"]))
        page = client.get(pay.url).content.decode()
        assert "Delivery address" not in page
        client.post(pay.url, {"action": "pay"})
    _finish(client, buyer, maker, accepted)
    client.force_login(buyer)
    pay = client.post(reverse("commissions:pay", args=[accepted.reference, "balance"]))
    page = client.get(pay.url).content.decode()
    assert "Delivery address" in page and 'autocomplete="shipping address-line1"' in page
    refused = client.post(pay.url, {"action": "pay", "ship-name": "Ada"})
    assert refused.status_code == 200 and "This field is required" in refused.content.decode()
    form = {f"ship-{k}": v for k, v in GIFT.items() if k not in ("method", "gift")}
    with now_on_commit():
        client.post(pay.url, {"action": "pay", **form})
    accepted.refresh_from_db()
    assert accepted.status == Status.READY_TO_SHIP
    delivery = Delivery.objects.get(commission=accepted)
    assert (delivery.source, delivery.city, delivery.country) == ("checkout", "Galway", "IE")


# --- Shipping ------------------------------------------------------------------------------


@pytest.fixture
def paid(client, stripe, buyer, finished, now_on_commit):
    _pay_balance(client, stripe, finished, now_on_commit, shipping=ADDRESS)
    assert finished.status == Status.READY_TO_SHIP
    return finished


def test_the_maker_ships_with_carrier_and_tracking_and_the_buyer_can_follow_it(
    client, buyer, maker, paid
):
    client.force_login(maker.user)
    url = reverse("commissions:ship", args=[paid.reference])
    page = client.get(url).content.decode()
    assert "12 Rue des Lilas" in page and "Tracking number" in page
    response = client.post(
        url,
        {"carrier": "laposte", "tracking_number": "6A 1234 5678 9", "note": "Wear it well."},
    )
    assert response.status_code == 302
    paid.refresh_from_db()
    delivery = paid.delivery
    assert paid.status == Status.SHIPPED and delivery.shipped_at is not None
    link = "https://www.laposte.fr/outils/suivre-vos-envois?code=6A123456789"
    assert delivery.tracking_url == link
    email = OutboxEmail.objects.get(template="shipped")
    assert email.to == buyer.email
    assert "La Poste" in email.body_text and link in email.body_text
    client.force_login(buyer)
    html = client.get(paid.get_absolute_url()).content.decode()
    assert link in html and "Shipped with La Poste" in html
    # The note is the card in the parcel: the buyer reads it once it has arrived.
    assert "Wear it well." not in html


def test_a_hostile_tracking_number_is_refused_and_never_becomes_a_link(client, maker, paid):
    client.force_login(maker.user)
    url = reverse("commissions:ship", args=[paid.reference])
    for number in ('"><script>x</script>', "1234/../../evil", "javascript:alert(1)"):
        page = client.post(url, {"carrier": "dhl", "tracking_number": number}).content.decode()
        assert "A tracking number has 4 to 40" in page
    paid.refresh_from_db()
    assert paid.status == Status.READY_TO_SHIP
    assert carriers.tracking_url("dhl", "../x?y") == ""
    assert carriers.tracking_url("nobody", "ABCD1234") == ""


def test_only_the_maker_ships_and_only_once_paid_in_full(
    client, buyer, other_maker, maker, finished
):
    url = reverse("commissions:ship", args=[finished.reference])
    client.force_login(maker.user)
    assert client.post(url, {"carrier": "dhl"}).status_code == 302
    finished.refresh_from_db()
    assert finished.status == Status.AWAITING_BALANCE  # not paid in full: nothing moved
    client.force_login(buyer)
    client.post(url, {"carrier": "dhl"})
    client.force_login(other_maker.user)
    assert client.post(url, {"carrier": "dhl"}).status_code == 404
    with pytest.raises(NotAllowed):
        shipping.commission_ship(commission=finished, by=buyer, carrier="dhl")
    assert not OutboxEmail.objects.filter(template="shipped").exists()


def test_a_pick_up_is_marked_ready_to_collect_without_tracking(
    client, stripe, buyer, maker, finished, now_on_commit
):
    maker.offers_pickup = True
    maker.save()
    client.post(reverse("commissions:delivery", args=[finished.reference]), {"method": "pickup"})
    _pay_balance(client, stripe, finished, now_on_commit)
    client.force_login(maker.user)
    url = reverse("commissions:ship", args=[finished.reference])
    assert "Tracking number" not in client.get(url).content.decode()
    client.post(url, {"note": "See you Saturday."})
    email = OutboxEmail.objects.get(template="shipped")
    assert email.subject.startswith("Ready to collect")


# --- Arrival -------------------------------------------------------------------------------


@pytest.fixture
def shipped(client, maker, buyer, paid):
    client.force_login(maker.user)
    client.post(
        reverse("commissions:ship", args=[paid.reference]),
        {"carrier": "dhl", "tracking_number": "JD0123456789", "note": "Made with care."},
    )
    paid.refresh_from_db()
    assert paid.status == Status.SHIPPED
    client.force_login(buyer)
    return paid


def test_the_buyer_says_it_arrived_and_reads_the_makers_note(client, buyer, shipped):
    client.post(reverse("commissions:move", args=[shipped.reference, "confirm_delivery"]))
    shipped.refresh_from_db()
    assert shipped.status == Status.DELIVERED
    assert shipped.delivery.arrival == "buyer" and shipped.delivery.delivered_at
    assert OutboxEmail.objects.get(template="delivered").to == buyer.email
    assert OutboxEmail.objects.filter(template="delivered_maker").count() == 1
    html = client.get(shipped.get_absolute_url()).content.decode()
    assert "Made with care." in html


def test_after_14_days_it_is_taken_as_arrived_once(client, buyer, shipped):
    Delivery.objects.filter(commission=shipped).update(
        shipped_at=timezone.now() - timedelta(days=13, hours=23)
    )
    assert deliveries_confirm_overdue() == 0
    Delivery.objects.filter(commission=shipped).update(
        shipped_at=timezone.now() - timedelta(days=14, minutes=1)
    )
    assert deliveries_confirm_overdue() == 1
    assert deliveries_confirm_overdue() == 0
    shipped.refresh_from_db()
    assert shipped.status == Status.DELIVERED and shipped.delivery.arrival == "auto"
    assert OutboxEmail.objects.filter(template="delivered").count() == 1
    changes = shipped.log.filter(to_status=Status.DELIVERED)
    assert changes.count() == 1 and changes.get().role == "system"
    # The buyer's click after the shop's: a clear answer, nothing twice.
    client.post(reverse("commissions:move", args=[shipped.reference, "confirm_delivery"]))
    assert OutboxEmail.objects.filter(template="delivered").count() == 1


def test_the_address_cannot_change_once_shipped(client, buyer, shipped):
    url = reverse("commissions:delivery", args=[shipped.reference])
    assert client.post(url, GIFT).status_code == 302
    assert Delivery.objects.get(commission=shipped).city == "Lyon"
    with pytest.raises(NotAllowed):
        shipping.delivery_choose(commission=shipped, by=buyer, method="post", address=GIFT)


def test_nothing_holds_a_slot_once_delivered(shipped, maker):
    maker.refresh_from_db()
    assert maker.slots_taken == 0
    assert Commission.objects.get(pk=shipped.pk).slot in ("", "none")
