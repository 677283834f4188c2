"""The lifecycle in a real browser: the buyer's open page follows the maker's moves without
a reload; the maker finishes a piece and the next paid commission in the queue starts by
itself; a brief is written in the order a person thinks; the maker quotes with the request
in view."""

import re

from playwright.sync_api import expect

from commissions.models import Slot, Status
from shop.notifications.models import OutboxEmail
from tests.commissions.test_capacity_race import accepted, pay_deposit
from tests.e2e.conftest import DESKTOP
from tests.e2e.test_commissions import at, in_two_weeks, request_for, ring, shot, status_badge
from tests.e2e.test_proofs import finish_with_a_photo
from tests.factories import UserFactory

__all__ = ["request_for", "ring"]  # fixtures, found by name


def test_the_buyers_open_page_shows_the_new_quote_and_accepts_it_without_a_reload(
    open_as, request_for, buyer, maker
):
    commission = request_for(buyer)
    bea = open_as(buyer, who="buyer")
    bea.goto(commission.get_absolute_url())
    expect(status_badge(bea)).to_have_text("Requested")

    mara = open_as(maker.user, who="maker", viewport=DESKTOP)
    mara.goto(commission.get_absolute_url())
    mara.get_by_role("link", name="Send a quote").click()
    # The request beside the fields, the price started from the listed one.
    expect(mara.get_by_role("region", name="The request")).to_contain_text("Silver")
    expect(mara.get_by_label("Total price")).to_have_value("180.00")
    shot(mara, "quote-form")
    mara.get_by_label("Deposit, as a percentage").fill("30")
    mara.get_by_label("Weeks of work").fill("3")
    mara.get_by_label("Quote valid until").fill(in_two_weeks())
    mara.get_by_role("button", name="Send the quote").click()
    expect(status_badge(mara)).to_have_text("Quoted")

    # Bea never reloads: within a poll the status, the panel and the quote are there.
    expect(status_badge(bea)).to_have_text("Quoted", timeout=15_000)
    accept = bea.get_by_role("button", name="Accept the quote of €180.00")
    expect(accept).to_be_visible()
    shot(bea, "quote-arrived")
    # A message with htmx on the same page: nothing in the console (the fixture checks).
    bea.get_by_role("textbox", name="Message").fill("Lovely, thank you!")
    bea.get_by_role("button", name="Send", exact=True).click()
    expect(bea.locator("#thread")).to_contain_text("Lovely, thank you!")
    accept.click()
    expect(status_badge(bea)).to_have_text("Awaiting deposit")
    expect(bea.get_by_role("button", name="Pay the deposit of €54.00")).to_be_visible()


def test_the_maker_finishes_a_piece_and_the_first_paid_buyer_in_the_queue_starts_by_itself(
    open_as, maker
):
    maker.capacity = 1
    maker.save()
    at_the_bench = accepted(UserFactory(name="Ada Early"), maker, 4)
    waiting = accepted(UserFactory(name="Ben Later"), maker, 3)
    for commission in (at_the_bench, waiting):
        pay_deposit(commission)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.slot) == (Status.SCHEDULED, Slot.WAITLIST)

    ben = open_as(waiting.buyer, who="waiting-buyer")
    ben.goto(waiting.get_absolute_url())
    expect(ben.locator(".badge--warm", has_text="Waitlist")).to_be_visible()
    shot(ben, "on-the-waitlist")

    mara = open_as(maker.user, who="maker")
    mara.goto(at_the_bench.get_absolute_url())
    finish_with_a_photo(mara)
    expect(status_badge(mara)).to_have_text("Awaiting balance")
    expect(mara.locator(".messages")).to_contain_text("Marked finished")

    expect(status_badge(ben)).to_have_text("In progress", timeout=15_000)
    expect(ben.get_by_role("region", name="What happens next")).to_contain_text(
        "is making your piece"
    )
    shot(ben, "started-by-itself")
    assert OutboxEmail.objects.filter(template="slot_ready", to=waiting.buyer.email).exists()

    # The studio counts it: one at the bench again, nobody waiting.
    mara.goto("/studio/")
    work = " ".join(mara.get_by_role("region", name="Work waiting").inner_text().split())
    assert "1 at the bench" in work and "0 paid, waiting for a slot" in work
    shot(mara, "studio-dashboard")


def test_a_brief_asks_what_first_and_the_heirloom_fields_open_when_ticked_even_without_js(
    open_as, maker, buyer
):
    for javascript in (True, False):
        page = open_as(buyer, who=f"buyer-js-{javascript}", javascript=javascript)
        page.goto(f"/makers/{maker.slug}/commission/")
        labels = page.locator("form label").all_inner_texts()
        first = next(i for i, t in enumerate(labels) if "What would you like made" in t)
        rework = next(i for i, t in enumerate(labels) if "I have a piece to rework" in t)
        assert first < rework
        about = page.get_by_label("About your piece")
        expect(about).to_be_hidden()
        page.get_by_label("I have a piece to rework").check()
        expect(about).to_be_visible()
        if javascript:
            shot(page, "brief-heirloom-open")
        page.get_by_label("What would you like made?").fill("A box for her letters")
        page.get_by_label("Describe it").fill("Walnut, the size of a shoebox.")
        about.fill("Grandfather's tin box, rusted at the hinge.")
        page.get_by_role("button", name="Send the brief").click()
        expect(page).to_have_url(re.compile(r"/commissions/C-[0-9A-Z]{6}/$"))
        expect(page.get_by_role("region", name="The request")).to_contain_text(
            "rusted at the hinge"
        )
    assert at  # (the helper module's names are shared)
