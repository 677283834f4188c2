"""Beat tasks of the commissions: nothing is left hanging."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from commissions import services
from commissions.payments.models import Payment

# The payment tasks live beside the payments code; importing them registers them.
from commissions.payments.tasks import (  # noqa: F401
    event_apply,
    events_reconcile,
    events_retry_unprocessed,
    refund_send,
)


@shared_task
def requests_expire() -> int:
    return services.requests_expire()


@shared_task
def quotes_expire() -> int:
    return services.quotes_expire()


# A refund asked for this long ago and still without a Stripe id was never sent (the
# broker was down when the owner cancelled, or its task was lost): send it again.
REFUND_RESEND_AFTER = timedelta(minutes=2)


@shared_task
def refunds_send_pending() -> int:
    """Enqueue refund_send for refunds never sent; refund_send is safe to run twice (it
    does nothing once the refund has its Stripe id, and Stripe's idempotency key makes a
    second call return the first refund)."""
    ids = list(
        Payment.objects.filter(
            kind=Payment.Kind.REFUND,
            status=Payment.Status.REFUND_PENDING,
            refund_id="",
            created_at__lt=timezone.now() - REFUND_RESEND_AFTER,
        )
        .order_by("created_at")
        .values_list("id", flat=True)[:500]
    )
    for refund_id in ids:
        refund_send.delay(refund_id)
    return len(ids)
