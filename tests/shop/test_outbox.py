"""The email outbox: written with the change, sent exactly once, never lost."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from shop.notifications import services
from shop.notifications.models import OutboxEmail
from shop.notifications.tasks import outbox_resend_pending, outbox_send
from tests.conftest import wait_for, worker_idle


def _queue(to="buyer@example.test") -> OutboxEmail:
    return services.email_queue(
        to=to, template="signup_attempt", context={"user": {"get_short_name": "Bea", "email": to}}
    )


def test_a_queued_email_is_sent_after_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = _queue()
        assert mail.outbox == []  # nothing leaves before the transaction commits
    row.refresh_from_db()
    assert row.status == OutboxEmail.Status.SENT and row.sent_at is not None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["buyer@example.test"]
    assert mail.outbox[0].alternatives[0][1] == "text/html"


def test_an_email_of_a_rolled_back_change_never_exists(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            _queue()
            raise RuntimeError("the change failed")
    assert callbacks == []
    assert not OutboxEmail.objects.exists()
    assert mail.outbox == []


def test_the_send_task_run_twice_sends_once(db):
    row = _queue()
    assert outbox_send.apply(args=[row.id]).get() is True
    assert outbox_send.apply(args=[row.id]).get() is False
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.attempts == 1


def test_a_failed_send_stays_pending_with_its_error_and_goes_out_later(db, settings):
    row = _queue()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    with pytest.raises(OSError):
        services.outbox_deliver(email_id=row.id)
    row.refresh_from_db()
    assert row.status == OutboxEmail.Status.PENDING
    assert "Connection" in row.last_error and row.attempts == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.outbox_deliver(email_id=row.id) is True
    row.refresh_from_db()
    assert row.status == OutboxEmail.Status.SENT and row.last_error == ""


def test_the_beat_task_resends_what_was_pending_for_over_a_minute(db):
    old, fresh = _queue("old@example.test"), _queue("fresh@example.test")
    OutboxEmail.objects.filter(id=old.id).update(created_at=timezone.now() - timedelta(minutes=2))
    assert outbox_resend_pending.apply().get() == 1
    assert [m.to for m in mail.outbox] == [["old@example.test"]]
    fresh.refresh_from_db()
    assert fresh.status == OutboxEmail.Status.PENDING


def test_a_claim_left_by_a_dead_worker_is_handed_back(db):
    row = _queue()
    OutboxEmail.objects.filter(id=row.id).update(
        status=OutboxEmail.Status.SENDING,
        created_at=timezone.now() - timedelta(hours=1),
        claimed_at=timezone.now() - timedelta(minutes=20),
    )
    assert services.outbox_pending_ids() == [row.id]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_an_email_enqueued_three_times_once(on_worker):
    with transaction.atomic():
        row = _queue("worker@example.test")
    for _ in range(2):  # two more deliveries of the same task, as a redelivery would make
        outbox_send.delay(row.id)
    wait_for(lambda: OutboxEmail.objects.get(id=row.id).status == OutboxEmail.Status.SENT)
    wait_for(worker_idle, timeout=30)
    files = list(on_worker["mail_dir"].iterdir())
    assert sum(f.read_text().count("To: worker@example.test") for f in files) == 1
