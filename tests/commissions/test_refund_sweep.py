"""A refund the owner asked for while the broker was down is sent by the beat sweep, once."""

from datetime import timedelta

from django.utils import timezone

from commissions import services
from commissions.payments import events, local
from commissions.payments import services as payments
from commissions.payments.models import Payment
from commissions.tasks import refunds_send_pending


def test_a_refund_never_sent_is_sent_by_the_sweep_and_only_once(
    buyer, owner, quoted, settings, django_capture_on_commit_callbacks
):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    services.quote_accept(commission=quoted, by=buyer)
    payment = payments.payment_start(commission=quoted, by=buyer, kind="deposit")
    events.event_apply(event_id=local.test_checkout_pay(payment.test_session)["received"])
    # The cancel's on-commit enqueue never happens (the broker was down).
    services.commission_cancel(commission=quoted, by=owner, reason="The maker fell ill.")
    refund = Payment.objects.get(kind="refund")
    assert refund.status == "refund_pending" and refund.refund_id == ""

    assert refunds_send_pending.apply().get() == 0  # too fresh: its own task may be on the way
    Payment.objects.filter(pk=refund.pk).update(created_at=timezone.now() - timedelta(minutes=3))
    with django_capture_on_commit_callbacks(execute=True):
        assert refunds_send_pending.apply().get() == 1
    refund.refresh_from_db()
    assert refund.refund_id.startswith("re_local_") and refund.status == "refund_succeeded"
    assert refunds_send_pending.apply().get() == 0
