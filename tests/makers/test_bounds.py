"""No 500 from a number: whatever a person types is bounded to what its column can hold
(and to what makes sense), and answered with a message in the shop's words."""

import pytest
from django.urls import reverse

from tests.factories import ChoiceFactory, OptionFactory, PieceFactory, PiecePhotoFactory


@pytest.fixture
def ring(maker):
    piece = PieceFactory(maker=maker, slug="ring", base_price_cents=18000)
    PiecePhotoFactory(piece=piece)
    return piece


def test_a_choice_priced_past_any_column_is_refused_with_the_limit(client, maker, ring):
    client.force_login(maker.user)
    for line in ("Gold | +99999999999", "Gold | -99999999999", "Gold | +1000000.01"):
        response = client.post(
            reverse("studio:option_new", args=[ring.slug]),
            {"kind": "choice", "label": "Metal", "choices_text": line},
        )
        assert response.status_code == 200
        assert "a choice can change the price by €1,000,000.00 at most" in response.content.decode()
    assert not ring.options.exists()


def test_weeks_are_bounded_to_two_years(client, maker, ring):
    client.force_login(maker.user)
    response = client.post(
        reverse("studio:piece_edit", args=[ring.slug]),
        {
            "title": "Ring",
            "base_price_cents": "120",
            "lead_time_min_weeks": "32767",
            "lead_time_max_weeks": "32767",
        },
    )
    assert response.status_code == 200
    assert "less than or equal to 104" in response.content.decode()
    profile = client.post(
        reverse("studio:profile"),
        {"display_name": "Mara", "craft": "Silver", "capacity": 3, "typical_lead_weeks": 99999},
    )
    assert profile.status_code == 200 and "less than or equal to 104" in profile.content.decode()


def test_many_dear_options_never_overflow_the_price_column(maker, ring):
    from makers.services import PRICE_COLUMN_MAX, piece_refresh

    for n in range(30):
        ChoiceFactory(
            option=OptionFactory(piece=ring, label=f"O{n}", required=True),
            price_delta_cents=100_000_000,
        )
    assert piece_refresh(piece=ring).price_from_cents == PRICE_COLUMN_MAX


def test_a_request_dearer_than_the_shop_can_take_is_refused_kindly(client, buyer, maker, ring):
    option = OptionFactory(piece=ring, label="Stone", required=True)
    choice = ChoiceFactory(option=option, label="Diamond", price_delta_cents=100_000_000)
    client.force_login(buyer)
    response = client.post(
        reverse("commissions:request_piece", args=[ring.slug]),
        {f"opt-{option.pk}": choice.pk, "brief": "A big one."},
        follow=True,
    )
    assert response.status_code == 200
    assert "more than the shop can take online" in response.content.decode()
    assert not buyer.commissions.exists()


def test_extreme_catalog_filters_are_ignored_not_an_error(client, ring):
    for query in (
        {"price_min": "9" * 40},
        {"price_max": "99999999999"},
        {"price_min": "-1"},
        {"page": "99999999999999999999"},
        {"maker": "x" * 500},
    ):
        assert client.get(reverse("makers:catalog"), query).status_code == 200


def test_a_nul_character_anywhere_is_a_plain_400_or_a_form_error(client, buyer):
    client.force_login(buyer)
    assert client.get("/commissions/C-%00/").status_code == 400
    assert client.get(reverse("makers:catalog"), {"maker": "a\x00b"}).status_code == 400
    urlencoded = client.post(
        reverse("accounts:account"), "name=a%00b", content_type="application/x-www-form-urlencoded"
    )
    assert urlencoded.status_code == 400
    multipart = client.post(reverse("accounts:account"), {"name": "a\x00b"})
    assert multipart.status_code == 200 and "Null characters are not allowed" in (
        multipart.content.decode()
    )
    buyer.refresh_from_db()
    assert buyer.name == "Bea Buyer"


def test_the_office_offers_no_add_form_that_cannot_make_a_valid_row(client, owner):
    client.force_login(owner)
    for model in ("quote", "message", "commission"):
        assert client.get(reverse(f"admin:commissions_{model}_add")).status_code == 403
        assert client.post(reverse(f"admin:commissions_{model}_add"), {}).status_code == 403


def test_a_multipart_post_to_the_webhook_is_refused_not_an_error(client, db):
    response = client.post("/payments/stripe/webhook/", {"id": "evt_x", "type": "charge.refunded"})
    assert response.status_code == 400
