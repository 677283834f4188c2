from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from commissions.messaging import unread_count


def unread(request: HttpRequest) -> dict:
    """Unread messages for the navigation; counted only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_messages": SimpleLazyObject(lambda: unread_count(user))}
