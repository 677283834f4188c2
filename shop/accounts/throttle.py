"""Log-in abuse: wrong passwords are counted per (email, address) and per address, and the
old-password check on the password-change page per person.

- Five wrong passwords for one email from one address pause that pair for the cool-off
  (django-axes); the same email from anywhere else still logs in, so nobody can lock a
  buyer out of their account by guessing.
- Password spraying, a few guesses at many accounts from one address, pauses the address
  after AXES_ADDRESS_FAILURE_LIMIT wrong passwords in the cool-off, whichever emails.
- The address is the client's, read behind the trusted proxy (shop.client_ip), and the
  email is compared case-folded, so neither can be varied to get more guesses.
- Someone holding a stolen session cannot try passwords on the password-change page
  either: five wrong old passwords pause the check for that account.
"""

from datetime import timedelta

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from shop.accounts.models import PasswordCheckFailure


def login_username(request, credentials: dict | None) -> str | None:
    """The email as axes counts it: case and surrounding spaces do not make a new one."""
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = getattr(request, "POST", {}).get("username")
    return value.strip().lower() if isinstance(value, str) else value


class ShopAxesHandler(AxesDatabaseHandler):
    """Axes' database handler, also locking an address that guesses at many accounts."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        per_account = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        if per_account >= limit:
            return per_account
        from_address = (
            AccessAttempt.objects.filter(
                ip_address=request.axes_ip_address,
                attempt_time__gte=get_cool_off_threshold(request),
            ).aggregate(total=Sum("failures_since_start"))["total"]
            or 0
        )
        # Axes compares one number with AXES_FAILURE_LIMIT: report "at the limit" once
        # the address has used up its own, larger allowance.
        return limit if from_address >= settings.AXES_ADDRESS_FAILURE_LIMIT else per_account


# --- The old-password check when changing a password -------------------------------------------


def password_check_window() -> timedelta:
    return settings.AXES_COOLOFF_TIME


def password_checks_paused(user) -> bool:
    since = timezone.now() - password_check_window()
    recent = PasswordCheckFailure.objects.filter(user=user, at__gte=since).count()
    return recent >= settings.AXES_FAILURE_LIMIT


def password_check_failed(user) -> None:
    PasswordCheckFailure.objects.create(user=user)
    PasswordCheckFailure.objects.filter(
        user=user, at__lt=timezone.now() - password_check_window()
    ).delete()


def password_check_passed(user) -> None:
    PasswordCheckFailure.objects.filter(user=user).delete()
