"""The maker's studio: profile, materials, pieces, photos and options. Makers only; a maker
reaches only their own things (anything else is a 404)."""

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from makers import services
from makers.forms import MakerProfileForm, MaterialForm, OptionForm, PhotoUploadForm, PieceForm
from makers.models import Material, PersonalisationOption, Piece, PiecePhoto
from shop.accounts.roles import maker_required


def _get_piece_for_maker(user, slug: str) -> Piece:
    return get_object_or_404(Piece.objects.select_related("maker"), slug=slug, maker=user.maker)


def _piece_page(request: HttpRequest, piece: Piece, **forms) -> HttpResponse:
    context = {
        "piece": piece,
        "form": forms.get("form") or PieceForm(instance=piece, maker=piece.maker),
        "photo_form": forms.get("photo_form") or PhotoUploadForm(),
        "photos": piece.photos.order_by("position", "id"),
        "options": piece.options.prefetch_related("choices"),
    }
    template = "studio/piece_edit.html"
    if request.htmx and forms.get("partial"):
        template += "#" + forms["partial"]
    return render(request, template, context)


@maker_required
def dashboard(request: HttpRequest) -> HttpResponse:
    maker = request.user.maker
    counts = dict(maker.pieces.values_list("status").annotate(n=Count("id")))
    return render(
        request,
        "studio/dashboard.html",
        {
            "maker": maker,
            "availability": maker.availability(),
            "counts": counts,
            "materials_count": maker.materials.count(),
        },
    )


@maker_required
def profile(request: HttpRequest) -> HttpResponse:
    maker = request.user.maker
    form = MakerProfileForm(request.POST or None, request.FILES or None, instance=maker)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "portrait"}
        services.maker_profile_update(
            maker=maker, fields=fields, portrait=form.cleaned_data["portrait"]
        )
        messages.success(request, "Your profile is saved.")
        return redirect("studio:profile")
    return render(request, "studio/profile.html", {"form": form, "maker": maker})


@maker_required
def materials(request: HttpRequest) -> HttpResponse:
    maker = request.user.maker
    form = MaterialForm(request.POST or None, maker=maker)
    if request.method == "POST" and form.is_valid():
        services.material_save(maker=maker, fields=form.cleaned_data)
        messages.success(request, f"{form.cleaned_data['name']} is added to your materials.")
        return redirect("studio:materials")
    return render(
        request,
        "studio/materials.html",
        {"form": form, "materials": maker.materials.annotate(piece_count=Count("pieces"))},
    )


@maker_required
def material_edit(request: HttpRequest, material_id: int) -> HttpResponse:
    material = get_object_or_404(Material, pk=material_id, maker=request.user.maker)
    form = MaterialForm(request.POST or None, instance=material, maker=material.maker)
    if request.method == "POST" and form.is_valid():
        services.material_save(maker=material.maker, material=material, fields=form.cleaned_data)
        messages.success(request, "Material saved.")
        return redirect("studio:materials")
    return render(request, "studio/material_edit.html", {"form": form, "material": material})


@require_POST
@maker_required
def material_delete(request: HttpRequest, material_id: int) -> HttpResponse:
    material = get_object_or_404(Material, pk=material_id, maker=request.user.maker)
    services.material_delete(material=material)
    messages.success(request, f"{material.name} is removed.")
    return redirect("studio:materials")


@maker_required
def pieces(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    pieces = request.user.maker.pieces.order_by("-updated_at")
    if status in Piece.Status.values:
        pieces = pieces.filter(status=status)
    return render(
        request,
        "studio/pieces.html",
        {
            "pieces": pieces.annotate(photo_count=Count("photos")),
            "status": status,
            "statuses": Piece.Status.choices,
        },
    )


@maker_required
def piece_new(request: HttpRequest) -> HttpResponse:
    maker = request.user.maker
    form = PieceForm(request.POST or None, maker=maker)
    if request.method == "POST" and form.is_valid():
        piece = services.piece_create(maker=maker, fields=dict(form.cleaned_data))
        messages.success(request, "Your piece is saved as a draft. Add photos, then publish it.")
        return redirect("studio:piece_edit", slug=piece.slug)
    return render(request, "studio/piece_new.html", {"form": form})


@maker_required
def piece_edit(request: HttpRequest, slug: str) -> HttpResponse:
    piece = _get_piece_for_maker(request.user, slug)
    form = PieceForm(request.POST or None, instance=piece, maker=piece.maker)
    if request.method == "POST" and form.is_valid():
        services.piece_update(piece=piece, fields=dict(form.cleaned_data))
        messages.success(request, "Piece saved.")
        return redirect("studio:piece_edit", slug=piece.slug)
    return _piece_page(request, piece, form=form)


@require_POST
@maker_required
def piece_status(request: HttpRequest, slug: str) -> HttpResponse:
    piece = _get_piece_for_maker(request.user, slug)
    try:
        services.piece_set_status(piece=piece, status=request.POST.get("status", ""))
    except services.CatalogError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, f"“{piece.title}” is now {piece.get_status_display().lower()}.")
    return redirect("studio:piece_edit", slug=piece.slug)


@require_POST
@maker_required
def photos_add(request: HttpRequest, slug: str) -> HttpResponse:
    piece = _get_piece_for_maker(request.user, slug)
    form = PhotoUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _piece_page(request, piece, photo_form=form, partial="photos")
    added = services.piece_photos_add(
        piece=piece, files=form.cleaned_data["photos"], alt_text=form.cleaned_data["alt_text"]
    )
    messages.success(request, f"{len(added)} photo(s) added.")
    if request.htmx:
        return _piece_page(request, piece, partial="photos")
    return redirect("studio:piece_edit", slug=piece.slug)


@require_POST
@maker_required
def photo_move(request: HttpRequest, slug: str, photo_id: int) -> HttpResponse:
    piece = _get_piece_for_maker(request.user, slug)
    photo = get_object_or_404(PiecePhoto, pk=photo_id, piece=piece)
    services.piece_photo_move(photo=photo, direction=request.POST.get("direction", ""))
    if request.htmx:
        return _piece_page(request, piece, partial="photos")
    return redirect("studio:piece_edit", slug=piece.slug)


@require_POST
@maker_required
def photo_delete(request: HttpRequest, slug: str, photo_id: int) -> HttpResponse:
    piece = _get_piece_for_maker(request.user, slug)
    photo = get_object_or_404(PiecePhoto, pk=photo_id, piece=piece)
    try:
        services.piece_photo_delete(photo=photo)
    except services.CatalogError as e:
        messages.error(request, str(e))
    if request.htmx:
        return _piece_page(request, piece, partial="photos")
    return redirect("studio:piece_edit", slug=piece.slug)


@maker_required
def option_edit(request: HttpRequest, slug: str, option_id: int | None = None) -> HttpResponse:
    piece = _get_piece_for_maker(request.user, slug)
    option = (
        get_object_or_404(PersonalisationOption, pk=option_id, piece=piece) if option_id else None
    )
    form = OptionForm(request.POST or None, instance=option, currency=piece.currency, piece=piece)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "choices_text"}
        services.option_save(
            piece=piece, option=option, fields=fields, choices=form.cleaned_data["choices_text"]
        )
        messages.success(request, f"“{fields['label']}” saved.")
        return redirect("studio:piece_edit", slug=piece.slug)
    return render(
        request, "studio/option_edit.html", {"form": form, "piece": piece, "option": option}
    )


@require_POST
@maker_required
def option_delete(request: HttpRequest, slug: str, option_id: int) -> HttpResponse:
    piece = _get_piece_for_maker(request.user, slug)
    option = get_object_or_404(PersonalisationOption, pk=option_id, piece=piece)
    services.option_delete(option=option)
    messages.success(request, f"“{option.label}” removed.")
    return redirect("studio:piece_edit", slug=piece.slug)
