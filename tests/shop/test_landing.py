"""After logging in, each person lands where their work is, unless they were on their way
somewhere."""

import pytest
from django.urls import reverse

PASSWORD = "a-long-test-password"


def _log_in(client, user, next_url: str = ""):
    data = {"username": user.email, "password": PASSWORD}
    url = reverse("accounts:login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, data, follow=True)


def test_a_buyer_lands_on_their_commissions(client, buyer):
    response = _log_in(client, buyer)
    assert response.redirect_chain[-1][0] == reverse("commissions:list")
    assert "Your commissions" in response.content.decode()


def test_a_buyer_on_their_way_somewhere_goes_there(client, buyer, maker):
    response = _log_in(client, buyer, f"/makers/{maker.slug}/")
    assert response.redirect_chain[-1][0] == f"/makers/{maker.slug}/"


def test_a_maker_lands_in_the_studio_inbox_and_the_nav_leads_there(client, maker):
    response = _log_in(client, maker.user)
    assert response.redirect_chain[-1][0] == reverse("commissions:inbox")
    html = response.content.decode()
    assert f'href="{reverse("commissions:inbox")}">Commissions' in html
    assert f'href="{reverse("commissions:list")}">Commissions' not in html


@pytest.mark.django_db
def test_the_owner_lands_in_the_office(client, owner):
    response = _log_in(client, owner)
    assert response.redirect_chain[-1][0] == reverse("admin:index")
