"""The commission page's body, kept per person who looks at it, for as long as nothing it
shows has changed.

The page is the shop's busiest logged-in page (the buyer comes back to follow the build)
and its dearest: the timeline, the milestones, the quotes and payments, the panels, about
25 queries and 90 ms of rendering at 27 entries. What its body shows depends on:

- the commission's own row (read anyway to check who may look): a fingerprint of it is in
  the stored copy, so any change of it, however it was written, is a new page;
- the buyer's name: saving the person bumps the version of every commission they buy;
- the rows beneath it (messages, quotes, payments, milestones, updates and their photos,
  proofs, pins, change orders, dates, the delivery, the review, the journey link): saving
  or deleting any of them bumps the commission's version (`watch`), and the few writes
  that use `.update()` call `changed()`;
- the catalog (the maker's name and story, the piece and its photos): the public page
  cache's version, which every save of them bumps;
- the clock: late milestones, a passed date, "the last update was 12 days ago" change
  with the day, which is in the key; "3 hours ago" on messages and updates is stored as a
  mark (`{% ago %}`) and written out afresh on every answer.

A stored body lives at most MAX_AGE, which bounds what a write missed while Redis was
unreachable could leave behind.

A body holding a photo still being processed (a placeholder) is not stored: the photo's
sizes are written with an `.update()` and the page should show it as soon as it is ready.
Forms are rendered unbound in a stored body; a page re-shown with a form's errors is never
served from or stored in the cache. The CSRF token is stored as a placeholder, and the
person's own token put back on every answer.

With Redis gone the cache answers nothing (shop/cache.py) and every page is rendered.
"""

import functools
import hashlib
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.contrib.humanize.templatetags.humanize import naturaltime
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.html import conditional_escape

from shop import page_cache, stripe_gateway

MAX_AGE = 600  # seconds
# A body holding one of these is not stored (see the module's docstring).
NOT_READY = "img-placeholder"

_watched: dict[type, object] = {}


def _version_key(commission_id: int) -> str:
    return f"commission-page:version:{commission_id}"


def _bump(commission_id: int) -> None:
    key = _version_key(commission_id)
    try:
        cache.incr(key)
    except ValueError:  # no version yet (never looked at, or a restarted cache)
        cache.set(key, time.time_ns(), timeout=None)


def changed(commission_id: int | None) -> None:
    """Every stored body of this commission is out of date: now, and again once the
    transaction commits (a body rendered meanwhile from the old rows was stored under the
    version read before its queries, which the second bump leaves behind)."""
    if commission_id is None:
        return
    _bump(commission_id)
    transaction.on_commit(lambda: _bump(commission_id))


def _on_change(sender, instance, **kwargs) -> None:
    try:
        changed(_watched[sender](instance))
    except Exception:  # noqa: BLE001 - a half-built row (a cascade) has nothing to bump
        return


def watch(model: type, commission_of=lambda row: row.commission_id) -> None:
    """Saving or deleting a row of `model` is a change of its commission's page;
    `commission_of(row)` says which commission."""
    _watched[model] = commission_of
    uid = f"commission-page:{model._meta.label}"
    post_save.connect(_on_change, sender=model, dispatch_uid=uid)
    post_delete.connect(_on_change, sender=model, dispatch_uid=uid)


def _on_person_change(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields and set(update_fields) <= {"last_login", "password"}:
        return  # a log-in, or a new password: nothing any page shows
    from commissions.models import Commission

    for commission_id in Commission.objects.filter(buyer=instance).values_list("pk", flat=True):
        changed(commission_id)


def watch_people(model: type) -> None:
    """The buyer's name is on the maker's page and beside the buyer's messages."""
    post_save.connect(_on_person_change, sender=model, dispatch_uid="commission-page:people")


def _fingerprint(commission, *more) -> str:
    # The commission, and those of its buyer, maker and piece the view read with it.
    # (The commission page reads none: they are watched above and by the catalog.)
    rows = [commission, *more]
    for name in ("buyer", "maker", "piece"):
        if commission._meta.get_field(name).is_cached(commission):
            rows.append(getattr(commission, name))
    text = repr(
        [
            [row._meta.label, *(f.value_from_object(row) for f in row._meta.concrete_fields)]
            for row in rows
            if row is not None
        ]
    )
    return hashlib.blake2s(text.encode(), digest_size=16).hexdigest()


def _placeholder() -> str:
    # Nothing anyone could guess to type into a message: derived from the secret key.
    return "csrf-" + salted_hmac("commission-page-csrf", "placeholder").hexdigest()[:24]


def ago_mark(at: datetime) -> str:
    """What `{% ago %}` writes into a body being stored: the moment, to be told relative to
    the time of each answer."""
    return f"{_placeholder()}:ago:{int(at.timestamp() * 1_000_000)};"


@functools.lru_cache(maxsize=4)
def _ago_pattern(placeholder: str) -> re.Pattern:
    return re.compile(re.escape(placeholder) + r":ago:(-?\d+);")


def _tell(match: re.Match) -> str:
    return _told(int(match.group(1)), int(time.time()))


@functools.lru_cache(maxsize=2048)
def _told(micros: int, second: int) -> str:
    """naturaltime (about 0.15 ms: translations, calendar arithmetic), told once per moment
    and clock second: a page asked for again within the second reads the same."""
    at = datetime.fromtimestamp(micros / 1_000_000, tz=UTC)
    return str(conditional_escape(naturaltime(at)))


@dataclass
class Stored:
    """What the view knows about the stored body before rendering anything."""

    key: str | None = None
    versions: tuple | None = None
    html: str | None = None
    placeholder: str = field(default_factory=_placeholder)

    def body(self, real_token: str) -> str:
        """The stored body as this answer shows it: relative times told now, the person's
        own CSRF token in every form."""
        html = _ago_pattern(self.placeholder).sub(_tell, self.html)
        return html.replace(self.placeholder, real_token)

    def store(self, html: str) -> None:
        self.html = html
        if self.key is not None and NOT_READY not in html:
            cache.set(self.key, (self.versions, html), MAX_AGE)


def lookup(request: HttpRequest, commission) -> Stored:
    """The stored body of this commission for this person, if it is still what the page
    would show; otherwise where to store the one about to be rendered. Asked of the cache
    in one round trip."""
    hx = request.headers.get("HX-Request", "")
    return _lookup(f"commission-page:body:{commission.pk}:{request.user.pk}:{hx}", commission)


def journey_lookup(journey) -> Stored:
    """The journey page as a visitor sees it (the same for everyone holding the link),
    under the same versions as the commission page, and the journey's own row."""
    return _lookup(f"commission-page:journey:{journey.pk}", journey.commission, journey)


def _lookup(key: str, commission, *rows) -> Stored:
    version_key = _version_key(commission.pk)
    found = cache.get_many([page_cache.VERSION_KEY, version_key, key])
    catalog = found.get(page_cache.VERSION_KEY)
    if catalog is None:
        catalog = page_cache.version()
    own = found.get(version_key)
    if own is None:
        cache.add(version_key, time.time_ns(), timeout=None)
        own = cache.get(version_key)
    if catalog is None or own is None:
        return Stored()  # the cache cannot say (Redis down): render, store nothing
    versions = (
        catalog,
        own,
        _fingerprint(commission, *rows),
        timezone.localdate().isoformat(),
        stripe_gateway.test_mode(),
        _placeholder(),
    )
    stored = found.get(key)
    html = stored[1] if stored is not None and stored[0] == versions else None
    return Stored(key=key, versions=versions, html=html)
