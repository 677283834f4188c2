from django.db import models


class OutboxEmail(models.Model):
    """One email to send, written in the same transaction as the change it reports.

    A Celery task claims the row (pending -> sending), sends it and marks it sent; a beat
    task re-sends rows still pending, so an email survives a Redis or worker outage.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    to = models.EmailField()
    template = models.CharField(max_length=80, help_text="emails/<template>.*")
    subject = models.CharField(max_length=255)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    # Emails that carry a one-time link (a password reset, confirming an address) keep no
    # body: only what is needed to make the link when the email is sent (a user id), so
    # nobody reading the outbox can use one. See notifications.services.
    send_time_params = models.JSONField(default=dict, blank=True)
    reply_to = models.EmailField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]
        verbose_name = "outbox email"

    def __str__(self) -> str:
        return f"{self.template} to {self.to} ({self.status})"
