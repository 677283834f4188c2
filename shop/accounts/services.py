from django.db import transaction

from shop.accounts.models import User
from shop.notifications.services import email_queue


def account_signup(*, email: str, password: str, name: str = "") -> User:
    """Create a buyer account and queue the welcome email in the same transaction."""
    with transaction.atomic():
        user = User.objects.create_user(email=email, password=password, name=name)
        email_queue(to=user.email, template="welcome", context={"user": user})
    return user
