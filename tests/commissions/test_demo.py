"""The demo shows a commission in every state so far, for the demo buyer and maker."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from commissions.models import Commission, Payment, Status, UpdatePhoto
from makers.models import Maker
from shop.accounts.demo import BUYER_EMAIL, MAKER_EMAIL
from shop.notifications.models import OutboxEmail
from tests.makers.test_demo import quick_drawings  # noqa: F401 - fixture


@pytest.mark.usefixtures("quick_drawings")
def test_the_demo_has_commissions_in_every_state_and_is_seeded_once(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", verbosity=0)
    mine = Commission.objects.filter(buyer__email=BUYER_EMAIL, maker__user__email=MAKER_EMAIL)
    statuses = set(mine.values_list("status", flat=True))
    assert statuses >= {
        Status.INQUIRY,
        Status.REQUESTED,
        Status.QUOTED,
        Status.AWAITING_DEPOSIT,
        Status.SCHEDULED,
        Status.IN_PROGRESS,
        Status.AWAITING_BALANCE,
        Status.READY_TO_SHIP,
        Status.SHIPPED,
        Status.DELIVERED,
        Status.COMPLETED,
        Status.DECLINED,
        Status.EXPIRED,
        Status.CLOSED,
        Status.WITHDRAWN,
    }
    bea = Commission.objects.filter(buyer__email=BUYER_EMAIL)
    # Every status there is, somewhere in the demo buyer's commissions.
    assert set(bea.values_list("status", flat=True)) == set(Status.values)
    assert bea.filter(status=Status.CANCELLED, payments__status="refunded").exists()
    flagged = Payment.objects.get(commission__in=bea, status="mismatch")
    assert flagged.attention and flagged.refunds.get().status == "refund_succeeded"
    assert flagged.commission.status == Status.AWAITING_DEPOSIT  # the buyer can pay again
    assert Payment.objects.filter(commission__in=bea, kind="deposit", status="paid").count() >= 3
    assert Payment.objects.filter(commission__in=bea, kind="balance", status="paid").exists()
    assert mine.filter(slot="waitlist").exists() and mine.filter(slot="bench").exists()
    assert mine.filter(heirloom=True, heirloom_received_at__isnull=False).exists()
    assert mine.filter(status=Status.REQUESTED, images__isnull=False).exists()
    assert all(c.log.exists() for c in mine)
    assert mine.filter(messages__isnull=False).exists()
    # The build journal: mid-build with milestones done and late, updates with photos, a
    # moved date; and a promised date gone by.
    at_work = mine.get(heirloom=True, status=Status.IN_PROGRESS)
    assert at_work.status == Status.IN_PROGRESS
    milestones = list(at_work.milestones.all())
    assert sum(1 for m in milestones if m.done_at) == 2
    assert any(m.is_late(timezone.localdate()) for m in milestones)
    assert at_work.updates.count() >= 3
    assert (
        UpdatePhoto.objects.filter(
            update__commission=at_work, renditions_ready_at__isnull=False
        ).count()
        >= 5
    )
    assert at_work.date_changes.filter(kind="moved").exclude(reason="").exists()
    assert mine.filter(promised_passed_at__isnull=False, status=Status.SCHEDULED).exists()
    assert {m.slug for m in Maker.objects.all() if m.availability().waitlist} == {
        "mara-silversmith",
        "tomas-brandt",
    }
    # The demo's emails are in the outbox like any other (and delivered to no one).
    assert OutboxEmail.objects.filter(template="quote_sent", status="sent").exists()

    count = Commission.objects.count()
    call_command("seed_demo", verbosity=0)
    assert Commission.objects.count() == count


@pytest.mark.usefixtures("quick_drawings")
def test_the_demo_ships_delivers_reviews_and_shares_a_journey(
    db, client, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from commissions.demo import DEMO_JOURNEY
    from commissions.reviews.models import Review
    from commissions.shipping.models import Delivery

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", verbosity=0)
    shipped = Delivery.objects.get(commission__status=Status.SHIPPED)
    assert shipped.tracking_url and shipped.gift
    assert Delivery.objects.filter(method="pickup", commission__status=Status.COMPLETED).exists()
    heirloom = Delivery.objects.get(commission__heirloom=True, commission__status=Status.COMPLETED)
    assert heirloom.heirloom_reused and heirloom.heirloom_returned
    reviewed = Review.objects.get(commission__status=Status.DELIVERED)
    assert reviewed.reply and reviewed.photo.has_renditions
    # The journey the README names: open to anyone, nothing private on it.
    journey = client.get(f"/journey/{DEMO_JOURNEY}/")
    html = journey.content.decode()
    assert journey.status_code == 200 and "Nina — this ring was made for you" in html
    commission = reviewed.commission
    for private in (commission.reference, commission.buyer.name, "€", "Rue des Tanneurs"):
        assert private not in html
    provenance = client.get(reverse("commissions:journey_provenance", args=[DEMO_JOURNEY]))
    assert (
        provenance.status_code == 200 and "engraving was a joy" not in provenance.content.decode()
    )
