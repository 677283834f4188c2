"""A buyer requests a listed piece or sends a brief of their own; a visitor keeps what they
typed through logging in; an heirloom finds its way to the workshop."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from commissions import services
from commissions.models import Commission, ReferenceImage, Status
from makers.models import Piece
from shop.notifications.models import OutboxEmail


def photo(name="ref.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (90, 110, 80)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def request_url(ring, **choices) -> str:
    query = "&".join(f"{k}={v}" for k, v in choices.items())
    return reverse("commissions:request_piece", args=[ring.slug]) + (f"?{query}" if query else "")


def test_a_buyer_requests_a_piece_with_their_choices_and_the_price_is_kept(client, buyer, ring):
    client.force_login(buyer)
    url = request_url(ring, **{f"opt-{ring.metal.id}": ring.gold.id})
    assert "€500.00" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            f"opt-{ring.metal.id}": ring.gold.id,
            f"opt-{ring.engraving.id}": "A & B",
            "brief": "For our tenth anniversary.",
        },
    )
    commission = Commission.objects.get()
    assert response.url == commission.get_absolute_url()
    assert (commission.status, commission.buyer, commission.maker) == (
        Status.REQUESTED,
        buyer,
        ring.maker,
    )
    assert commission.listed_price_cents == 50000 and commission.title == "Stacking ring"
    assert commission.personalisation == [
        {"option": "Metal", "value": "9ct gold", "price_delta_cents": 32000},
        {"option": "Engraving", "value": "A & B", "price_delta_cents": 0},
    ]
    assert commission.answer_by > timezone.now() + timedelta(days=13)
    assert commission.log.get().to_status == Status.REQUESTED
    email = OutboxEmail.objects.get(template="request_received")
    assert email.to == ring.maker.user.email and "A & B" in email.body_text
    assert "&amp;" not in email.body_text  # plain text is not HTML-escaped

    # The maker changes the listing later: the request keeps what was asked for.
    Piece.objects.filter(pk=ring.pk).update(base_price_cents=99900, title="Renamed")
    commission.refresh_from_db()
    assert commission.listed_price_cents == 50000
    assert "9ct gold" in client.get(commission.get_absolute_url()).content.decode()


def test_a_missing_required_choice_or_a_long_engraving_is_explained_and_nothing_is_sent(
    client, buyer, ring
):
    client.force_login(buyer)
    response = client.post(
        request_url(ring), {f"opt-{ring.engraving.id}": "Much too long for it", "brief": "Kept"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "This field is required" in html
    assert "at most 12 characters" in html and "Kept" in html
    assert not Commission.objects.exists()


def test_a_visitor_keeps_what_they_typed_through_logging_in(client, buyer, ring):
    url = request_url(ring, **{f"opt-{ring.metal.id}": ring.gold.id})
    html = client.get(url).content.decode()
    assert "asked to log in or create an account" in html and 'type="file"' not in html

    response = client.post(
        url,
        {f"opt-{ring.metal.id}": ring.gold.id, "brief": "Size N please", "wanted_by": "2099-05-01"},
    )
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert "next=%2Fpieces%2Fstacking-ring%2Frequest%2F" in response.url
    assert not Commission.objects.exists()

    client.post(
        reverse("accounts:login"), {"username": buyer.email, "password": "a-long-test-password"}
    )
    html = client.get(url).content.decode()
    assert "Size N please" in html and 'value="2099-05-01"' in html
    assert f'<option value="{ring.gold.id}" selected>' in html
    assert "Welcome back" in html

    client.post(url, {f"opt-{ring.metal.id}": ring.gold.id, "brief": "Size N please"})
    assert Commission.objects.get().brief == "Size N please"
    assert "Size N please" not in client.get(url).content.decode()  # the draft is spent


def test_a_custom_brief_with_budget_date_and_reference_photos(client, buyer, maker):
    client.force_login(buyer)
    url = reverse("commissions:request_custom", args=[maker.slug])
    response = client.post(
        url,
        {
            "title": "A keepsake box",
            "brief": "Walnut, for letters.",
            "budget_min": "200",
            "budget_max": "450",
            "wanted_by": (timezone.localdate() + timedelta(days=60)).isoformat(),
            "images": [photo("a.jpg"), photo("b.jpg")],
        },
    )
    commission = Commission.objects.get()
    assert response.url == commission.get_absolute_url()
    assert (commission.kind, commission.budget_min_cents, commission.budget_max_cents) == (
        "custom",
        20000,
        45000,
    )
    assert [i.kind for i in commission.images.all()] == ["reference", "reference"]
    assert "€200.00 – €450.00" in client.get(commission.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "data, error",
    [
        ({"budget_min": "500", "budget_max": "100"}, "below the lower end"),
        ({"wanted_by": "2001-01-01"}, "after today"),
        ({"budget_min": "lots"}, "Enter an amount"),
        ({"heirloom": "on"}, "Tell the maker about the piece"),
    ],
)
def test_a_brief_with_a_mistake_is_explained_and_kept(client, buyer, maker, data, error):
    client.force_login(buyer)
    response = client.post(
        reverse("commissions:request_custom", args=[maker.slug]),
        {"title": "A box", "brief": "Walnut.", **data},
    )
    assert error in response.content.decode() and 'value="A box"' in response.content.decode()
    assert not Commission.objects.exists()


def test_more_than_eight_reference_photos_are_refused(client, buyer, maker):
    client.force_login(buyer)
    response = client.post(
        reverse("commissions:request_custom", args=[maker.slug]),
        {"title": "A box", "brief": "Walnut.", "images": [photo(f"{i}.jpg") for i in range(9)]},
    )
    assert "up to 8 photos" in response.content.decode()


def test_a_maker_not_taking_commissions_gets_no_request_but_a_question_is_fine(
    client, buyer, maker
):
    maker.accepting_commissions = False
    maker.save()
    client.force_login(buyer)
    response = client.post(
        reverse("commissions:request_custom", args=[maker.slug]),
        {"title": "A box", "brief": "Walnut."},
        follow=True,
    )
    assert "not taking new commissions" in response.content.decode()
    assert not Commission.objects.exists()
    client.post(
        reverse("commissions:ask_maker", args=[maker.slug]), {"body": "When will you reopen?"}
    )
    assert Commission.objects.get().status == Status.INQUIRY


def test_a_maker_cannot_commission_themselves(client, maker, ring):
    client.force_login(maker.user)
    response = client.post(
        request_url(ring, **{f"opt-{ring.metal.id}": ring.silver.id}),
        {f"opt-{ring.metal.id}": ring.silver.id},
        follow=True,
    )
    assert "your own" in response.content.decode()
    assert not Commission.objects.exists()


def test_an_heirloom_rework_from_photos_to_arrival(
    client, buyer, maker, django_capture_on_commit_callbacks
):
    maker.workshop_address = "Atelier Mara\nKaai 12\n8400 Ostend"
    maker.save()
    client.force_login(buyer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("commissions:request_custom", args=[maker.slug]),
            {
                "title": "Remake grandma's ring",
                "brief": "Into a pendant.",
                "heirloom": "on",
                "heirloom_description": "A worn gold band, 1952.",
                "heirloom_images": [photo()],
            },
        )
    commission = Commission.objects.get()
    assert commission.heirloom and commission.images.get().kind == ReferenceImage.Kind.HEIRLOOM
    assert commission.images.get().has_renditions
    html = client.get(commission.get_absolute_url()).content.decode()
    assert "A worn gold band, 1952." in html and "Kaai 12" not in html
    assert "Once the quote is accepted you will see where to send it" in html

    services.quote_send(
        commission=commission,
        by=maker.user,
        price_cents=30000,
        deposit_cents=9000,
        estimated_weeks=3,
        milestones=[],
        revision_rounds=1,
        valid_until=timezone.localdate() + timedelta(days=7),
    )
    services.quote_accept(commission=commission, by=buyer)
    html = client.get(commission.get_absolute_url()).content.decode()
    assert "How to send it in" in html and "Kaai 12" in html and commission.reference in html

    client.force_login(maker.user)
    client.post(
        reverse("commissions:heirloom", args=[commission.reference]),
        {"condition": "Scratched but sound."},
    )
    commission.refresh_from_db()
    assert (
        commission.heirloom_received_at and commission.heirloom_condition == "Scratched but sound."
    )
    assert OutboxEmail.objects.filter(template="heirloom_received", to=buyer.email).exists()
    client.force_login(buyer)
    assert "Scratched but sound." in client.get(commission.get_absolute_url()).content.decode()


def test_a_buyer_cannot_log_an_heirloom_arrival(client, buyer, maker):
    commission = services.commission_request_custom(
        buyer=buyer,
        maker=maker,
        title="Rework",
        brief="x",
        heirloom=True,
        heirloom_description="A chain",
    )
    client.force_login(buyer)
    response = client.post(
        reverse("commissions:heirloom", args=[commission.reference]),
        {"condition": "fine"},
        follow=True,
    )
    assert "Only the maker" in response.content.decode()
    commission.refresh_from_db()
    assert commission.heirloom_received_at is None


def test_references_are_short_unguessable_and_used_in_urls(buyer, request_for):
    references = {request_for(buyer).reference for _ in range(30)}
    assert len(references) == 30
    for reference in references:
        assert len(reference) == 8 and reference.startswith("C-")
        assert not set(reference[2:]) & set("ILOU")
    commission = Commission.objects.first()
    assert commission.get_absolute_url() == f"/commissions/{commission.reference}/"
    assert str(commission.pk) not in commission.get_absolute_url().split("/")
