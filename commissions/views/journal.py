"""The build journal on the commission page: the maker's progress updates from the bench,
milestones ticked off, the promised date moved; the buyer's answer when it has passed; and
the one photo an email may show."""

from pathlib import PurePosixPath

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from commissions import selectors, workflow
from commissions.journal import emails
from commissions.journal import services as journal
from commissions.journal.forms import (
    CancelRequestForm,
    DateAgreeForm,
    DateMoveForm,
    MilestoneTickForm,
    UpdateForm,
)
from commissions.views._common import act
from commissions.views.commission import _page
from commissions.workflow import NotAllowed


@login_required
def update_new(request: HttpRequest, reference: str) -> HttpResponse:
    """The maker's progress update: on the commission page, or on a page of its own (the
    studio inbox links here). With htmx the form answers with itself, emptied."""
    commission = selectors.commission_for_user(request.user, reference)
    if workflow.role_of(request.user, commission) != workflow.MAKER:
        return redirect(commission)
    milestones = list(commission.milestones.all())
    form = UpdateForm(request.POST or None, request.FILES or None, milestones=milestones)
    posted = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            posted = journal.update_post(
                commission=commission,
                by=request.user,
                body=data["body"],
                images=data["photos"],
                milestone_id=data.get("milestone"),
                milestone_done=data.get("milestone_done", False),
                shareable=data["shareable"],
            )
        except NotAllowed as e:
            form.add_error(None, str(e))
        else:
            milestones = list(commission.milestones.all())
            form = UpdateForm(milestones=milestones)
    context = {"commission": commission, "update_form": form, "is_maker": True, "posted": posted}
    if request.htmx:
        response = render(request, "commissions/update_form.html#update-form", context)
        if posted:
            response["HX-Trigger"] = "thread-changed"
        return response
    if posted:
        return redirect(f"{commission.get_absolute_url()}#u{posted.pk}")
    if request.method == "POST" and request.POST.get("from") == "page":
        return _page(request, commission, update_form=form)
    return render(request, "commissions/update_form.html", {**context, "standalone": True})


@require_POST
@login_required
def milestone_tick(request: HttpRequest, reference: str) -> HttpResponse:
    commission = selectors.commission_for_user(request.user, reference)
    form = MilestoneTickForm(request.POST)
    if form.is_valid():
        act(
            request,
            journal.milestone_tick,
            "Milestone ticked off: the buyer sees it on the timeline.",
            commission=commission,
            by=request.user,
            milestone_id=form.cleaned_data["milestone"],
            note=form.cleaned_data["note"],
        )
    return redirect(f"{commission.get_absolute_url()}#milestones")


@require_POST
@login_required
def date_move(request: HttpRequest, reference: str) -> HttpResponse:
    commission = selectors.commission_for_user(request.user, reference)
    form = DateMoveForm(request.POST)
    if not form.is_valid():
        return _page(request, commission, date_move_form=form)
    try:
        journal.promised_date_move(
            commission=commission,
            by=request.user,
            new_date=form.cleaned_data["new_date"],
            reason=form.cleaned_data["reason"],
        )
    except NotAllowed as e:
        form.add_error(None, str(e))
        return _page(request, commission, date_move_form=form)
    return redirect(f"{commission.get_absolute_url()}#promised")


@require_POST
@login_required
def date_agree(request: HttpRequest, reference: str) -> HttpResponse:
    commission = selectors.commission_for_user(request.user, reference)
    form = DateAgreeForm(request.POST)
    if not form.is_valid():
        return _page(request, commission, date_agree_form=form)
    try:
        journal.promised_date_agree(
            commission=commission, by=request.user, new_date=form.cleaned_data["new_date"]
        )
    except NotAllowed as e:
        form.add_error(None, str(e))
        return _page(request, commission, date_agree_form=form)
    return redirect(f"{commission.get_absolute_url()}#promised")


@require_POST
@login_required
def cancel_request(request: HttpRequest, reference: str) -> HttpResponse:
    commission = selectors.commission_for_user(request.user, reference)
    form = CancelRequestForm(request.POST)
    if form.is_valid():
        act(
            request,
            journal.cancel_request,
            "The shop has your request and will be in touch about the refund.",
            commission=commission,
            by=request.user,
            reason=form.cleaned_data["reason"],
        )
    return redirect(f"{commission.get_absolute_url()}#promised")


@require_GET
def email_photo(request: HttpRequest, token: str) -> HttpResponse:
    """The small photo an email shows: only the thumbnail the signed link names, only once
    it is cleaned and rendered (never the upload), and only for a while."""
    photo = emails.photo_from_link(token)
    name = photo.rendition_name("thumb", "jpeg") if photo and photo.has_renditions else None
    if not name:
        raise Http404("No photo here.")
    storage = photo.image.storage
    try:
        path = storage.path(name)
    except NotImplementedError:
        return redirect(storage.url(name))
    response = FileResponse(open(path, "rb"), filename=PurePosixPath(name).name)  # noqa: SIM115
    response["Cache-Control"] = "private, max-age=86400"
    return response
