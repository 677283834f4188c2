"""The journey link and the provenance record: the buyer shares a public, read-only,
unguessable link to the making of the piece (the maker's story, the milestones, the
updates marked shareable) that never shows a private field, and can revoke it; once the
piece has arrived, its printable provenance record tells its story."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from commissions import messaging
from commissions.journal import services as journal
from commissions.models import Commission, Status
from commissions.shipping.models import Delivery
from commissions.story import services as story
from commissions.story.models import Journey
from commissions.workflow import NotAllowed
from makers.models import Material
from shop.images.pipeline import render_renditions
from tests.world import _upload

# Every private thing about this commission, each a distinct word the page must not hold.
PRIVATE = {
    "buyer's name": "Bartholomew Privatename",
    "buyer's email": "bart.private@example.test",
    "message": "MESSAGE-PRIVATE-7731",
    "brief": "BRIEF-PRIVATE-5521",
    "address": "ADDRESS-PRIVATE-9 Rue Secrète",
    "tracking number": "TRACKPRIVATE991",
    "maker's note to the buyer": "NOTE-PRIVATE-4410",
    "unshared update": "UNSHARED-UPDATE-8812",
    "quote note": "QUOTE-NOTE-PRIVATE-3301",
}


@pytest.fixture
def making(request_for, make_user, maker, ring, django_capture_on_commit_callbacks):
    """A commission at the bench: milestones from the quote, one done; a shareable update
    with a photo and one not shared; messages; an address and a tracking number."""
    from commissions import services

    buyer = make_user(PRIVATE["buyer's email"], name=PRIVATE["buyer's name"])
    commission = request_for(buyer, brief=PRIVATE["brief"])
    services.quote_send(
        commission=commission,
        by=maker.user,
        price_cents=43210,
        deposit_cents=12345,
        estimated_weeks=4,
        milestones=["Sketch", "Wax", "Cast"],
        revision_rounds=0,
        valid_until=timezone.localdate() + timezone.timedelta(days=14),
        note=PRIVATE["quote note"],
    )
    services.quote_accept(commission=commission, by=buyer)
    Commission.objects.filter(pk=commission.pk).update(status=Status.IN_PROGRESS)
    commission.refresh_from_db()
    messaging.message_post(commission=commission, by=buyer, body=PRIVATE["message"])
    sketch = commission.milestones.get(title="Sketch")
    shared = journal.update_post(
        commission=commission,
        by=maker.user,
        body="The sketch is done: a low setting, so it never catches.",
        images=[_upload()],
        milestone_id=sketch.pk,
        milestone_done=True,
        shareable=True,
    )
    hidden = journal.update_post(
        commission=commission,
        by=maker.user,
        body=PRIVATE["unshared update"],
        images=[_upload((20, 30, 40))],
    )
    for update in (shared, hidden):
        for photo in update.photos.all():
            render_renditions(photo)
    Delivery.objects.create(
        commission=commission,
        name=PRIVATE["buyer's name"],
        line1=PRIVATE["address"],
        city="Lyon",
        country="FR",
        carrier="dhl",
        tracking_number=PRIVATE["tracking number"],
        maker_note=PRIVATE["maker's note to the buyer"],
        heirloom_reused="",
    )
    ring.materials.add(
        Material.objects.create(
            maker=maker,
            name="Recycled sterling silver",
            kind=Material.Kind.METAL,
            origin="Refined in Sheffield",
            supplier="Cooksongold",
            recycled=True,
        )
    )
    commission.shared, commission.hidden = shared, hidden
    return commission


def _private_in(html: str, commission) -> list[str]:
    found = [name for name, text in PRIVATE.items() if text.lower() in html.lower()]
    if commission.reference in html:
        found.append("reference")
    if re.search(r"€\s?\d|\d[.,]\d\d\s?€", html) or "432.10" in html or "123.45" in html:
        found.append("a price")
    return found


def test_the_buyer_shares_a_journey_a_stranger_opens_without_a_private_field(client, making):
    client.force_login(making.buyer)
    client.post(reverse("commissions:journey_manage", args=[making.reference]), {"gift_note": ""})
    journey = Journey.objects.get(commission=making)
    assert len(journey.token) >= 43  # 256 random bits, URL-safe
    page = client.get(making.get_absolute_url()).content.decode()
    assert journey.get_absolute_url() in page

    stranger = Client()
    response = stranger.get(journey.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "The sketch is done" in html and "Sketch" in html and "Mara" in html
    assert making.maker.story[:30] in html
    assert _private_in(html, making) == []
    assert response["X-Robots-Tag"].startswith("noindex")
    assert '<meta name="robots" content="noindex' in html
    assert 'property="og:title"' in html and 'property="og:image"' in html
    # Its photos: the shared update's answer, the unshared one's do not.
    shared = making.shared.photos.get()
    hidden = making.hidden.photos.get()
    src = re.search(r'<img src="([^"]+)"', html.split("From the bench", 1)[1])[1]
    assert stranger.get(src).status_code == 200
    for photo in (shared, hidden):
        name = photo.rendition_name("thumb", "jpeg").rsplit("/", 1)[-1]
        url = reverse("commissions:journey_photo", args=[journey.token, photo.pk, name])
        assert stranger.get(url).status_code == (200 if photo is shared else 404)


def test_the_check_for_private_fields_can_fail(making):
    assert _private_in(f"Bartholomew Privatename {making.reference} €12.00", making) == [
        "buyer's name",
        "reference",
        "a price",
    ]


def test_a_gift_note_shows_and_a_revoked_or_unknown_link_is_404(client, making):
    client.force_login(making.buyer)
    url = reverse("commissions:journey_manage", args=[making.reference])
    client.post(url, {"gift_note": "Happy birthday, Nina — this is being made for you."})
    journey = Journey.objects.get(commission=making)
    stranger = Client()
    assert "Happy birthday, Nina" in stranger.get(journey.get_absolute_url()).content.decode()
    client.post(url, {"action": "revoke"})
    assert stranger.get(journey.get_absolute_url()).status_code == 404
    assert stranger.get(reverse("commissions:journey", args=["x" * 43])).status_code == 404
    client.post(url, {"gift_note": ""})
    again = Journey.objects.get(commission=making, revoked_at__isnull=True)
    assert again.token != journey.token
    assert stranger.get(journey.get_absolute_url()).status_code == 404
    assert stranger.get(again.get_absolute_url()).status_code == 200


def test_only_the_buyer_shares_or_revokes(client, making, maker, other_buyer):
    with pytest.raises(NotAllowed):
        story.journey_share(commission=making, by=maker.user)
    client.force_login(other_buyer)
    url = reverse("commissions:journey_manage", args=[making.reference])
    assert client.post(url, {"gift_note": ""}).status_code == 404
    client.force_login(maker.user)
    client.post(url, {"gift_note": ""})
    assert not Journey.objects.exists()


def test_the_provenance_record_once_it_has_arrived(client, making, maker, other_buyer, owner):
    url = reverse("commissions:provenance", args=[making.reference])
    client.force_login(making.buyer)
    assert client.get(url).status_code == 404  # not arrived yet
    Commission.objects.filter(pk=making.pk).update(status=Status.DELIVERED)
    Delivery.objects.filter(commission=making).update(
        shipped_at=timezone.now(), delivered_at=timezone.now()
    )
    html = client.get(url).content.decode()
    for text in (
        "Recycled sterling silver",
        "Refined in Sheffield",
        "Cooksongold",
        "Sketch",
        PRIVATE["maker's note to the buyer"],
        "Metal",  # the personalisation
    ):
        assert text in html
    assert timezone.localdate().strftime("%B") in html  # the sketch's date
    for person in (maker.user, owner):
        client.force_login(person)
        assert client.get(url).status_code == 200
    client.force_login(other_buyer)
    assert client.get(url).status_code == 404
    # Through the journey link: the same story, nothing private.
    journey = story.journey_share(commission=making, by=making.buyer)
    public = Client().get(reverse("commissions:journey_provenance", args=[journey.token]))
    text = public.content.decode()
    assert public.status_code == 200 and "Refined in Sheffield" in text
    assert _private_in(text, making) == []
    assert public["X-Robots-Tag"].startswith("noindex")
