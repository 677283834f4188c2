"""Signing up, logging in and out, changing and resetting a password, and the lock-out."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from shop.accounts import roles
from shop.accounts.models import User
from shop.notifications.models import OutboxEmail

PASSWORD = "a-long-test-password"


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks (the eager send tasks) of the block it wraps."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _link(message, path: str) -> str:
    """The one-time link in an email, as a path on the site."""
    found = re.search(re.escape(settings.SITE_URL) + rf"({path}\S+)", message.body)
    return found.group(1)


def test_a_visitor_signs_up_confirms_by_the_emailed_link_and_is_logged_in(client, db, sent):
    with sent():
        response = client.post(
            reverse("accounts:signup"),
            {"name": "Ada Lovelace", "email": "Ada@Example.test", "password": "woven-silver-42"},
        )
    assert response.url == reverse("accounts:signup_sent")
    assert "ada@example.test" in client.get(response.url).content.decode()
    user = User.objects.get(email="ada@example.test")
    assert not user.is_active and user.pending_confirmation
    # Not logged in yet, and the password does not open the account before the link.
    assert client.get(reverse("accounts:account")).status_code == 302
    row = OutboxEmail.objects.get(to="ada@example.test", template="welcome")
    assert row.status == OutboxEmail.Status.SENT
    assert [m.subject for m in mail.outbox] == ["Welcome to Atelier — please confirm your email"]
    assert "Hello Ada" in mail.outbox[0].body
    link = _link(mail.outbox[0], "/accounts/confirm/")

    # Opening the link (as a mail scanner would) changes nothing; the button confirms.
    page = client.get(link)
    assert "Confirm my email" in page.content.decode()
    user.refresh_from_db()
    assert not user.is_active
    response = client.post(link)
    assert response.url == reverse("accounts:landing")
    user.refresh_from_db()
    assert user.is_active and not user.pending_confirmation
    assert client.get(reverse("accounts:account")).context["user"] == user
    # The link works once.
    assert "no longer works" in client.get(link).content.decode()


def test_signing_up_says_the_same_whether_or_not_the_email_has_an_account(client, buyer, sent):
    def sign_up(email: str):
        with sent():
            response = client.post(
                reverse("accounts:signup"),
                {"name": "Copy Cat", "email": email, "password": "woven-silver-42"},
            )
        page = client.get(response.url).content.decode().replace(email, "EMAIL")
        page = re.sub(r'"X-CSRFToken": "\w+"', "TOKEN", page)  # masked afresh each time
        client.cookies.clear()
        return response.status_code, response.url, page

    assert sign_up("BUYER@example.test".lower()) == sign_up("newcomer@example.test")
    # The existing account is untouched, and its owner hears that someone tried.
    buyer.refresh_from_db()
    assert buyer.is_active and buyer.check_password(PASSWORD) and buyer.name == "Bea Buyer"
    assert User.objects.filter(email__iexact="buyer@example.test").count() == 1
    attempt = OutboxEmail.objects.get(to="buyer@example.test")
    assert attempt.template == "signup_attempt"
    assert "already has one" in attempt.body_text and "/accounts/reset/" in attempt.body_text


def test_someone_trying_again_and_again_sends_the_owner_one_email_an_hour(client, buyer, sent):
    for _ in range(4):
        with sent():
            client.post(
                reverse("accounts:signup"),
                {"email": "buyer@example.test", "password": "woven-silver-42"},
            )
    assert OutboxEmail.objects.filter(template="signup_attempt").count() == 1


def test_a_link_opened_in_another_browser_confirms_but_does_not_log_in(client, db, sent):
    """Someone who signs up with another person's address knows the password they chose;
    if that person follows the link, the account opens but no session does, and their
    own password reset (the way in for them) shuts the other out."""
    with sent():
        client.post(
            reverse("accounts:signup"),
            {"email": "victim@example.test", "password": "chosen-by-someone-else"},
        )
    link = _link(mail.outbox[0], "/accounts/confirm/")
    elsewhere = Client()
    response = elsewhere.post(link)
    assert response.url == reverse("accounts:login")
    assert elsewhere.get(reverse("accounts:account")).status_code == 302
    assert User.objects.get(email="victim@example.test").is_active


def test_signing_up_again_before_confirming_takes_the_new_password(client, db, sent):
    for password in ("first-choice-of-words", "second-choice-of-words"):
        with sent():
            client.post(
                reverse("accounts:signup"), {"email": "twice@example.test", "password": password}
            )
    first, second = mail.outbox
    assert "no longer works" in client.get(_link(first, "/accounts/confirm/")).content.decode()
    client.post(_link(second, "/accounts/confirm/"))
    user = User.objects.get(email="twice@example.test")
    assert user.is_active and user.check_password("second-choice-of-words")


def test_an_unconfirmed_account_is_opened_by_a_password_reset_too(client, db, sent):
    with sent():
        client.post(
            reverse("accounts:signup"), {"email": "lost@example.test", "password": "lost-the-email"}
        )
        client.post(reverse("accounts:password_reset"), {"email": "lost@example.test"})
    reset = _link(mail.outbox[-1], "/accounts/reset/")
    form_page = client.get(reset, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "fresh-oak-and-linen", "new_password2": "fresh-oak-and-linen"},
    )
    user = User.objects.get(email="lost@example.test")
    assert user.is_active and not user.pending_confirmation


def test_an_account_the_owner_switched_off_is_not_reopened_by_signing_up(client, buyer, sent):
    User.objects.filter(pk=buyer.pk).update(is_active=False)
    with sent():
        client.post(
            reverse("accounts:signup"), {"email": buyer.email, "password": "woven-silver-42"}
        )
    buyer.refresh_from_db()
    assert not buyer.is_active and buyer.check_password(PASSWORD)
    assert mail.outbox == []


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
        client.post(
            reverse("accounts:signup"),
            {
                "email": "new@example.test",
                "password": "woven-silver-42",
                "next": "https://evil.example/steal",
            },
        )
    link = _link(mail.outbox[0], "/accounts/confirm/")
    assert "evil" not in link
    response = client.post(link, {"next": "https://evil.example/steal"})
    assert response.url == reverse("accounts:landing")


def test_the_next_parameter_brings_a_new_buyer_back_where_they_were(client, db, sent):
    with sent():
        client.post(
            reverse("accounts:signup") + "?next=/pieces/ring/request/",
            {
                "email": "new@example.test",
                "password": "woven-silver-42",
                "next": "/pieces/ring/request/",
            },
        )
    link = _link(mail.outbox[0], "/accounts/confirm/")
    page = client.get(link).content.decode()
    assert 'name="next" value="/pieces/ring/request/"' in page
    assert client.post(link, {"next": "/pieces/ring/request/"}).url == "/pieces/ring/request/"


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


# --- One-time links are never kept where staff can read them -----------------------------------


def test_the_outbox_never_holds_a_working_reset_link(client, buyer, owner, sent, settings):
    with sent():
        client.post(reverse("accounts:password_reset"), {"email": buyer.email})
    row = OutboxEmail.objects.get(template="password_reset")
    stored = " ".join(str(getattr(row, f.name)) for f in OutboxEmail._meta.fields if f.name != "id")
    assert row.status == OutboxEmail.Status.SENT
    assert "/accounts/reset/" not in stored and row.body_text == row.body_html == ""
    assert row.send_time_params == {"user_id": buyer.pk}
    # The owner's admin shows the row, and no link.
    admin = Client()
    admin.force_login(owner)
    page = admin.get(reverse("admin:notifications_outboxemail_change", args=[row.pk]))
    assert page.status_code == 200 and "/accounts/reset/" not in page.content.decode()
    # The email itself had one, and it works.
    link = _link(mail.outbox[0], "/accounts/reset/")
    assert client.get(link, follow=True).context["validlink"]
    # Sending it again from the admin makes a fresh link, still not stored.
    with sent():
        admin.post(
            reverse("admin:notifications_outboxemail_changelist"),
            {"action": "resend", "_selected_action": [row.pk]},
        )
    assert len(mail.outbox) == 2 and "/accounts/reset/" in mail.outbox[1].body
    row.refresh_from_db()
    assert row.body_text == "" and row.status == OutboxEmail.Status.SENT


def test_the_confirmation_link_is_not_kept_either(client, db, sent):
    with sent():
        client.post(
            reverse("accounts:signup"), {"email": "new@example.test", "password": "woven-silver-42"}
        )
    row = OutboxEmail.objects.get(template="welcome")
    assert row.body_text == row.body_html == "" and "/accounts/confirm/" in mail.outbox[0].body


def test_reset_emails_to_one_address_are_limited(client, buyer, sent):
    for _ in range(5):
        with sent():
            client.post(reverse("accounts:password_reset"), {"email": buyer.email})
    assert OutboxEmail.objects.filter(template="password_reset").count() == 3
