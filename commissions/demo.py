"""Demo commissions in every state so far, for the demo buyer and the demo maker (Mara),
plus a full bench for Tomas so the catalog shows a waitlist. Made through the real
services, so each one has its log, quotes, thread and emails like any other."""

import io
from dataclasses import replace
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from commissions import demo_proofs, messaging, services
from commissions.journal import services as journal
from commissions.models import Commission, Milestone, ReferenceImage, Update, UpdatePhoto
from commissions.payments import local
from commissions.payments import services as payments
from commissions.reviews import services as review_services
from commissions.shipping import services as shipping_services
from makers.demo import drawings
from makers.models import Maker, Piece
from shop import stripe_gateway as gateway
from shop.accounts.demo import DEMO_PASSWORD
from shop.accounts.models import User
from shop.images.pipeline import render_renditions

OTHER_BUYERS = [
    ("noor@buyers.demo.atelier", "Noor Haddad"),
    ("sam@buyers.demo.atelier", "Sam Okafor"),
    ("lena@buyers.demo.atelier", "Lena Fischer"),
]


def _picture(image) -> ContentFile:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=88)
    return ContentFile(buffer.getvalue(), name="demo.jpg")


def _buyer(email: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    return user or User.objects.create_user(email=email, password=DEMO_PASSWORD, name=name)


def _quote(
    commission: Commission,
    maker: Maker,
    price: int,
    weeks: int,
    *,
    milestones=(),
    note: str = "",
    valid_days: int = 14,
):
    return services.quote_send(
        commission=commission,
        by=maker.user,
        price_cents=price,
        deposit_cents=price * 3 // 10,
        estimated_weeks=weeks,
        milestones=list(milestones),
        revision_rounds=2,
        valid_until=timezone.localdate() + timedelta(days=valid_days),
        note=note,
    )


def _from_piece(buyer: User, piece: Piece, brief: str, choices: dict[str, str] | None = None):
    """A request for a listed piece, choosing options by label."""
    rows, total = [], piece.base_price_cents
    for option in piece.options.prefetch_related("choices"):
        wanted = (choices or {}).get(option.label)
        if option.kind == "text":
            if wanted:
                rows.append({"option": option.label, "value": wanted, "price_delta_cents": 0})
            continue
        pick = next((c for c in option.choices.all() if c.label == wanted), None)
        if pick is None and option.required:
            pick = min(option.choices.all(), key=lambda c: c.price_delta_cents)
        if pick:
            rows.append(
                {
                    "option": option.label,
                    "value": pick.label,
                    "price_delta_cents": pick.price_delta_cents,
                }
            )
            total += pick.price_delta_cents
    return services.commission_request_piece(
        buyer=buyer, piece=piece, personalisation=rows, total_cents=total, brief=brief
    )


def _pieces(maker: Maker) -> list[Piece]:
    return list(maker.pieces.published().order_by("id"))


DEMO_ADDRESS = {
    "name": "Bea Buyer",
    "line1": "27 Rue des Tanneurs",
    "city": "Lyon",
    "postal_code": "69002",
    "country": "FR",
}


def _pay(commission: Commission, kind: str) -> None:
    """Pay on the local test page and come back to the return page, which applies it at
    once (the demo needs the result before its next step; the signed event delivered
    after commit then finds it done). The balance's page asks for the delivery address."""
    payment = payments.payment_start(commission=commission, by=commission.buyer, kind=kind)
    shipping = DEMO_ADDRESS if local.collects_address(payment) else None
    local.test_checkout_pay(payment.test_session, shipping=shipping)
    payments.payment_sync(payment=payment)


def _pay_mismatched(commission: Commission) -> None:
    """A confirmation that does not match what was asked (one cent for the deposit): the
    shop flags it for the owner, refunds it, and the buyer can pay again."""
    payment = payments.payment_start(commission=commission, by=commission.buyer, kind="deposit")
    session = local.session_retrieve(payment.checkout_session_id)
    payments.session_apply(
        replace(
            session,
            status="complete",
            payment_status="paid",
            amount_total=1,
            payment_intent=payment.test_session.payment_intent,
        )
    )


# The demo's shared journey: a fixed link so the README can name it (a real one is 256
# random bits, made when the buyer shares).
DEMO_JOURNEY = "demo-the-making-of-a-ring-for-nina-by-mara-k"


def _journey(commission: Commission, maker: Maker) -> None:
    """The delivered ring's story, shared: its milestones done, two updates from the bench
    marked shareable, and the link with a note for Nina."""
    from commissions.story.models import Journey

    Milestone.objects.filter(commission=commission, done_at__isnull=True).update(
        done_at=timezone.now()
    )
    for body, seed, metal in (
        ("The band is forged and sized — a comfortable court profile.", "demo-nina-1", "silver"),
        ("Engraved and polished; the inside reads just as you asked.", "demo-nina-2", "gold"),
    ):
        update = Update.objects.create(
            commission=commission, author=maker.user, body=body, shareable=True
        )
        UpdatePhoto.objects.create(
            update=update, image=_picture(drawings.ring(seed, metal=metal)), position=0
        )
    Journey.objects.create(
        commission=commission,
        token=DEMO_JOURNEY,
        gift_note="Nina — this ring was made for you. Here is how it came to be.",
    )


def _journal(commission: Commission, maker: Maker) -> None:
    """Three weeks at the bench: two milestones ticked off and the third late, updates with
    photos drawn by Pillow (the last one quiet for nine days), the promised date moved with
    a reason."""
    now, today = timezone.now(), timezone.localdate()
    started = today - timedelta(days=21)
    Commission.objects.filter(pk=commission.pk).update(
        expected_start=started, status_changed_at=now - timedelta(days=21)
    )
    milestones = list(commission.milestones.all())
    for milestone, days in zip(milestones, (7, 14, 19), strict=False):
        Milestone.objects.filter(pk=milestone.pk).update(due_on=started + timedelta(days=days))
    posts = [
        (18, "The band is off and the garnet is out, safe in a little box.", 0, 2),
        (12, "The new bezel, first fitting: the garnet sits lower than it did in the ring.", 1, 3),
        (9, "Chain links cut; soldering them this week.", None, 1),
    ]
    for days_ago, body, done, photos in posts:
        images = [
            _picture(drawings.pendant(f"demo-bench-{days_ago}-{n}", metal="gold", shape="drop"))
            for n in range(photos)
        ]
        update = journal.update_post(
            commission=commission,
            by=maker.user,
            body=body,
            images=images,
            milestone_id=milestones[done].pk if done is not None else None,
            milestone_done=done is not None,
            shareable=True,
        )
        at = now - timedelta(days=days_ago)
        Update.objects.filter(pk=update.pk).update(created_at=at)
        if done is not None:
            Milestone.objects.filter(pk=milestones[done].pk).update(done_at=at)
    Commission.objects.filter(pk=commission.pk).update(last_update_at=now - timedelta(days=9))
    commission.refresh_from_db()
    journal.promised_date_move(
        commission=commission,
        by=maker.user,
        new_date=commission.promised_by + timedelta(days=10),
        reason="The chain I wanted is out of stock; a better one arrives next week.",
    )


def _date_passed(commission: Commission) -> None:
    """A promise gone by with the piece unfinished: buyer and owner are told (the beat's
    check), and the buyer can agree a new date or ask the shop to cancel."""
    Commission.objects.filter(pk=commission.pk).update(
        promised_by=timezone.localdate() - timedelta(days=3)
    )
    journal.promised_dates_check()


def seed_commissions(*, buyer: User, maker_user: User, owner: User) -> int:
    """Create the demo commissions once; a second run changes nothing."""
    if Commission.objects.filter(buyer=buyer).exists():
        return 0
    before = Commission.objects.count()
    mara = maker_user.maker
    tomas = Maker.objects.filter(slug="tomas-brandt").first()
    others = [_buyer(email, name) for email, name in OTHER_BUYERS]
    mara_pieces = _pieces(mara)
    # Payments in the demo go through the local test page; with real Stripe keys they
    # are left for people to make.
    test_payments = gateway.test_mode()
    with transaction.atomic():
        # A question, answered.
        question = services.inquiry_start(
            buyer=buyer,
            maker=mara,
            piece=mara_pieces[0],
            body="Hello Mara — could this be made a little wider, for a man's hand?",
        )
        messaging.message_post(
            commission=question,
            by=mara.user,
            body="Yes, gladly: I can make it 6 mm wide. What size is he?",
        )

        # A request waiting for an answer, close to expiring (top of Mara's inbox).
        waiting = _from_piece(
            buyer, mara_pieces[1], "A gift for my sister's 40th birthday.", {"Engraving": "L · 40"}
        )
        Commission.objects.filter(pk=waiting.pk).update(
            answer_by=timezone.now() + timedelta(days=2)
        )

        # A custom brief with reference photos, just sent.
        sketch = _picture(drawings.pendant("demo-brief", metal="gold", shape="leaf"))
        services.commission_request_custom(
            buyer=buyer,
            maker=mara,
            title="A leaf pendant in recycled gold",
            brief="Something like an oak leaf, the size of a thumbnail, on a fine chain.",
            budget_min_cents=40000,
            budget_max_cents=70000,
            wanted_by=timezone.localdate() + timedelta(days=90),
            images=[sketch],
        )

        # Another buyer's request in Mara's inbox; a quote waiting for Bea, with a thread.
        _from_piece(others[0], mara_pieces[2], "Could the stone be a little darker?")
        quoted_for_bea = _from_piece(buyer, mara_pieces[3], "For our wedding in June.")
        messaging.message_post(
            commission=quoted_for_bea,
            by=mara.user,
            body="Congratulations! I'll sketch two versions for you.",
        )
        _quote(
            quoted_for_bea,
            mara,
            64000,
            5,
            milestones=["Sketches", "Wax model", "Casting", "Setting and polish"],
            note="I'd use recycled 9ct gold from Sheffield. Two rounds of changes included.",
        )

        # Accepted, the deposit not paid yet.
        unpaid = _from_piece(buyer, mara_pieces[2], "For my mother, in silver.")
        _quote(unpaid, mara, 26000, 3, milestones=["Sketch", "Forming", "Finishing"])
        services.quote_accept(commission=unpaid, by=buyer)

        # Accepted and paid: finished with the balance due; and paid in full, ready to ship;
        # then the tail: shipped, delivered, complete (the shop's office marks the last two
        # until delivery has pages of its own).
        accepted = _from_piece(buyer, mara_pieces[4], "Size N, please.")
        _quote(accepted, mara, 38000, 3, milestones=["Sketch", "Forming", "Finishing"])
        services.quote_accept(commission=accepted, by=buyer)
        if test_payments:
            _pay(accepted, "deposit")
            # Past the two included revisions Bea accepted an extra charge: in her balance.
            demo_proofs.extra_charge(accepted, answer=True)
            demo_proofs.finish(accepted)
        tail = []
        for brief in ("For my father's 70th.", "A thank-you for our neighbours.", "For Nina."):
            in_full = _from_piece(buyer, mara_pieces[5 % len(mara_pieces)], brief)
            _quote(in_full, mara, 45000, 2)
            services.quote_accept(commission=in_full, by=buyer)
            if "neighbours" in brief:
                # A gift: it goes to another name and address.
                shipping_services.delivery_choose(
                    commission=in_full,
                    by=buyer,
                    method="post",
                    gift=True,
                    address={
                        "name": "Jo and Sam Martin",
                        "line1": "3 Montée du Gourguillon",
                        "city": "Lyon",
                        "postal_code": "69005",
                        "country": "FR",
                    },
                )
            if test_payments:
                _pay(in_full, "deposit")
                demo_proofs.finish(in_full)
                _pay(in_full, "balance")
                tail.append(in_full)
        if len(tail) == 3:
            _, shipped, delivered = tail
            shipping_services.commission_ship(
                commission=shipped,
                by=mara.user,
                carrier="laposte",
                tracking_number="6A12345678901",
                note="Polished twice and wrapped in the blue cloth. Wear it in good health.",
            )
            shipping_services.commission_ship(
                commission=delivered,
                by=mara.user,
                carrier="dhl",
                tracking_number="JD014600003828",
                note="Thank you for trusting me with it — the engraving was a joy to cut.",
            )
            services.commission_confirm_delivery(commission=delivered, by=buyer)
            # Delivered, reviewed with a photo from home, and Mara's answer.
            review_services.review_write(
                commission=delivered,
                by=buyer,
                rating=5,
                body="It arrived beautifully wrapped, and the engraving is even finer than "
                "the sketch. My father has not taken it off since.",
                photo=_picture(drawings.ring("demo-review", metal="silver")),
            )
            _journey(delivered, mara)
            review_services.review_reply(
                commission=delivered,
                by=mara.user,
                body="That makes my week. Tell him to bring it back for a polish any time.",
            )
            done = _from_piece(buyer, mara_pieces[0], "A ring for my brother.")
            _quote(done, mara, 21000, 2, milestones=["Forming", "Finishing"])
            services.quote_accept(commission=done, by=buyer)
            # Collected at the workshop, which Mara offers.
            Maker.objects.filter(pk=mara.pk).update(offers_pickup=True)
            mara.offers_pickup = True
            shipping_services.delivery_choose(commission=done, by=buyer, method="pickup")
            _pay(done, "deposit")
            demo_proofs.finish(done)
            _pay(done, "balance")
            services.commission_ship(commission=done, by=mara.user)
            services.commission_confirm_delivery(commission=done, by=buyer)
            services.commission_complete(commission=done, by=owner)
        heirloom_photo = _picture(drawings.ring("demo-heirloom", metal="gold", stone="garnet"))
        rework = services.commission_request_custom(
            buyer=buyer,
            maker=mara,
            title="Grandmother's ring, remade as a pendant",
            brief="Her garnet ring no longer fits anyone; we would love to wear it as a pendant.",
            heirloom=True,
            heirloom_description="A 9ct gold band with a small garnet, from 1952.",
            heirloom_images=[heirloom_photo],
        )
        _quote(rework, mara, 29000, 4, milestones=["Take apart", "New setting", "Chain"])
        services.quote_accept(commission=rework, by=buyer)
        services.heirloom_received(
            commission=rework,
            by=mara.user,
            condition="Band worn thin at the back; the garnet is sound.",
        )
        if test_payments:
            _pay(rework, "deposit")
            _journal(rework, mara)
            # Version 1 sent back with two pins, version 2 approved.
            demo_proofs.design(rework, revisions=1)

            # An earlier rework, its loop closed: what was reused, what went back.
            remade = services.commission_request_custom(
                buyer=buyer,
                maker=mara,
                title="Father's signet ring, resized for me",
                brief="Dad's signet ring, made to fit my little finger, keeping the crest.",
                heirloom=True,
                heirloom_description="A worn 18ct gold signet ring with an engraved crest.",
                heirloom_images=[_picture(drawings.ring("demo-signet", metal="gold"))],
            )
            _quote(remade, mara, 24000, 2, milestones=["Take apart", "Re-size", "Polish"])
            services.quote_accept(commission=remade, by=buyer)
            services.heirloom_received(
                commission=remade, by=mara.user, condition="Crest crisp; the shank is thin."
            )
            _pay(remade, "deposit")
            demo_proofs.finish(remade)
            _pay(remade, "balance")
            shipping_services.commission_ship(
                commission=remade,
                by=mara.user,
                carrier="laposte",
                tracking_number="6A98765432109",
                note="The crest is your father's, untouched; only the band is new.",
                heirloom_reused="The crest and the head of the ring, about 6 g of the 18ct gold.",
                heirloom_returned="The old worn shank, in the small linen pouch.",
            )
            services.commission_confirm_delivery(commission=remade, by=buyer)
            review_services.review_write(
                commission=remade,
                by=buyer,
                rating=4,
                body="The crest is Dad's, exactly as it was. It took a week longer than "
                "promised, but Mara told me why.",
            )
            services.commission_complete(commission=remade, by=owner)

            # Mara's bench fills up with paid work; the next deposit paid joins her waitlist.
            while Maker.objects.get(pk=mara.pk).slots_taken < mara.capacity:
                other = others[Commission.objects.filter(maker=mara).count() % len(others)]
                filler = _from_piece(other, mara_pieces[0], "As pictured, please.")
                _quote(filler, mara, 25000, 4)
                services.quote_accept(commission=filler, by=other)
                _pay(filler, "deposit")
            queued = _from_piece(buyer, mara_pieces[0], "No rush — whenever Mara has room.")
            _quote(queued, mara, 21000, 3)
            services.quote_accept(commission=queued, by=buyer)
            _pay(queued, "deposit")
            _date_passed(queued)

        # Requests that ended: declined, expired unanswered, quote declined, withdrawn.
        declined = services.commission_request_custom(
            buyer=buyer,
            maker=mara,
            title="A platinum wedding band",
            brief="Plain, 4 mm, in platinum.",
        )
        services.request_decline(
            commission=declined,
            by=mara.user,
            reason="I don't work in platinum — Aurélie Dufour does, beautifully.",
        )
        expired = _from_piece(buyer, mara_pieces[2], "For Mother's Day.")
        Commission.objects.filter(pk=expired.pk).update(
            answer_by=timezone.now() - timedelta(hours=1)
        )
        services.requests_expire()
        closed = _from_piece(buyer, mara_pieces[3], "Could it be done by Friday?")
        _quote(closed, mara, 52000, 6, note="Six weeks is the soonest I can do well.")
        services.quote_decline(
            commission=closed, by=buyer, reason="Too late for the occasion, sadly."
        )
        withdrawn = _from_piece(buyer, mara_pieces[1], "Second thoughts on the size.")
        services.commission_withdraw(commission=withdrawn, by=buyer, reason="I'll measure first.")

        # A deposit paid, then the commission cancelled by the shop and refunded.
        ines = Maker.objects.filter(slug="ines-costa").first()
        if ines and test_payments:
            bowl = _from_piece(buyer, _pieces(ines)[0], "A set for the cabin.")
            _quote(bowl, ines, 18000, 3)
            services.quote_accept(commission=bowl, by=buyer)
            _pay(bowl, "deposit")
            services.commission_cancel(
                commission=bowl, by=owner, reason="Ines's kiln broke down; she could not finish it."
            )

        # A deposit whose confirmation did not match what was asked: flagged for the
        # owner, refunded, and the buyer asked to pay again.
        if ines and test_payments:
            vase = _from_piece(buyer, _pieces(ines)[-1], "In the speckled glaze, please.")
            _quote(vase, ines, 9500, 2)
            services.quote_accept(commission=vase, by=buyer)
            _pay_mismatched(vase)

        # At Ines's bench, past the included revisions: an extra charge waits for Bea.
        if ines and test_payments:
            cups = _from_piece(buyer, _pieces(ines)[0], "Four, each glazed a little differently.")
            _quote(cups, ines, 16000, 3)
            services.quote_accept(commission=cups, by=buyer)
            _pay(cups, "deposit")
            if Commission.objects.get(pk=cups.pk).status == "in_progress":
                demo_proofs.extra_charge(cups, answer=None)

        # Tomas's bench is full of paid work, so his pieces show the waitlist.
        if tomas and test_payments:
            for other in others * tomas.capacity:
                if Maker.objects.get(pk=tomas.pk).slots_taken >= tomas.capacity:
                    break
                piece = _pieces(tomas)[0]
                chair = _from_piece(other, piece, "In oak, please.")
                _quote(chair, tomas, piece.base_price_cents, 8)
                services.quote_accept(commission=chair, by=other)
                _pay(chair, "deposit")
    # Photos were stored in the transaction; their sizes are made here, in-process.
    for model in (ReferenceImage, UpdatePhoto):
        for image in model.objects.filter(renditions_ready_at__isnull=True):
            render_renditions(image)
    return Commission.objects.count() - before
