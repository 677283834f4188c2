"""Where the payment services' calls go: to Stripe, or with PAYMENTS=test to the local
stand-in (commissions.payments.local). One place decides, so the services read the same
in both modes."""

from commissions.payments import local
from commissions.payments.models import Payment
from shop import stripe_gateway as gateway


def session_create(payment: Payment) -> gateway.CheckoutSession:
    """Open the Checkout Session for a payment with the parameters stored on it; the
    idempotency key is the payment's, so a second call gives back the same session."""
    if gateway.test_mode():
        return local.session_create(payment)
    return gateway.checkout_session_create(
        payment.checkout_params, idempotency_key=f"checkout-{payment.public_id}"
    )


def session_retrieve(session_id: str) -> gateway.CheckoutSession:
    if gateway.test_mode():
        return local.session_retrieve(session_id)
    return gateway.checkout_session_retrieve(session_id)


def refund_create(
    refund: Payment, *, payment_intent: str, amount: int | None, metadata: dict
) -> gateway.Refund:
    if gateway.test_mode():
        return local.refund_create(refund, payment_intent=payment_intent, metadata=metadata)
    return gateway.refund_create(
        payment_intent=payment_intent,
        amount=amount,
        idempotency_key=f"refund-{refund.public_id}",
        metadata=metadata,
    )


def refund_retrieve(refund_id: str) -> gateway.Refund | None:
    """The refund as Stripe has it now; None where there is nothing to ask (test payments
    settle their refunds at once)."""
    if gateway.test_mode():
        return None
    return gateway.refund_retrieve(refund_id)


def refunds_list(payment_intent: str) -> list[gateway.Refund]:
    if gateway.test_mode():
        return []
    return gateway.refunds_list(payment_intent=payment_intent)
