"""Starting a commission: from a piece, from a brief, or with a question."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from commissions import services
from commissions.forms import CustomBriefForm, InquiryForm, PieceRequestForm
from commissions.views._common import draft, forget_draft, keep_draft_and_log_in
from commissions.workflow import NotAllowed
from makers.forms import PersonalisationForm
from makers.models import Maker, Piece
from makers.pricing import piece_estimate
from makers.selectors import piece_for_page


def _bound(request: HttpRequest, form_class, **kwargs):
    """The form bound to what was posted, or to the draft kept across a log-in."""
    if request.method == "POST" and request.user.is_authenticated:
        return form_class(request.POST, request.FILES, **kwargs)
    if request.method == "GET" and request.user.is_authenticated and (saved := draft(request)):
        messages.info(request, "Welcome back: your request is as you left it.")
        return form_class(saved, **kwargs)
    return form_class(**kwargs)


def request_piece(request: HttpRequest, slug: str) -> HttpResponse:
    """Request a listed piece with the personalisation chosen on its page."""
    try:
        piece = piece_for_page(slug)
    except Piece.DoesNotExist:
        return render(request, "commissions/piece_gone.html", status=404)
    if request.method == "POST" and not request.user.is_authenticated:
        return keep_draft_and_log_in(request)
    source = request.POST if request.method == "POST" else (draft(request) or request.GET)
    choices = PersonalisationForm(
        piece, source if any(k.startswith("opt-") for k in source) else None
    )
    form = _bound(request, PieceRequestForm)
    estimate = piece_estimate(piece, choices.selected_choices())
    if request.method == "POST" and form.is_valid() and choices.is_valid():
        try:
            commission = services.commission_request_piece(
                buyer=request.user,
                piece=piece,
                personalisation=choices.snapshot(),
                total_cents=estimate.total.cents,
                **form.cleaned_data,
            )
        except NotAllowed as e:
            messages.error(request, str(e))
        else:
            forget_draft(request)
            messages.success(
                request,
                f"Your request is with {piece.maker.display_name}. "
                "You will hear back within 14 days.",
            )
            return redirect(commission)
    return render(
        request,
        "commissions/request_piece.html",
        {"piece": piece, "choices": choices, "form": form, "estimate": estimate},
    )


def request_custom(request: HttpRequest, slug: str) -> HttpResponse:
    """Send a maker a brief for something of the buyer's own design."""
    maker = get_object_or_404(Maker, slug=slug)
    if request.method == "POST" and not request.user.is_authenticated:
        return keep_draft_and_log_in(request)
    form = _bound(request, CustomBriefForm)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            commission = services.commission_request_custom(
                buyer=request.user,
                maker=maker,
                title=data["title"],
                brief=data["brief"],
                budget_min_cents=data["budget_min"],
                budget_max_cents=data["budget_max"],
                wanted_by=data["wanted_by"],
                heirloom=data["heirloom"],
                heirloom_description=data["heirloom_description"],
                images=data["images"],
                heirloom_images=data["heirloom_images"],
            )
        except NotAllowed as e:
            messages.error(request, str(e))
        else:
            forget_draft(request)
            messages.success(request, f"Your brief is with {maker.display_name}.")
            return redirect(commission)
    return render(request, "commissions/request_custom.html", {"maker": maker, "form": form})


def ask_maker(request: HttpRequest, slug: str) -> HttpResponse:
    """A question to a maker before committing to anything."""
    maker = get_object_or_404(Maker, slug=slug)
    piece = Piece.objects.published().filter(maker=maker, slug=request.GET.get("piece")).first()
    if request.method == "POST" and not request.user.is_authenticated:
        return keep_draft_and_log_in(request)
    form = _bound(request, InquiryForm)
    if request.method == "POST" and form.is_valid():
        try:
            commission = services.inquiry_start(
                buyer=request.user,
                maker=maker,
                piece=piece,
                body=form.cleaned_data["body"],
                images=form.cleaned_data["images"],
            )
        except NotAllowed as e:
            messages.error(request, str(e))
        else:
            forget_draft(request)
            messages.success(request, f"Your question is with {maker.display_name}.")
            return redirect(commission)
    return render(request, "commissions/ask.html", {"maker": maker, "piece": piece, "form": form})
