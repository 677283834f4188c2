"""The permission walk: every URL pattern of the shop, as every kind of person, by GET and by
POST with a valid CSRF token, on real objects in every state.

It fails on
- a 500 (or any exception) for anyone;
- a leak: private text (tests/world.py marks each piece with who may read it) in an answer
  to someone else, or a private file (a buyer's photo, an unpublished piece's photo)
  answered 200 to someone else;
- an unauthorised change: after each request, every row that changed, appeared or
  disappeared must belong to the person who asked (see `parties`), or they are the owner.
Each request runs in a savepoint rolled back afterwards, so every request meets the same
world.

**Added a URL pattern?** Register what to walk it with, under its name (or, for an unnamed
pattern, its route), with `@walks("namespace:name")`: a function taking the world and
giving `Case`s (a URL, what a valid POST sends, and for files who may fetch them).
`test_every_url_pattern_is_walked` fails until you do. The admin's patterns are walked by
one rule for any ModelAdmin, which needs one row of the model in the world.
"""

import copy
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from commissions.journal.emails import photo_link
from commissions.models import (
    Commission,
    MessageAttachment,
    ReferenceImage,
    Update,
    UpdatePhoto,
)
from commissions.payments.models import Payment, TestCheckoutSession
from makers.models import PiecePhoto
from tests.world import PASSWORD, ROLES, World, build_world, photo_bytes

CSRF = "walkWALKwalkWALKwalkWALKwalkWALK"  # a 32-character token, set as cookie and header
EVERYONE = frozenset(ROLES)


@dataclass
class Case:
    url: str
    post: dict = field(default_factory=dict)
    # For files: who may fetch them (a 200 to anyone else is a leak).
    private_to: frozenset[str] | None = None
    # A URL that is itself the key (a reset or confirm link, a checkout page): whoever
    # holds it may act, so changes it makes are not charged to the person asking.
    link_holder: bool = False
    files: Callable[[], dict] | None = None


CASES: dict[str, Callable[[World], Iterable[Case]]] = {}


def walks(*names: str):
    """Register the cases of one or more URL patterns (by name, or route if unnamed)."""

    def register(make):
        for name in names:
            assert name not in CASES, f"{name} is registered twice"
            CASES[name] = make
        return make

    return register


def _photo_file() -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"photos": SimpleUploadedFile("walk.jpg", photo_bytes(), content_type="image/jpeg")}


# --- The shop's own pages --------------------------------------------------------------------


@walks("home", "makers:catalog", "makers:makers", "healthz_live", "healthz_ready")
def _plain(world: World):
    for name in ("home", "makers:catalog", "makers:makers", "healthz_live", "healthz_ready"):
        yield Case(reverse(name))
    yield Case(reverse("makers:catalog") + "?q=ring&maker=mara&price_min=1&price_max=99999")


@walks("makers:piece", "commissions:request_piece")
def _pieces(world: World):
    for piece in world.pieces.values():
        yield Case(reverse("makers:piece", args=[piece.slug]))
        choice = piece.options.get(label="Metal").choices.first()
        yield Case(
            reverse("commissions:request_piece", args=[piece.slug]),
            post={f"opt-{choice.option_id}": choice.pk, "brief": "Walked."},
        )


@walks("makers:maker", "commissions:request_custom", "commissions:ask_maker")
def _makers(world: World):
    for maker in (world.maker, world.other_maker):
        yield Case(reverse("makers:maker", args=[maker.slug]))
        yield Case(
            reverse("commissions:request_custom", args=[maker.slug]),
            post={"title": "A walked box", "brief": "Walked."},
        )
        yield Case(reverse("commissions:ask_maker", args=[maker.slug]), post={"body": "Walked?"})


@walks("commissions:list", "commissions:inbox", "studio:dashboard", "studio:pieces")
def _lists(world: World):
    for name in ("commissions:list", "commissions:inbox", "studio:dashboard", "studio:pieces"):
        yield Case(reverse(name))
    yield Case(reverse("commissions:inbox") + "?tab=closed")


# The load benchmark's baselines exist only when its settings turn them on (never in a shop,
# nor in this walk unless BENCH_BASELINES=true); then they are walked like any page.
if settings.BENCH_BASELINES:

    @walks("bench_bare", "bench_bare_auth")
    def _bench_baselines(world: World):
        yield Case(reverse("bench_bare"))
        yield Case(reverse("bench_bare_auth"))


# --- Accounts ----------------------------------------------------------------------------------


@walks(
    "accounts:signup",
    "accounts:signup_sent",
    "accounts:account",
    "accounts:login",
    "accounts:logout",
    "accounts:password_change",
    "accounts:password_change_done",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_complete",
    "accounts:landing",
)
def _accounts(world: World):
    new_password = {
        "new_password1": "walked-oak-and-linen",
        "new_password2": "walked-oak-and-linen",
    }
    yield Case(
        reverse("accounts:signup"),
        post={"email": "new@example.test", "password": "woven-silver-42"},
    )
    yield Case(reverse("accounts:signup"), post={"email": "buyer@example.test", "password": "x"})
    yield Case(reverse("accounts:signup_sent"))
    yield Case(reverse("accounts:account"), post={"name": "Walked"})
    yield Case(reverse("accounts:login"), post={"username": "buyer@example.test", "password": "no"})
    yield Case(reverse("accounts:logout"))
    yield Case(reverse("accounts:password_change"), post={"old_password": PASSWORD, **new_password})
    yield Case(reverse("accounts:password_change_done"))
    yield Case(reverse("accounts:password_reset"), post={"email": "buyer@example.test"})
    yield Case(reverse("accounts:password_reset_done"))
    yield Case(reverse("accounts:password_reset_complete"))
    yield Case(reverse("accounts:landing"))


@walks("accounts:password_reset_confirm", "accounts:confirm")
def _links(world: World):
    from django.contrib.auth.tokens import default_token_generator

    from shop.accounts.emails import confirmation_tokens

    buyer, pending = world.user("buyer"), world.extra["pending"]
    uid = urlsafe_base64_encode(force_bytes(buyer.pk))
    token = default_token_generator.make_token(buyer)
    passwords = {"new_password1": "walked-oak-and-linen", "new_password2": "walked-oak-and-linen"}
    for t in (token, "set-password", "bad-token"):
        yield Case(
            reverse("accounts:password_reset_confirm", args=[uid, t]),
            post=passwords,
            link_holder=True,
        )
    pending_uid = urlsafe_base64_encode(force_bytes(pending.pk))
    for t in (confirmation_tokens.make_token(pending), "bad-token"):
        yield Case(reverse("accounts:confirm", args=[pending_uid, t]), link_holder=True)
    yield Case(reverse("accounts:confirm", args=["!!", "x"]))


# --- The studio ----------------------------------------------------------------------------------


@walks("studio:profile", "studio:materials", "studio:piece_new")
def _studio_forms(world: World):
    yield Case(
        reverse("studio:profile"),
        post={
            "display_name": "Mara S.",
            "craft": "Silversmith",
            "capacity": 3,
            "typical_lead_weeks": 4,
            "accepting_commissions": "on",
        },
    )
    yield Case(reverse("studio:materials"), post={"name": "Walked brass", "kind": "metal"})
    yield Case(
        reverse("studio:piece_new"),
        post={
            "title": "A walked ring",
            "base_price_cents": "120",
            "lead_time_min_weeks": 1,
            "lead_time_max_weeks": 2,
        },
    )


@walks("studio:material_edit", "studio:material_delete")
def _materials(world: World):
    for material in (world.extra["material"], world.extra["other_material"]):
        yield Case(
            reverse("studio:material_edit", args=[material.pk]),
            post={"name": "Renamed", "kind": "metal"},
        )
        yield Case(reverse("studio:material_delete", args=[material.pk]))


@walks("studio:piece_edit", "studio:piece_status", "studio:photos_add", "studio:option_new")
def _studio_pieces(world: World):
    for piece in world.pieces.values():
        slug = piece.slug
        yield Case(
            reverse("studio:piece_edit", args=[slug]),
            post={
                "title": "Walked",
                "base_price_cents": "150",
                "lead_time_min_weeks": 1,
                "lead_time_max_weeks": 3,
            },
        )
        for status in ("published", "draft", "archived"):
            yield Case(reverse("studio:piece_status", args=[slug]), post={"status": status})
        yield Case(
            reverse("studio:photos_add", args=[slug]), post={"alt_text": "x"}, files=_photo_file
        )
        yield Case(
            reverse("studio:option_new", args=[slug]),
            post={"kind": "choice", "label": "Stone", "choices_text": "Garnet | +40"},
        )


@walks("studio:photo_move", "studio:photo_delete")
def _studio_photos(world: World):
    for photo in PiecePhoto.objects.select_related("piece"):
        for direction in ("up", "down"):
            yield Case(
                reverse("studio:photo_move", args=[photo.piece.slug, photo.pk]),
                post={"direction": direction},
            )
        yield Case(reverse("studio:photo_delete", args=[photo.piece.slug, photo.pk]))


@walks("studio:option_edit", "studio:option_delete")
def _studio_options(world: World):
    for piece in world.pieces.values():
        for option in piece.options.all():
            yield Case(
                reverse("studio:option_edit", args=[piece.slug, option.pk]),
                post={"kind": "choice", "label": "Metal", "choices_text": "Silver\nGold | +99"},
            )
            yield Case(reverse("studio:option_delete", args=[piece.slug, option.pk]))


# --- Commissions -----------------------------------------------------------------------------------


def _all_commissions(world: World) -> list[Commission]:
    return [*world.commissions.values(), world.other_commission]


@walks(
    "commissions:detail",
    "commissions:messages",
    "commissions:message_post",
    "commissions:move",
    "commissions:resend",
    "commissions:quote",
    "commissions:heirloom",
    "commissions:pay",
)
def _commission_pages(world: World):
    from commissions.workflow import MOVES

    valid_until = (timezone.localdate() + timezone.timedelta(days=10)).isoformat()
    posts = {
        "detail": {},
        "message_post": {"body": "Walked by."},
        "resend": {},
        "quote": {
            "price": "500",
            "deposit_percent": "30",
            "estimated_weeks": "3",
            "revision_rounds": "1",
            "valid_until": valid_until,
        },
        "heirloom": {"condition": "As walked."},
    }
    for commission in _all_commissions(world):
        for name, post in posts.items():
            yield Case(reverse(f"commissions:{name}", args=[commission.reference]), post=post)
        # Every named move, by everyone, on a commission in every status; and a name that
        # is no move.
        for move in [*MOVES, "no_such_move"]:
            yield Case(
                reverse("commissions:move", args=[commission.reference, move]),
                post={"reason": "Walked away."},
            )
        for kind in ("deposit", "balance", "refund"):
            yield Case(reverse("commissions:pay", args=[commission.reference, kind]))
    # The live poll: behind (the timeline redrawn) and current (the 204, from the stamp
    # alone), at work, before and someone else's.
    for commission in (
        world.commissions["in_progress"],
        world.commissions["requested"],
        world.other_commission,
    ):
        poll = reverse("commissions:messages", args=[commission.reference])
        yield Case(poll + "?since=1&state=x")
        yield Case(poll + f"?since={10**17}")


@walks("commissions:delivery", "commissions:ship")
def _shipping_pages(world: World):
    address = {"method": "post", "name": "Walker", "line1": "1 Walk St", "city": "Lyon"}
    for commission in _all_commissions(world):
        yield Case(
            reverse("commissions:delivery", args=[commission.reference]),
            post={**address, "country": "FR"},
        )
        yield Case(
            reverse("commissions:delivery", args=[commission.reference]), post={"method": "pickup"}
        )
        yield Case(
            reverse("commissions:ship", args=[commission.reference]),
            post={"carrier": "dhl", "tracking_number": "JD0123456789", "note": "Walked."},
        )


@walks("commissions:review", "commissions:review_reply", "commissions:review_photo")
def _reviews(world: World):
    from commissions.reviews.models import ReviewPhoto

    for commission in _all_commissions(world):
        yield Case(
            reverse("commissions:review", args=[commission.reference]),
            post={"rating": "3", "body": "Walked by."},
        )
        yield Case(
            reverse("commissions:review_reply", args=[commission.reference]),
            post={"reply": "Walked by."},
        )
    photos = list(ReviewPhoto.objects.all())
    assert photos, "the world needs a review with a photo"
    for photo in photos:
        names = [photo.image.name] + [
            photo.rendition_name(s, f) for s in ("thumb", "display") for f in ("webp", "jpeg")
        ]
        for name in filter(None, names):
            yield Case(photo.file_url(name), private_to=EVERYONE)
    yield Case(
        reverse("commissions:review_photo", args=["0" * 32 + ".jpg"]), private_to=frozenset()
    )


@walks("commissions:journey_manage", "commissions:provenance")
def _story_pages(world: World):
    for commission in _all_commissions(world):
        manage = reverse("commissions:journey_manage", args=[commission.reference])
        yield Case(manage, post={"gift_note": "Walked by."})
        yield Case(manage, post={"action": "revoke"})
        yield Case(reverse("commissions:provenance", args=[commission.reference]))


@walks("commissions:journey", "commissions:journey_provenance", "commissions:journey_photo")
def _journey_links(world: World):
    # Whoever holds a live link reads the story (nothing private is on it: the world's
    # secrets say who may read what); a revoked or unknown link opens nothing.
    live, revoked = world.extra["journey"], world.extra["revoked_journey"]
    for token in (live.token, revoked.token, "x" * 43):
        yield Case(reverse("commissions:journey", args=[token]), link_holder=True)
        yield Case(reverse("commissions:journey_provenance", args=[token]), link_holder=True)
    for photo in UpdatePhoto.objects.select_related("update"):
        readers = (
            EVERYONE
            if photo.update.commission_id == live.commission_id and photo.update.shareable
            else frozenset()
        )
        name = photo.rendition_name("thumb", "jpeg").rsplit("/", 1)[-1]
        for token in (live.token, revoked.token):
            yield Case(
                reverse("commissions:journey_photo", args=[token, photo.pk, name]),
                private_to=readers if token == live.token else frozenset(),
            )


@walks("commissions:image")
def _private_photos(world: World):
    assets = [
        *ReferenceImage.objects.all(),
        *MessageAttachment.objects.all(),
        *UpdatePhoto.objects.all(),
    ]
    assert assets, "the world needs private photos"
    assert UpdatePhoto.objects.exists(), "the world needs update photos"
    for asset in assets:
        if isinstance(asset, ReferenceImage):
            commission = asset.commission
        elif isinstance(asset, UpdatePhoto):
            commission = asset.update.commission
        else:
            commission = asset.message.commission
        readers = (
            frozenset({"buyer", "maker", "owner"})
            if commission.buyer_id == world.user("buyer").pk
            else frozenset({"other_buyer", "other_maker", "owner"})
        )
        names = [asset.image.name] + [
            asset.rendition_name(s, f) for s in ("thumb", "display") for f in ("webp", "jpeg")
        ]
        for name in names:
            yield Case(asset.file_url(name), private_to=readers)
    # A real photo's name under another commission, or kind: nobody gets it.
    other = world.other_commission.reference
    yield Case(
        reverse("commissions:image", args=[other, "r", assets[0].pk, "x.jpg"]),
        private_to=frozenset(),
    )
    yield Case(
        reverse("commissions:image", args=[other, "z", 10**20, "x.jpg"]), private_to=frozenset()
    )


@walks(
    "commissions:update_new",
    "commissions:milestone_tick",
    "commissions:date_move",
    "commissions:date_agree",
    "commissions:cancel_request",
)
def _journal_pages(world: World):
    soon = (timezone.localdate() + timezone.timedelta(days=20)).isoformat()
    # Where each can act (at work, late, queued), where none can (before and after), and
    # the other buyer's: every refusal path without walking every status again.
    statuses = ("in_progress", "awaiting_deposit", "scheduled", "requested", "completed")
    for commission in [*(world.commissions[s] for s in statuses), world.other_commission]:
        ref = [commission.reference]
        yield Case(reverse("commissions:update_new", args=ref))
        yield Case(
            reverse("commissions:update_new", args=ref),
            post={"body": "Walked at the bench.", "shareable": "on"},
            files=_photo_file,
        )
        for milestone in commission.milestones.all()[:1]:
            yield Case(
                reverse("commissions:milestone_tick", args=ref),
                post={"milestone": milestone.pk, "note": "Walked."},
            )
        yield Case(
            reverse("commissions:date_move", args=ref),
            post={"new_date": soon, "reason": "Walked the date."},
        )
        yield Case(reverse("commissions:date_agree", args=ref), post={"new_date": soon})
        yield Case(reverse("commissions:cancel_request", args=ref), post={"reason": "Walked."})


# --- Design proofs and change orders (commissions.views.proofs) ---------------------------------


@walks(
    "commissions:proofs",
    "commissions:proof_post",
    "commissions:proof_decide",
    "commissions:change_order_new",
    "commissions:change_order_answer",
    "commissions:finish",
)
def _proof_pages(world: World):
    from commissions.journal.models import ChangeOrder, UpdatePhoto

    photo = UpdatePhoto.objects.filter(update__kind="proof").order_by("id").first()
    orders = list(ChangeOrder.objects.values_list("pk", flat=True))
    assert photo and orders, "the world needs a proof with a photo and a change order"
    revise = {
        "action": "revise",
        "comment": "Walked.",
        "pin_photo": str(photo.pk),
        "pin_x": "12.5",
        "pin_y": "40",
        "pin_note": "Here.",
    }
    # Where each can act (at work; finished), where none can, and the other buyer's.
    statuses = ("in_progress", "awaiting_balance", "scheduled", "requested", "completed")
    for commission in [*(world.commissions[s] for s in statuses), world.other_commission]:
        ref = commission.reference
        yield Case(reverse("commissions:proofs", args=[ref]))
        yield Case(
            reverse("commissions:proof_post", args=[ref]), post={"body": "v"}, files=_photo_file
        )
        url = reverse("commissions:proof_decide", args=[ref, 1])
        yield Case(url, post={"action": "approve"})
        yield Case(url, post=revise)
        yield Case(
            reverse("commissions:change_order_new", args=[ref]),
            post={"amount": "50", "reason": "Walked."},
        )
        for pk in [*orders, 10**9]:
            url = reverse("commissions:change_order_answer", args=[ref, pk])
            yield Case(url, post={"action": "accept"})
            yield Case(url, post={"action": "decline"})
        yield Case(
            reverse("commissions:finish", args=[ref]), post={"note": "Done."}, files=_photo_file
        )


@walks("commissions:email_photo")
def _email_photos(world: World):
    # The signed link is the key: whoever holds it sees that one thumbnail (an email's
    # reader has no session), so it is not private to anyone; a link not signed by us
    # shows nothing.
    for photo in UpdatePhoto.objects.all():
        yield Case(photo_link(photo).removeprefix(settings.SITE_URL), link_holder=True)
    yield Case(
        reverse("commissions:email_photo", args=["1:forged:signature"]), private_to=frozenset()
    )


# --- Payments ----------------------------------------------------------------------------------


@walks("payments:return", "payments:status")
def _payment_pages(world: World):
    for payment in Payment.objects.exclude(kind="refund"):
        mine = payment.commission.buyer_id == world.user("buyer").pk
        for name in ("payments:return", "payments:status"):
            yield Case(
                reverse(name, args=[payment.public_id]),
                private_to=frozenset({"buyer"} if mine else {"other_buyer"}),
            )


@walks("payments:webhook")
def _webhook(world: World):
    yield Case(reverse("payments:webhook"), post={"id": "evt_walk", "type": "charge.refunded"})


@walks("payments:test_checkout")
def _test_checkout(world: World):
    # The test-payment page answers only the buyer whose payment it is.
    for session in TestCheckoutSession.objects.select_related("payment__commission"):
        for action in ("pay", "cancel"):
            yield Case(
                reverse("payments:test_checkout", args=[session.pk]),
                post={"action": action},
            )
    yield Case(reverse("payments:test_checkout", args=["cs_local_nothing"]))


# --- Media -----------------------------------------------------------------------------------------


@walks("media")
def _media(world: World):
    from makers.models import MakerPortrait

    maker_only = frozenset({"maker", "owner"})
    for photo in [*PiecePhoto.objects.select_related("piece"), *MakerPortrait.objects.all()]:
        names = [photo.image.name] + [
            photo.rendition_name(s, f) for s in ("thumb", "display") for f in ("webp", "jpeg")
        ]
        if photo.pk == world.extra["unprocessed"].pk and isinstance(photo, PiecePhoto):
            readers = frozenset()  # an upload its task has not cleaned: nobody
        elif isinstance(photo, MakerPortrait) or photo.piece.is_published:
            readers = EVERYONE
        else:
            readers = maker_only  # a draft or archived piece's photos
        for name in filter(None, names):
            yield Case("/media/" + name, private_to=readers)
    yield Case("/media/../settings.py", private_to=frozenset())
    yield Case("/media/commissions/references/nothing.jpg", private_to=frozenset())
    # Update photos live in the private storage: never served as media, to anyone.
    for photo in UpdatePhoto.objects.all():
        for name in filter(None, [photo.image.name, photo.rendition_name("thumb", "jpeg")]):
            yield Case("/media/" + name, private_to=frozenset())


# --- The owner's office ------------------------------------------------------------------------------

_ADMIN_ACTION = re.compile(r"^admin:(?P<app>\w+?)_(?P<model>\w+)_(?P<action>\w+)$")


def _admin_models() -> dict[tuple[str, str], type]:
    return {(m._meta.app_label, m._meta.model_name): m for m in admin.site._registry}


def _one_of(model):
    row = model._base_manager.order_by("pk").first()
    assert row is not None, f"the world needs one {model._meta.label} for its admin pages"
    return row


def admin_cases(name: str, route: str, world: World) -> list[Case]:
    """The admin's pages of any registered model, and its own pages."""
    found = _ADMIN_ACTION.match(name)
    if name == "admin:auth_user_password_change":
        buyer = world.user("buyer").pk
        return [Case(reverse(name, args=[buyer]), post={"password1": "x", "password2": "y"})]
    if found and found["action"] in ("changelist", "add", "history", "delete", "change"):
        model = _admin_models()[(found["app"], found["model"])]
        if found["action"] in ("changelist", "add"):
            return [Case(reverse(name)), Case(reverse(name) + "?q=walk")]
        pk = _one_of(model).pk
        post = {"post": "yes"} if found["action"] == "delete" else {}
        return [Case(reverse(name, args=[pk]), post=post)]
    if name == "admin:view_on_site":
        commission = world.commissions["requested"]
        content_type = ContentType.objects.get_for_model(Commission).pk
        return [Case(reverse(name, args=[content_type, commission.pk]))]
    if name == "admin:app_list":
        labels = {m._meta.app_label for m in admin.site._registry}
        return [Case(reverse(name, args=[label])) for label in sorted(labels)]
    if name == "admin:autocomplete":
        query = "?app_label=commissions&model_name=commission&field_name=buyer&term=b"
        return [Case(reverse(name) + query)]
    if name.startswith("admin:"):
        return [Case(reverse(name))]
    if route == "admin/(?P<url>.*)$":
        return [Case("/admin/nothing/here/")]
    # The unnamed admin/<app>/<model>/<path:object_id>/ redirect to a row's change page.
    app, model_name = route.split("/")[1:3]
    pk = _one_of(apps.get_model(app, model_name)).pk
    return [Case(f"/admin/{app}/{model_name}/{pk}/")]


# --- Walking -------------------------------------------------------------------------------------------


def url_patterns() -> list[tuple[str, str]]:
    """(name or "", route) of every URL pattern of the project, includes resolved."""

    def walk(patterns, prefix: str, namespace: str):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            else:
                assert isinstance(pattern, URLPattern)
                name = f"{namespace}{pattern.name}" if pattern.name else ""
                yield name, prefix + str(pattern.pattern)

    return list(walk(get_resolver().url_patterns, "", ""))


def _is_admin(name: str, route: str) -> bool:
    return name.startswith("admin:") or route.startswith("admin/")


def test_every_url_pattern_is_walked():
    patterns = url_patterns()
    assert len(patterns) > 150
    missing = [
        name or route
        for name, route in patterns
        if not _is_admin(name, route) and (name or route) not in CASES
    ]
    assert not missing, f"register cases for these URL patterns with @walks: {missing}"
    registered = {name or route for name, route in patterns}
    assert set(CASES) <= registered, f"cases for patterns that are gone: {set(CASES) - registered}"


# What a change to a row must be to be someone's: `Owners` gives the user ids a row belongs
# to (None: anyone may make it). Tables of bookkeeping are not charged to anyone:
# sessions, log-in attempts, the outbox, the admin's log and the password-check counts.
IGNORED_TABLES = {
    "django_session",
    "django_admin_log",
    "django_content_type",
    "django_migrations",
    "auth_permission",
    "notifications_outboxemail",
    "accounts_passwordcheckfailure",
}


class Owners:
    """Who rows belong to, looked up once in the world as it was (a row deleted by a
    request can no longer be followed to its parents) and in the database for new ones."""

    def __init__(self):
        from commissions.models import Message
        from makers.models import Maker, PersonalisationOption, Piece

        self.maker_user = dict(Maker.objects.values_list("id", "user_id"))
        self.piece_maker = dict(Piece.objects.values_list("id", "maker_id"))
        self.option_piece = dict(PersonalisationOption.objects.values_list("id", "piece_id"))
        self.message_commission = dict(Message.objects.values_list("id", "commission_id"))
        self.payment_commission = dict(Payment.objects.values_list("id", "commission_id"))
        self.update_commission = dict(Update.objects.values_list("id", "commission_id"))
        self.commission = {
            row[0]: {row[1], row[2]}
            for row in Commission.objects.values_list("id", "buyer_id", "maker__user_id")
        }
        self.buyers_of_maker: dict[int, set] = {}
        for maker_id, buyer_id in Commission.objects.values_list("maker_id", "buyer_id"):
            self.buyers_of_maker.setdefault(maker_id, set()).add(buyer_id)

    @staticmethod
    def _get(cache: dict, key, query):
        if key not in cache:
            cache[key] = query(key)
        return cache[key]

    def of_maker(self, maker_id, changed: set[str] = frozenset()) -> set:
        from makers.models import Maker

        user = self._get(
            self.maker_user,
            maker_id,
            lambda k: Maker.objects.filter(pk=k).values_list("user_id", flat=True).first(),
        )
        users = {user}
        if changed and changed <= {"slots_taken", "next_start_on"}:
            # The bench counters move when a buyer accepts, withdraws or pays.
            users |= self.buyers_of_maker.get(maker_id, set()) | set(
                Commission.objects.filter(maker_id=maker_id).values_list("buyer_id", flat=True)
            )
        return users

    def of_piece(self, piece_id) -> set:
        from makers.models import Piece

        maker = self._get(
            self.piece_maker,
            piece_id,
            lambda k: Piece.objects.filter(pk=k).values_list("maker_id", flat=True).first(),
        )
        return self.of_maker(maker)

    def of_commission(self, commission_id) -> set:
        def query(k):
            row = Commission.objects.filter(pk=k).values_list("buyer_id", "maker__user_id").first()
            return set(row) if row else set()

        return self._get(self.commission, commission_id, query)

    def __call__(self, table: str, row: dict, changed: set[str]):
        """The user ids a changed row belongs to; None: anyone may make it."""
        from commissions.models import Message
        from makers.models import PersonalisationOption

        if table == "accounts_user":
            # A sign-up makes an account waiting for its emailed link: anyone may.
            return None if row.get("pending_confirmation") else {row["id"]}
        if table == "makers_maker":
            return self.of_maker(row["id"], changed)
        if table in ("makers_makerportrait", "makers_material", "makers_piece"):
            return self.of_maker(row["maker_id"])
        if table in ("makers_piecephoto", "makers_personalisationoption", "makers_piece_materials"):
            return self.of_piece(row["piece_id"])
        if table == "makers_optionchoice":
            option = self._get(
                self.option_piece,
                row["option_id"],
                lambda k: (
                    PersonalisationOption.objects.filter(pk=k)
                    .values_list("piece_id", flat=True)
                    .first()
                ),
            )
            return self.of_piece(option)
        if table == "commissions_commission":
            return {row["buyer_id"], *self.of_maker(row["maker_id"])}
        if table in (
            "commissions_statuschange",
            "commissions_quote",
            "commissions_message",
            "commissions_referenceimage",
            "commissions_threadmark",
            "commissions_payment",
            "commissions_delivery",
            "commissions_review",
            "commissions_journey",
            "commissions_milestone",
            "commissions_update",
            "commissions_datechange",
            "commissions_changeorder",
        ):
            return self.of_commission(row["commission_id"])
        if table in ("commissions_updatephoto", "commissions_proofpin"):
            commission = self._get(
                self.update_commission,
                row["update_id"],
                lambda k: (
                    Update.objects.filter(pk=k).values_list("commission_id", flat=True).first()
                ),
            )
            return self.of_commission(commission)
        if table == "commissions_messageattachment":
            commission = self._get(
                self.message_commission,
                row["message_id"],
                lambda k: (
                    Message.objects.filter(pk=k).values_list("commission_id", flat=True).first()
                ),
            )
            return self.of_commission(commission)
        if table == "commissions_testcheckoutsession":
            commission = self._get(
                self.payment_commission,
                row["payment_id"],
                lambda k: (
                    Payment.objects.filter(pk=k).values_list("commission_id", flat=True).first()
                ),
            )
            return self.of_commission(commission)
        if table == "commissions_stripeevent":
            metadata = (row["payload"] or {}).get("data", {}).get("object", {}).get("metadata", {})
            commission = Commission.objects.filter(reference=metadata.get("commission")).first()
            return self.of_commission(commission.pk) if commission else set()
        return set()  # anything else: the owner's alone


def _tables() -> dict[str, type]:
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table not in IGNORED_TABLES and not table.startswith("axes_"):
            tables[table] = model
    return tables


def _writes(tables: dict[str, type]) -> dict[str, str]:
    """Something that differs for a table once a row of it was written. On PostgreSQL, the
    counts of rows this transaction inserted, updated and deleted (one cheap query; a
    savepoint rolled back still counts, which is what lets each request be seen alone);
    elsewhere a hash of each table's rows."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
            )
            counts = dict(cursor.fetchall())
        return {t: str(counts.get(t, 0)) for t in tables}
    return {
        t: hashlib.sha256(
            repr(sorted(map(repr, m._base_manager.values_list()))).encode()
        ).hexdigest()
        for t, m in tables.items()
    }


def _rows(model) -> dict:
    return {row["pk"]: row for row in model._base_manager.values("pk", *_columns(model))}


def _columns(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


class Walk:
    def __init__(self, world: World):
        self.world = world
        # Logged in first: logging in is not a change any request should be charged with.
        self.clients = {role: self._client(world.user(role)) for role in ROLES}
        self.tables = _tables()
        self.rows = {t: _rows(m) for t, m in self.tables.items()}
        self.owners = Owners()
        self.problems: list[str] = []
        self.requests = 0

    @staticmethod
    def _client(user) -> Client:
        client = Client(enforce_csrf_checks=True, HTTP_X_CSRFTOKEN=CSRF)
        if user is not None:
            client.force_login(user)
        client.cookies["csrftoken"] = CSRF
        return client

    def _changes(self, before: dict[str, str]) -> list[tuple[str, dict, set[str]]]:
        now = _writes(self.tables)
        changed = []
        for table, writes in now.items():
            if writes == before[table]:
                continue
            was, now_rows = self.rows[table], _rows(self.tables[table])
            for pk in was.keys() | now_rows.keys():
                old, new = was.get(pk), now_rows.get(pk)
                if old != new:
                    fields = {k for k in (new or old) if (old or {}).get(k) != (new or {}).get(k)}
                    changed.append((table, new or old, fields - {"updated_at"}))
        return changed

    def request(self, role: str, method: str, case: Case) -> None:
        client, label = self.clients[role], f"{role} {method.upper()} {case.url}"
        cookies = copy.deepcopy(client.cookies)
        self.requests += 1
        before = _writes(self.tables)
        try:
            with transaction.atomic():
                try:
                    if method == "get":
                        response = client.get(case.url)
                    else:
                        data = {**case.post, **(case.files() if case.files else {})}
                        response = client.post(case.url, data)
                except Exception as e:  # the view raised: a 500 for a real visitor
                    self.problems.append(f"{label}: {type(e).__name__}: {e}")
                    raise _Rollback() from e
                self._check(role, method, case, response, label, before)
                raise _Rollback()
        except _Rollback:
            pass
        finally:
            client.cookies = cookies

    def _check(self, role, method, case, response, label, before) -> None:
        if response.status_code >= 500:
            self.problems.append(f"{label}: {response.status_code}")
        body = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode("utf-8", "replace")
        for secret in self.world.secrets:
            if role not in secret.readers and secret.text in body:
                self.problems.append(f"{label}: shows {secret.text}")
        if (
            case.private_to is not None
            and role not in case.private_to
            and response.status_code == 200
        ):
            self.problems.append(f"{label}: 200 for a file only {sorted(case.private_to)} get")
        if role == "owner" or case.link_holder:
            return
        user = self.world.user(role)
        for table, row, fields in self._changes(before):
            if not fields and table != "makers_piece_materials":
                continue
            owners = self.owners(table, row, fields)
            if owners is not None and (user is None or user.pk not in owners):
                self.problems.append(f"{label}: changed {table} {row.get('id')} {sorted(fields)}")


class _Rollback(Exception):
    pass


# Thousands of requests: minutes on a busy 2-core machine.
@pytest.mark.timeout(1200)
@pytest.mark.django_db
# Every URL as six people, twice each: a few minutes, more on a busy two-core machine.
@pytest.mark.timeout(900)
def test_nobody_reaches_or_changes_what_is_not_theirs_on_any_url(settings):
    world = build_world(settings)
    walk = Walk(world)
    everything: list[Case] = []
    for name, route in url_patterns():
        if _is_admin(name, route):
            everything += admin_cases(name, route, world)
    for make in dict.fromkeys(CASES.values()):  # each registered function once
        everything += make(world)
    cases = len(everything)
    for case in everything:
        for role in ROLES:
            for method in ("get", "post"):
                walk.request(role, method, case)
    assert not walk.problems, f"{len(walk.problems)} problems:\n" + "\n".join(walk.problems)
    assert cases > 400 and walk.requests == cases * len(ROLES) * 2
