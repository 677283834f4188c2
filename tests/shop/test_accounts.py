"""Signing up, logging in and out, changing and resetting a password, and the lock-out."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from shop.accounts import roles
from shop.accounts.models import User
from shop.notifications.models import OutboxEmail

PASSWORD = "a-long-test-password"


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks (the eager send tasks) of the block it wraps."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_visitor_signs_up_is_logged_in_and_gets_a_welcome_email(client, db, sent):
    with sent():
        response = client.post(
            reverse("accounts:signup"),
            {"name": "Ada Lovelace", "email": "Ada@Example.test", "password": "woven-silver-42"},
        )
    assert response.status_code == 302
    user = User.objects.get(email="ada@example.test")
    assert client.get(reverse("accounts:account")).context["user"] == user
    row = OutboxEmail.objects.get(to="ada@example.test", template="welcome")
    assert row.status == OutboxEmail.Status.SENT
    assert [m.subject for m in mail.outbox] == ["Welcome to Atelier"]
    assert "Hello Ada" in mail.outbox[0].body


def test_signing_up_with_a_taken_email_explains_and_keeps_what_was_typed(client, buyer):
    response = client.post(
        reverse("accounts:signup"),
        {"name": "Copy Cat", "email": "BUYER@example.test", "password": "woven-silver-42"},
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert 'value="Copy Cat"' in response.content.decode()
    assert User.objects.count() == 1


def test_a_weak_password_is_refused_with_a_reason(client, db):
    response = client.post(
        reverse("accounts:signup"), {"email": "new@example.test", "password": "12345678"}
    )
    assert "too common" in response.content.decode()
    assert not User.objects.filter(email="new@example.test").exists()
    assert not OutboxEmail.objects.exists()


def test_a_buyer_logs_in_with_their_email_and_returns_where_they_were(client, buyer):
    response = client.post(
        reverse("accounts:login") + "?next=/accounts/",
        {"username": "Buyer@Example.test", "password": PASSWORD, "next": "/accounts/"},
    )
    assert response.status_code == 302
    assert response.url == "/accounts/"


def test_the_next_parameter_cannot_send_a_buyer_off_site(client, db, sent):
    with sent():
        response = client.post(
            reverse("accounts:signup"),
            {
                "email": "new@example.test",
                "password": "woven-silver-42",
                "next": "https://evil.example/steal",
            },
        )
    assert response.url == reverse("accounts:account")


def test_log_out_is_a_post(client, buyer):
    client.force_login(buyer)
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("accounts:account")).status_code == 302


def test_the_account_page_needs_a_login_and_saves_the_name(client, buyer):
    assert client.get(reverse("accounts:account")).url.startswith(reverse("accounts:login"))
    client.force_login(buyer)
    client.post(reverse("accounts:account"), {"name": "Beatrice"})
    buyer.refresh_from_db()
    assert buyer.name == "Beatrice"


def test_a_buyer_changes_their_password(client, buyer):
    client.force_login(buyer)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-one-9",
            "new_password2": "another-long-one-9",
        },
    )
    assert response.url == reverse("accounts:password_change_done")
    buyer.refresh_from_db()
    assert buyer.check_password("another-long-one-9")


def test_a_forgotten_password_is_reset_through_an_emailed_link(client, buyer, sent, settings):
    with sent():
        client.post(reverse("accounts:password_reset"), {"email": "buyer@example.test"})
    row = OutboxEmail.objects.get(template="password_reset")
    assert row.to == "buyer@example.test" and row.status == OutboxEmail.Status.SENT
    assert len(mail.outbox) == 1
    # The link is built on SITE_URL, whatever Host the request named.
    link = re.search(
        re.escape(settings.SITE_URL) + r"(/accounts/reset/\S+/)", mail.outbox[0].body
    ).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "fresh-oak-and-linen", "new_password2": "fresh-oak-and-linen"},
    )
    assert response.url == reverse("accounts:password_reset_complete")
    buyer.refresh_from_db()
    assert buyer.check_password("fresh-oak-and-linen")
    # The link works only once.
    assert not client.get(link, follow=True).context["validlink"]


def test_reset_for_an_unknown_email_sends_nothing_and_says_the_same(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.test"})
    assert response.url == reverse("accounts:password_reset_done")
    assert not OutboxEmail.objects.exists()


def test_too_many_wrong_passwords_lock_out_for_a_cool_off_not_forever(client, buyer, settings):
    url = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(url, {"username": buyer.email, "password": "wrong"})
    assert response.status_code == 429
    assert "Too many log-in attempts" in response.content.decode()
    # Even the right password is refused during the cool-off...
    locked = client.post(url, {"username": buyer.email, "password": PASSWORD})
    assert locked.status_code == 429
    # ...and accepted once it has passed.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time
        - settings.AXES_COOLOFF_TIME
        - timedelta(seconds=1)
    )
    assert client.post(url, {"username": buyer.email, "password": PASSWORD}).status_code == 302


def test_roles(buyer, owner):
    assert roles.is_buyer(buyer) and not roles.is_maker(buyer) and not roles.is_owner(buyer)
    assert roles.is_owner(owner)
