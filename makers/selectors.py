"""Reads for the catalog pages, each a fixed number of queries whatever the catalog's size."""

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from makers.models import Category, Maker, Material, OptionChoice, Piece, PiecePhoto

# On PostgreSQL the catalog searches the stored, GIN-indexed search_vector (a trigger
# keeps it in step with search_text: migration 0002), in this configuration.
SEARCH_CONFIG = "english"


@dataclass(frozen=True)
class CatalogQuery:
    """What a buyer asked the catalog for; every field comes from the URL."""

    q: str = ""
    category: str = ""
    maker: str = ""
    material: str = ""
    price_min_cents: int | None = None
    price_max_cents: int | None = None
    open_only: bool = False
    responsible_only: bool = False
    sort: str = "newest"


# A search looks at the newest this many matches at most; the page says when there are
# more, and a second word narrows them.
SEARCH_LIMIT = 1000

SORTS = {
    "newest": ("Newest", ["-published_at", "-id"]),
    "price": ("Price, low to high", ["price_from_cents", "id"]),
    "-price": ("Price, high to low", ["-price_from_cents", "-id"]),
    "relevance": ("Relevance", None),
}


def with_cover(pieces: QuerySet) -> QuerySet:
    """Annotate each piece with its first photo's renditions, in the same query."""
    first = PiecePhoto.objects.filter(piece=OuterRef("pk")).order_by("position", "id")
    return pieces.annotate(cover_renditions=Subquery(first.values("renditions")[:1]))


def _material_exists(**conditions) -> Exists:
    through = Piece.materials.through.objects.filter(piece_id=OuterRef("pk"))
    return Exists(through.filter(**{f"material__{k}": v for k, v in conditions.items()}))


def _search_query(q: str) -> SearchQuery:
    return SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)


def _search(pieces: QuerySet, q: str) -> QuerySet:
    if connection.vendor == "postgresql":
        return pieces.filter(search_vector=_search_query(q))
    # SQLite (the local default): every word must appear somewhere; no ranking.
    for word in q.split():
        pieces = pieces.filter(search_text__icontains=word)
    return pieces


def catalog_pieces(query: CatalogQuery) -> QuerySet:
    """Published pieces matching the buyer's filters, sorted, with maker and cover photo."""
    pieces = Piece.objects.published().select_related("maker", "category")
    if query.category:
        pieces = pieces.filter(category__slug=query.category)
    if query.maker:
        pieces = pieces.filter(maker__slug=query.maker)
    if query.material:
        pieces = pieces.filter(_material_exists(kind=query.material))
    if query.price_min_cents is not None:
        pieces = pieces.filter(price_from_cents__gte=query.price_min_cents)
    if query.price_max_cents is not None:
        pieces = pieces.filter(price_from_cents__lte=query.price_max_cents)
    if query.open_only:
        # Taking commissions and with a free slot now: a full bench means the waitlist.
        pieces = pieces.filter(
            maker__accepting_commissions=True, maker__slots_taken__lt=F("maker__capacity")
        )
    if query.responsible_only:
        pieces = pieces.filter(
            Q(_material_exists(recycled=True)) | Q(_material_exists(certification__gt=""))
        )
    ranked = bool(query.q) and query.sort == "relevance" and connection.vendor == "postgresql"
    if query.q:
        # Only the newest SEARCH_LIMIT matches are ranked and counted (walking the
        # newest-first index, it stops there), so a word found in nearly every piece
        # costs what a rarer one does, whatever the catalog's size.
        newest = _search(pieces, query.q).order_by(*SORTS["newest"][1]).values("pk")
        pieces = Piece.objects.filter(pk__in=newest[:SEARCH_LIMIT]).select_related(
            "maker", "category"
        )
    if ranked:
        rank = SearchRank(F("search_vector"), _search_query(query.q))
        pieces = pieces.annotate(rank=rank).order_by("-rank", "-id")
    else:
        pieces = pieces.order_by(*(SORTS.get(query.sort, SORTS["newest"])[1] or SORTS["newest"][1]))
    return with_cover(pieces)


# Up to this many makers the filter offers them in a list; past it, a list would be too
# long to use (and to render), and buyers reach a maker's pieces by search or from the
# maker's page, the filter showing the chosen maker only.
MAKER_LIST_LIMIT = 60


def catalog_facets(*, maker: str = "") -> dict:
    """The choices the filter form offers: two small queries (three when many makers and
    one of them is chosen)."""
    makers = list(
        Maker.objects.order_by("display_name").values_list("slug", "display_name")[
            : MAKER_LIST_LIMIT + 1
        ]
    )
    if len(makers) > MAKER_LIST_LIMIT:
        makers = (
            list(Maker.objects.filter(slug=maker).values_list("slug", "display_name"))
            if maker
            else []
        )
    return {"categories": list(Category.objects.values_list("slug", "name")), "makers": makers}


def maker_for_page(slug: str) -> Maker:
    """One maker with portrait; raises Maker.DoesNotExist."""
    return Maker.objects.select_related("portrait").get(slug=slug)


def maker_pieces(maker: Maker) -> QuerySet:
    return with_cover(maker.pieces.published().order_by("-featured", "-published_at", "-id"))


def piece_for_page(slug: str, *, include_unpublished_for=None) -> Piece:
    """A published piece with everything its page shows, in five queries.

    The maker may look at their own draft or archived piece (the studio's preview).
    """
    pieces = Piece.objects.select_related("maker", "maker__portrait", "category").prefetch_related(
        Prefetch("photos", queryset=PiecePhoto.objects.order_by("position", "id")),
        Prefetch("materials", queryset=Material.objects.order_by("kind", "name")),
        "options",
        Prefetch("options__choices", queryset=OptionChoice.objects.order_by("position", "id")),
    )
    visible = Q(status=Piece.Status.PUBLISHED)
    if include_unpublished_for is not None:
        visible |= Q(maker=include_unpublished_for)
    return pieces.filter(visible).get(slug=slug)


def featured_pieces(limit: int = 8) -> list[Piece]:
    pieces = Piece.objects.published().filter(featured=True).select_related("maker")
    return list(with_cover(pieces.order_by("-published_at", "-id"))[:limit])


def featured_makers(limit: int = 4) -> list[Maker]:
    return list(Maker.objects.filter(featured=True).select_related("portrait")[:limit])
