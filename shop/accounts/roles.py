"""Who may do what. Buyer: anyone signed up. Maker: linked to a maker profile. Owner: staff."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404


def is_buyer(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_maker(user) -> bool:
    # The maker profile lives in the catalog app and points here as `user.maker`;
    # a missing profile raises an AttributeError subclass, which hasattr turns into False.
    return is_buyer(user) and hasattr(user, "maker")


def is_owner(user) -> bool:
    return is_buyer(user) and user.is_staff


def maker_required(view):
    """Log in first; then anyone who is not a maker gets a 404, not a hint the page exists."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_maker(request.user):
            raise Http404("No studio here.")
        return view(request, *args, **kwargs)

    return wrapper
