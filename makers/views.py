"""The public catalog: home, pieces, makers, one piece with its live price."""

import uuid

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from makers import selectors
from makers.forms import CatalogFilterForm, PersonalisationForm
from makers.models import Maker, Piece
from makers.pricing import piece_estimate
from shop import page_cache
from shop.accounts.roles import is_maker
from shop.page_cache import cache_for_visitors

PIECES_PER_PAGE = 24


def _partial(request: HttpRequest, template: str, partial: str) -> str:
    """The fragment for an HTMX swap; the whole page otherwise (and when htmx restores
    history it has no snapshot of)."""
    if request.htmx and not request.htmx.history_restore_request:
        return f"{template}#{partial}"
    return template


def _catalog_version() -> str:
    """What the cached fragments of the cards are keyed by; when the cache cannot say,
    something no stored fragment has."""
    return str(page_cache.version() or uuid.uuid4().hex)


@cache_for_visitors
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "makers/home.html",
        {
            "makers": selectors.featured_makers(),
            "pieces": selectors.featured_pieces(),
        },
    )


@cache_for_visitors
@require_GET
@vary_on_headers("HX-Request")
def catalog(request: HttpRequest) -> HttpResponse:
    facets = selectors.catalog_facets(maker=request.GET.get("maker", "")[:80])
    form = CatalogFilterForm(request.GET, facets=facets)
    query = form.catalog_query()
    page = Paginator(selectors.catalog_pieces(query), PIECES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    more = bool(query.q) and page.paginator.count >= selectors.SEARCH_LIMIT
    return render(
        request,
        _partial(request, "makers/catalog.html", "results"),
        {
            "form": form,
            "page": page,
            "more_than_shown": more,
            "catalog_version": _catalog_version(),
        },
    )


@cache_for_visitors
@require_GET
def makers_list(request: HttpRequest) -> HttpResponse:
    makers = Maker.objects.select_related("portrait").order_by("display_name")
    page = Paginator(makers, PIECES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "makers/makers.html", {"page": page})


@cache_for_visitors
@require_GET
def maker_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        maker = selectors.maker_for_page(slug)
    except Maker.DoesNotExist:
        raise Http404("No maker here.") from None
    return render(
        request,
        "makers/maker.html",
        {
            "maker": maker,
            "availability": maker.availability(),
            "materials": list(maker.materials.all()),
            "pieces": selectors.maker_pieces(maker)[:PIECES_PER_PAGE],
            "piece_count": maker.pieces.published().count(),
            "catalog_version": _catalog_version(),
        },
    )


@cache_for_visitors
@require_GET
@vary_on_headers("HX-Request")
def piece_detail(request: HttpRequest, slug: str) -> HttpResponse:
    own_maker = request.user.maker if is_maker(request.user) else None
    try:
        piece = selectors.piece_for_page(slug, include_unpublished_for=own_maker)
    except Piece.DoesNotExist:
        raise Http404("No piece here.") from None
    chosen = any(key.startswith("opt-") for key in request.GET)
    form = PersonalisationForm(piece, request.GET if chosen else None)
    estimate = piece_estimate(piece, form.selected_choices())
    return render(
        request,
        _partial(request, "makers/piece.html", "price"),
        {"piece": piece, "form": form, "estimate": estimate},
    )
