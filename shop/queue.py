"""Enqueue Celery tasks only once the surrounding transaction has committed.

Services name tasks by their dotted name, so `services.py` never imports `tasks.py`
(tasks import services, never the other way round).
"""

import logging

from celery.exceptions import NotRegistered
from django.db import transaction

from shop.celery import app

log = logging.getLogger(__name__)


def task_by_name(task_name: str):
    try:
        return app.tasks[task_name]
    except NotRegistered:
        # Outside a worker the tasks modules are imported on first need.
        app.loader.import_default_modules()
        return app.tasks[task_name]


def enqueue_on_commit(task_name: str, *args, **kwargs) -> None:
    """Send the task to the broker after commit; nothing if the transaction rolls back.

    The callback is robust: if the broker is unreachable the error is logged and the web
    request still succeeds. The row the task works on is already in the database, and a
    beat task picks up whatever was never processed.
    """

    def send() -> None:
        task_by_name(task_name).delay(*args, **kwargs)

    transaction.on_commit(send, robust=True)
