"""Emails about a commission, written to the outbox in the caller's transaction."""

from django.conf import settings

from commissions.models import Commission
from shop.notifications.services import email_queue


def notify(commission: Commission, *, to: str, template: str, **context) -> None:
    """One email about this commission, with its link and its people in the context."""
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
