"""Changes to the catalog: makers, materials, pieces, photos and personalisation options.

Views and the demo seeding call these; each runs in one transaction.
"""

from django.db import transaction
from django.db.models import Min

from makers.models import OptionChoice, PersonalisationOption, Piece


def piece_price_from_cents(piece: Piece) -> int:
    """The lowest total a buyer can reach: base price, the cheapest choice of every required
    option, and any optional choice that lowers the price."""
    lowest = (
        OptionChoice.objects.filter(option__piece=piece, option__kind=PersonalisationOption.Kind.CHOICE)
        .values("option_id", "option__required")
        .annotate(lowest=Min("price_delta_cents"))
    )
    total = piece.base_price_cents
    for row in lowest:
        total += row["lowest"] if row["option__required"] else min(row["lowest"], 0)
    return max(total, 0)


def piece_search_text(piece: Piece) -> str:
    maker = piece.maker
    parts = [piece.title, piece.description, maker.display_name, maker.craft]
    if piece.pk:
        parts += [m.name for m in piece.materials.all()]
    if piece.category_id:
        parts.append(piece.category.name)
    return "\n".join(p for p in parts if p)


@transaction.atomic
def piece_refresh(*, piece: Piece) -> Piece:
    """Recompute what the catalog filters and searches on after a piece, its options or
    its materials changed."""
    piece.price_from_cents = piece_price_from_cents(piece)
    piece.search_text = piece_search_text(piece)
    Piece.objects.filter(pk=piece.pk).update(
        price_from_cents=piece.price_from_cents, search_text=piece.search_text
    )
    return piece
