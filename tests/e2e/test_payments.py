"""Paying in a real browser, on the local test-payment page that stands in for Stripe's
checkout when no keys are configured (as on a fresh `make run`): the return page turns to
"paid" by itself, cancelling charges nothing, the balance follows the maker's "finished",
and the owner's cancellation in admin refunds what was paid."""

import re

import pytest
from playwright.sync_api import expect

from commissions import services
from commissions.models import Commission, Slot, Status
from commissions.payments.models import Payment
from shop.notifications.models import OutboxEmail
from tests.commissions import conftest as commission_fixtures
from tests.e2e.conftest import DESKTOP, PASSWORD, log_in
from tests.e2e.test_commissions import at, shot, status_badge
from tests.e2e.test_proofs import approve_a_proof, finish_with_a_photo

ring = commission_fixtures.ring
request_for = commission_fixtures.request_for
quoted = commission_fixtures.quoted

TEST_CHECKOUT = re.compile(r"/payments/test-checkout/cs_local_\w+/$")
RETURN_PAGE = re.compile(r"/payments/[0-9a-f-]{36}/return/\?session_id=cs_local_\w+$")


@pytest.fixture
def accepted(quoted, buyer):
    """Quoted €400 with a €120 deposit, accepted: awaiting the deposit."""
    services.quote_accept(commission=quoted, by=buyer)
    quoted.refresh_from_db()
    return quoted


@pytest.fixture(autouse=True)
def _test_payments_on_this_server(settings, live_server):
    """Test payments, as on a fresh `make run`; Checkout comes back to this live server."""
    settings.PAYMENTS = "test"
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
    settings.SITE_URL = live_server.url


def test_the_buyer_pays_the_deposit_and_the_waiting_page_turns_to_paid_by_itself(
    page, accepted, buyer
):
    log_in(page, buyer)
    page.goto(accepted.get_absolute_url())
    page.get_by_role("button", name="Pay the deposit of €120.00").click()

    expect(page).to_have_url(TEST_CHECKOUT)
    expect(page.get_by_role("note")).to_contain_text("Test payment — no money moves")
    expect(page.locator(".price--big")).to_have_text("€120.00")
    shot(page, "test-checkout")
    payment = Payment.objects.get(commission=accepted)

    # The page the buyer comes back to, opened before the payment is made: it waits.
    waiting = page.context.new_page()
    waiting.screens = page.screens
    waiting.goto(f"/payments/{payment.public_id}/return/")
    expect(waiting.locator("#payment-status h1")).to_have_text("Payment processing…")
    shot(waiting, "return-processing")

    page.get_by_role("button", name="Pay €120.00 (test)").click()
    expect(page).to_have_url(RETURN_PAGE)
    expect(page.locator("#payment-status h1")).to_have_text("Paid — thank you")
    shot(page, "return-paid")

    # The waiting page was never reloaded: it polled and turned by itself.
    loads = []
    waiting.on("load", lambda _: loads.append(1))
    expect(waiting.locator("#payment-status h1")).to_have_text("Paid — thank you", timeout=8_000)
    expect(waiting.locator("#payment-status")).to_contain_text("€120.00 received")
    assert loads == [], "the page reloaded instead of updating in place"

    page.get_by_role("link", name="Back to your commission").click()
    expect(status_badge(page)).to_have_text("In progress")
    shot(page, "commission-in-progress")
    payment.refresh_from_db()
    accepted.refresh_from_db()
    assert (payment.status, payment.amount_cents) == (Payment.Status.PAID, 12000)
    assert accepted.status == Status.IN_PROGRESS
    assert OutboxEmail.objects.filter(to=buyer.email, template="deposit_received").count() == 1


def test_cancelling_the_test_payment_charges_nothing_and_the_button_stays(page, accepted, buyer):
    log_in(page, buyer)
    page.goto(accepted.get_absolute_url())
    page.get_by_role("button", name="Pay the deposit of €120.00").click()
    page.get_by_role("button", name="Cancel").click()

    expect(page).to_have_url(at(accepted.get_absolute_url()))
    expect(page.locator(".messages")).to_contain_text("Payment cancelled — nothing was charged")
    expect(status_badge(page)).to_have_text("Awaiting deposit")
    expect(page.get_by_role("button", name="Pay the deposit of €120.00")).to_be_visible()
    assert not Payment.objects.filter(commission=accepted, status=Payment.Status.PAID).exists()

    # Pressing it again reuses the same open checkout, not a second one.
    page.get_by_role("button", name="Pay the deposit of €120.00").click()
    expect(page).to_have_url(TEST_CHECKOUT)
    assert Payment.objects.filter(commission=accepted).count() == 1


def test_the_maker_marks_it_finished_and_the_buyer_pays_the_balance(
    page, open_as, accepted, buyer, maker
):
    log_in(page, buyer)
    page.goto(accepted.get_absolute_url())
    page.get_by_role("button", name="Pay the deposit of €120.00").click()
    page.get_by_role("button", name="Pay €120.00 (test)").click()
    expect(page.locator("#payment-status h1")).to_have_text("Paid — thank you")

    mara = open_as(maker.user, who="maker")
    mara.goto(accepted.get_absolute_url())
    expect(status_badge(mara)).to_have_text("In progress")
    # The quote includes revisions: the design is approved first (tests/e2e/test_proofs.py
    # tells that in the browser).
    approve_a_proof(accepted, maker, buyer)
    finish_with_a_photo(mara)
    expect(status_badge(mara)).to_have_text("Awaiting balance")
    shot(mara, "marked-finished")

    page.goto(accepted.get_absolute_url())
    expect(page.locator("main")).to_contain_text("Pay the balance of €280.00")
    shot(page, "balance-due")
    page.get_by_role("button", name="Pay the balance of €280.00").click()
    expect(page.locator(".price--big")).to_have_text("€280.00")
    # Like Stripe's page with the balance, the test page asks where the piece goes.
    page.get_by_role("button", name="Pay €280.00 (test)").click()
    expect(page.locator(".field__error").first).to_have_text("This field is required.")
    page.get_by_label("Full name").fill("Bea Buyer")
    page.get_by_label("Address", exact=True).fill("27 Rue des Tanneurs")
    page.get_by_label("Town or city").fill("Lyon")
    page.get_by_label("Country").select_option("FR")
    shot(page, "balance-address")
    page.get_by_role("button", name="Pay €280.00 (test)").click()
    expect(page.locator("#payment-status h1")).to_have_text("Paid — thank you")
    expect(page.locator("#payment-status")).to_contain_text("getting it ready to ship")
    page.get_by_role("link", name="Back to your commission").click()
    expect(status_badge(page)).to_have_text("Ready to ship")
    shot(page, "ready-to-ship")

    accepted.refresh_from_db()
    assert accepted.status == Status.READY_TO_SHIP
    assert accepted.delivery.address_lines == ["Bea Buyer", "27 Rue des Tanneurs", "Lyon", "FR"]
    assert sorted(
        Payment.objects.filter(commission=accepted, status=Payment.Status.PAID).values_list(
            "kind", "amount_cents"
        )
    ) == [("balance", 28000), ("deposit", 12000)]
    assert OutboxEmail.objects.filter(to=buyer.email, template="balance_due").count() == 1
    assert OutboxEmail.objects.filter(to=buyer.email, template="balance_received").count() == 1


def test_the_owner_cancels_a_paid_commission_in_admin_and_the_deposit_is_refunded(
    open_as, accepted, buyer, maker, django_user_model
):
    payment = services_pay_deposit(accepted)
    owner = django_user_model.objects.create_user(
        email="owner@example.test", password=PASSWORD, is_staff=True, is_superuser=True
    )
    admin = open_as(owner, who="owner", viewport=DESKTOP)
    admin.goto("/admin/commissions/commission/")
    row = admin.locator("#result_list tr").filter(has_text=accepted.reference)
    row.locator("input.action-select").check()
    admin.locator("select[name=action]").select_option(label="Cancel and refund")
    admin.get_by_role("button", name="Go").click()
    expect(admin.locator(".messagelist")).to_contain_text(
        "1 commission: Cancelled; what was paid is being refunded."
    )
    shot(admin, "admin-cancelled")

    admin.goto(f"/admin/commissions/payment/{payment.pk}/change/")
    expect(admin.locator("body")).to_contain_text("€120.00")
    shot(admin, "admin-payment-refunded")

    accepted.refresh_from_db()
    payment.refresh_from_db()
    refund = Payment.objects.get(refund_of=payment)
    assert accepted.status == Status.CANCELLED and accepted.slot == Slot.NONE
    assert (refund.kind, refund.amount_cents, refund.status) == (
        "refund",
        12000,
        "refund_succeeded",
    )
    assert payment.status == Payment.Status.REFUNDED
    assert OutboxEmail.objects.filter(to=buyer.email, template="refund_issued").count() == 1
    for person in (buyer.email, maker.user.email):
        assert OutboxEmail.objects.filter(to=person, template="commission_cancelled").exists()

    bea = open_as(buyer, who="buyer")
    bea.goto(accepted.get_absolute_url())
    expect(status_badge(bea)).to_have_text("Cancelled")
    shot(bea, "cancelled-refunded")


def services_pay_deposit(commission: Commission) -> Payment:
    """The deposit paid through the local test checkout, without a browser."""
    from commissions.payments import local
    from commissions.payments import services as payments
    from commissions.payments.models import TestCheckoutSession

    payment = payments.payment_start(
        commission=commission, by=commission.buyer, kind=Payment.Kind.DEPOSIT
    )
    local.test_checkout_pay(TestCheckoutSession.objects.get(payment=payment))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    return payment
