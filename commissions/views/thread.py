"""The thread between buyer and maker, and the private photos of a commission."""

from pathlib import PurePosixPath

from django.contrib.auth import SESSION_KEY
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST

from commissions import messaging, selectors
from commissions.activity import micros, parse_stamp
from commissions.forms import MessageForm
from commissions.models import Commission, MessageAttachment, ReferenceImage, UpdatePhoto
from commissions.views.commission import _page, page_context
from commissions.workflow import NotAllowed


def _news(request: HttpRequest, commission) -> HttpResponse:
    """The timeline redrawn, with the milestones and the next steps out of band, and the
    poller with its new cursor; the status and next-step panel too when the commission
    moved on (a quote, a payment, a status). Whoever sees it has read the thread."""
    messaging.thread_mark_read(commission=commission, user=request.user)
    context = page_context(request, commission)
    html = render_to_string("commissions/detail.html#entries", context, request=request)
    parts = ["poller", "hints", "milestones"]
    if request.GET.get("state") and request.GET["state"] != context["state"]:
        parts.append("live")
    for part in parts:
        html += render_to_string(
            f"commissions/detail.html#{part}", {**context, "oob": True}, request=request
        )
    return HttpResponse(html)


@require_GET
def messages_since(request: HttpRequest, reference: str) -> HttpResponse:
    """Polled every few seconds by the open page with the activity stamp it shows.

    Nothing new: 204 from two queries (the session, and this commission's stamp for its
    buyer or maker) and no write; the person is not even loaded, since a 204 tells nobody
    anything. Something new (or someone who is neither buyer nor maker, who gets the
    usual 404): the timeline, redrawn.
    """
    since = parse_stamp(request.GET.get("since"))
    user_id = request.session.get(SESSION_KEY)
    if since and user_id is not None:
        found = (
            Commission.objects.filter(
                Q(buyer_id=user_id) | Q(maker__user_id=user_id), reference=reference
            )
            .values_list("activity_at", flat=True)
            .order_by()[:1]
        )
        at = next(iter(found), None)
        if at is not None and micros(at) <= since:
            return HttpResponse(status=204)
    commission = selectors.commission_for_user(request.user, reference)
    return _news(request, commission)


@require_POST
def message_post(request: HttpRequest, reference: str) -> HttpResponse:
    commission = selectors.commission_for_user(request.user, reference)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            messaging.message_post(
                commission=commission,
                by=request.user,
                body=form.cleaned_data["body"],
                images=form.cleaned_data["images"],
            )
        except NotAllowed as e:
            form.add_error(None, str(e))
        else:
            form = MessageForm()
    if not request.htmx:
        if form.errors:
            return _page(request, commission, message_form=form)
        return redirect(commission.get_absolute_url() + "#thread")
    response = render(
        request,
        "commissions/detail.html#message-form",
        {"commission": commission, "message_form": form},
    )
    # The thread asks for what is new straight away rather than at its next poll.
    response["HX-Trigger"] = "thread-changed"
    return response


@require_GET
def private_image(
    request: HttpRequest, reference: str, kind: str, pk: int, filename: str
) -> HttpResponse:
    """A reference photo ("r"), a message's attachment ("m") or an update's or proof's
    photo ("u"), to the commission's buyer and maker only (and the shop's staff, whose
    admin shows them)."""
    if request.user.is_authenticated and request.user.is_staff:
        commission = get_object_or_404(Commission, reference=reference)
    else:
        commission = selectors.commission_for_user(request.user, reference)
    if kind == "r":
        asset = ReferenceImage.objects.filter(pk=pk, commission=commission).first()
    elif kind == "u":
        asset = UpdatePhoto.objects.filter(pk=pk, update__commission=commission).first()
    elif kind == "m":
        asset = MessageAttachment.objects.filter(pk=pk, message__commission=commission).first()
    else:
        asset = None
    if asset is None:
        raise Http404("No photo here.")
    names = [asset.image.name] + [
        r.get(fmt)
        for r in (asset.renditions or {}).values()
        if isinstance(r, dict)
        for fmt in ("webp", "jpeg")
    ]
    name = next((n for n in names if n and PurePosixPath(n).name == filename), None)
    if name is None:
        raise Http404("No photo here.")
    storage = asset.image.storage
    try:
        path = storage.path(name)
    except NotImplementedError:
        # Remote storage: a signed link that expires in minutes.
        return redirect(storage.url(name))
    response = FileResponse(open(path, "rb"))  # noqa: SIM115 - FileResponse closes it
    response["Cache-Control"] = "private, max-age=3600"
    return response
