"""A visitor who meets an error sees the shop's own page, with a way on, never Django's."""

import pytest
from django.test import Client

from commissions import services

pytestmark = pytest.mark.urls("tests.shop.error_urls")


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    # The static files are not collected in tests; the pages name them as in development.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _looks_like_the_shop(html: str) -> None:
    assert 'class="site-header"' in html and "Browse the pieces" in html
    assert "Traceback" not in html and "DEBUG" not in html and "urlpatterns" not in html


def test_a_missing_page_is_the_shops_404(client, db, production):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    _looks_like_the_shop(html := response.content.decode())
    assert "We can’t find that page" in html


def test_another_buyers_commission_is_the_same_404_with_debug_on_or_off(
    client, settings, production, buyer, other_buyer, maker
):
    commission = services.commission_request_custom(
        buyer=buyer, maker=maker, title="A ring", brief="Gold, please."
    )
    client.force_login(other_buyer)
    for debug in (False, True):
        settings.DEBUG = debug
        response = client.get(commission.get_absolute_url())
        assert response.status_code == 404, debug
        html = response.content.decode()
        _looks_like_the_shop(html)
        assert "A ring" not in html and "Gold, please." not in html


def test_a_refusal_is_the_shops_403(client, db, production):
    response = client.get("/forbidden/")
    assert response.status_code == 403
    _looks_like_the_shop(html := response.content.decode())
    assert "That isn’t open to you" in html


def test_a_stale_form_is_the_shops_403_and_says_what_to_do(db, production):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"username": "a@b.test", "password": "x"})
    assert response.status_code == 403
    _looks_like_the_shop(html := response.content.decode())
    assert "reload the page" in html


def test_a_bug_is_the_shops_500_and_says_sorry(db, production):
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    _looks_like_the_shop(html := response.content.decode())
    assert "Something went wrong on our side" in html
