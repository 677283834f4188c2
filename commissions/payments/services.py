"""Taking the deposit and the balance, confirming them exactly once and only when they are
exactly what we asked for, and giving money back.

Where a call to Stripe is needed it happens outside any open transaction, with an
idempotency key derived from our own row and parameters stored on that row, so a retry
never charges or refunds twice and Stripe never refuses the key. Payment statuses change
only through `states.change`. Rows are locked in the same order as everywhere else: the
maker, the commission, then the payment.
"""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from commissions import bench, locks, workflow
from commissions.activity import activity_touch
from commissions.journal import proofs
from commissions.models import Commission, Quote, Status
from commissions.payments import provider, states
from commissions.payments.models import Payment, TestCheckoutSession
from commissions.shipping import services as shipping
from commissions.workflow import BUYER, NotAllowed
from makers.models import Maker
from shop import stripe_gateway as gateway
from shop.accounts.models import User
from shop.money import Money
from shop.notifications.services import email_queue
from shop.queue import enqueue_on_commit

log = logging.getLogger(__name__)

P = Payment.Status
# Stripe lets a Checkout Session live at most 24 hours; a minute less leaves room for clocks.
SESSION_LIFETIME = timedelta(hours=24) - timedelta(minutes=1)
# An open session this close to expiring is not handed out again: a new one is made.
SESSION_REUSE_MARGIN = timedelta(minutes=10)
# Stripe refuses a session that would expire within 30 minutes of being made, so a payment
# whose session was never made is retried only while it has more time than that left.
UNSENT_REUSE_MARGIN = timedelta(minutes=40)
REFUND_TASK = "commissions.payments.tasks.refund_send"
# A refund row still unsent this long after it was written lost its task (broker down,
# worker killed): the beat sweep sends it again, with the same idempotency key.
REFUND_RESEND_AFTER = timedelta(minutes=5)

PAYABLE = {
    Payment.Kind.DEPOSIT: Status.AWAITING_DEPOSIT,
    Payment.Kind.BALANCE: Status.AWAITING_BALANCE,
}
SETTLED = (P.PAID, P.REFUNDED)


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


def _attention(payment: Payment, reason: str) -> None:
    """Flag a payment for the shop owner, and email every owner of the shop about it.
    The caller holds the payment's row lock."""
    payment.attention = reason if not payment.attention else f"{payment.attention}\n{reason}"
    payment.save(update_fields=["attention"])
    log.warning("payment %s needs the owner: %s", payment.public_id, reason)
    owners = list(
        User.objects.filter(is_superuser=True, is_active=True).values_list("email", flat=True)
    )
    if not owners:
        log.error("no shop owner to tell about payment %s", payment.public_id)
    admin_url = settings.SITE_URL + reverse("admin:commissions_payment_change", args=[payment.pk])
    for to in owners:
        _notify(
            payment.commission,
            to=to,
            template="payment_attention",
            payment=payment,
            reason=reason,
            admin_url=admin_url,
        )


def accepted_quote(commission: Commission) -> Quote | None:
    return commission.quotes.filter(status=Quote.Status.ACCEPTED).first()


def amount_due(commission: Commission, kind: str) -> int:
    quote = accepted_quote(commission)
    if quote is None:
        return 0
    if kind == Payment.Kind.DEPOSIT:
        return quote.deposit_cents
    return quote.price_cents - quote.deposit_cents + proofs.extras_cents(commission)


def balance(commission: Commission) -> Money | None:
    """The balance as the buyer pays it: the quote's, plus accepted change orders."""
    if accepted_quote(commission) is None:
        return None
    return Money(amount_due(commission, Payment.Kind.BALANCE), commission.currency)


def deposit_problem(*, price_cents: int, deposit_cents: int, currency: str) -> str:
    """Why a quote's deposit and balance could not be paid, or "". Every quote asks for a
    deposit: a place at the bench is held by a paid deposit, and a quote with none would
    leave the commission waiting for a payment that never comes. Both parts must be
    large enough for the payment provider to charge."""
    smallest = Money(gateway.minimum_charge(currency), currency)
    if deposit_cents < smallest.cents:
        return (
            f"Ask for a deposit of at least {smallest}: the deposit holds the buyer's "
            f"place at your bench, and nothing smaller can be charged."
        )
    balance = price_cents - deposit_cents
    if 0 < balance < smallest.cents:
        return (
            f"The balance after the deposit would be {Money(balance, currency)}, too "
            f"little to charge: ask for the whole price as the deposit, or leave a "
            f"balance of at least {smallest}."
        )
    return ""


def paid(commission: Commission, kind: str) -> Payment | None:
    return commission.payments.filter(kind=kind, status__in=SETTLED).first()


# --- Starting a payment -----------------------------------------------------------------------


def payment_start(*, commission: Commission, by, kind: str) -> Payment:
    """The buyer presses "Pay": hand back the open Checkout Session for this payment, or
    make a new one (an expired session is never reused). Two presses at once, or a retry
    after a timeout, give the same session: the idempotency key and the parameters are
    stored on the payment row."""
    payment = _payment_for_checkout(commission=commission, by=by, kind=kind)
    if payment.checkout_url:
        return payment
    session = provider.session_create(payment)
    Payment.objects.filter(pk=payment.pk, checkout_session_id__isnull=True).update(
        checkout_session_id=session.id, checkout_url=session.url
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
    open_ = commission.payments.filter(kind=kind, status=P.PENDING).first()
    if open_:
        margin = SESSION_REUSE_MARGIN if open_.checkout_session_id else UNSENT_REUSE_MARGIN
        if open_.expires_at and open_.expires_at > now + margin:
            return open_  # the session in progress (or one whose creation failed: same key)
        states.change(open_, P.EXPIRED)
    if commission.payments.filter(kind=kind, status=P.PROCESSING).exists():
        raise NotAllowed("Your payment is still being processed by the bank; we will email you.")
    payment = Payment(
        commission=commission,
        kind=kind,
        amount_cents=amount,
        currency=commission.currency,
        expires_at=now + SESSION_LIFETIME,
    )
    payment.checkout_params = _checkout_params(payment)
    payment.save()
    return payment


def _checkout_params(payment: Payment) -> dict:
    """Everything Stripe is asked for, computed once when the payment is made."""
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
        "expires_at": int(payment.expires_at.timestamp()),
        **shipping.checkout_shipping(commission, payment.kind),
    }


def payment_sync(*, payment: Payment) -> Payment:
    """The return page asks Stripe how the session stands and applies what it learns with
    the same code as the webhook, whichever comes first."""
    if payment.status in SETTLED or not payment.checkout_session_id:
        return payment
    try:
        session = provider.session_retrieve(payment.checkout_session_id)
    except (gateway.GatewayError, gateway.GatewayRefused, TestCheckoutSession.DoesNotExist) as e:
        log.warning("could not retrieve %s: %s", payment.checkout_session_id, e)
        return payment
    session_apply(session)
    payment.refresh_from_db()
    return payment


# --- Applying what Stripe tells us about a Checkout Session -------------------------------------


def _payment_named(public_id) -> Payment | None:
    """The payment our metadata names; None for anything that is not one of our ids
    (another integration on the same Stripe account writes its own order numbers)."""
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return Payment.objects.filter(public_id=public_id).exclude(kind=Payment.Kind.REFUND).first()


def payment_for_session(session: gateway.CheckoutSession) -> Payment | None:
    """Ours by the session id (the authority); else the payment its metadata names, which
    then does not match (see `session_mismatch`)."""
    if session.id:
        found = (
            Payment.objects.filter(checkout_session_id=session.id)
            .exclude(kind=Payment.Kind.REFUND)
            .first()
        )
        if found:
            return found
    return _payment_named(session.metadata.get("payment_id"))


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


def _asked(session: gateway.CheckoutSession, payment: Payment) -> bool:
    """Is the session's total what we asked for? With Adaptive Pricing the buyer may pay
    in their own currency: since 2025-03-31 the session keeps our currency and amount (the
    buyer's are in presentment_details); older sessions put the buyer's in `currency` and
    ours in `currency_conversion`."""
    want = (payment.amount_cents, payment.currency.lower())
    return want in {
        (session.amount_total, session.currency),
        (session.source_amount_total, session.source_currency),
    }


def _said(session: gateway.CheckoutSession) -> str:
    if session.amount_total is None or len(session.currency) != 3:
        return "an amount we cannot read"
    return str(Money(session.amount_total, session.currency.upper()))


def session_mismatch(payment: Payment, session: gateway.CheckoutSession) -> list[str]:
    """Why this session is not exactly the payment we asked for; empty if it is."""
    problems = []
    if not session.id or session.id != payment.checkout_session_id:
        problems.append(
            f"Checkout Session {session.id or '(no id)'} is not the one opened for this "
            f"payment ({payment.checkout_session_id or 'none yet'})."
        )
    named = session.metadata.get("payment_id")
    if named and named != str(payment.public_id):
        problems.append("Its metadata names another payment.")
    if session.mode != "payment":
        problems.append(f"Its mode is {session.mode or 'missing'}, not payment.")
    if session.payment_status not in ("paid", "unpaid"):
        problems.append(f"Its payment status is {session.payment_status or 'missing'}.")
    if not _asked(session, payment):
        problems.append(f"It is for {_said(session)}, not {payment.amount}.")
    expected = gateway.expected_livemode()
    if session.livemode is not expected:
        said = {True: "live", False: "test", None: "neither live nor test"}[session.livemode]
        problems.append(
            f"It is a {said} session; the shop takes {'live' if expected else 'test'} payments."
        )
    return problems


@transaction.atomic
def session_apply(session: gateway.CheckoutSession, *, event_type: str = "") -> str:
    """Apply what Stripe says of a Checkout Session (a webhook, the catch-up or the
    return page). Only a session that is exactly what we asked for can pay; anything
    else is flagged for the owner and whatever it took is refunded."""
    found = payment_for_session(session)
    if found is None:
        return "not our session"
    payment = _locked(found.pk)
    own = bool(session.id) and session.id == payment.checkout_session_id
    if event_type == "checkout.session.expired" or session.status == "expired":
        return payment_expired(payment) if own else "not this payment's session: ignored"
    if event_type == "checkout.session.async_payment_failed":
        if not own:
            return "not this payment's session: ignored"
        return payment_failed(payment, reason="The bank declined it.")
    if session.status != "complete" and session.payment_status != "paid":
        return "still open"
    problems = session_mismatch(payment, session)
    if problems:
        return _mismatched(payment, session, problems, own=own)
    if session.shipping and payment.kind == Payment.Kind.BALANCE:
        shipping.delivery_from_checkout(commission=payment.commission, shipping=session.shipping)
    if session.payment_status == "paid":
        return fulfil(payment, payment_intent=session.payment_intent)
    return payment_processing(payment, payment_intent=session.payment_intent)


def _mismatched(
    payment: Payment, session: gateway.CheckoutSession, problems: list[str], *, own: bool
) -> str:
    """Never paid: flag the payment (ours, or a row for the session that names it), refund
    what was taken, tell the owner and the buyer."""
    reason = " ".join(problems)
    taken = session.payment_status == "paid" and bool(session.payment_intent)
    currency = session.currency.upper() if len(session.currency) == 3 else payment.currency
    amount = Money(min(max(session.amount_total or 0, 0), 2**31 - 1), currency)
    if own:
        target = payment
        if payment.status in SETTLED:
            return f"stays {payment.status}"
        first = states.change(
            payment,
            P.MISMATCH,
            failure_reason=reason,
            payment_intent_id=session.payment_intent or payment.payment_intent_id,
        )
    else:
        target = Payment.objects.create(
            commission=payment.commission,
            kind=payment.kind,
            status=P.MISMATCH,
            amount_cents=amount.cents,
            currency=amount.currency,
            checkout_session_id=session.id or None,
            payment_intent_id=session.payment_intent,
            failure_reason=reason,
        )
        activity_touch(target.commission_id)
        first = True
    if taken and not target.payment_intent_id:
        target.payment_intent_id = session.payment_intent
        target.save(update_fields=["payment_intent_id"])
    refund = (
        refund_start(
            payment=target,
            taken=amount,
            reason="It did not match what was asked; refunded in full.",
        )
        if taken
        else None
    )
    if first:
        _attention(
            target,
            f"Did not match what was asked, so it was not counted as paid: "
            f"{reason}{' It is being refunded in full.' if taken else ''}",
        )
        _notify(
            target.commission,
            to=target.commission.buyer.email,
            template="payment_mismatch",
            payment=target,
            refunding=taken,
        )
    return f"mismatch{', refunding' if refund else ''}: {reason}"


def fulfil(payment: Payment, *, payment_intent: str) -> str:
    """The money arrived, as asked. Idempotent: the webhook, the return page and the
    catch-up may all call this for the same payment; only the first does anything. The
    caller holds the locks (`_locked`)."""
    if payment.status in SETTLED:
        return "already paid"
    commission = payment.commission
    if not states.change(
        payment,
        P.PAID,
        paid_at=timezone.now(),
        payment_intent_id=payment_intent or payment.payment_intent_id,
    ):
        return f"stays {payment.status}"
    back = _refunded_cents(payment)
    if back >= payment.amount_cents:
        # Refunded (in the Stripe dashboard) before we heard it was paid.
        states.change(payment, P.REFUNDED, refunded_at=timezone.now())
        _attention(
            payment,
            "It was refunded before its payment was confirmed; the commission did not move on.",
        )
        return "refunded before it was confirmed"
    others = commission.payments.filter(kind=payment.kind, status__in=SETTLED).exclude(
        pk=payment.pk
    )
    if others.exists():
        # Paid twice for one thing (two sessions open at once): give this one back.
        refund_start(payment=payment, reason="A second payment for the same thing.")
        return "duplicate payment refunded"
    if commission.status != PAYABLE[payment.kind]:
        # The commission moved on without it (withdrawn, cancelled): give it back.
        refund_start(payment=payment, reason=f"Paid while the commission was {commission.status}.")
        return f"refunded: commission {commission.status}"
    if payment.kind == Payment.Kind.DEPOSIT:
        # Work starts, or waits on the waitlist for a free slot.
        bench.bench_take(commission=commission, note=f"Deposit {payment.amount} paid.")
        template = "deposit_received"
    else:
        workflow.advance(
            commission, "balance_paid", by=None, note=f"Balance {payment.amount} paid."
        )
        template = "balance_received"
    for to in (commission.buyer.email, commission.maker.user.email):
        _notify(commission, to=to, template=template, payment=payment)
    return "paid"


def payment_processing(payment: Payment, *, payment_intent: str) -> str:
    """Checkout finished but the money is on its way (a bank debit): wait for it."""
    if not states.change(
        payment, P.PROCESSING, payment_intent_id=payment_intent or payment.payment_intent_id
    ):
        return f"stays {payment.status}"
    return "processing"


def payment_failed(payment: Payment, *, reason: str = "") -> str:
    if not states.change(payment, P.FAILED, failure_reason=reason):
        return f"stays {payment.status}"
    _notify(
        payment.commission,
        to=payment.commission.buyer.email,
        template="payment_failed",
        payment=payment,
    )
    return "failed"


def payment_expired(payment: Payment) -> str:
    if payment.status != P.PENDING or not states.change(payment, P.EXPIRED):
        return f"stays {payment.status}"
    return "expired"


# --- Refunds ----------------------------------------------------------------------------------------


def _refunded_cents(payment: Payment) -> int:
    return sum(
        payment.refunds.filter(status=P.REFUND_SUCCEEDED).values_list("amount_cents", flat=True)
    )


def refund_start(*, payment: Payment, reason: str, taken: Money | None = None) -> Payment | None:
    """Ask for the whole of a payment back; Stripe is called by a task after commit
    (retried with backoff, and by the beat sweep if the task is lost), with an
    idempotency key, so it is refunded once. A payment that did not match is refunded
    whole, whatever it took (`taken`, when that differs from what we asked)."""
    if payment.status not in (P.PAID, P.MISMATCH):
        return None
    if payment.status == P.MISMATCH and not payment.payment_intent_id:
        return None  # nothing was taken
    if payment.refunds.exclude(status=P.REFUND_FAILED).exists():
        return None
    taken = taken or payment.amount
    refund = Payment.objects.create(
        commission=payment.commission,
        kind=Payment.Kind.REFUND,
        refund_of=payment,
        amount_cents=taken.cents,
        currency=taken.currency,
        status=P.REFUND_PENDING,
        failure_reason=reason,
    )
    activity_touch(refund.commission_id)
    enqueue_on_commit(REFUND_TASK, refund.pk)
    return refund


@transaction.atomic
def payment_refund_by_owner(*, payment: Payment, by) -> Payment:
    """The owner refunds a paid payment in full from the office (after a refund failed,
    or to make amends); the commission's status is the owner's to change separately."""
    if not by.is_staff:
        raise NotAllowed("Only the shop refunds a payment.")
    payment = _locked(payment.pk)
    refund = refund_start(payment=payment, reason=f"Refunded in full by {by.get_short_name()}.")
    if refund is None:
        raise NotAllowed(f"{payment} has nothing left to refund, or a refund is under way.")
    return refund


@transaction.atomic
def payment_attention_clear(*, payment: Payment) -> None:
    """The owner has dealt with what the payment was flagged for."""
    payment = _locked(payment.pk)
    payment.attention = ""
    payment.save(update_fields=["attention"])


def refunds_for(commission: Commission, *, reason: str) -> list[Payment]:
    """Every paid payment of the commission, refunded (the owner cancelled it)."""
    refunds = []
    for payment in commission.payments.filter(status=P.PAID).exclude(kind=Payment.Kind.REFUND):
        refund = refund_start(payment=payment, reason=reason)
        if refund:
            refunds.append(refund)
    return refunds


def _refund_metadata(refund: Payment) -> dict:
    return {
        "refund_payment_id": str(refund.public_id),
        "payment_id": str(refund.refund_of.public_id),
        "commission": refund.commission.reference,
    }


def refund_send(*, refund_id: int) -> str:
    """Call Stripe for one refund row (a task, and the sweep's; safe to run twice: the
    idempotency key is the row's). What Stripe answers is applied at once."""
    refund = Payment.objects.select_related("refund_of", "commission").get(pk=refund_id)
    if refund.refund_id or refund.status != P.REFUND_PENDING:
        return "already sent"
    original = refund.refund_of
    if not original.payment_intent_id:
        with transaction.atomic():
            _attention(
                _locked(refund.pk),
                "This refund cannot be sent: Stripe never told us the payment intent it refunds.",
            )
        return "cannot be sent"
    try:
        answer = provider.refund_create(
            refund,
            payment_intent=original.payment_intent_id,
            amount=None if original.status == P.MISMATCH else refund.amount_cents,
            metadata=_refund_metadata(refund),
        )
    except gateway.GatewayRefused as e:
        with transaction.atomic():
            _attention(_locked(refund.pk), f"Stripe refused this refund: {e}")
        return "refused"
    Payment.objects.filter(pk=refund.pk, refund_id="").update(refund_id=answer.id)
    return refund_apply(answer, payment_intent=original.payment_intent_id)


@transaction.atomic
def refund_apply(
    refund: gateway.Refund, *, payment_intent: str = "", metadata: dict | None = None
) -> str:
    """Stripe says how a refund stands: from our API call's answer, a refund.* event, a
    charge's refunds or the hourly catch-up. Finds our refund row by its Stripe id or
    metadata; a refund made elsewhere (the Stripe dashboard) gets a row of its own and the
    owner is told. A refund that fails after it had succeeded gives the payment back its
    paid status, and the owner is told; the buyer hears "refunded" only once it is."""
    metadata = {**(metadata or {}), **refund.metadata}
    intent = refund.payment_intent or payment_intent
    original = _payment_named(metadata.get("payment_id"))
    if original is None and intent:
        original = (
            Payment.objects.filter(payment_intent_id=intent)
            .exclude(kind=Payment.Kind.REFUND)
            .first()
        )
    if original is None:
        return "not our refund"
    original = _locked(original.pk)
    rows = Payment.objects.select_for_update().filter(kind=Payment.Kind.REFUND, refund_of=original)
    row = rows.filter(refund_id=refund.id).first() if refund.id else None
    named = _uuid(metadata.get("refund_payment_id"))
    if row is None and named:
        row = rows.filter(public_id=named).first()
    if row is None:
        if not refund.id:
            return "not our refund"
        amount = Money(refund.amount or 0, refund.currency.upper() or original.currency)
        row = Payment.objects.create(
            commission=original.commission,
            kind=Payment.Kind.REFUND,
            refund_of=original,
            amount_cents=min(max(refund.amount or 0, 0), 2**31 - 1),
            currency=refund.currency.upper() if len(refund.currency) == 3 else original.currency,
            refund_id=refund.id,
            status=P.REFUND_PENDING,
            failure_reason="Refunded outside the shop (in the Stripe dashboard).",
        )
        activity_touch(row.commission_id)
        _attention(
            row,
            f"A refund of {amount} was made outside the shop (in Stripe) for "
            f"{original}. Check whether the commission should go on.",
        )
    if not row.refund_id and refund.id:
        row.refund_id = refund.id
        row.save(update_fields=["refund_id"])
    if refund.status in ("failed", "canceled"):
        was = row.status
        if not states.change(
            row,
            P.REFUND_FAILED,
            failure_reason=f"{row.failure_reason} Stripe: {refund.status}"
            f"{', ' + refund.failure_reason if refund.failure_reason else ''}.",
        ):
            return f"refund already {row.status}"
        if (
            was == P.REFUND_SUCCEEDED
            and original.status == P.REFUNDED
            and (_refunded_cents(original) < original.amount_cents)
        ):
            states.change(original, P.PAID, refunded_at=None)
        _attention(
            row,
            f"The refund of {row.amount} {'failed after it had succeeded' if was == P.REFUND_SUCCEEDED else 'failed'}"
            f": the money is still with the shop. Refund again, or contact the buyer.",
        )
        return "refund failed"
    if refund.status != "succeeded":
        return f"refund {refund.status or 'status unknown'}"
    if not states.change(row, P.REFUND_SUCCEEDED, refunded_at=timezone.now()):
        return f"refund already {row.status}"
    if original.status == P.PAID and _refunded_cents(original) >= original.amount_cents:
        states.change(original, P.REFUNDED, refunded_at=timezone.now())
    _notify(
        original.commission,
        to=original.commission.buyer.email,
        template="refund_issued",
        payment=row,
    )
    return "refunded"


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def charge_refunded(charge: gateway.Charge) -> str:
    """charge.refunded: the refunds listed on the charge (API versions before 2022-11-15),
    or, as the current API sends none, the payment's refunds asked of Stripe."""
    refunds = charge.refunds
    if refunds is None:
        refunds = provider.refunds_list(charge.payment_intent) if charge.payment_intent else []
    outcomes = [
        refund_apply(r, payment_intent=charge.payment_intent, metadata=charge.metadata)
        for r in refunds
    ]
    return ", ".join(outcomes) or "no refunds listed"


def refunds_resend_pending(*, now=None) -> int:
    """Beat task: send again every refund whose task was lost (same idempotency key)."""
    now = now or timezone.now()
    ids = list(
        Payment.objects.filter(
            kind=Payment.Kind.REFUND,
            status=P.REFUND_PENDING,
            refund_id="",
            attention="",
            created_at__lt=now - REFUND_RESEND_AFTER,
        )
        .order_by("created_at")
        .values_list("id", flat=True)[:500]
    )
    for refund_id in ids:
        enqueue_on_commit(REFUND_TASK, refund_id)
    return len(ids)


def refunds_reconcile(*, now=None) -> dict:
    """Hourly: ask Stripe how every pending refund stands. One sent but never confirmed is
    retrieved and applied; one never sent is looked for at Stripe first (a call whose
    answer was lost made it anyway) and sent again only if Stripe has none."""
    now = now or timezone.now()
    pending = Payment.objects.select_related("refund_of").filter(
        kind=Payment.Kind.REFUND, status=P.REFUND_PENDING, created_at__lt=now - REFUND_RESEND_AFTER
    )
    counts = {"checked": 0, "resent": 0}
    for row in pending[:500]:
        counts["checked"] += 1
        try:
            if row.refund_id:
                found = provider.refund_retrieve(row.refund_id)
                if found:
                    refund_apply(found, payment_intent=row.refund_of.payment_intent_id)
                continue
            intent = row.refund_of.payment_intent_id
            mine = [
                r
                for r in (provider.refunds_list(intent) if intent else [])
                if r.metadata.get("refund_payment_id") == str(row.public_id)
            ]
        except (gateway.GatewayError, gateway.GatewayRefused) as e:
            log.warning("could not check refund %s: %s", row.public_id, e)
            continue
        if mine:
            refund_apply(mine[0], payment_intent=intent)
        elif not row.attention:
            enqueue_on_commit(REFUND_TASK, row.pk)
            counts["resent"] += 1
    return counts


# --- The maker finishes the piece -------------------------------------------------------------


@transaction.atomic
def commission_mark_finished(
    *, commission: Commission, by, photos: list = (), note: str = ""
) -> Commission:
    """The maker says the piece is done, with a photo of it: its slot goes to the next in
    the queue, and the buyer is asked for the balance with that photo (or, if the deposit
    was the whole price, it is ready to ship straight away). When the quote includes
    design revisions, a proof must have been approved first."""
    commission = locks.commission_locked(commission, with_maker=True)
    if commission.status == Status.IN_PROGRESS:
        problem = proofs.finish_problem(commission)
        if problem:
            raise NotAllowed(problem)
    workflow.advance(commission, "mark_finished", by=by, note="The piece is finished.")
    finished = proofs.finished_photos_add(commission=commission, by=by, photos=photos, note=note)
    bench.bench_release(commission=commission)
    balance_cents = amount_due(commission, Payment.Kind.BALANCE)
    if balance_cents <= 0:
        workflow.advance(commission, "balance_paid", by=None, note="Paid in full with the deposit.")
        return commission
    _notify(
        commission,
        to=commission.buyer.email,
        template="balance_due",
        balance=Money(balance_cents, commission.currency),
        extras=Money(proofs.extras_cents(commission), commission.currency),
        photo_url=proofs.email_photo_src(finished),
        photo_alt="The finished piece",
    )
    return commission
