"""Joining: a sign-up that never tells whether an email has an account."""

from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction

from shop.accounts import emails
from shop.accounts.models import User
from shop.notifications.services import recently_queued

# However often someone submits an address, its owner gets at most this many emails.
EMAILS_PER_HOUR = 3


def account_signup(*, email: str, password: str, name: str = "", next_url: str = "") -> User | None:
    """Sign up, answering the same whether or not the email already has an account.

    A new address gets an inactive account and an email with a link to confirm it (and
    `next_url` to carry on where they were). An address waiting for confirmation takes the
    new password and gets a fresh link; an existing account is left alone and its owner
    is told someone tried. The password is hashed either way, so the time taken says
    nothing either. Returns the account that now waits for confirmation, or None.
    """
    email = User.objects.normalize_email(email).strip().lower()
    hashed = make_password(password)
    try:
        with transaction.atomic():
            existing = User.objects.select_for_update().filter(email__iexact=email).first()
            if existing is None:
                user = User(email=email, name=name, is_active=False, pending_confirmation=True)
                user.password = hashed
                user.save()
                emails.signup_confirm(user, next_url)
                return user
    except IntegrityError:
        # Two sign-ups for one new address at once: the other made it.
        existing = User.objects.get(email__iexact=email)
    with transaction.atomic():
        if existing.pending_confirmation:
            existing.password, existing.name = hashed, name or existing.name
            existing.save(update_fields=["password", "name"])
            if recently_queued(to=email, template="welcome", within=timedelta(hours=1)) < (
                EMAILS_PER_HOUR
            ):
                emails.signup_confirm(existing, next_url)
            return existing
        if existing.is_active and not recently_queued(
            to=email, template="signup_attempt", within=timedelta(hours=1)
        ):
            emails.signup_attempt(existing)
    return None


@transaction.atomic
def account_confirm(*, user: User) -> bool:
    """The link in the email was followed: the account opens. False if it was already."""
    return bool(
        User.objects.filter(pk=user.pk, pending_confirmation=True).update(
            is_active=True, pending_confirmation=False
        )
    )
