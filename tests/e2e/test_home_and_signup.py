"""A visitor opens the shop on a phone and on a desktop, and signs up."""

import re

from django.core import mail

from shop.accounts.models import User
from shop.notifications.models import OutboxEmail


def test_a_visitor_signs_up_on_a_phone(page):
    page.goto("/")
    assert "A piece made for you" in page.locator("h1").inner_text()
    page.screens.shot("home")

    # On a phone the links sit behind the menu, which opens without JavaScript.
    assert not page.locator(".site-nav--wide").is_visible()
    page.locator("summary[aria-label=Menu]").click()
    page.screens.shot("menu-open")
    page.locator(".site-nav--menu").get_by_role("link", name="Sign up").click()
    page.get_by_label("Your name").fill("Ada Lovelace")
    page.get_by_label("Email").fill("ada@example.test")
    page.get_by_label("Password").fill("woven-silver-42")
    page.screens.shot("signup")
    page.get_by_role("button", name="Create account").click()

    page.wait_for_url("**/accounts/signup/sent/")
    assert "ada@example.test" in page.locator("main").inner_text()
    page.screens.shot("signup-sent")
    assert OutboxEmail.objects.get(to="ada@example.test").status == OutboxEmail.Status.SENT
    assert [m.subject for m in mail.outbox] == ["Welcome to Atelier — please confirm your email"]
    page.goto(confirmation_link(mail.outbox[0]))
    page.get_by_role("button", name="Confirm my email").click()

    page.wait_for_url("**/commissions/")  # a new buyer lands on their commissions
    assert "Welcome to Atelier" in page.locator(".messages").inner_text()
    page.screens.shot("account")
    assert User.objects.get(email="ada@example.test").is_active


def test_the_sign_up_form_explains_mistakes_without_losing_input(page, buyer):
    page.goto("/accounts/signup/")
    page.get_by_label("Your name").fill("Second Bea")
    page.get_by_label("Email").fill("second.bea@example.test")
    page.get_by_label("Password").fill("12345678")
    page.get_by_role("button", name="Create account").click()
    assert "too common" in page.locator(".field__error").first.inner_text()
    assert page.get_by_label("Your name").input_value() == "Second Bea"
    page.screens.shot("signup-error")


def confirmation_link(message) -> str:
    """The confirm link in a welcome email, as a path on the live server."""
    return re.search(r"https?://[^/\s]+(/accounts/confirm/\S+)", message.body).group(1)


def test_the_home_page_on_a_desktop(desktop_page):
    desktop_page.goto("/")
    # On a wide screen the navigation is a row of links, no menu button.
    assert desktop_page.get_by_role("link", name="Sign up").is_visible()
    assert not desktop_page.locator("summary[aria-label=Menu]").is_visible()
    desktop_page.screens.shot("home")
