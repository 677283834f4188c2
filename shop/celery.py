"""The Celery app: tasks from every installed app, configured from Django settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

# DjangoTask gives every task delay_on_commit(), so nothing is enqueued for a row that
# a rolled-back transaction never wrote.
app = Celery("shop", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Shared by every task that talks to something outside: retried with growing, jittered
# delays, never sooner than a second and never later than ten minutes.
RETRY_POLICY = {
    "retry_backoff": 2,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}
