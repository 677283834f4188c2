"""The shop office reads like the shop: choices and money in words, never JSON or cents."""

from django.urls import reverse

from commissions import services
from tests.commissions.test_commission_page import _quote


def test_the_office_shows_personalisation_budget_milestones_and_the_quote_in_words(
    client, owner, buyer, maker, ring
):
    commission = services.commission_request_piece(
        buyer=buyer,
        piece=ring,
        personalisation=[
            {"option": "Metal", "value": "9ct gold", "price_delta_cents": 32000},
            {"option": "Engraving", "value": "A & B", "price_delta_cents": 0},
        ],
        total_cents=50000,
    )
    custom = services.commission_request_custom(
        buyer=buyer,
        maker=maker,
        title="A pendant",
        brief="Oak leaf.",
        budget_min_cents=40000,
        budget_max_cents=70000,
    )
    _quote(commission, maker, price=145000)
    client.force_login(owner)
    html = client.get(
        reverse("admin:commissions_commission_change", args=[commission.pk])
    ).content.decode()
    assert "Metal: 9ct gold (+€320.00); Engraving: A &amp; B" in html
    assert "price_delta_cents" not in html and "Quote: €1,450.00" in html
    assert "145000" not in html
    html = client.get(reverse("admin:commissions_commission_change", args=[custom.pk]))
    html = html.content.decode()
    assert "€400.00 – €700.00" in html and "40000" not in html
    html = client.get(reverse("admin:commissions_quote_changelist")).content.decode()
    assert "€1,450.00" in html and "145000" not in html
