"""The buyer's review of a delivered commission, the maker's reply, and the review's
photo (public while the review shows)."""

import re
from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from commissions import selectors, workflow
from commissions.reviews import services as reviews
from commissions.reviews.forms import ReplyForm, ReviewForm
from commissions.reviews.models import ReviewPhoto
from commissions.workflow import NotAllowed


@login_required
def review(request: HttpRequest, reference: str) -> HttpResponse:
    commission = selectors.commission_for_user(request.user, reference)
    if not reviews.can_review(commission, request.user):
        messages.info(
            request,
            "Reviews are for the buyer, once the piece has arrived (and can be changed for "
            "30 days).",
        )
        return redirect(commission)
    current = reviews.review_of(commission)
    initial = {"rating": current.rating, "body": current.body} if current else None
    form = ReviewForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reviews.review_write(
                commission=commission,
                by=request.user,
                rating=data["rating"],
                body=data["body"],
                photo=(data["photo"] or [None])[0],
            )
        except NotAllowed as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, "Thank you: your review is on the maker’s page.")
            return redirect(commission.get_absolute_url() + "#review")
    return render(
        request,
        "commissions/review_form.html",
        {"commission": commission, "form": form, "review": current},
    )


@require_POST
@login_required
def review_reply(request: HttpRequest, reference: str) -> HttpResponse:
    commission = selectors.commission_for_user(request.user, reference)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write your answer (up to 3,000 characters).")
        return redirect(commission.get_absolute_url() + "#review")
    try:
        reviews.review_reply(
            commission=commission, by=request.user, body=form.cleaned_data["reply"]
        )
    except NotAllowed as e:
        messages.error(request, str(e))
    else:
        messages.success(request, "Your answer is under the review.")
    return redirect(commission.get_absolute_url() + "#review")


# <stem>.<ext> for the cleaned original, <stem>-<size>.<ext> for a rendition.
_PHOTO_NAME = re.compile(r"^(?P<stem>[0-9a-f]{32})(?:-(?:thumb|display))?\.[a-z0-9]{2,5}$")


@require_GET
def review_photo(request: HttpRequest, filename: str) -> HttpResponse:
    """Public while its review shows; a hidden review's photo only to its buyer, its maker
    and the office."""
    found = _PHOTO_NAME.match(filename)
    if found is None:
        raise Http404("No photo here.")
    photo = (
        ReviewPhoto.objects.select_related("review__commission__maker")
        .filter(image__startswith=f"{ReviewPhoto.UPLOAD_DIR}/{found['stem']}.")
        .first()
    )
    if photo is None:
        raise Http404("No photo here.")
    commission = photo.review.commission
    public = not photo.review.hidden
    user = request.user
    if not public and not (
        user.is_authenticated
        and (
            user.is_staff or workflow.role_of(user, commission) in (workflow.BUYER, workflow.MAKER)
        )
    ):
        raise Http404("No photo here.")
    if not photo.has_renditions:
        raise Http404("No photo here.")  # not cleaned by its task yet
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
    response = FileResponse(open(path, "rb"))  # noqa: SIM115 - FileResponse closes it
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response
