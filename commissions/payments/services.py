"""Taking the deposit and the balance, confirming them exactly once, and giving money back.

Where a call to Stripe is needed it happens outside any open transaction, with an
idempotency key derived from our own row, so a retry never charges or refunds twice.
Money state on a payment only moves forwards (see Payment). Rows are locked in the same
order as everywhere else: the maker, the commission, then the payment.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from commissions import bench, workflow
from commissions import services as commission_services
from commissions.models import Commission, Quote, Status
from commissions.payments.models import Payment, TestCheckoutSession
from commissions.workflow import BUYER, NotAllowed
from makers.models import Maker
from shop import stripe_gateway as gateway
from shop.notifications.services import email_queue
from shop.queue import enqueue_on_commit

log = logging.getLogger(__name__)

# Stripe lets a Checkout Session live at most 24 hours; a minute less leaves room for clocks.
SESSION_LIFETIME = timedelta(hours=24) - timedelta(minutes=1)
# An open session this close to expiring is not handed out again: a new one is made.
SESSION_REUSE_MARGIN = timedelta(minutes=10)
REFUND_TASK = "commissions.payments.tasks.refund_send"

PAYABLE = {
    Payment.Kind.DEPOSIT: Status.AWAITING_DEPOSIT,
    Payment.Kind.BALANCE: Status.AWAITING_BALANCE,
}
SETTLED = (Payment.Status.PAID, Payment.Status.REFUNDED)


def _notify(commission: Commission, *, to: str, template: str, **context) -> None:
    url = settings.SITE_URL + commission.get_absolute_url()
    email_queue(
        to=to,
        template=template,
        context={
            "commission": commission,
            "url": url,
            "maker": commission.maker,
            "buyer": commission.buyer,
            **context,
        },
    )


def accepted_quote(commission: Commission) -> Quote | None:
    return commission.quotes.filter(status=Quote.Status.ACCEPTED).first()


def amount_due(commission: Commission, kind: str) -> int:
    quote = accepted_quote(commission)
    if quote is None:
        return 0
    return (
        quote.deposit_cents
        if kind == Payment.Kind.DEPOSIT
        else quote.price_cents - quote.deposit_cents
    )


def paid(commission: Commission, kind: str) -> Payment | None:
    return commission.payments.filter(kind=kind, status__in=SETTLED).first()


# --- Starting a payment -----------------------------------------------------------------------


def payment_start(*, commission: Commission, by, kind: str) -> Payment:
    """The buyer presses "Pay": hand back the open Checkout Session for this payment, or
    make a new one (an expired session is never reused)."""
    payment = _payment_for_checkout(commission=commission, by=by, kind=kind)
    if payment.checkout_url:
        return payment
    params = _checkout_params(payment)
    key = f"checkout-{payment.public_id}"
    if gateway.test_mode():
        session = _test_session_create(payment, params)
    else:
        session = gateway.checkout_session_create(params, idempotency_key=key)
    Payment.objects.filter(pk=payment.pk, checkout_session_id__isnull=True).update(
        checkout_session_id=session.id,
        checkout_url=session.url,
        expires_at=timezone.now() + SESSION_LIFETIME,
    )
    payment.refresh_from_db()
    return payment


@transaction.atomic
def _payment_for_checkout(*, commission: Commission, by, kind: str) -> Payment:
    commission = (
        Commission.objects.select_for_update(of=("self",))
        .select_related("maker", "buyer")
        .get(pk=commission.pk)
    )
    if workflow.role_of(by, commission) != BUYER:
        raise NotAllowed("Only the buyer pays for this commission.")
    if paid(commission, kind):
        raise NotAllowed(f"The {kind} is already paid. Thank you!")
    if commission.status != PAYABLE[kind]:
        raise NotAllowed(f"There is no {kind} to pay at this point.")
    amount = amount_due(commission, kind)
    if amount <= 0:
        raise NotAllowed(f"There is no {kind} to pay.")
    now = timezone.now()
    open_ = (
        commission.payments.filter(kind=kind, status=Payment.Status.PENDING)
        .order_by("-created_at")
        .first()
    )
    if open_ and (open_.expires_at is None or open_.expires_at > now + SESSION_REUSE_MARGIN):
        return open_  # the session in progress (or one whose creation failed: same key)
    if open_:
        Payment.objects.filter(pk=open_.pk, status=Payment.Status.PENDING).update(
            status=Payment.Status.EXPIRED
        )
    if commission.payments.filter(kind=kind, status=Payment.Status.PROCESSING).exists():
        raise NotAllowed("Your payment is still being processed by the bank; we will email you.")
    return Payment.objects.create(
        commission=commission, kind=kind, amount_cents=amount, currency=commission.currency
    )


def _checkout_params(payment: Payment) -> dict:
    commission = payment.commission
    what = "Deposit" if payment.kind == Payment.Kind.DEPOSIT else "Balance"
    metadata = {
        "payment_id": str(payment.public_id),
        "commission": commission.reference,
        "kind": payment.kind,
    }
    return_path = reverse("payments:return", args=[payment.public_id])
    return {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": payment.currency.lower(),
                    "unit_amount": payment.amount_cents,
                    "product_data": {
                        "name": f"{what} for “{commission.title}”",
                        "description": f"Commission {commission.reference} with "
                        f"{commission.maker.display_name}",
                    },
                },
            }
        ],
        "client_reference_id": commission.reference,
        "customer_email": commission.buyer.email,
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata},
        "success_url": settings.SITE_URL + return_path + "?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": settings.SITE_URL + commission.get_absolute_url() + "?payment=cancelled",
        "expires_at": int((timezone.now() + SESSION_LIFETIME).timestamp()),
    }


def _local(url: str, session_id: str) -> str:
    """A return address on this site, as a path (the local page serves whatever host the
    buyer is on), with the session id filled in as Stripe does."""
    path = url.removeprefix(settings.SITE_URL)
    return path.replace("{CHECKOUT_SESSION_ID}", session_id)


def _test_session_create(payment: Payment, params: dict) -> gateway.CheckoutSession:
    session_id = gateway.local_id("cs")
    session = TestCheckoutSession.objects.create(
        id=session_id,
        payment=payment,
        payment_intent=gateway.local_id("pi"),
        success_url=_local(params["success_url"], session_id),
        cancel_url=_local(params["cancel_url"], session_id),
        expires_at=timezone.now() + SESSION_LIFETIME,
    )
    return gateway.CheckoutSession(
        id=session.id,
        url=reverse("payments:test_checkout", args=[session.id]),
        payment_status="unpaid",
        status="open",
        payment_intent=None,
        expires_at=int(session.expires_at.timestamp()),
    )


def session_retrieve(session_id: str) -> gateway.CheckoutSession:
    if gateway.test_mode():
        s = TestCheckoutSession.objects.get(pk=session_id)
        return gateway.CheckoutSession(
            id=s.id,
            url="",
            payment_status=s.payment_status,
            status=s.status,
            payment_intent=s.payment_intent if s.payment_status == "paid" else None,
            expires_at=int(s.expires_at.timestamp()),
        )
    return gateway.checkout_session_retrieve(session_id)


def payment_sync(*, payment: Payment) -> Payment:
    """The return page asks Stripe how the session stands and applies what it learns with
    the same code as the webhook, whichever comes first."""
    if payment.status in SETTLED or not payment.checkout_session_id:
        return payment
    try:
        session = session_retrieve(payment.checkout_session_id)
    except (gateway.GatewayError, TestCheckoutSession.DoesNotExist) as e:
        log.warning("could not retrieve %s: %s", payment.checkout_session_id, e)
        return payment
    _apply_session(payment.pk, session.status, session.payment_status, session.payment_intent)
    payment.refresh_from_db()
    return payment


# --- Applying what Stripe tells us --------------------------------------------------------------


def _locked(payment_id: int) -> Payment:
    """Lock the maker, the commission and the payment, in that order."""
    row = Payment.objects.values("commission_id", "commission__maker_id").get(pk=payment_id)
    Maker.objects.select_for_update().get(pk=row["commission__maker_id"])
    Commission.objects.select_for_update().get(pk=row["commission_id"])
    return (
        Payment.objects.select_for_update(of=("self",))
        .select_related(
            "commission", "commission__maker", "commission__buyer", "commission__maker__user"
        )
        .get(pk=payment_id)
    )


@transaction.atomic
def _apply_session(payment_id: int, status: str, payment_status: str, intent: str | None) -> str:
    if payment_status == "paid":
        return fulfil(payment_id=payment_id, payment_intent=intent)
    if status == "complete":
        return payment_processing(payment_id=payment_id, payment_intent=intent)
    if status == "expired":
        return payment_expired(payment_id=payment_id)
    return "still open"


@transaction.atomic
def fulfil(*, payment_id: int, payment_intent: str | None) -> str:
    """The money arrived. Idempotent: the webhook, the return page and the catch-up may
    all call this for the same payment; only the first does anything."""
    payment = _locked(payment_id)
    if payment.status in SETTLED:
        return "already paid"
    commission = payment.commission
    payment.status, payment.paid_at = Payment.Status.PAID, timezone.now()
    payment.payment_intent_id = payment_intent or payment.payment_intent_id
    payment.save(update_fields=["status", "paid_at", "payment_intent_id"])
    others = commission.payments.filter(kind=payment.kind, status__in=SETTLED).exclude(
        pk=payment.pk
    )
    if others.exists():
        # Paid twice for one thing (two sessions open at once): give this one back.
        refund_start(payment=payment, reason="A second payment for the same thing.")
        return "duplicate payment refunded"
    expected = PAYABLE[payment.kind]
    if commission.status != expected:
        # The commission moved on without it (withdrawn, cancelled): give it back.
        refund_start(payment=payment, reason=f"Paid while the commission was {commission.status}.")
        return f"refunded: commission {commission.status}"
    if payment.kind == Payment.Kind.DEPOSIT:
        # Work starts, or waits on the waitlist for a free slot.
        bench.bench_take(commission=commission, note=f"Deposit {payment.amount} paid.")
        for to in (commission.buyer.email, commission.maker.user.email):
            _notify(commission, to=to, template="deposit_received", payment=payment)
    else:
        workflow.advance(
            commission, "balance_paid", by=None, note=f"Balance {payment.amount} paid."
        )
        for to in (commission.buyer.email, commission.maker.user.email):
            _notify(commission, to=to, template="balance_received", payment=payment)
    return "paid"


@transaction.atomic
def payment_processing(*, payment_id: int, payment_intent: str | None) -> str:
    """Checkout finished but the money is on its way (a bank debit): wait for it."""
    payment = _locked(payment_id)
    if payment.status != Payment.Status.PENDING:
        return f"stays {payment.status}"
    payment.status = Payment.Status.PROCESSING
    payment.payment_intent_id = payment_intent or payment.payment_intent_id
    payment.save(update_fields=["status", "payment_intent_id"])
    return "processing"


@transaction.atomic
def payment_failed(*, payment_id: int, reason: str = "") -> str:
    payment = _locked(payment_id)
    if payment.status not in (Payment.Status.PENDING, Payment.Status.PROCESSING):
        return f"stays {payment.status}"
    payment.status, payment.failure_reason = Payment.Status.FAILED, reason
    payment.save(update_fields=["status", "failure_reason"])
    _notify(
        payment.commission,
        to=payment.commission.buyer.email,
        template="payment_failed",
        payment=payment,
    )
    return "failed"


@transaction.atomic
def payment_expired(*, payment_id: int) -> str:
    payment = _locked(payment_id)
    if payment.status != Payment.Status.PENDING:
        return f"stays {payment.status}"
    payment.status = Payment.Status.EXPIRED
    payment.save(update_fields=["status"])
    return "expired"


# --- Refunds ----------------------------------------------------------------------------------------


def refund_start(*, payment: Payment, reason: str) -> Payment | None:
    """Ask for the whole of a paid payment back; Stripe is called by a task after commit
    (retried with backoff), with an idempotency key, so it is refunded once."""
    if payment.status != Payment.Status.PAID or payment.refunds.exists():
        return None
    refund = Payment.objects.create(
        commission=payment.commission,
        kind=Payment.Kind.REFUND,
        refund_of=payment,
        amount_cents=payment.amount_cents,
        currency=payment.currency,
        status=Payment.Status.REFUND_PENDING,
        failure_reason=reason,
    )
    enqueue_on_commit(REFUND_TASK, refund.pk)
    return refund


def refunds_for(commission: Commission, *, reason: str) -> list[Payment]:
    """Every paid payment of the commission, refunded (the owner cancelled it)."""
    refunds = []
    for payment in commission.payments.filter(status=Payment.Status.PAID).exclude(
        kind=Payment.Kind.REFUND
    ):
        refund = refund_start(payment=payment, reason=reason)
        if refund:
            refunds.append(refund)
    return refunds


def refund_send(*, refund_id: int) -> str:
    """Call Stripe for one refund row (a task; safe to run twice)."""
    refund = Payment.objects.select_related("refund_of", "commission").get(pk=refund_id)
    if refund.refund_id or refund.status != Payment.Status.REFUND_PENDING:
        return "already sent"
    original = refund.refund_of
    metadata = {
        "refund_payment_id": str(refund.public_id),
        "payment_id": str(original.public_id),
        "commission": refund.commission.reference,
    }
    if gateway.test_mode():
        from commissions.payments.local import local_refund

        result = local_refund(refund, metadata)
    else:
        result = gateway.refund_create(
            payment_intent=original.payment_intent_id,
            amount=refund.amount_cents,
            idempotency_key=f"refund-{refund.public_id}",
            metadata=metadata,
        )
    Payment.objects.filter(pk=refund.pk, refund_id="").update(refund_id=result["id"])
    return result["status"]


@transaction.atomic
def refund_confirmed(
    *, refund_stripe_id: str, payment_intent: str | None, amount: int, metadata: dict, status: str
) -> str:
    """Stripe says a refund succeeded (or failed). Finds our refund row by its Stripe id
    or metadata, records a refund made elsewhere (the Stripe dashboard) as a new row, and
    marks the original payment refunded once all of it is back — even if its own paid
    event has not been applied yet: money state never goes backwards."""
    original = _payment_from(metadata, payment_intent)
    if original is None:
        return "unknown payment"
    original = _locked(original.pk)
    refund = (
        Payment.objects.filter(kind=Payment.Kind.REFUND, refund_id=refund_stripe_id).first()
        or Payment.objects.filter(
            kind=Payment.Kind.REFUND, public_id=metadata.get("refund_payment_id") or None
        ).first()
    )
    if refund is None:
        refund = Payment.objects.create(
            commission=original.commission,
            kind=Payment.Kind.REFUND,
            refund_of=original,
            amount_cents=amount,
            currency=original.currency,
            refund_id=refund_stripe_id,
            status=Payment.Status.REFUND_PENDING,
            failure_reason="Refunded outside the shop.",
        )
    if refund.status != Payment.Status.REFUND_PENDING:
        return f"refund already {refund.status}"
    if status in ("failed", "canceled"):
        refund.status = Payment.Status.REFUND_FAILED
        refund.save(update_fields=["status"])
        return "refund failed"
    if status != "succeeded":
        return f"refund {status}"
    refund.status, refund.refunded_at = Payment.Status.REFUND_SUCCEEDED, timezone.now()
    refund.refund_id = refund.refund_id or refund_stripe_id
    refund.save(update_fields=["status", "refunded_at", "refund_id"])
    back = sum(
        original.refunds.filter(status=Payment.Status.REFUND_SUCCEEDED).values_list(
            "amount_cents", flat=True
        )
    )
    if back >= original.amount_cents and original.status != Payment.Status.REFUNDED:
        original.status = Payment.Status.REFUNDED
        original.paid_at = original.paid_at or timezone.now()
        original.refunded_at = timezone.now()
        original.payment_intent_id = original.payment_intent_id or (payment_intent or "")
        original.save(update_fields=["status", "paid_at", "refunded_at", "payment_intent_id"])
    _notify(
        original.commission,
        to=original.commission.buyer.email,
        template="refund_issued",
        payment=refund,
    )
    return "refunded"


def _payment_from(metadata: dict, payment_intent: str | None) -> Payment | None:
    public_id = (metadata or {}).get("payment_id")
    if public_id:
        payment = (
            Payment.objects.filter(public_id=public_id).exclude(kind=Payment.Kind.REFUND).first()
        )
        if payment:
            return payment
    if payment_intent:
        return (
            Payment.objects.filter(payment_intent_id=payment_intent)
            .exclude(kind=Payment.Kind.REFUND)
            .first()
        )
    return None


def payment_for_session(session: dict) -> Payment | None:
    payment = _payment_from(session.get("metadata") or {}, None)
    return payment or Payment.objects.filter(checkout_session_id=session.get("id")).first()


# --- The maker finishes the piece -------------------------------------------------------------


@transaction.atomic
def commission_mark_finished(*, commission: Commission, by) -> Commission:
    """The maker says the piece is done: its slot goes to the next in the queue, and the
    buyer is asked for the balance (or, if the deposit was the whole price, it is ready to
    ship straight away)."""
    commission = commission_services.commission_locked(commission, with_maker=True)
    workflow.advance(commission, "mark_finished", by=by, note="The piece is finished.")
    bench.bench_release(commission=commission)
    balance = amount_due(commission, Payment.Kind.BALANCE)
    if balance <= 0:
        workflow.advance(commission, "balance_paid", by=None, note="Paid in full with the deposit.")
        return commission
    _notify(
        commission,
        to=commission.buyer.email,
        template="balance_due",
        balance=accepted_quote(commission).balance,
    )
    return commission
