"""Log-in abuse: guessing passwords for one account, spraying many accounts from one
address, varying the email's case or a forged X-Forwarded-For to get more guesses, and
guessing the old password with a stolen session. The lock-out is keyed on the client's
address behind the trusted proxy, so a guesser never locks the real owner out."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.urls import reverse

from shop.accounts.models import PasswordCheckFailure
from shop.client_ip import client_ip
from tests.factories import UserFactory

PASSWORD = "a-long-test-password"
PROXY = "10.0.0.2"  # the TLS proxy in front of the web, as compose runs it
LOGIN = reverse("accounts:login")


@pytest.fixture(autouse=True)
def behind_the_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]


def from_address(address: str, *, via_proxy: bool = True, forwarded: str = "") -> Client:
    """A browser at `address`; through the proxy, which appends the address it saw."""
    if via_proxy:
        chain = f"{forwarded}, {address}" if forwarded else address
        return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=chain)
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return Client(REMOTE_ADDR=address, **extra)


def log_in(client: Client, email: str, password: str):
    return client.post(LOGIN, {"username": email, "password": password})


# --- Whose address it is -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.9", "", "203.0.113.9"),  # straight in, no header
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # a header from a stranger: ignored
        (PROXY, "198.51.100.7", "198.51.100.7"),  # through the proxy
        (PROXY, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # a forged hop before the real one
        (PROXY, "198.51.100.7, 10.0.0.3", "198.51.100.7"),  # two of our proxies in a row
        (PROXY, "not-an-address, 198.51.100.7", "198.51.100.7"),
        (PROXY, "", PROXY),  # the proxy itself (its own healthcheck)
        (PROXY, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_is_read_behind_the_trusted_proxy_only(remote, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_a_bad_trusted_proxy_setting_stops_the_start():
    from django.core.exceptions import ImproperlyConfigured

    from shop.client_ip import parse_networks

    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        parse_networks(["10.0.0.0/33"])


# --- One account, many guesses ---------------------------------------------------------------------


def test_five_wrong_passwords_pause_the_guesser_not_the_owner(buyer, settings):
    guesser = from_address("198.51.100.66")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = log_in(guesser, buyer.email, "guess")
    assert response.status_code == 429
    assert log_in(guesser, buyer.email, PASSWORD).status_code == 429
    # The buyer, at home behind the same proxy, logs in as ever.
    assert log_in(from_address("203.0.113.5"), buyer.email, PASSWORD).status_code == 302


def test_a_forged_forwarded_header_does_not_buy_more_guesses(buyer, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        guesser = from_address("198.51.100.66", forwarded=f"192.0.2.{n}")
        response = log_in(guesser, buyer.email, "guess")
    assert response.status_code == 429
    # Nor does a header sent straight to the web, bypassing the proxy.
    for n in range(settings.AXES_FAILURE_LIMIT):
        direct = from_address("203.0.113.77", via_proxy=False, forwarded=f"192.0.2.{n}")
        response = log_in(direct, buyer.email, "guess")
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {
        "198.51.100.66",
        "203.0.113.77",
    }


def test_changing_the_case_of_the_email_does_not_buy_more_guesses(buyer, settings):
    guesser = from_address("198.51.100.66")
    spellings = ["buyer@example.test", "BUYER@example.test", " Buyer@Example.TEST "]
    for n in range(settings.AXES_FAILURE_LIMIT):
        response = log_in(guesser, spellings[n % len(spellings)], "guess")
    assert response.status_code == 429
    assert AccessAttempt.objects.get().username == "buyer@example.test"


# --- Many accounts, few guesses each ----------------------------------------------------------------


def test_spraying_many_accounts_from_one_address_is_paused(db, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 12
    people = [UserFactory(email=f"person{n}@example.test") for n in range(13)]
    sprayer = from_address("198.51.100.99")
    answers = [log_in(sprayer, person.email, "Summer2026!").status_code for person in people[:12]]
    assert answers[:11] == [200] * 11 and answers[11] == 429
    # Even a right password is refused from there now...
    assert log_in(sprayer, people[12].email, PASSWORD).status_code == 429
    # ...and only from there.
    assert log_in(from_address("203.0.113.5"), people[12].email, PASSWORD).status_code == 302


def test_the_address_pause_ends_with_the_cool_off(db, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 3
    people = [UserFactory() for _ in range(4)]
    sprayer = from_address("198.51.100.99")
    for person in people[:3]:
        log_in(sprayer, person.email, "wrong")
    assert log_in(sprayer, people[3].email, PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.first().attempt_time
        - settings.AXES_COOLOFF_TIME
        - timedelta(seconds=1)
    )
    assert log_in(sprayer, people[3].email, PASSWORD).status_code == 302


# --- The old password on the password-change page ------------------------------------------------


def _change(client: Client, old: str):
    return client.post(
        reverse("accounts:password_change"),
        {"old_password": old, "new_password1": "taken-over-9x", "new_password2": "taken-over-9x"},
    )


def test_a_stolen_session_cannot_guess_the_old_password(client, buyer, settings):
    client.force_login(buyer)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert _change(client, "guess").status_code == 200
    paused = _change(client, PASSWORD)
    assert paused.status_code == 429 and "Too many wrong passwords" in paused.content.decode()
    buyer.refresh_from_db()
    assert buyer.check_password(PASSWORD)
    # Whatever address the session moves to: the pause is the account's.
    other = from_address("192.0.2.44")
    other.force_login(buyer)
    assert _change(other, PASSWORD).status_code == 429
    # Once the cool-off has passed the right password works again.
    PasswordCheckFailure.objects.update(
        at=PasswordCheckFailure.objects.first().at - settings.AXES_COOLOFF_TIME
    )
    assert _change(client, PASSWORD).status_code == 302
    assert not PasswordCheckFailure.objects.exists()


def test_a_right_old_password_clears_the_count(client, buyer, settings):
    client.force_login(buyer)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _change(client, "guess")
    assert _change(client, PASSWORD).status_code == 302
    assert not PasswordCheckFailure.objects.exists()
