"""Whole public pages, kept in the cache for visitors who are not logged in.

A stored page is tagged with the catalog's version; every change of something a public
page shows (a piece, its maker, a photo, an option, availability, publication) bumps the
version, and a page stored under an older one is never served again. The apps say which
models count (`watch`) and call `changed()` where they write with `.update()`, which sends
no signal.

Only a request with no session cookie and no messages cookie is served from or stored in
the cache: it cannot be anyone in particular, so the page holds nothing personal. A
response is stored only when it set no cookie and asked for no CSRF token (a page that
needs one is a page with a form on it, rendered fresh each time).

Redis is never needed: with it gone every call here is a miss (shop/cache.py) and pages
are rendered as before. Stored pages also expire after PAGE_TIMEOUT, which bounds what a
bump lost while Redis was unreachable could leave behind; a Redis that restarted empty
starts a fresh version (from the clock), so nothing stored before it matches.
"""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from shop import stripe_gateway

VERSION_KEY = "page-cache:version"
PAGE_TIMEOUT = 300

_watched: set[type] = set()


def version() -> int | None:
    """The catalog's version now; None when the cache cannot say (Redis down)."""
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        current = cache.get(VERSION_KEY)
    return current


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (a fresh or restarted cache): start one
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def bump() -> None:
    """Every stored page is out of date. Bumped now, and again once the transaction
    commits: a page rendered meanwhile from the old rows is stored under the version it
    read before it queried, which the second bump leaves behind."""
    _bump()
    transaction.on_commit(_bump)


def clear() -> None:
    """Forget every stored page (tests start each with a fresh database)."""
    _bump()


def changed(model: type) -> None:
    """Call after a `.update()` on rows of `model` (which sends no signal)."""
    if any(issubclass(model, watched) for watched in _watched):
        bump()


def _on_change(sender, **kwargs) -> None:
    bump()


def watch(*models: type) -> None:
    """Saving or deleting any of these (or changing one of these many-to-many tables)
    bumps the version."""
    for model in models:
        _watched.add(model)
        uid = f"page-cache:{model._meta.label}"
        post_save.connect(_on_change, sender=model, dispatch_uid=uid)
        post_delete.connect(_on_change, sender=model, dispatch_uid=uid)
        if model._meta.auto_created:
            m2m_changed.connect(_on_change, sender=model, dispatch_uid=uid)


def anonymous(request: HttpRequest) -> bool:
    """A GET from nobody in particular: no session cookie and no messages cookie."""
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in request.COOKIES
    )


def _key(request: HttpRequest) -> str:
    # The day is in the key: delivery estimates and waitlist dates count from today. So is
    # the test-payment banner, and how htmx asked (a fragment or the whole page).
    parts = "\n".join(
        [
            request.get_full_path(),
            request.headers.get("HX-Request", ""),
            request.headers.get("HX-History-Restore-Request", ""),
            str(stripe_gateway.test_mode()),
            timezone.localdate().isoformat(),
        ]
    )
    return "page-cache:page:" + hashlib.sha256(parts.encode()).hexdigest()


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not response.has_header("Cache-Control")
    )


def cache_for_visitors(view):
    """Serve the page from the cache to a visitor who is not logged in."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not anonymous(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        found = cache.get_many([VERSION_KEY, key])
        current = found.get(VERSION_KEY)
        if current is None:
            current = version()
        stored = found.get(key)
        if stored is not None and current is not None and stored[0] == current:
            _, content, headers = stored
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        # The page depends on who asks (a logged-in visitor gets their own), whatever the
        # view itself read.
        patch_vary_headers(response, ("Cookie",))
        if current is not None and _storable(request, response):
            cache.set(key, (current, response.content, list(response.items())), PAGE_TIMEOUT)
        return response

    return wrapped
