"""Which payment status may follow which: the one place that says money only moves
forwards, and the one function that moves it.

Stripe has the last word on money, so the table follows what Stripe can report: a session
paid after we had given up on it, a bank debit that clears days later, and a refund that
fails after it had succeeded (the money is the shop's again, so the payment is paid again).
"""

from commissions.activity import activity_touch
from commissions.payments.models import Payment

P = Payment.Status

MOVES: dict[str, frozenset[str]] = {
    P.PENDING: frozenset({P.PROCESSING, P.PAID, P.FAILED, P.EXPIRED, P.MISMATCH}),
    P.PROCESSING: frozenset({P.PAID, P.FAILED, P.MISMATCH}),
    # The buyer paid in the last minutes of a session we had already given up on.
    P.EXPIRED: frozenset({P.PROCESSING, P.PAID, P.MISMATCH}),
    P.FAILED: frozenset(),
    P.MISMATCH: frozenset(),
    P.PAID: frozenset({P.REFUNDED}),
    P.REFUNDED: frozenset({P.PAID}),
    P.REFUND_PENDING: frozenset({P.REFUND_SUCCEEDED, P.REFUND_FAILED}),
    P.REFUND_SUCCEEDED: frozenset({P.REFUND_FAILED}),
    P.REFUND_FAILED: frozenset(),
}

# Statuses a deposit or balance may have, and those of a refund row.
TAKING = frozenset({P.PENDING, P.PROCESSING, P.PAID, P.FAILED, P.EXPIRED, P.REFUNDED, P.MISMATCH})
GIVING = frozenset({P.REFUND_PENDING, P.REFUND_SUCCEEDED, P.REFUND_FAILED})


def can(payment: Payment, to: str) -> bool:
    allowed = GIVING if payment.kind == Payment.Kind.REFUND else TAKING
    return to in allowed and to in MOVES[payment.status]


def change(payment: Payment, to: str, **fields) -> bool:
    """Move the payment to `to` and save it with `fields`, if the table allows the move;
    False (and nothing saved) otherwise. The caller holds the payment's row lock."""
    if not can(payment, to):
        return False
    payment.status = to
    for name, value in fields.items():
        setattr(payment, name, value)
    payment.save(update_fields=["status", *fields])
    # The commission's page shows payments: its open page's poll brings this one.
    activity_touch(payment.commission_id)
    return True
