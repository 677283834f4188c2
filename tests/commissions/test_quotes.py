"""The maker quotes; the buyer accepts, declines or walks away; nothing is left hanging."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from commissions import services, workflow
from commissions.models import Commission, Quote, Status
from commissions.tasks import quotes_expire, requests_expire
from commissions.workflow import NotAllowed
from shop.notifications.models import OutboxEmail
from tests.factories import MakerFactory


def quote_form(**extra) -> dict:
    return {
        "price": "480",
        "deposit_percent": "30",
        "estimated_weeks": "5",
        "milestones": "Sketches\n\nWax model\nCasting",
        "revision_rounds": "2",
        "valid_until": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "note": "I would use recycled gold.",
        **extra,
    }


def test_a_maker_sends_a_quote_with_deposit_milestones_and_revisions(
    client, maker, buyer, request_for
):
    commission = request_for(buyer)
    client.force_login(maker.user)
    response = client.post(reverse("commissions:quote", args=[commission.reference]), quote_form())
    assert response.url == commission.get_absolute_url()
    quote = Quote.objects.get()
    assert (quote.price_cents, quote.deposit_cents, quote.estimated_weeks) == (48000, 14400, 5)
    assert quote.milestones == ["Sketches", "Wax model", "Casting"]
    assert (quote.revision_rounds, quote.status) == (2, Quote.Status.OPEN)
    commission.refresh_from_db()
    assert commission.status == Status.QUOTED
    email = OutboxEmail.objects.get(template="quote_sent")
    assert email.to == buyer.email and "€480.00" in email.subject
    assert "€144.00" in email.body_text and "Sketches → Wax model → Casting" in email.body_text

    client.force_login(buyer)
    html = client.get(commission.get_absolute_url()).content.decode()
    assert "Accept the quote of €480.00" in html and "I would use recycled gold." in html


@pytest.mark.parametrize(
    "extra, error",
    [
        ({"deposit_percent": "", "deposit_amount": "600"}, "cannot be more than the price"),
        ({"deposit_percent": "", "deposit_amount": ""}, "How much deposit"),
        ({"deposit_amount": "100"}, "not both"),
        ({"valid_until": "2001-01-01"}, "today or later"),
        ({"price": "0"}, "at least €1.00"),
    ],
)
def test_a_quote_with_a_mistake_is_explained(client, maker, buyer, request_for, extra, error):
    commission = request_for(buyer)
    client.force_login(maker.user)
    response = client.post(
        reverse("commissions:quote", args=[commission.reference]), quote_form(**extra)
    )
    assert response.status_code == 200 and error in response.content.decode()
    assert not Quote.objects.exists()


def test_a_deposit_as_an_amount(client, maker, buyer, request_for):
    commission = request_for(buyer)
    client.force_login(maker.user)
    client.post(
        reverse("commissions:quote", args=[commission.reference]),
        quote_form(deposit_percent="", deposit_amount="99.50"),
    )
    assert Quote.objects.get().deposit_cents == 9950


def test_a_new_quote_supersedes_the_open_one(quoted, maker):
    services.quote_send(
        commission=quoted,
        by=maker.user,
        price_cents=35000,
        deposit_cents=10000,
        estimated_weeks=3,
        milestones=[],
        revision_rounds=1,
        valid_until=timezone.localdate() + timedelta(days=5),
    )
    assert list(quoted.quotes.values_list("price_cents", "status")) == [
        (35000, "open"),
        (40000, "superseded"),
    ]


def test_a_buyer_cannot_quote_and_a_maker_cannot_accept(client, quoted, buyer, maker):
    client.force_login(buyer)
    assert client.get(reverse("commissions:quote", args=[quoted.reference])).status_code == 302
    with pytest.raises(NotAllowed):
        services.quote_send(
            commission=quoted,
            by=buyer,
            price_cents=1,
            deposit_cents=0,
            estimated_weeks=1,
            milestones=[],
            revision_rounds=0,
            valid_until=timezone.localdate(),
        )
    client.force_login(maker.user)
    response = client.post(
        reverse("commissions:move", args=[quoted.reference, "accept_quote"]), follow=True
    )
    assert response.status_code == 200 and "Only the buyer" in response.content.decode()
    assert Commission.objects.get().status == Status.QUOTED


def test_the_buyer_accepts_and_the_maker_hears(client, quoted, buyer, maker):
    client.force_login(buyer)
    response = client.post(
        reverse("commissions:move", args=[quoted.reference, "accept_quote"]), follow=True
    )
    assert "You accepted the quote" in response.content.decode()
    quoted.refresh_from_db()
    assert (quoted.status, quoted.slot) == (Status.AWAITING_DEPOSIT, "")
    assert quoted.quotes.get().status == Quote.Status.ACCEPTED
    assert OutboxEmail.objects.filter(template="quote_accepted", to=maker.user.email).exists()
    assert [c.to_status for c in quoted.log.all()] == ["requested", "quoted", "awaiting_deposit"]
    assert quoted.log.last().by == buyer

    # Accepting again is refused with a message, never a 500.
    response = client.post(
        reverse("commissions:move", args=[quoted.reference, "accept_quote"]), follow=True
    )
    assert response.status_code == 200
    assert "There is no open quote to accept" in response.content.decode()


def test_an_expired_quote_cannot_be_accepted_and_the_beat_closes_it(client, quoted, buyer):
    Quote.objects.update(valid_until=timezone.localdate() - timedelta(days=1))
    client.force_login(buyer)
    response = client.post(
        reverse("commissions:move", args=[quoted.reference, "accept_quote"]), follow=True
    )
    assert "This quote expired on" in response.content.decode()
    quoted.refresh_from_db()
    assert quoted.status == Status.QUOTED

    assert quotes_expire.apply().get() == 1
    quoted.refresh_from_db()
    assert quoted.status == Status.CLOSED and quoted.quotes.get().status == "expired"
    assert quoted.log.last().role == "system"
    assert OutboxEmail.objects.filter(template="quote_expired", to=buyer.email).exists()
    assert quotes_expire.apply().get() == 0  # once


def test_the_buyer_declines_a_quote_with_a_reason(client, quoted, buyer, maker):
    client.force_login(buyer)
    client.post(
        reverse("commissions:move", args=[quoted.reference, "decline_quote"]),
        {"decline_quote-reason": "Over my budget."},
    )
    quoted.refresh_from_db()
    assert quoted.status == Status.CLOSED and quoted.quotes.get().status == "declined"
    email = OutboxEmail.objects.get(template="quote_declined")
    assert email.to == maker.user.email and "Over my budget." in email.body_text


def test_the_maker_declines_a_request_and_the_buyer_reads_why(client, buyer, maker, request_for):
    commission = request_for(buyer)
    client.force_login(maker.user)
    response = client.post(
        reverse("commissions:move", args=[commission.reference, "decline_request"]),
        {"decline_request-reason": ""},
    )
    assert "This field is required" in response.content.decode()
    client.post(
        reverse("commissions:move", args=[commission.reference, "decline_request"]),
        {"decline_request-reason": "I don't work in platinum."},
    )
    commission.refresh_from_db()
    assert commission.status == Status.DECLINED
    assert (
        "I don't work in platinum."
        in OutboxEmail.objects.get(template="request_declined").body_text
    )
    client.force_login(buyer)
    html = client.get(commission.get_absolute_url()).content.decode()
    assert "I don&#x27;t work in platinum." in html and "Send the request again" in html


def test_a_buyer_withdraws_before_paying_and_nothing_is_charged(client, quoted, buyer, maker):
    client.force_login(buyer)
    client.post(reverse("commissions:move", args=[quoted.reference, "accept_quote"]))
    response = client.post(
        reverse("commissions:move", args=[quoted.reference, "withdraw"]),
        {"withdraw-reason": "Plans changed."},
        follow=True,
    )
    assert "Nothing was charged" in response.content.decode()
    quoted.refresh_from_db()
    maker.refresh_from_db()
    assert (quoted.status, quoted.slot, maker.slots_taken) == (Status.WITHDRAWN, "", 0)
    assert OutboxEmail.objects.filter(template="commission_withdrawn").exists()


def test_no_request_is_left_hanging_it_expires_kindly_and_can_be_sent_again(
    client, buyer, maker, request_for
):
    commission = request_for(buyer)
    other = MakerFactory(display_name="Aurélie", slug="aurelie")
    assert requests_expire.apply().get() == 0
    Commission.objects.filter(pk=commission.pk).update(
        answer_by=timezone.now() - timedelta(minutes=1)
    )
    assert requests_expire.apply().get() == 1
    commission.refresh_from_db()
    assert commission.status == Status.EXPIRED
    email = OutboxEmail.objects.get(template="request_expired")
    assert email.to == buyer.email and "send it again" in email.body_text

    client.force_login(buyer)
    html = client.get(commission.get_absolute_url()).content.decode()
    assert "did not answer within 14 days" in html and "Send the request again" in html
    client.post(reverse("commissions:resend", args=[commission.reference]), {"maker": ""})
    again = Commission.objects.get(resent_from=commission, maker=maker)
    assert again.status == Status.REQUESTED and again.brief == commission.brief
    assert again.reference != commission.reference and again.personalisation

    client.post(reverse("commissions:resend", args=[commission.reference]), {"maker": "aurelie"})
    elsewhere = Commission.objects.get(resent_from=commission, maker=other)
    assert elsewhere.piece is None and elsewhere.kind == "custom"  # the listing was Mara's


def test_the_maker_inbox_shows_counts_and_what_is_about_to_expire(
    client, maker, buyer, other_buyer, request_for
):
    soon = request_for(buyer, brief="Soon")
    Commission.objects.filter(pk=soon.pk).update(answer_by=timezone.now() + timedelta(days=1))
    request_for(other_buyer)
    services.inquiry_start(buyer=other_buyer, maker=maker, body="Do you resize rings?")
    client.force_login(maker.user)
    html = client.get(reverse("commissions:inbox")).content.decode()
    assert "About to expire" in html and html.index("About to expire") < html.index("New requests")
    assert 'New requests <span class="chip__n">2</span>' in html
    assert 'Questions <span class="chip__n">1</span>' in html
    html = client.get(reverse("commissions:inbox"), {"tab": "questions"}).content.decode()
    assert "Question for Mara Silversmith" in html


def test_the_inbox_is_for_makers_only(client, buyer):
    client.force_login(buyer)
    assert client.get(reverse("commissions:inbox")).status_code == 404


def test_a_question_becomes_a_request_the_maker_can_quote(client, buyer, maker, ring):
    client.force_login(buyer)
    client.post(
        reverse("commissions:ask_maker", args=[maker.slug]) + f"?piece={ring.slug}",
        {"body": "Could it be made in rose gold?"},
    )
    commission = Commission.objects.get()
    assert (commission.status, commission.piece, commission.title) == (
        Status.INQUIRY,
        ring,
        "Question about Stacking ring",
    )
    assert commission.messages.get().body == "Could it be made in rose gold?"
    assert OutboxEmail.objects.get(template="inquiry_received").to == maker.user.email
    assert "Could it be made in rose gold?" in OutboxEmail.objects.get().body_text

    client.force_login(maker.user)
    client.post(reverse("commissions:move", args=[commission.reference, "convert"]))
    commission.refresh_from_db()
    assert commission.status == Status.REQUESTED and commission.title == "Stacking ring"
    assert commission.brief == "Could it be made in rose gold?" and commission.answer_by
    assert OutboxEmail.objects.filter(template="inquiry_converted", to=buyer.email).exists()


def test_a_quote_is_answered_once_and_never_goes_back_to_open(quoted):
    quote = quoted.quotes.get()
    assert set(workflow.QUOTE_CHANGES) == {Quote.Status.OPEN}  # only an open quote changes
    workflow.quote_set_status(quote, Quote.Status.ACCEPTED)
    for to in Quote.Status.values:
        with pytest.raises(NotAllowed, match="This quote is accepted"):
            workflow.quote_set_status(quote, to)
    quote.refresh_from_db()
    assert quote.status == Quote.Status.ACCEPTED and quote.answered_at is not None
