from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from commissions.messaging import unread_counts


def unread(request: HttpRequest) -> dict:
    """Unread messages for the navigation (as a buyer, as a maker); counted only when a
    page shows them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    counted = getattr(request, "unread_counts", None)  # by the commission page, say
    if counted is not None:
        return {"unread": counted}
    return {"unread": SimpleLazyObject(lambda: unread_counts(user))}
