"""Commissions in a real browser: a visitor requests a ring and signs up on the way without
losing a word, the maker quotes from a phone at the bench, buyer and maker talk without
reloading, everything still works with JavaScript off, a question becomes a request, and
a rework shows the buyer where to send their heirloom."""

import io
import re
import time

from django.core import mail
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from commissions import services
from commissions.models import Commission, Quote, Status
from shop.accounts.models import User
from shop.notifications.models import OutboxEmail
from tests.commissions import conftest as commission_fixtures
from tests.e2e.conftest import DESKTOP, log_in
from tests.e2e.test_home_and_signup import confirmation_link

# Mara's ring and ready-made requests, shared with the commission tests (pytest finds a
# fixture by its name in this module).
ring = commission_fixtures.ring
request_for = commission_fixtures.request_for
quoted = commission_fixtures.quoted

# A commission page, like /commissions/C-7F3K2Q/
COMMISSION_PAGE = re.compile(r"/commissions/C-[0-9A-Z]{6}/$")


def shot(page, label: str):
    """A full-page screenshot from the top, so the sticky header sits where it belongs."""
    page.evaluate("window.scrollTo(0, 0)")
    return page.screens.shot(label)


def jpeg_file(tmp_path, name="ring.jpg", colour=(201, 164, 92)):
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), colour).save(buffer, format="JPEG")
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return path


def at(path: str, fragment: str = ""):
    """The page's URL is this path (with no query), for expect(page).to_have_url()."""
    return re.compile(re.escape(path + fragment) + "$")


def in_two_weeks() -> str:
    return (timezone.localdate() + timezone.timedelta(days=14)).isoformat()


def status_badge(page):
    return page.locator(".badge--status")


def thread(page):
    return page.locator("#thread .messages-list")


# --- 1. A visitor requests a ring and signs up on the way -------------------------------------


def test_a_visitor_requests_a_ring_signs_up_on_the_way_and_nothing_is_lost(page, ring, maker):
    page.goto(ring.get_absolute_url())
    page.get_by_label("Metal").select_option(label="9ct gold (+€320.00)")
    expect(page.locator("#price")).to_contain_text("€500.00")
    page.get_by_label("Engraving").fill("A & B, 2026")
    expect(page).to_have_url(re.compile(r"2026"))  # the live price has caught up
    page.get_by_role("button", name="Request this piece").click()

    expect(page).to_have_url(re.compile(rf"/pieces/{ring.slug}/request/\?opt-"))
    assert (
        page.get_by_label("Metal").locator("option:checked").inner_text() == "9ct gold (+€320.00)"
    )
    assert page.get_by_label("Engraving").input_value() == "A & B, 2026"
    expect(page.locator(".price-box__total")).to_contain_text("€500.00")
    note = "It is for our tenth anniversary; her ring size is N."
    page.get_by_label("Anything the maker should know?").fill(note)
    shot(page, "request-as-visitor")
    page.get_by_role("button", name="Send the request").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    expect(page.locator(".messages")).to_contain_text("What you wrote is kept")
    shot(page, "asked-to-log-in")
    page.get_by_role("link", name="Create an account").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/\?next="))
    page.get_by_label("Your name").fill("Nell Newcomer")
    page.get_by_label("Email").fill("nell@example.test")
    page.get_by_label("Password").fill("woven-silver-42")
    page.get_by_role("button", name="Create account").click()
    # The link in the welcome email, followed in the same browser, brings them back.
    expect(page).to_have_url(re.compile(r"/accounts/signup/sent/$"))
    page.goto(confirmation_link(mail.outbox[-1]))
    page.get_by_role("button", name="Confirm my email").click()

    expect(page).to_have_url(re.compile(rf"/pieces/{ring.slug}/request/"))
    expect(page.locator(".messages")).to_contain_text("Welcome back")
    assert (
        page.get_by_label("Metal").locator("option:checked").inner_text() == "9ct gold (+€320.00)"
    )
    assert page.get_by_label("Engraving").input_value() == "A & B, 2026"
    assert page.get_by_label("Anything the maker should know?").input_value() == note
    expect(page.locator(".price-box__total")).to_contain_text("€500.00")
    shot(page, "request-after-sign-up")
    page.get_by_role("button", name="Send the request").click()

    expect(page).to_have_url(COMMISSION_PAGE)
    reference = page.url.rstrip("/").rsplit("/", 1)[-1]
    expect(page.locator(".eyebrow")).to_contain_text(reference)
    expect(status_badge(page)).to_have_text("Requested")
    expect(page.locator(".facts").filter(has_text="Listed price")).to_contain_text("€500.00")
    expect(page.locator(".messages")).to_contain_text("Your request is with Mara Silversmith")
    shot(page, "commission-requested")

    commission = Commission.objects.get(reference=reference)
    assert commission.buyer == User.objects.get(email="nell@example.test")
    assert commission.maker == maker and commission.piece == ring
    assert commission.status == Status.REQUESTED
    assert commission.listed_price_cents == 50000
    assert commission.brief == note
    assert {(row["option"], row["value"]) for row in commission.personalisation} == {
        ("Metal", "9ct gold"),
        ("Engraving", "A & B, 2026"),
    }
    email = OutboxEmail.objects.get(to=maker.user.email, template="request_received")
    assert email.status == OutboxEmail.Status.SENT
    assert any(m.to == [maker.user.email] and reference in m.body for m in mail.outbox)


# --- 2. The maker quotes from a phone; the buyer accepts -----------------------------------


def test_the_maker_quotes_from_a_phone_and_the_buyer_accepts(
    page, open_as, request_for, buyer, maker
):
    commission = request_for(buyer)
    log_in(page, maker.user)
    page.goto("/studio/commissions/")
    expect(page.locator(".chips [aria-current=page]")).to_contain_text("New requests")
    row = page.locator(".commission-cards .card").filter(has_text=commission.reference)
    expect(row).to_contain_text("Bea Buyer")
    expect(row.locator("img")).to_be_visible()  # photo first, like the catalog
    shot(page, "maker-inbox")
    row.click()
    expect(page).to_have_url(at(commission.get_absolute_url()))
    page.get_by_role("link", name="Send a quote").click()

    page.get_by_label("Total price").fill("480")
    page.get_by_label("Deposit, as a percentage").fill("30")
    page.get_by_label("Weeks of work").fill("5")
    page.get_by_label("Milestones").fill("Sketches and a wax model\nCasting and setting")
    # The two-week default is already there (see the test below).
    expect(page.get_by_label("Quote valid until")).to_have_value(in_two_weeks())
    shot(page, "maker-quote-form")
    page.get_by_role("button", name="Send the quote").click()

    expect(page).to_have_url(at(commission.get_absolute_url()))
    expect(page.locator(".messages")).to_contain_text("Your quote is sent")
    expect(status_badge(page)).to_have_text("Quoted")
    quote_panel = page.get_by_role("region", name="Quote")
    expect(quote_panel).to_contain_text("€480.00")
    expect(quote_panel).to_contain_text("€144.00 to start, €336.00 when finished")
    expect(quote_panel.locator(".milestones li")).to_have_text(
        ["Sketches and a wax model", "Casting and setting"]
    )
    shot(page, "maker-quote-sent")
    quote = Quote.objects.get(commission=commission)
    assert (
        quote.status,
        quote.price_cents,
        quote.deposit_cents,
        quote.estimated_weeks,
        quote.milestones,
    ) == (Quote.Status.OPEN, 48000, 14400, 5, ["Sketches and a wax model", "Casting and setting"])

    bea = open_as(buyer, who="buyer")
    bea.goto(commission.get_absolute_url())
    quote_panel = bea.get_by_role("region", name="Quote")
    expect(quote_panel).to_contain_text("€480.00")
    expect(quote_panel).to_contain_text("€144.00 to start")
    expect(quote_panel).to_contain_text("about 5 weeks of work")
    shot(bea, "quote")
    bea.get_by_role("button", name="Accept the quote of €480.00").click()

    expect(status_badge(bea)).to_have_text("Awaiting deposit")
    next_step = bea.get_by_role("region", name="What happens next")
    expect(next_step).to_contain_text("has a free slot, so work starts as soon as it is paid")
    expect(bea.get_by_role("button", name="Pay the deposit of €144.00")).to_be_visible()
    shot(bea, "accepted")
    commission.refresh_from_db()
    quote.refresh_from_db()
    # The deposit takes the slot; until then the bench is free for whoever pays first.
    assert commission.status == Status.AWAITING_DEPOSIT and commission.slot == ""
    assert quote.status == Quote.Status.ACCEPTED
    assert OutboxEmail.objects.filter(to=maker.user.email, template="quote_accepted").exists()
    assert OutboxEmail.objects.filter(to=buyer.email, template="quote_sent").exists()


def test_the_quote_form_offers_a_valid_until_date_two_weeks_ahead(page, request_for, buyer, maker):
    commission = request_for(buyer)
    log_in(page, maker.user)
    page.goto(reverse("commissions:quote", args=[commission.reference]))
    expect(page.get_by_label("Quote valid until")).to_have_value(in_two_weeks(), timeout=1000)


# --- 3. Messages arrive without a reload; photos stay private ------------------------------


def test_buyer_and_maker_talk_without_reloading_and_photos_stay_private(
    page, open_as, browser, live_server, request_for, buyer, maker, tmp_path
):
    commission = request_for(buyer)
    url = commission.get_absolute_url()
    log_in(page, buyer)
    page.goto(url)
    mara = open_as(maker.user, who="maker")
    mara.goto(url)
    expect(page.locator("#thread")).to_contain_text("No messages yet.")
    mara.evaluate("window.stillTheSamePage = true")

    page.get_by_role("textbox", name="Message").fill("Could the band be a little thinner?")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(thread(page)).to_contain_text("Could the band be a little thinner?")
    expect(page.get_by_role("textbox", name="Message")).to_have_value("")
    sent = time.monotonic()
    # The maker's thread polls every 10 seconds.
    expect(thread(mara)).to_contain_text("Could the band be a little thinner?", timeout=15_000)
    assert time.monotonic() - sent < 13
    assert mara.evaluate("window.stillTheSamePage") is True  # no reload
    assert OutboxEmail.objects.filter(to=maker.user.email, template="message_new").count() == 1

    # The buyer moves on to their list (closing the thread, which would mark replies read).
    page.goto("/commissions/")
    row = page.locator(".commission-cards .card").filter(has_text=commission.reference)
    expect(row.locator(".nav-count")).to_have_count(0)
    mara.get_by_role("textbox", name="Message").fill("Yes: 1.8 mm instead of 2 mm, same price.")
    mara.get_by_role("button", name="Send", exact=True).click()
    expect(thread(mara)).to_contain_text("1.8 mm instead of 2 mm")
    expect(mara.get_by_role("textbox", name="Message")).to_have_value("")
    page.reload()
    expect(row.locator(".nav-count")).to_have_text("1")
    expect(page.locator(".site-nav--menu .nav-count")).to_have_text("1")
    shot(page, "list-unread")

    page.goto(url)
    expect(thread(page)).to_contain_text("1.8 mm instead of 2 mm")
    page.get_by_role("textbox", name="Message").fill("This is the ring I wear now, for the width.")
    page.get_by_label("Photos").set_input_files(str(jpeg_file(tmp_path)))
    page.get_by_role("button", name="Send", exact=True).click()
    photo = thread(page).locator("img.note__photo")
    expect(photo).to_have_count(1)
    src = photo.get_attribute("src")
    assert src.startswith(f"/commissions/{commission.reference}/images/"), src
    expect(thread(mara).locator("img.note__photo")).to_have_count(1, timeout=15_000)
    assert mara.evaluate("window.stillTheSamePage") is True
    shot(mara, "thread")

    mine = page.request.get(src)
    assert mine.status == 200 and mine.headers["content-type"].startswith("image/")
    visitor = browser.new_context(base_url=live_server.url)
    try:
        theirs = visitor.request.get(src, max_redirects=0)
        assert theirs.status in (301, 302, 404), theirs.status
        if theirs.status != 404:
            assert "/accounts/login/" in theirs.headers["location"]
        assert theirs.body() != mine.body()
    finally:
        visitor.close()

    page.goto("/commissions/")
    card = page.locator(".commission-cards .card").filter(has_text=commission.reference)
    expect(card).to_be_visible()
    expect(card.locator(".nav-count")).to_have_count(0)
    page.goto(url)
    shot(page, "thread")
    assert commission.messages.count() == 3


def test_no_messages_yet_goes_once_a_message_arrives(page, request_for, buyer):
    commission = request_for(buyer)
    log_in(page, buyer)
    page.goto(commission.get_absolute_url())
    page.get_by_role("textbox", name="Message").fill("Hello!")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(thread(page)).to_contain_text("Hello!")
    expect(page.get_by_text("No messages yet.")).to_be_hidden(timeout=1000)


# --- 4. Without JavaScript ---------------------------------------------------------------


def test_without_javascript_they_write_quote_and_the_buyer_declines(
    open_as, request_for, buyer, maker
):
    commission = request_for(buyer)
    url = commission.get_absolute_url()
    bea = open_as(buyer, who="buyer", javascript=False)
    bea.goto(url)
    bea.get_by_role("textbox", name="Message").fill("Is silver hard-wearing enough for every day?")
    bea.get_by_role("button", name="Send", exact=True).click()
    expect(bea).to_have_url(at(url, "#thread"))
    expect(thread(bea)).to_contain_text("Is silver hard-wearing enough for every day?")
    assert bea.get_by_role("textbox", name="Message").input_value() == ""

    mara = open_as(maker.user, who="maker", javascript=False)
    mara.goto(url)
    expect(thread(mara)).to_contain_text("Is silver hard-wearing enough")
    mara.get_by_role("link", name="Send a quote").click()
    mara.get_by_label("Total price").fill("200")
    mara.get_by_label("Deposit, as an amount").fill("60")
    mara.get_by_label("Weeks of work").fill("3")
    mara.get_by_label("Quote valid until").fill(in_two_weeks())
    mara.get_by_role("button", name="Send the quote").click()
    expect(mara).to_have_url(at(url))
    expect(status_badge(mara)).to_have_text("Quoted")

    bea.goto(url)
    expect(bea.get_by_role("region", name="Quote")).to_contain_text("€200.00")
    decline = bea.locator("details", has_text="Decline the quote")
    decline.locator("summary").click()
    decline.get_by_label("Anything to tell the maker?").fill("Too dear for me this year, sorry.")
    shot(bea, "decline-quote-open")
    decline.get_by_role("button", name="Decline the quote").click()
    expect(bea).to_have_url(at(url))
    expect(status_badge(bea)).to_have_text("Closed")
    expect(bea.locator(".messages")).to_contain_text("You declined the quote")
    shot(bea, "quote-declined")

    commission.refresh_from_db()
    assert commission.status == Status.CLOSED
    assert commission.quotes.get().status == Quote.Status.DECLINED
    assert commission.messages.get().body == "Is silver hard-wearing enough for every day?"
    assert OutboxEmail.objects.filter(to=maker.user.email, template="quote_declined").exists()


# --- 5. A question becomes a request -------------------------------------------------------


def test_a_question_from_the_piece_page_becomes_a_request(page, open_as, ring, buyer, maker):
    log_in(page, buyer)
    page.goto(ring.get_absolute_url())
    page.get_by_role("link", name="Ask the maker a question").click()
    expect(page.locator("h1")).to_contain_text("Ask Mara Silversmith about “Stacking ring”")
    question = "Could you make it in rose gold, size P?"
    page.get_by_label("Your question").fill(question)
    shot(page, "ask")
    page.get_by_role("button", name="Send the question").click()
    expect(page).to_have_url(COMMISSION_PAGE)
    expect(status_badge(page)).to_have_text("Question")
    expect(thread(page)).to_contain_text(question)
    commission = Commission.objects.get(buyer=buyer)
    assert commission.status == Status.INQUIRY
    assert OutboxEmail.objects.filter(to=maker.user.email, template="inquiry_received").exists()

    mara = open_as(maker.user, who="maker")
    mara.goto("/studio/commissions/")
    mara.locator(".chips").get_by_role("link", name=re.compile("^Questions")).click()
    expect(mara.locator(".chips [aria-current=page]")).to_contain_text("Questions")
    row = mara.locator(".commission-cards .card").filter(has_text=commission.reference)
    expect(row).to_contain_text("Question about Stacking ring")
    shot(mara, "inbox-questions")
    row.click()
    expect(thread(mara)).to_contain_text(question)
    mara.get_by_role("button", name="Make it a request").click()
    expect(mara.locator(".messages")).to_contain_text("It is a request now")
    expect(status_badge(mara)).to_have_text("Requested")
    shot(mara, "converted")

    page.reload()
    expect(status_badge(page)).to_have_text("Requested")
    expect(page.locator("h1")).to_have_text("Stacking ring")
    shot(page, "buyer-requested")
    commission.refresh_from_db()
    assert commission.status == Status.REQUESTED and commission.brief == question
    assert OutboxEmail.objects.filter(to=buyer.email, template="inquiry_converted").exists()


# --- 6. On a desktop: a quote, a rework and the inbox ---------------------------------------


def test_on_a_desktop_a_quote_a_rework_and_the_inbox(
    desktop_page, open_as, quoted, buyer, other_buyer, maker, request_for
):
    maker.workshop_address = "Kraanlei 12\n9000 Ghent\nBelgium"
    maker.save(update_fields=["workshop_address"])
    rework = services.commission_request_custom(
        buyer=buyer,
        maker=maker,
        title="Grandmother’s ring, reworked",
        brief="Keep the old gold, make it fit a modern hand.",
        budget_max_cents=60000,
        heirloom=True,
        heirloom_description="A worn 18ct band from 1952, with a small chip.",
    )
    services.quote_send(
        commission=rework,
        by=maker.user,
        price_cents=52000,
        deposit_cents=15600,
        estimated_weeks=6,
        milestones=["Assess the gold", "Design", "Rework"],
        revision_rounds=1,
        note="I can keep the inscription inside.",
        valid_until=timezone.localdate() + timezone.timedelta(days=14),
    )
    services.quote_accept(commission=rework, by=buyer)
    request_for(other_buyer, brief="A ring for my daughter's graduation.")

    log_in(desktop_page, buyer)
    desktop_page.goto(quoted.get_absolute_url())
    expect(desktop_page.get_by_role("button", name="Accept the quote of €400.00")).to_be_visible()
    shot(desktop_page, "commission-quoted")

    desktop_page.goto(rework.get_absolute_url())
    expect(status_badge(desktop_page)).to_have_text("Awaiting deposit")
    send_in = desktop_page.locator(".callout", has_text="How to send it in")
    expect(send_in).to_be_visible()
    expect(send_in.locator("address")).to_contain_text("Kraanlei 12")
    expect(send_in.locator("address")).to_contain_text("9000 Ghent")
    expect(send_in).to_contain_text(rework.reference)
    shot(desktop_page, "heirloom-rework")

    mara = open_as(maker.user, who="maker", viewport=DESKTOP)
    mara.goto("/studio/commissions/")
    expect(mara.locator(".commission-cards .card")).to_have_count(1)
    shot(mara, "inbox")
    mara.goto("/studio/commissions/?tab=accepted")
    expect(
        mara.locator(".commission-cards .card").filter(has_text=rework.reference)
    ).to_be_visible()
    mara.goto(rework.get_absolute_url())
    expect(mara.get_by_role("button", name="Log its arrival")).to_be_visible()
    shot(mara, "heirloom")
