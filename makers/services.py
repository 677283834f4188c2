"""Changes to the catalog: makers, materials, pieces, photos and personalisation options.

Views, the admin and the demo seeding call these; each runs in one transaction.
"""

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.text import slugify

from makers.models import (
    Maker,
    MakerPortrait,
    Material,
    OptionChoice,
    PersonalisationOption,
    Piece,
    PiecePhoto,
)
from shop import page_cache
from shop.images.pipeline import delete_files, queue_rename, queue_renditions

# The largest value of the PositiveIntegerField prices are kept in.
PRICE_COLUMN_MAX = 2**31 - 1


class CatalogError(Exception):
    """A change the catalog refuses, with a message for the maker."""


# --- Derived fields the catalog searches and sorts on --------------------------------------


def piece_price_from_cents(piece: Piece) -> int:
    """The lowest total a buyer can reach: base price, the cheapest choice of every required
    option, and any optional choice that lowers the price."""
    lowest = (
        OptionChoice.objects.filter(
            option__piece=piece, option__kind=PersonalisationOption.Kind.CHOICE
        )
        .values("option_id", "option__required")
        .annotate(lowest=Min("price_delta_cents"))
    )
    total = piece.base_price_cents
    for row in lowest:
        total += row["lowest"] if row["option__required"] else min(row["lowest"], 0)
    # Each amount is bounded where it is typed; many dear options together are still
    # kept within the column.
    return min(max(total, 0), PRICE_COLUMN_MAX)


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
    page_cache.changed(Piece)
    return piece


def maker_pieces_refresh(*, maker: Maker) -> None:
    for piece in maker.pieces.select_related("maker", "category"):
        piece_refresh(piece=piece)


# --- The maker's profile -------------------------------------------------------------------


@transaction.atomic
def maker_profile_update(
    *, maker: Maker, fields: dict, portrait: ContentFile | None = None
) -> Maker:
    """Save the profile; a new portrait replaces the old one (its files go after commit)."""
    # Compare with what is stored: a bound ModelForm has already set the new values on
    # the instance it was given.
    stored = Maker.objects.filter(pk=maker.pk).values("display_name", "craft").get()
    renamed = any(fields.get(k, stored[k]) != stored[k] for k in stored)
    for name, value in fields.items():
        setattr(maker, name, value)
    maker.save()
    if portrait is not None:
        old = MakerPortrait.objects.filter(maker=maker).first()
        if old:
            delete_files(old)
            old.delete()
        queue_renditions(MakerPortrait.objects.create(maker=maker, image=portrait))
    if renamed:
        maker_pieces_refresh(maker=maker)
    return maker


# --- Materials -----------------------------------------------------------------------------


@transaction.atomic
def material_save(*, maker: Maker, material: Material | None = None, fields: dict) -> Material:
    material = material or Material(maker=maker)
    if material.maker_id != maker.id:
        raise CatalogError("This material belongs to another maker.")
    stored_name = Material.objects.filter(pk=material.pk).values_list("name", flat=True).first()
    renamed = stored_name is not None and fields.get("name", stored_name) != stored_name
    for name, value in fields.items():
        setattr(material, name, value)
    material.save()
    if renamed:
        for piece in material.pieces.select_related("maker", "category"):
            piece_refresh(piece=piece)
    return material


@transaction.atomic
def material_delete(*, material: Material) -> None:
    pieces = list(material.pieces.select_related("maker", "category"))
    material.delete()
    for piece in pieces:
        piece_refresh(piece=piece)


# --- Pieces ----------------------------------------------------------------------------------


def _unique_slug(maker: Maker, title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(f"{maker.slug} {title}")[:150] or f"{maker.slug}-piece"
    slug, n = base, 2
    while Piece.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def piece_create(*, maker: Maker, fields: dict) -> Piece:
    """A new piece starts as a draft: buyers see it once it has a photo and is published."""
    materials = fields.pop("materials", [])
    piece = Piece(maker=maker, currency=settings.SHOP_CURRENCY, status=Piece.Status.DRAFT, **fields)
    piece.slug = _unique_slug(maker, piece.title)
    piece.save()
    piece.materials.set(materials)
    return piece_refresh(piece=piece)


@transaction.atomic
def piece_update(*, piece: Piece, fields: dict) -> Piece:
    materials = fields.pop("materials", None)
    for name, value in fields.items():
        setattr(piece, name, value)
    piece.save()
    if materials is not None:
        piece.materials.set(materials)
    return piece_refresh(piece=piece)


@transaction.atomic
def piece_set_status(*, piece: Piece, status: str) -> Piece:
    """Publish, withdraw to draft, or archive. Publishing needs a photo: buyers buy what
    they can see."""
    if status not in Piece.Status.values:
        raise CatalogError(f"Unknown status {status!r}.")
    if status == Piece.Status.PUBLISHED:
        if not piece.photos.exists():
            raise CatalogError("Add at least one photo before you publish this piece.")
        piece.published_at = piece.published_at or timezone.now()
    leaving = piece.status == Piece.Status.PUBLISHED and status != Piece.Status.PUBLISHED
    piece.status = status
    piece.save(update_fields=["status", "published_at", "updated_at"])
    if leaving:
        # Its photos' public addresses stop working: new names, known only to its maker.
        for photo in piece.photos.all():
            queue_rename(photo)
    return piece


# --- Photos ----------------------------------------------------------------------------------


@transaction.atomic
def piece_photos_add(
    *, piece: Piece, files: list[ContentFile], alt_text: str = ""
) -> list[PiecePhoto]:
    """Add cleaned photos after the existing ones; their sizes are rendered after commit."""
    start = (piece.photos.aggregate(last=Max("position"))["last"] or -1) + 1
    photos = []
    for offset, image in enumerate(files):
        photo = PiecePhoto.objects.create(
            piece=piece, image=image, position=start + offset, alt_text=alt_text or piece.title
        )
        queue_renditions(photo)
        photos.append(photo)
    return photos


@transaction.atomic
def piece_photo_move(*, photo: PiecePhoto, direction: str) -> None:
    """Swap a photo with its neighbour; the first photo is the piece's cover."""
    photos = list(
        PiecePhoto.objects.select_for_update()
        .filter(piece_id=photo.piece_id)
        .order_by("position", "id")
    )
    index = next(i for i, p in enumerate(photos) if p.pk == photo.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(photos):
        photos[index], photos[other] = photos[other], photos[index]
    for position, p in enumerate(photos):
        if p.position != position:
            PiecePhoto.objects.filter(pk=p.pk).update(position=position)
    page_cache.changed(PiecePhoto)  # the first photo is the cover the catalog shows


@transaction.atomic
def piece_photo_delete(*, photo: PiecePhoto) -> None:
    piece = photo.piece
    if piece.is_published and piece.photos.count() == 1:
        raise CatalogError(
            "A published piece needs a photo: add another first, or withdraw the piece."
        )
    delete_files(photo)
    photo.delete()


# --- Personalisation options -----------------------------------------------------------------


@transaction.atomic
def option_save(
    *,
    piece: Piece,
    option: PersonalisationOption | None = None,
    fields: dict,
    choices: list[tuple[str, int]],
) -> PersonalisationOption:
    """Create or change an option and replace its choices. Commissions keep their own
    copy of what was chosen, so changing an option never rewrites an order."""
    if option is None:
        option = PersonalisationOption(piece=piece)
        option.position = (piece.options.aggregate(last=Max("position"))["last"] or -1) + 1
    for name, value in fields.items():
        setattr(option, name, value)
    if option.kind == PersonalisationOption.Kind.CHOICE:
        option.max_length = None
    option.save()
    option.choices.all().delete()
    if option.kind == PersonalisationOption.Kind.CHOICE:
        texts = {
            o.label.lower(): o for o in piece.options.filter(kind=PersonalisationOption.Kind.TEXT)
        }
        rows = []
        for i, (label, delta, *needs) in enumerate(choices):
            # (The form has checked the text option exists.)
            needed = needs[0].strip().lower() if needs and needs[0] else ""
            rows.append(
                OptionChoice(
                    option=option,
                    label=label,
                    price_delta_cents=delta,
                    position=i,
                    needs=texts.get(needed),
                )
            )
        OptionChoice.objects.bulk_create(rows)
    piece_refresh(piece=piece)
    return option


@transaction.atomic
def option_delete(*, option: PersonalisationOption) -> None:
    piece = option.piece
    option.delete()
    piece_refresh(piece=piece)
