"""Payment tasks: thin, idempotent, retried with backoff when Stripe or the database
hiccups."""

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from commissions.payments import events, services
from shop.celery import RETRY_POLICY
from shop.stripe_gateway import GatewayError

# How far back the hourly catch-up asks Stripe (its Events API keeps 30 days).
RECONCILE_WINDOW = timezone.timedelta(days=3)


@shared_task(autoretry_for=(Exception,), **RETRY_POLICY)
def event_apply(event_id: str) -> str:
    return events.event_apply(event_id=event_id)


@shared_task(autoretry_for=(OperationalError,), **RETRY_POLICY)
def events_drain() -> int:
    return events.events_drain()


@shared_task(autoretry_for=(GatewayError, OperationalError), **RETRY_POLICY)
def refund_send(refund_id: int) -> str:
    return services.refund_send(refund_id=refund_id)


@shared_task
def events_retry_unprocessed() -> int:
    return events.events_retry_unprocessed()


@shared_task
def refunds_resend_pending() -> int:
    return services.refunds_resend_pending()


@shared_task(autoretry_for=(GatewayError,), **RETRY_POLICY)
def events_reconcile() -> dict:
    """Hourly: every refund still pending, then the events the webhook missed."""
    refunds = services.refunds_reconcile()
    return {**events.events_reconcile(since=timezone.now() - RECONCILE_WINDOW), "refunds": refunds}


@shared_task(autoretry_for=(OperationalError,), **RETRY_POLICY)
def local_event_deliver(payload: str, signature: str) -> dict:
    """Test payments: the signed event the local stand-in sends, into the same webhook
    code as Stripe's."""
    return events.webhook_receive(payload.encode(), signature, source="local")
