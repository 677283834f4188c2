"""Beat tasks of the commissions: nothing is left hanging."""

from celery import shared_task

from commissions import bench, services
from commissions.journal import services as journal

# The payment tasks live beside the payments code; importing them registers them.
from commissions.payments.tasks import (  # noqa: F401
    event_apply,
    events_drain,
    events_reconcile,
    events_retry_unprocessed,
    local_event_deliver,
    refund_send,
    refunds_resend_pending,
)
from commissions.shipping import services as shipping_services


@shared_task
def requests_expire() -> int:
    return services.requests_expire()


@shared_task
def quotes_expire() -> int:
    return services.quotes_expire()


@shared_task
def benches_fill() -> int:
    return bench.benches_fill()


@shared_task
def deliveries_confirm_overdue() -> int:
    """Pieces shipped 14 days ago that nobody said arrived are taken as arrived, once."""
    return shipping_services.deliveries_confirm_overdue()


@shared_task
def promised_dates_check() -> int:
    return journal.promised_dates_check()


@shared_task
def update_reminders() -> int:
    return journal.update_reminders()
