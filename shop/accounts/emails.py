"""The emails about an account. The two that carry a one-time link are rendered only when
they are sent (the outbox keeps a user id, never a link): see email_queue_with_link."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from shop.accounts.models import User
from shop.notifications.services import email_queue, email_queue_with_link, rendered_when_sent


class ConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """Tokens for "confirm your email": good for PASSWORD_RESET_TIMEOUT, once (confirming
    changes the account, which changes the hash), and never as a password-reset token."""

    key_salt = "shop.accounts.emails.ConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.password}{user.pending_confirmation}{user.is_active}{timestamp}{user.email}"


confirmation_tokens = ConfirmationTokenGenerator()


def _uid(user: User) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def _user(params: dict) -> User:
    user = User.objects.filter(pk=params.get("user_id")).first()
    if user is None:
        raise LookupError("the account no longer exists")
    return user


# --- Confirm your email (the welcome) ------------------------------------------------------


def signup_confirm(user: User, next_url: str = "") -> None:
    email_queue_with_link(
        to=user.email, template="welcome", params={"user_id": user.pk, "next": next_url}
    )


@rendered_when_sent("welcome")
def _welcome_context(params: dict) -> dict:
    user = _user(params)
    if not user.pending_confirmation:
        raise LookupError("the account is confirmed already")
    link = settings.SITE_URL + reverse(
        "accounts:confirm", args=[_uid(user), confirmation_tokens.make_token(user)]
    )
    if params.get("next"):
        link += "?" + urlencode({"next": params["next"]})
    return {"user": user, "link": link}


def signup_attempt(user: User) -> None:
    """Someone signed up with the address of an existing account: tell its owner."""
    email_queue(to=user.email, template="signup_attempt", context={"user": user})


# --- Reset a forgotten password --------------------------------------------------------------


def password_reset(user: User) -> None:
    email_queue_with_link(to=user.email, template="password_reset", params={"user_id": user.pk})


@rendered_when_sent("password_reset")
def _password_reset_context(params: dict) -> dict:
    user = _user(params)
    link = settings.SITE_URL + reverse(
        "accounts:password_reset_confirm",
        kwargs={"uidb64": _uid(user), "token": default_token_generator.make_token(user)},
    )
    return {"user": user, "email": user.email, "link": link}
