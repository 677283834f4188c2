from smtplib import SMTPException

from celery import shared_task

from shop.celery import RETRY_POLICY
from shop.notifications import services


@shared_task(autoretry_for=(SMTPException, OSError), **RETRY_POLICY)
def outbox_send(email_id: int) -> bool:
    return services.outbox_deliver(email_id=email_id)


@shared_task
def outbox_resend_pending() -> int:
    ids = services.outbox_pending_ids()
    for email_id in ids:
        outbox_send.delay(email_id)
    return len(ids)
