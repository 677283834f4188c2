"""Enqueue Celery tasks only once the surrounding transaction has committed.

Services name tasks by their dotted name, so `services.py` never imports `tasks.py`
(tasks import services, never the other way round).

An enqueue never holds up a request. Whatever a task works on (an outbox row, a stored
Stripe event, a pending refund, a photo still to process) is already in the database, and
a beat task sweeps up anything never processed; so when the broker cannot be reached the
send fails at once (no retries, short socket timeouts, see CELERY_BROKER_TRANSPORT_OPTIONS)
and, for a few seconds after, sends are skipped without trying.
"""

import logging

from celery.exceptions import NotRegistered
from django.db import transaction

from shop.breaker import Breaker
from shop.celery import app

log = logging.getLogger(__name__)

breaker = Breaker("Celery broker", retry_after=15)


def task_by_name(task_name: str):
    try:
        return app.tasks[task_name]
    except NotRegistered:
        # Outside a worker the tasks modules are imported on first need.
        app.loader.import_default_modules()
        return app.tasks[task_name]


def eager() -> bool:
    """Tasks run in-process (the local default and the tests), not through a broker."""
    return bool(app.conf.task_always_eager)


def send(task_name: str, *args, **kwargs) -> bool:
    """Send one task now; False (logged) if the broker is unreachable or skipped."""
    task = task_by_name(task_name)
    if app.conf.task_always_eager:
        # In-process (the local default and the tests): the task runs here, and its
        # errors are the caller's to see.
        task.apply_async(args, kwargs)
        return True
    if breaker.is_open:
        log.info("broker marked down: %s%r left for the sweep", task_name, args)
        return False
    try:
        task.apply_async(args, kwargs, retry=False)
    except Exception as e:  # whatever kombu, redis or the network raise
        breaker.trip(e)
        log.info("could not enqueue %s%r; the sweep will pick it up", task_name, args)
        return False
    return True


def enqueue_on_commit(task_name: str, *args, **kwargs) -> None:
    """Send the task to the broker after commit; nothing if the transaction rolls back.

    If the broker is unreachable the web request still succeeds, at its normal speed:
    the row the task works on is already in the database, and a beat task picks up
    whatever was never processed.
    """
    transaction.on_commit(lambda: send(task_name, *args, **kwargs), robust=True)
