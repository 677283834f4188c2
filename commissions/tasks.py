"""Beat tasks of the commissions: nothing is left hanging."""

from celery import shared_task

from commissions import services


@shared_task
def requests_expire() -> int:
    return services.requests_expire()


@shared_task
def quotes_expire() -> int:
    return services.quotes_expire()
