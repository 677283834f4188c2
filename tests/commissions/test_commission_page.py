"""The commission page as a buyer and a maker use it: the next step redraws itself when
the commission moves on, photos open large, and the lists lead with a photo."""

import re
from datetime import timedelta

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from commissions import services
from shop.images.pipeline import render_renditions
from tests.factories import jpeg_bytes


def _poll_state(html: str) -> str:
    return re.search(r"state=([0-9a-f]+)", html).group(1)


def _poll_since(html: str) -> str:
    return re.search(r"since=([0-9]+)", html).group(1)


def _quote(commission, maker, price=40000):
    services.quote_send(
        commission=commission,
        by=maker.user,
        price_cents=price,
        deposit_cents=price * 3 // 10,
        estimated_weeks=4,
        milestones=[],
        revision_rounds=1,
        valid_until=timezone.localdate() + timedelta(days=14),
    )


def test_the_open_page_redraws_its_next_step_when_the_maker_quotes_and_only_then(
    client, buyer, maker, request_for
):
    commission = request_for(buyer)
    client.force_login(buyer)
    page = client.get(commission.get_absolute_url()).content.decode()
    state = _poll_state(page)
    assert "Accept the quote" not in page
    poll = reverse("commissions:messages", args=[commission.reference])

    since = _poll_since(page)
    quiet = client.get(poll, {"since": since, "state": state})
    assert quiet.status_code == 204  # nothing new: nothing redrawn

    _quote(commission, maker)
    changed = client.get(poll, {"since": since, "state": state}).content.decode()
    assert 'id="live" class="stack" hx-swap-oob="true"' in changed
    assert "Accept the quote of €400.00" in changed and "Quoted" in changed
    assert "Quote: €400.00, 4 weeks of work" in changed  # the timeline, redrawn
    new_state, new_since = _poll_state(changed), _poll_since(changed)
    assert new_state != state and int(new_since) > int(since)
    assert client.get(poll, {"since": new_since, "state": new_state}).status_code == 204
    # A page whose cursor is behind gets the timeline, without the panel if it is current.
    again = client.get(poll, {"since": since, "state": new_state}).content.decode()
    assert 'id="live"' not in again and "Quote: €400.00" in again


def test_the_buttons_come_from_the_table_for_whoever_is_looking(client, buyer, maker, request_for):
    commission = request_for(buyer)
    _quote(commission, maker)
    client.force_login(buyer)
    html = client.get(commission.get_absolute_url()).content.decode()
    moves = set(re.findall(r"/moves/([a-z_]+)/", html))
    assert moves == {"accept_quote", "decline_quote", "withdraw"}
    client.force_login(maker.user)
    html = client.get(commission.get_absolute_url()).content.decode()
    assert set(re.findall(r"/moves/([a-z_]+)/", html)) == {"decline_request"}
    assert reverse("commissions:quote", args=[commission.reference]) in html


def test_a_move_the_table_does_not_offer_this_person_is_refused_in_words(
    client, buyer, maker, request_for
):
    commission = request_for(buyer)
    _quote(commission, maker)
    client.force_login(maker.user)
    response = client.post(
        reverse("commissions:move", args=[commission.reference, "accept_quote"]), follow=True
    )
    assert "Only the buyer can do that now." in response.content.decode()
    assert (
        client.post(
            reverse("commissions:move", args=[commission.reference, "start_work"])
        ).status_code
        == 404
    )  # nobody makes that by hand


def test_reference_photos_open_their_large_rendition(client, buyer, maker):
    commission = services.commission_request_custom(
        buyer=buyer,
        maker=maker,
        title="Like this",
        brief="A leaf.",
        images=[ContentFile(jpeg_bytes((2000, 1500)), "leaf.jpg")],
    )
    image = commission.images.get()
    render_renditions(image)
    image.refresh_from_db()
    large = image.file_url(image.rendition_name("display", "jpeg"))
    client.force_login(buyer)
    html = client.get(commission.get_absolute_url()).content.decode()
    assert f'<a class="photo-link" href="{large}"' in html
    assert client.get(large).status_code == 200


def test_the_buyers_list_leads_with_the_pieces_photo(client, buyer, request_for):
    commission = request_for(buyer)
    client.force_login(buyer)
    html = client.get(reverse("commissions:list")).content.decode()
    card = html[html.index('commission-cards"') :]
    assert commission.reference in card and "<img" in card.split(commission.title)[0]
