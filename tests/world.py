"""A small shop with everything in it, for the tests that walk every URL and every form.

Six people (a visitor, the owning buyer, another buyer, the owning maker, another maker,
the owner), the owning maker's pieces in every status with photos and options, and the
owning buyer's commissions with that maker in every status, each with a thread, quotes,
payments and private photos where its status has them. Made through the real services
wherever a service exists, so every row is as the site makes it.

Private text carries a marker saying who may read it (see `Secret`), so a test can look
for it in every answer given to anyone else.
"""

import io
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from commissions import messaging, services, workflow
from commissions.journal import proofs
from commissions.models import Commission, Status
from commissions.payments import local
from commissions.payments import services as payments
from commissions.payments.models import StripeEvent
from commissions.reviews import services as reviews
from commissions.shipping import services as shipping
from makers import services as catalog
from makers.models import Category, Material, PersonalisationOption, Piece
from shop.images.pipeline import check_upload, render_renditions
from tests.factories import ChoiceFactory, MakerFactory, OptionFactory, UserFactory

PASSWORD = "a-long-test-password"  # the factories' password
ROLES = ("visitor", "buyer", "other_buyer", "maker", "other_maker", "owner")


@dataclass
class Secret:
    """Text only `readers` (role names) may see, wherever it is shown."""

    text: str
    readers: frozenset[str]


@dataclass
class World:
    people: dict  # role -> User (no entry for the visitor)
    maker: object
    other_maker: object
    pieces: dict[str, Piece]  # published, draft, archived, other (the other maker's)
    commissions: dict[str, Commission]  # status -> the buyer's commission with the maker
    other_commission: Commission  # the other buyer's, with the other maker
    secrets: list[Secret] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def user(self, role: str):
        return self.people.get(role)


def photo_bytes(colour=(160, 82, 45), size=(640, 480)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def _upload(colour=(160, 82, 45)) -> ContentFile:
    """A photo as a form hands it over: checked, to be cleaned by the task."""
    data = photo_bytes(colour)
    return check_upload(ContentFile(data, name="photo.jpg"))


def _quote(commission, maker, price=40000, note=""):
    return services.quote_send(
        commission=commission,
        by=maker.user,
        price_cents=price,
        deposit_cents=price * 3 // 10,
        estimated_weeks=3,
        milestones=["Sketch", "Cast"],
        revision_rounds=1,
        valid_until=timezone.localdate() + timedelta(days=14),
        note=note,
    )


def _pay(commission, kind: str):
    """Pay on the local test page and come back to the return page, which applies it."""
    payment = payments.payment_start(commission=commission, by=commission.buyer, kind=kind)
    local.test_checkout_pay(payment.test_session)
    return payments.payment_sync(payment=payment)


def _journal(c: dict, maker, buyer, secrets) -> None:
    """The build journals: at work, milestones (one ticked off), an update with a photo, a
    proof with a pin, a change order and a moved date; awaiting its deposit, a promised
    date gone by and the buyer's request to cancel."""
    from commissions.journal import services as journal
    from commissions.journal.models import ChangeOrder, ProofPin, Update, UpdatePhoto

    at_work = c["in_progress"]
    first, _ = at_work.milestones.all()
    journal.update_post(
        commission=at_work,
        by=maker.user,
        body="SECRET-UPDATE-BODY",
        images=[_upload((40, 160, 40))],
        milestone_id=first.pk,
        milestone_done=True,
        shareable=True,
    )
    proof = Update.objects.create(
        commission=at_work,
        author=maker.user,
        kind=Update.Kind.PROOF,
        version=1,
        decision=Update.Decision.PENDING,
        body="SECRET-PROOF-BODY",
    )
    photo = UpdatePhoto.objects.create(update=proof, image=_upload((160, 40, 160)), position=0)
    ProofPin.objects.create(
        update=proof, photo=photo, author=buyer, number=1, x_pct=40, y_pct=60, comment="SECRET-PIN"
    )
    ChangeOrder.objects.create(
        commission=at_work, proof=proof, amount_cents=5000, reason="SECRET-CHANGE-ORDER"
    )
    journal.promised_date_move(
        commission=at_work,
        by=maker.user,
        new_date=at_work.promised_by + timedelta(days=7),
        reason="SECRET-DATE-REASON",
    )
    late = c["awaiting_deposit"]
    Commission.objects.filter(pk=late.pk).update(
        promised_by=timezone.localdate() - timedelta(days=2)
    )
    journal.promised_dates_check()
    journal.cancel_request(commission=late, by=buyer, reason="SECRET-CANCEL-REASON")
    party = frozenset({"buyer", "maker", "owner"})
    secrets += [
        Secret(s, party)
        for s in (
            "SECRET-UPDATE-BODY",
            "SECRET-PROOF-BODY",
            "SECRET-PIN",
            "SECRET-CHANGE-ORDER",
            "SECRET-DATE-REASON",
            "SECRET-CANCEL-REASON",
        )
    ]


def build_world(settings) -> World:
    """Build it all inside the test's transaction; photos are rendered at once.

    `settings` is pytest-django's fixture (so what is changed here is undone after)."""
    settings.PAYMENTS = "test"  # local test payments
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    people = {
        "buyer": UserFactory(email="buyer@example.test", name="Bea Buyer-SECRET-NAME-B"),
        "other_buyer": UserFactory(email="other.buyer@example.test", name="Olly Other"),
        "owner": UserFactory(email="owner@example.test", is_staff=True, is_superuser=True),
    }
    maker = MakerFactory(
        user__email="maker@example.test",
        display_name="Mara Silversmith",
        slug="mara",
        capacity=2,
        workshop_address="SECRET-WORKSHOP-ADDRESS, 1 Bench Lane",
    )
    other_maker = MakerFactory(
        user__email="other.maker@example.test", display_name="Tomas", slug="tomas"
    )
    people["maker"], people["other_maker"] = maker.user, other_maker.user
    secrets = [
        Secret("SECRET-NAME-B", frozenset({"buyer", "maker", "owner"})),
        Secret("SECRET-WORKSHOP-ADDRESS", frozenset({"buyer", "maker", "owner"})),
    ]
    category = Category.objects.create(name="Rings", slug="rings")
    material = Material.objects.create(maker=maker, name="Recycled silver", kind="metal")

    def piece(title: str, owner, status: str, description: str) -> Piece:
        made = catalog.piece_create(
            maker=owner,
            fields={
                "title": title,
                "description": description,
                "category": category,
                "base_price_cents": 18000,
                "lead_time_min_weeks": 2,
                "lead_time_max_weeks": 4,
                "made_to_order": True,
                "materials": [material] if owner == maker else [],
            },
        )
        catalog.piece_photos_add(piece=made, files=[_upload()], alt_text=title)
        metal = OptionFactory(piece=made, label="Metal", required=True)
        ChoiceFactory(option=metal, label="Silver")
        ChoiceFactory(option=metal, label="Gold", price_delta_cents=32000)
        OptionFactory(
            piece=made, label="Engraving", kind=PersonalisationOption.Kind.TEXT, max_length=12
        )
        catalog.piece_refresh(piece=made)
        if status != Piece.Status.DRAFT:
            catalog.piece_set_status(piece=made, status=Piece.Status.PUBLISHED)
        if status == Piece.Status.ARCHIVED:
            catalog.piece_set_status(piece=made, status=Piece.Status.ARCHIVED)
        return made

    pieces = {
        "published": piece("Stacking ring", maker, "published", "Hammered by hand."),
        "draft": piece("SECRET-DRAFT-TITLE", maker, "draft", "SECRET-DRAFT-DESCRIPTION"),
        "archived": piece("Old ring", maker, "archived", "SECRET-ARCHIVED-DESCRIPTION"),
        "other": piece("Oak chair", other_maker, "published", "Steam-bent oak."),
    }
    maker_only = frozenset({"maker", "owner"})
    secrets += [Secret(s, maker_only) for s in ("SECRET-DRAFT", "SECRET-ARCHIVED-DESCRIPTION")]
    buyer, ring = people["buyer"], pieces["published"]

    def request(label: str, **extra) -> Commission:
        brief = f"SECRET-BRIEF-{label}"
        secrets.append(Secret(brief, frozenset({"buyer", "maker", "owner"})))
        made = services.commission_request_piece(
            buyer=buyer,
            piece=ring,
            personalisation=[{"option": "Metal", "value": "Silver", "price_delta_cents": 0}],
            total_cents=18000,
            brief=brief,
            images=[_upload((20, 40, 200))],
            **extra,
        )
        messaging.message_post(
            commission=made,
            by=maker.user,
            body=f"SECRET-MESSAGE-{label}",
            images=[_upload((200, 40, 20))],
        )
        secrets.append(Secret(f"SECRET-MESSAGE-{label}", frozenset({"buyer", "maker", "owner"})))
        return made

    c: dict[str, Commission] = {}
    c["inquiry"] = services.inquiry_start(
        buyer=buyer, maker=maker, piece=ring, body="SECRET-MESSAGE-inquiry"
    )
    secrets.append(Secret("SECRET-MESSAGE-inquiry", frozenset({"buyer", "maker", "owner"})))
    c["requested"] = request("requested")
    c["quoted"] = request("quoted")
    _quote(c["quoted"], maker, note="SECRET-QUOTE-NOTE")
    secrets.append(Secret("SECRET-QUOTE-NOTE", frozenset({"buyer", "maker", "owner"})))
    c["declined"] = request("declined")
    services.request_decline(commission=c["declined"], by=maker.user, reason="SECRET-REASON")
    secrets.append(Secret("SECRET-REASON", frozenset({"buyer", "maker", "owner"})))
    c["withdrawn"] = request("withdrawn")
    services.commission_withdraw(commission=c["withdrawn"], by=buyer)
    c["closed"] = request("closed")
    _quote(c["closed"], maker)
    services.quote_decline(commission=c["closed"], by=buyer)
    c["expired"] = request("expired")
    Commission.objects.filter(pk=c["expired"].pk).update(
        answer_by=timezone.now() - timedelta(hours=1)
    )
    services.requests_expire()
    # At the bench (capacity two): a rework paid and finished, one paid and at work.
    c["awaiting_balance"] = request(
        "awaiting_balance", heirloom=True, heirloom_description="SECRET-HEIRLOOM"
    )
    secrets.append(Secret("SECRET-HEIRLOOM", frozenset({"buyer", "maker", "owner"})))
    _quote(c["awaiting_balance"], maker)
    services.quote_accept(commission=c["awaiting_balance"], by=buyer)
    c["in_progress"] = request("in_progress")
    _quote(c["in_progress"], maker)
    services.quote_accept(commission=c["in_progress"], by=buyer)
    c["awaiting_deposit"] = request("awaiting_deposit")
    _quote(c["awaiting_deposit"], maker)
    services.quote_accept(commission=c["awaiting_deposit"], by=buyer)  # the waitlist
    with transaction.atomic():
        _pay(c["awaiting_balance"], "deposit")
        _pay(c["in_progress"], "deposit")
    # The signed events the test page sends arrive after commit, which a test never
    # reaches: one is stored as it would be (the office lists it).
    StripeEvent.objects.create(
        id="evt_local_world",
        type="checkout.session.completed",
        payload={"id": "evt_local_world", "type": "checkout.session.completed", "data": {}},
        source="local",
        processed_at=timezone.now(),
        outcome="already paid",
    )
    # The quote includes a revision: the design is approved before the piece is finished,
    # with a photo of it.
    proofs.proof_post(
        commission=c["awaiting_balance"], by=maker.user, body="The design", images=[_upload()]
    )
    proofs.proof_approve(commission=c["awaiting_balance"], by=buyer, version=1)
    payments.commission_mark_finished(
        commission=c["awaiting_balance"], by=maker.user, photos=[_upload((90, 60, 30))]
    )
    payments.payment_start(commission=c["awaiting_balance"], by=buyer, kind="balance")
    # A gift address given before the balance: the maker may not see it yet.
    shipping.delivery_choose(
        commission=c["awaiting_balance"],
        by=buyer,
        method="post",
        gift=True,
        address={
            "name": "A Friend",
            "line1": "SECRET-ADDRESS-EARLY",
            "city": "Cork",
            "country": "IE",
        },
    )
    secrets.append(Secret("SECRET-ADDRESS-EARLY", frozenset({"buyer", "owner"})))
    for status in ("ready_to_ship", "shipped", "delivered", "completed", "scheduled"):
        c[status] = request(status)
        _quote(c[status], maker)
        services.quote_accept(commission=c[status], by=buyer)  # to the waitlist
        if status != "scheduled":
            shipping.delivery_choose(
                commission=c[status],
                by=buyer,
                method="post",
                address={
                    "name": "Bea",
                    "line1": f"SECRET-ADDRESS-{status}",
                    "city": "Lyon",
                    "country": "FR",
                },
            )
            secrets.append(
                Secret(f"SECRET-ADDRESS-{status}", frozenset({"buyer", "maker", "owner"}))
            )
    # Paid in full, then each further along the tail: shipped, delivered, completed.
    tail = [
        (
            lambda commission, by: shipping.commission_ship(
                commission=commission, by=by, carrier="dhl", tracking_number="JD0123456789"
            ),
            maker.user,
        ),
        (services.commission_confirm_delivery, buyer),
        (services.commission_complete, people["owner"]),
    ]
    for steps, status in enumerate(("ready_to_ship", "shipped", "delivered", "completed")):
        with transaction.atomic():
            Commission.objects.filter(pk=c[status].pk).update(status=Status.AWAITING_BALANCE)
            c[status].refresh_from_db()
            workflow.advance(c[status], "balance_paid", by=None)
        for move, by in tail[:steps]:
            move(commission=Commission.objects.get(pk=c[status].pk), by=by)
    # The completed piece has its review (with a photo) and the maker's answer.
    reviews.review_write(
        commission=Commission.objects.get(pk=c["completed"].pk),
        by=buyer,
        rating=5,
        body="Walked and wonderful.",
        photo=_upload((200, 180, 90)),
    )
    reviews.review_reply(
        commission=Commission.objects.get(pk=c["completed"].pk), by=maker.user, body="Thanks."
    )
    c["cancelled"] = request("cancelled")
    _quote(c["cancelled"], maker)
    Commission.objects.filter(pk=c["cancelled"].pk).update(status=Status.IN_PROGRESS)
    services.commission_cancel(
        commission=Commission.objects.get(pk=c["cancelled"].pk), by=people["owner"], reason="x"
    )
    # Last, so no slot freed above starts it.
    Commission.objects.filter(pk=c["scheduled"].pk).update(
        status=Status.SCHEDULED, slot="waitlist", queued_at=timezone.now()
    )
    for key in c:
        c[key].refresh_from_db()
    held = {key: commission.status for key, commission in c.items()}
    assert held == {s: s for s in Status.values}, (
        f"the world must hold a commission in every status: {held}"
    )

    other = services.commission_request_custom(
        buyer=people["other_buyer"],
        maker=other_maker,
        title="A chair",
        brief="SECRET-OTHER-BRIEF",
        images=[_upload()],
    )
    secrets.append(Secret("SECRET-OTHER-BRIEF", frozenset({"other_buyer", "other_maker", "owner"})))
    _journal(c, maker, buyer, secrets)
    # The delivered piece's story is shared by a link (one update marked shareable); the
    # completed one's link was revoked.
    from commissions.journal.models import Update, UpdatePhoto
    from commissions.story import services as story
    from commissions.story.models import Journey

    shared = Update.objects.create(
        commission=c["delivered"], author=maker.user, body="Shared by the link.", shareable=True
    )
    UpdatePhoto.objects.create(update=shared, image=_upload((90, 120, 200)), position=0)
    journey = story.journey_share(commission=c["delivered"], by=buyer, gift_note="For you.")
    revoked = Journey.objects.create(commission=c["completed"], revoked_at=timezone.now())

    # Every photo gets its sizes now, as the task would after commit.
    from shop.images.tasks import image_asset_models

    for model in image_asset_models():
        for asset in model._base_manager.filter(renditions_ready_at__isnull=True):
            render_renditions(asset)
    # And one upload its task has not cleaned yet; a portrait.
    from makers.models import MakerPortrait, PiecePhoto

    unprocessed = PiecePhoto.objects.create(piece=pieces["published"], image=_upload(), position=9)
    portrait = MakerPortrait.objects.create(maker=maker, image=_upload((90, 90, 90)))
    render_renditions(portrait)
    # The rows the office lists: log-in attempts, a group, a person still to confirm.
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group

    from shop.accounts import services as accounts

    AccessAttempt.objects.create(
        username="someone@example.test",
        ip_address="192.0.2.1",
        user_agent="walk",
        failures_since_start=1,
    )
    AccessLog.objects.create(
        username="someone@example.test", ip_address="192.0.2.1", user_agent="walk"
    )
    AccessFailureLog.objects.create(
        username="someone@example.test", ip_address="192.0.2.1", user_agent="walk"
    )
    Group.objects.create(name="Office")
    pending = accounts.account_signup(email="pending@example.test", password="woven-silver-42")
    return World(
        people=people,
        maker=maker,
        other_maker=other_maker,
        pieces=pieces,
        commissions=c,
        other_commission=other,
        secrets=secrets,
        extra={
            "material": material,
            "other_material": Material.objects.create(maker=other_maker, name="Oak", kind="wood"),
            "category": category,
            "unprocessed": unprocessed,
            "portrait": portrait,
            "pending": pending,
            "journey": journey,
            "revoked_journey": revoked,
        },
    )
