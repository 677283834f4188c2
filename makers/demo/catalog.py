"""Seed the demo catalog: makers with portraits, materials, categories, and pieces with
photos drawn by Pillow and personalisation options.

Safe to run again: makers are found by slug, users by email, pieces by slug, and nothing
that exists is drawn or written twice. Photos are rendered at once (not in Celery), so the
shop looks finished the moment `seed_demo` returns.
"""

import io
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image

from makers.demo import content, drawings
from makers.demo.content import MakerSpec, PieceSpec
from makers.models import (
    Category,
    Maker,
    MakerPortrait,
    Material,
    OptionChoice,
    PersonalisationOption,
    Piece,
    PiecePhoto,
)
from makers.services import piece_refresh
from shop import page_cache
from shop.accounts.demo import DEMO_PASSWORD
from shop.accounts.models import User
from shop.images.pipeline import render_renditions

JPEG_QUALITY = 90


def jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


def detail(image: Image.Image, drawing: str, zoom: float = 1.7) -> Image.Image:
    """A close-up of the piece: the part of the picture around it, enlarged to full size."""
    w, h = image.size
    fx, fy = drawings.FOCUS.get(drawing, (0.5, 0.5))
    cw, ch = w / zoom, h / zoom
    x0 = min(max(fx * w - cw / 2, 0), w - cw)
    y0 = min(max(fy * h - ch / 2, 0), h - ch)
    return image.resize((w, h), Image.Resampling.LANCZOS, box=(x0, y0, x0 + cw, y0 + ch))


@dataclass
class PhotoJob:
    """Pictures to draw for one maker's portrait or one piece's photos. `draw` touches no
    database, so it runs in a worker thread while the main thread stores finished ones."""

    owner: Maker | Piece
    draw: Callable[[], list[bytes]]
    alts: tuple[str, ...] = ()


def _store(job: PhotoJob, pictures: list[bytes]) -> None:
    for position, data in enumerate(pictures):
        # upload_to gives the file a fresh random name; ours only says what it is.
        image = ContentFile(data, name="demo.jpg")
        if isinstance(job.owner, Maker):
            asset = MakerPortrait(maker=job.owner, image=image)
        else:
            asset = PiecePhoto(
                piece=job.owner, position=position, alt_text=job.alts[position], image=image
            )
        asset.save()
        render_renditions(asset)


def run_jobs(jobs: list[PhotoJob]) -> None:
    """Draw in two threads (Pillow lets go of the GIL for most of its work) while this
    thread saves each job's pictures and renders their sizes, in order."""
    pool = ThreadPoolExecutor(max_workers=2)
    try:
        with transaction.atomic():
            for job, pictures in zip(jobs, pool.map(lambda j: j.draw(), jobs), strict=True):
                _store(job, pictures)
    finally:
        pool.shutdown(cancel_futures=True)


# --- Categories, makers, materials --------------------------------------------------------


def seed_categories() -> tuple[dict[str, Category], int]:
    """The demo categories keyed by their demo slug (an existing category of the same name
    counts), creating the missing ones; and how many were created."""
    by_slug = {c.slug: c for c in Category.objects.all()}
    by_name = {c.name: c for c in by_slug.values()}
    found, missing = {}, []
    for position, spec in enumerate(content.CATEGORIES):
        category = by_slug.get(spec.slug) or by_name.get(spec.name)
        if category:
            found[spec.slug] = category
        else:
            missing.append(
                Category(
                    slug=spec.slug, name=spec.name, description=spec.description, position=position
                )
            )
    for category in Category.objects.bulk_create(missing):
        found[category.slug] = category
    return found, len(missing)


def _user_for(spec: MakerSpec, maker_user: User) -> tuple[User, bool]:
    if not spec.email:
        return maker_user, False
    user = User.objects.filter(email__iexact=spec.email).first()
    if user:
        return user, False
    return User.objects.create_user(email=spec.email, password=DEMO_PASSWORD, name=spec.name), True


def _maker_for(spec: MakerSpec, user: User) -> tuple[Maker, bool]:
    # By slug, or by user: the demo maker may already have a profile made in the studio.
    maker = Maker.objects.filter(slug=spec.slug).first() or Maker.objects.filter(user=user).first()
    if maker:
        return maker, False
    maker = Maker.objects.create(
        user=user,
        slug=spec.slug,
        display_name=spec.name,
        craft=spec.craft,
        tagline=spec.tagline,
        story=spec.story,
        location=spec.location,
        accepting_commissions=spec.accepting,
        capacity=spec.capacity,
        typical_lead_weeks=spec.lead_weeks,
        featured=spec.featured,
        workshop_address=spec.workshop,
    )
    return maker, True


def _portrait_job(maker: Maker, spec: MakerSpec) -> PhotoJob | None:
    if MakerPortrait.objects.filter(maker=maker).exists():
        return None
    return PhotoJob(
        maker,
        lambda: [jpeg(drawings.portrait(maker.slug, initials=spec.initials, **spec.portrait))],
    )


def _seed_materials(maker: Maker, spec: MakerSpec) -> tuple[dict[str, Material], int]:
    existing = {m.name: m for m in maker.materials.all()}
    missing = [
        Material(
            maker=maker,
            name=m.name,
            kind=m.kind,
            origin=m.origin,
            supplier=m.supplier,
            recycled=m.recycled,
            certification=m.certification,
            note=m.note,
        )
        for m in spec.materials
        if m.name not in existing
    ]
    for material in Material.objects.bulk_create(missing):
        existing[material.name] = material
    return existing, len(missing)


# --- Pieces ------------------------------------------------------------------------------------


def piece_slug(maker: Maker, spec: PieceSpec) -> str:
    return slugify(f"{maker.slug} {spec.title}")[:160]


def _create_piece(
    maker: Maker,
    spec: PieceSpec,
    *,
    slug: str,
    category: Category,
    materials: dict[str, Material],
    published_at,
) -> Piece:
    piece = Piece.objects.create(
        maker=maker,
        slug=slug,
        title=spec.title,
        description=spec.description,
        category=category,
        base_price_cents=spec.price,
        currency="EUR",
        lead_time_min_weeks=spec.lead[0],
        lead_time_max_weeks=spec.lead[1],
        made_to_order=spec.made_to_order,
        status=spec.status,
        featured=spec.featured,
        published_at=published_at if spec.status == Piece.Status.PUBLISHED else None,
    )
    piece.materials.set([materials[name] for name in spec.materials])
    created = {}
    for position, option_spec in enumerate(spec.options):
        option = PersonalisationOption.objects.create(
            piece=piece,
            position=position,
            label=option_spec.label,
            help_text=option_spec.help_text,
            required=option_spec.required,
            kind=(
                PersonalisationOption.Kind.CHOICE
                if option_spec.choices
                else PersonalisationOption.Kind.TEXT
            ),
            max_length=None if option_spec.choices else option_spec.max_length,
        )
        created[option_spec.label] = option
        OptionChoice.objects.bulk_create(
            OptionChoice(option=option, label=label, price_delta_cents=delta, position=i)
            for i, (label, delta) in enumerate(option_spec.choices)
        )
    for option_spec in spec.options:
        for choice_label, text_label in option_spec.needs:
            if text_label in created:
                OptionChoice.objects.filter(
                    option=created[option_spec.label], label=choice_label
                ).update(needs=created[text_label])
    return piece_refresh(piece=piece)


def _photo_job(piece: Piece, spec: PieceSpec) -> PhotoJob:
    def draw() -> list[bytes]:
        picture = drawings.DRAWINGS[spec.drawing]
        first = picture(piece.slug, **spec.looks)
        shots = [first]
        for looks, _ in spec.photos:
            shots.append(
                detail(first, spec.drawing) if looks == "detail" else picture(piece.slug, **looks)
            )
        return [jpeg(shot) for shot in shots]

    return PhotoJob(piece, draw, (spec.alt, *(alt for _, alt in spec.photos)))


def _seed_maker(
    spec: MakerSpec,
    *,
    maker_user: User,
    categories: dict[str, Category],
    index: int,
    counts: Counter,
) -> list[PhotoJob]:
    """The maker's rows; returns the pictures still to draw."""
    user, new_user = _user_for(spec, maker_user)
    maker, new_maker = _maker_for(spec, user)
    counts["users"] += new_user
    counts["makers"] += new_maker
    jobs = [job for job in [_portrait_job(maker, spec)] if job]
    materials, new_materials = _seed_materials(maker, spec)
    counts["materials"] += new_materials
    slugs = {piece_slug(maker, p): p for p in spec.pieces}
    existing = {p.slug: p for p in Piece.objects.filter(slug__in=slugs)}
    with_photos = set(
        PiecePhoto.objects.filter(piece__slug__in=slugs).values_list("piece__slug", flat=True)
    )
    now = timezone.now()
    for n, (slug, piece_spec) in enumerate(slugs.items()):
        piece = existing.get(slug)
        if piece is None:
            # Spread publication dates over the last weeks so "newest" has an order.
            published_at = now - timedelta(days=index * 3 + n * 5, hours=n)
            piece = _create_piece(
                maker,
                piece_spec,
                slug=slug,
                category=categories[piece_spec.category],
                materials=materials,
                published_at=published_at,
            )
            counts["pieces"] += 1
        if slug not in with_photos:
            jobs.append(_photo_job(piece, piece_spec))
    return jobs


def seed_catalog(*, maker_user: User) -> dict[str, int]:
    """Create whatever of the demo catalog is missing; `maker_user` is the demo maker's
    account (the silversmith). Returns how many of each thing were created now."""
    counts: Counter = Counter()
    categories, counts["categories"] = seed_categories()
    jobs: list[PhotoJob] = []
    for index, spec in enumerate(content.MAKERS):
        with transaction.atomic():
            jobs += _seed_maker(
                spec, maker_user=maker_user, categories=categories, index=index, counts=counts
            )
    # A piece whose photos are still missing (a run cut short) gets them on the next run.
    run_jobs(jobs)
    counts["portraits"] = sum(isinstance(j.owner, Maker) for j in jobs)
    counts["photos"] = sum(len(j.alts) for j in jobs)
    return dict(counts)


# --- Load-test makers ----------------------------------------------------------------------------

# (drawing, looks, title, category): load pieces cycle through these, and every piece of a
# row shares that row's one drawn and rendered photo.
LOAD_KINDS = (
    ("ring", {"metal": "silver", "band": 24, "hammered": True}, "Hammered band", "rings"),
    ("bowl", {"glaze": "celadon", "clay": "speckled"}, "Stoneware bowl", "kitchen"),
    ("notebook", {"cover": "rust", "ribbon": "mustard"}, "Bound notebook", "books"),
    ("wallet", {"leather": "tan", "style": "bifold"}, "Leather wallet", "leather"),
    ("tumblers", {"tint": "sea", "count": 1}, "Glass tumbler", "glass"),
    ("board", {"wood": "oak", "style": "edge"}, "Oak board", "kitchen"),
)
LOAD_PIECES_PER_MAKER = 20
LOAD_PREFIX = "load-maker-"


def _load_templates(pieces: list[Piece]) -> list[dict]:
    """One rendered photo per LOAD_KINDS row, as field values to copy into photo rows.

    Reuses the photos drawn by an earlier --scale run; otherwise draws them onto the first
    pieces of this run."""
    fields = ("image", "width", "height", "renditions", "renditions_ready_at")
    found: dict[str, dict] = {}
    earlier = (
        PiecePhoto.objects.filter(
            piece__maker__slug__startswith=LOAD_PREFIX, renditions_ready_at__isnull=False
        )
        .order_by("id")
        .values(*fields)[:200]
    )
    for row in earlier:
        found.setdefault(row["image"], row)
        if len(found) == len(LOAD_KINDS):
            return list(found.values())
    jobs = [
        PhotoJob(piece, partial(_load_picture, drawing, looks), (title,))
        for piece, (drawing, looks, title, _) in zip(pieces, LOAD_KINDS, strict=False)
    ]
    run_jobs(jobs)
    return [PiecePhoto.objects.filter(piece=job.owner).values(*fields).get() for job in jobs]


def _load_picture(drawing: str, looks: dict) -> list[bytes]:
    return [jpeg(drawings.DRAWINGS[drawing](f"load-{drawing}", **looks))]


@transaction.atomic
def seed_scale(n: int) -> int:
    """Add load-test makers `load-maker-1`..`n` (skipping those that exist), each with
    LOAD_PIECES_PER_MAKER published pieces. Returns how many makers were created.

    Built with bulk inserts; every load piece's photo row points at one of a handful of
    stored images and copies its renditions."""
    slugs = [f"{LOAD_PREFIX}{i}" for i in range(1, n + 1)]
    have = set(Maker.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    missing = [s for s in slugs if s not in have]
    if not missing:
        return 0
    categories, _ = seed_categories()
    emails = {slug: f"{slug}@load.demo.atelier" for slug in missing}
    known = set(User.objects.filter(email__in=emails.values()).values_list("email", flat=True))
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
    User.objects.bulk_create(
        User(email=email, name=f"Load Maker {slug.rsplit('-', 1)[1]}", password=password)
        for slug, email in emails.items()
        if email not in known
    )
    users = {u.email: u for u in User.objects.filter(email__in=emails.values())}
    makers = Maker.objects.bulk_create(
        Maker(
            user=users[emails[slug]],
            slug=slug,
            display_name=f"Load Maker {slug.rsplit('-', 1)[1]}",
            craft="Maker",
            tagline="A maker for load tests.",
            story="Made by seed_demo --scale.",
            location="Testville",
            capacity=3,
            typical_lead_weeks=4,
        )
        for slug in missing
    )
    materials = Material.objects.bulk_create(
        material
        for maker in makers
        for material in (
            Material(
                maker=maker,
                name="Recycled silver",
                kind=Material.Kind.METAL,
                origin="Refined in Europe",
                supplier="Load Refining",
                recycled=True,
            ),
            Material(
                maker=maker,
                name="FSC oak",
                kind=Material.Kind.WOOD,
                origin="Europe",
                supplier="Load Timber",
                certification=Material.Certification.FSC,
            ),
        )
    )
    by_maker: dict[int, list[Material]] = {}
    for material in materials:
        by_maker.setdefault(material.maker_id, []).append(material)
    now = timezone.now()
    pieces = []
    for maker in makers:
        for j in range(LOAD_PIECES_PER_MAKER):
            drawing, _, noun, category_slug = LOAD_KINDS[j % len(LOAD_KINDS)]
            category = categories[category_slug]
            title = f"{noun} no. {j + 1}"
            description = f"A {noun.lower()} made by {maker.display_name} for load tests."
            price = 4000 + (j * 1375 + maker.pk * 211) % 60000
            search = [
                title,
                description,
                maker.display_name,
                maker.craft,
                *(m.name for m in by_maker[maker.pk]),
                category.name,
            ]
            pieces.append(
                Piece(
                    maker=maker,
                    slug=f"{maker.slug}-piece-{j + 1}",
                    title=title,
                    description=description,
                    category=category,
                    base_price_cents=price,
                    price_from_cents=price,
                    currency="EUR",
                    lead_time_min_weeks=2,
                    lead_time_max_weeks=4,
                    status=Piece.Status.PUBLISHED,
                    published_at=now - timedelta(minutes=j),
                    search_text="\n".join(search),
                )
            )
    pieces = Piece.objects.bulk_create(pieces, batch_size=500)
    Through = Piece.materials.through
    Through.objects.bulk_create(
        (Through(piece_id=p.pk, material_id=m.pk) for p in pieces for m in by_maker[p.maker_id]),
        batch_size=1000,
    )
    # Every piece: an optional finish (which never lowers the price, so price_from is the
    # base price); every other piece also an engraving.
    options = []
    for i, piece in enumerate(pieces):
        options.append(
            PersonalisationOption(
                piece=piece, kind=PersonalisationOption.Kind.CHOICE, label="Finish", position=0
            )
        )
        if i % 2 == 0:
            options.append(
                PersonalisationOption(
                    piece=piece,
                    kind=PersonalisationOption.Kind.TEXT,
                    label="Engraving",
                    max_length=20,
                    position=1,
                )
            )
    options = PersonalisationOption.objects.bulk_create(options, batch_size=500)
    OptionChoice.objects.bulk_create(
        (
            OptionChoice(option=o, label=label, price_delta_cents=delta, position=k)
            for o in options
            if o.kind == PersonalisationOption.Kind.CHOICE
            for k, (label, delta) in enumerate((("Polished", 0), ("Hand-finished", 2000)))
        ),
        batch_size=1000,
    )
    templates = _load_templates(pieces)
    drawn = set(
        PiecePhoto.objects.filter(piece__in=pieces[: len(templates)]).values_list(
            "piece_id", flat=True
        )
    )
    PiecePhoto.objects.bulk_create(
        (
            PiecePhoto(
                piece=p,
                position=0,
                alt_text=p.title,
                **templates[(int(p.slug.rsplit("-", 1)[1]) - 1) % len(templates)],
            )
            for p in pieces
            if p.pk not in drawn
        ),
        batch_size=500,
    )
    page_cache.bump()  # bulk inserts send no signals
    return len(makers)
