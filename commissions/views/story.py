"""The journey link (public, read-only, unguessable) and the provenance record."""

from pathlib import PurePosixPath

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from commissions import page_store, selectors, workflow
from commissions.models import Commission, Status
from commissions.story import services as story
from commissions.story.forms import JourneyForm
from commissions.workflow import NotAllowed
from shop import page_cache

NOINDEX = "noindex, nofollow, noarchive"
# From the accepted quote on, there is a making to follow.
SHAREABLE = workflow.ACCEPTED | story.HOME | {Status.SHIPPED}


@require_POST
@login_required
def journey_manage(request: HttpRequest, reference: str) -> HttpResponse:
    """The buyer shares the journey (with a note), or revokes the link."""
    commission = selectors.commission_for_user(request.user, reference)
    form = JourneyForm(request.POST)
    try:
        if request.POST.get("action") == "revoke":
            story.journey_revoke(commission=commission, by=request.user)
            messages.success(request, "The link is revoked: it no longer opens anything.")
        elif form.is_valid():
            story.journey_share(
                commission=commission, by=request.user, gift_note=form.cleaned_data["gift_note"]
            )
            messages.success(request, "Your journey link is ready to share.")
        else:
            messages.error(request, "The note is too long (2,000 characters at most).")
    except NotAllowed as e:
        messages.error(request, str(e))
    return redirect(commission.get_absolute_url() + "#journey")


def _name(photo, size: str) -> str:
    return (photo.rendition_name(size, "jpeg") or photo.image.name).rsplit("/", 1)[-1]


def _link_photos(updates, journey) -> None:
    """Each shared photo's thumbnail and large addresses: behind the journey link for a
    visitor, the private photo view for the buyer's own record."""
    for update in updates:
        for photo in update.photos.all():
            if journey is not None:
                photo.thumb_url, photo.large_url = (
                    reverse(
                        "commissions:journey_photo", args=[journey.token, photo.pk, _name(photo, s)]
                    )
                    for s in ("thumb", "display")
                )
            else:
                photo.thumb_url, photo.large_url = (
                    photo.file_url(_name(photo, s)) for s in ("thumb", "display")
                )


def _public(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = NOINDEX
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def journey(request: HttpRequest, token: str) -> HttpResponse:
    found = story.journey_for_token(token)
    # A visitor's page is the same for everyone holding the link: kept while nothing on it
    # changes (commissions/page_store.py; revoking bumps it, and a revoked token is a 404
    # before anything is looked up).
    stored = page_store.journey_lookup(found) if page_cache.anonymous(request) else None
    if stored and stored.html is not None:
        return _public(HttpResponse(stored.html))
    commission = found.commission
    told = story.story(commission, public=True)
    _link_photos(told["updates"], found)
    cover = next((u.photos.all()[0] for u in told["updates"] if u.photos.all()), None)
    context = {
        **told,
        "journey": found,
        "cover": cover,
        "site_url": settings.SITE_URL,
        "has_provenance": commission.status in story.HOME,
    }
    response = render(request, "story/journey.html", context)
    if stored and response.status_code == 200 and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        stored.store(response.content.decode())  # nothing of the visitor's own on it
    return _public(response)


@require_GET
def journey_photo(request: HttpRequest, token: str, pk: int, filename: str) -> HttpResponse:
    """A photo of a shared update, to whoever holds the link."""
    found = story.journey_for_token(token)
    photo = story.shared_photo(found.commission, pk)
    names = [photo.image.name] + [
        photo.rendition_name(size, fmt) for size in ("thumb", "display") for fmt in ("webp", "jpeg")
    ]
    name = next((n for n in names if n and PurePosixPath(n).name == filename), None)
    if name is None:
        raise Http404("No photo here.")
    storage = photo.image.storage
    try:
        path = storage.path(name)
    except NotImplementedError:
        return redirect(storage.url(name))
    return _public(FileResponse(open(path, "rb")))  # noqa: SIM115 - FileResponse closes it


def _provenance(request: HttpRequest, commission: Commission, *, journey=None) -> HttpResponse:
    if commission.status not in story.HOME:
        raise Http404("The provenance record is written once the piece has arrived.")
    told = story.story(commission, public=journey is not None)
    _link_photos(told["updates"], journey)
    response = render(request, "story/provenance.html", {**told, "journey": journey})
    return _public(response) if journey else response


@login_required
@require_GET
def provenance(request: HttpRequest, reference: str) -> HttpResponse:
    """The buyer's, the maker's and the office's record of the finished piece."""
    if request.user.is_staff:
        commission = get_object_or_404(Commission, reference=reference)
    else:
        commission = selectors.commission_for_user(request.user, reference)
    return _provenance(request, commission)


@require_GET
def journey_provenance(request: HttpRequest, token: str) -> HttpResponse:
    found = story.journey_for_token(token)
    return _provenance(request, found.commission, journey=found)


def panel(commission: Commission, role: str) -> dict:
    """The commission page's journey panel: the buyer's link, once there is a story."""
    if role != workflow.BUYER or commission.status not in SHAREABLE:
        return {}
    live = story.live_journey(commission)
    return {
        "journey": live,
        "url": settings.SITE_URL + live.get_absolute_url() if live else "",
        "form": JourneyForm(initial={"gift_note": live.gift_note if live else ""}),
        "has_provenance": commission.status in story.HOME,
    }
