"""From the bench to the buyer's hands, in a real browser (axe-checked on every page): the
maker ships with the carrier and tracking from a phone, the buyer follows the link and
says it arrived, reviews it, shares the journey, which a stranger opens in a fresh
browser; and the provenance record prints through Chromium to a PDF of one or two pages."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from commissions import services
from commissions.journal.models import Update, UpdatePhoto
from commissions.models import Commission, Status
from commissions.shipping.models import Delivery
from shop.images.pipeline import render_renditions
from tests.e2e.conftest import DESKTOP
from tests.e2e.test_commissions import request_for, ring, shot, status_badge
from tests.world import _upload

__all__ = ["request_for", "ring"]  # fixtures, found by name

pytestmark = pytest.mark.e2e


@pytest.fixture
def paid_in_full(request_for, buyer, maker):
    """A ring paid in full, its address given at checkout, one shareable update."""
    commission = request_for(buyer)
    services.quote_send(
        commission=commission,
        by=maker.user,
        price_cents=40000,
        deposit_cents=12000,
        estimated_weeks=3,
        milestones=["Sketch", "Cast", "Polish"],
        revision_rounds=0,
        valid_until=timezone.localdate() + timezone.timedelta(days=14),
    )
    services.quote_accept(commission=commission, by=buyer)
    Commission.objects.filter(pk=commission.pk).update(status=Status.READY_TO_SHIP)
    for milestone in commission.milestones.all():
        milestone.done_at = timezone.now()
        milestone.save()
    update = Update.objects.create(
        commission=commission,
        author=maker.user,
        body="Cast this morning: the silver came out clean.",
        shareable=True,
    )
    render_renditions(UpdatePhoto.objects.create(update=update, image=_upload(), position=0))
    Delivery.objects.create(
        commission=commission,
        source="checkout",
        name="Bea Buyer",
        line1="27 Rue des Tanneurs",
        city="Lyon",
        postal_code="69002",
        country="FR",
    )
    commission.refresh_from_db()
    return commission


def test_ship_arrive_review_share_and_a_stranger_opens_the_journey(
    open_as, paid_in_full, buyer, maker
):
    commission = paid_in_full
    mara = open_as(maker.user, who="maker")
    mara.goto(commission.get_absolute_url())
    expect(mara.get_by_role("region", name="Delivery")).to_contain_text("27 Rue des Tanneurs")
    mara.get_by_role("link", name="Ship it").click()
    mara.get_by_label("Carrier").select_option("dhl")
    mara.get_by_label("Tracking number").fill("JD014600003828")
    mara.get_by_label("A note to the buyer").fill("Wear it in good health. — Mara")
    shot(mara, "ship-form")
    mara.get_by_role("button", name="Mark it shipped").click()
    expect(status_badge(mara)).to_have_text("Shipped")

    bea = open_as(buyer, who="buyer")
    bea.goto(commission.get_absolute_url())
    tracking = bea.get_by_role("link", name="JD014600003828")
    expect(tracking).to_have_attribute(
        "href", re.compile(r"^https://www\.dhl\.com/.*JD014600003828")
    )
    shot(bea, "shipped")
    bea.get_by_role("button", name="It has arrived").click()
    expect(status_badge(bea)).to_have_text("Delivered")
    expect(bea.locator(".maker-note")).to_contain_text("Wear it in good health.")

    bea.get_by_role("link", name="Leave a review").click()
    bea.get_by_label("★★★★★ — 5 of 5").check()
    bea.get_by_label("Your review").fill("Even finer than the sketch.")
    shot(bea, "review-form")
    bea.get_by_role("button", name="Publish the review").click()
    expect(bea.get_by_role("region", name="Review")).to_contain_text("Even finer than the sketch.")

    bea.get_by_role("button", name="Make the link").click()
    link = bea.get_by_label("Your link").input_value()
    assert re.search(r"/journey/[\w-]{43}/$", link)
    shot(bea, "journey-shared")

    stranger = open_as(None, who="stranger", viewport=DESKTOP)
    # The link names the shop's own address (SITE_URL); the test server is elsewhere.
    stranger.goto(re.sub(r"^https?://[^/]+", "", link))
    expect(stranger.get_by_role("heading", level=1)).to_have_text(commission.title)
    expect(stranger.locator("main")).to_contain_text("Cast this morning")
    expect(stranger.locator("main")).not_to_contain_text("Bea")
    expect(stranger.locator("main")).not_to_contain_text(commission.reference)
    expect(stranger.locator("main")).not_to_contain_text("€")
    photo = stranger.locator(".story-photos img").first
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.naturalWidth") > 0
    shot(stranger, "journey")

    stranger.goto(maker.get_absolute_url())
    expect(stranger.get_by_role("region", name="Reviews")).to_contain_text("Verified commission")
    shot(stranger, "maker-reviews")


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_provenance_record_prints_on_one_or_two_pages(
    open_as, paid_in_full, buyer, maker, paper
):
    Commission.objects.filter(pk=paid_in_full.pk).update(status=Status.DELIVERED)
    Delivery.objects.filter(commission=paid_in_full).update(
        shipped_at=timezone.now(),
        delivered_at=timezone.now(),
        maker_note="Thank you for trusting me with it.\n" * 4,
    )
    bea = open_as(buyer, who="buyer", viewport=DESKTOP)
    bea.goto(f"/commissions/{paid_in_full.reference}/provenance/")
    expect(bea.get_by_role("heading", level=1)).to_have_text(paid_in_full.title)
    shot(bea, f"provenance-{paper}")
    bea.emulate_media(media="print")
    expect(bea.locator(".site-header")).to_be_hidden()
    pdf = bea.pdf(format=paper, print_background=False)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pdf.startswith(b"%PDF") and 1 <= pages <= 2, f"{pages} pages on {paper}"
