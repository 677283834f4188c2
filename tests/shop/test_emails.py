"""Every email the shop sends, with hostile text in every field a person writes, reaches the
HTML part as text: no link, form, image or handler of theirs, from the shop's own address.

The story runs the real services (requests, questions, quotes, messages, payments on the
local test page, refunds, expiries, the owner's cancel, sign-up and password reset) with
names, briefs, choices, notes, reasons and messages all written by an attacker. A new
email template that the story does not send fails the test, so it must be added here.
"""

from dataclasses import replace
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from commissions import messaging, services
from commissions.journal import proofs
from commissions.journal import services as journal
from commissions.models import Commission
from commissions.payments import local
from commissions.payments import services as payments
from commissions.reviews import services as reviews
from commissions.shipping import services as shipping
from makers.models import PersonalisationOption
from makers.services import piece_refresh
from shop.images.pipeline import check_upload
from shop.notifications.models import OutboxEmail
from tests.conftest import ROOT
from tests.factories import (
    ChoiceFactory,
    MakerFactory,
    OptionFactory,
    PieceFactory,
    PiecePhotoFactory,
    UserFactory,
    jpeg_bytes,
)

EVIL = "evil.example"
# What a person might write anywhere: a disguised link, a form, an image with a handler.
HOSTILE = (
    f'<a href="https://{EVIL}/login">Pay here</a> <form action="https://{EVIL}/">'
    f'<input name="card"></form> <img src="https://{EVIL}/t.gif" onerror="alert(1)"> '
    '<script>alert(2)</script> "quotes" & ampersands'
)
# The same idea, short enough for a name or a title.
SHORT = f'<a href="https://{EVIL}">x</a><img src=x onerror=y>'

# Elements our own email layouts use; anything else came from someone's text.
OUR_TAGS = {"html", "body", "table", "tr", "td", "p", "a", "strong", "br"}
# The one image an email may show: a photo from the bench, by the shop's signed link.
PHOTO_LINKS = settings.SITE_URL + "/commissions/photos/"


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self._in_a: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "a":
            self._in_a = {"href": attributes.get("href", ""), "text": ""}

    def handle_data(self, data):
        self.text.append(data)
        if self._in_a is not None:
            self._in_a["text"] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._in_a is not None:
            self.tags.append(("a-text", self._in_a))
            self._in_a = None


def assert_html_is_safe(html: str, label: str) -> None:
    parser = _Elements()
    parser.feed(html)
    for tag, attributes in parser.tags:
        if tag == "a-text":
            # Our links go to the shop; a link urlize made from a URL someone typed shows
            # exactly where it goes (its text is its address), never "Pay here".
            href, text = attributes["href"], attributes["text"].strip()
            if not href.startswith(settings.SITE_URL):
                assert href in (text, f"mailto:{text}"), (label, href, text)
            continue
        if tag == "img":
            # Only the shop's own signed thumbnail of a photo from the bench.
            assert attributes.get("src", "").startswith(PHOTO_LINKS), (label, attributes)
            assert attributes.get("alt"), (label, attributes)
        else:
            assert tag in OUR_TAGS, (label, tag, attributes)
        for name, value in attributes.items():
            assert not name.startswith("on"), (label, tag, name)
            if name == "href":
                assert urlsplit(value).scheme in ("http", "https", "mailto"), (label, value)
    assert "<script" not in html and "<form" not in html, label


def email_templates() -> set[str]:
    folder = ROOT / "templates" / "emails"
    return {
        path.name.removesuffix(".txt")
        for path in folder.glob("*.txt")
        if not path.name.endswith(".subject.txt")
    }


@pytest.fixture
def world(db, settings):
    """A hostile buyer and a hostile maker, everything they can name named by an attacker."""
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""  # local test payments
    buyer = UserFactory(email="buyer@example.test", name=SHORT)
    maker = MakerFactory(display_name=SHORT, craft=SHORT, location=SHORT, story=HOSTILE, capacity=1)
    piece = PieceFactory(maker=maker, title=SHORT, description=HOSTILE)
    PiecePhotoFactory(piece=piece)
    metal = OptionFactory(piece=piece, label=SHORT, required=True, help_text=HOSTILE[:200])
    ChoiceFactory(option=metal, label=SHORT)
    OptionFactory(piece=piece, label=SHORT, kind=PersonalisationOption.Kind.TEXT)
    owner = UserFactory(email="owner@example.test", is_staff=True, is_superuser=True)
    return {"buyer": buyer, "maker": maker, "piece": piece_refresh(piece=piece), "owner": owner}


def _request(world, **extra):
    return services.commission_request_piece(
        buyer=world["buyer"],
        piece=world["piece"],
        personalisation=[
            {"option": SHORT, "value": SHORT, "price_delta_cents": 0},
            {"option": SHORT, "value": HOSTILE[:200], "price_delta_cents": 0},
        ],
        total_cents=12000,
        brief=HOSTILE,
        **extra,
    )


def _quote(world, commission, days: int = 14):
    return services.quote_send(
        commission=commission,
        by=world["maker"].user,
        price_cents=40000,
        deposit_cents=12000,
        estimated_weeks=4,
        milestones=[SHORT, HOSTILE],
        revision_rounds=2,
        valid_until=timezone.localdate() + timedelta(days=days),
        note=HOSTILE,
    )


def _photo():
    from django.core.files.base import ContentFile

    from shop.images.pipeline import check_upload
    from tests.world import photo_bytes

    return check_upload(ContentFile(photo_bytes(), name="p.jpg"))


def _pay(commission, kind: str):
    payment = payments.payment_start(commission=commission, by=commission.buyer, kind=kind)
    local.test_checkout_pay(payment.test_session)
    return payments.payment_sync(payment=payment)


def test_every_email_escapes_what_people_wrote(world, client, django_capture_on_commit_callbacks):
    buyer, maker, owner = world["buyer"], world["maker"], world["owner"]
    maker_user = maker.user
    run = lambda: django_capture_on_commit_callbacks(execute=True)  # noqa: E731

    with run():
        # A question, turned into a request; messages both ways.
        question = services.inquiry_start(buyer=buyer, maker=maker, body=HOSTILE)
        messaging.message_post(commission=question, by=maker_user, body=HOSTILE)
        services.inquiry_convert(commission=question, by=maker_user)
        # Declined, withdrawn, quote declined, expired unanswered, quote expired.
        services.request_decline(commission=_request(world), by=maker_user, reason=HOSTILE)
        services.commission_withdraw(commission=_request(world), by=buyer, reason=HOSTILE)
        declined = _request(world)
        _quote(world, declined)
        services.quote_decline(commission=declined, by=buyer, reason=HOSTILE)
        _request(world)
        services.requests_expire(now=timezone.now() + timedelta(days=15))
        _quote(world, _request(world), days=0)
        services.quotes_expire(today=timezone.localdate() + timedelta(days=1))

    with run():
        # The heirloom rework that takes the only slot, paid and finished, with its balance.
        rework = _request(world, heirloom=True, heirloom_description=HOSTILE)
        _quote(world, rework)
        services.quote_accept(commission=rework, by=buyer)
        # A second one, whose deposit fails at the bank, then comes back not as asked.
        waiting = _request(world)
        _quote(world, waiting)
        services.quote_accept(commission=waiting, by=buyer)
    with run():
        _pay(rework, "deposit")
    with run():
        services.heirloom_received(commission=rework, by=maker_user, condition=HOSTILE)
        # The build journal: an update with a photo from the bench, the date moved with a
        # reason, a quiet fortnight reminded, the date passed (buyer and owner told), the
        # buyer asking to cancel, then agreeing a new date.
        journal.update_post(
            commission=rework,
            by=maker_user,
            body=HOSTILE,
            images=[check_upload(ContentFile(jpeg_bytes(), name="bench.jpg"))],
        )
        rework.refresh_from_db()
        journal.promised_date_move(
            commission=rework,
            by=maker_user,
            new_date=rework.promised_by + timedelta(days=7),
            reason=HOSTILE,
        )
        journal.update_reminders(now=timezone.now() + timedelta(days=15))
        Commission.objects.filter(pk=rework.pk).update(
            promised_by=timezone.localdate() - timedelta(days=1)
        )
        journal.promised_dates_check()
        journal.cancel_request(commission=rework, by=buyer, reason=HOSTILE)
        journal.promised_date_agree(
            commission=rework, by=buyer, new_date=timezone.localdate() + timedelta(days=30)
        )
        with transaction.atomic():
            started = payments.payment_start(commission=waiting, by=buyer, kind="deposit")
            payments.payment_failed(payments._locked(started.pk), reason=HOSTILE)
    with run():
        # A confirmation that is not what was asked: the buyer and the owner are told.
        again = payments.payment_start(commission=waiting, by=buyer, kind="deposit")
        session = local.session_retrieve(again.checkout_session_id)
        payments.session_apply(
            replace(
                session,
                status="complete",
                payment_status="paid",
                amount_total=1,
                payment_intent=again.test_session.payment_intent,
            )
        )
    with run():
        # Paid while the rework holds the only slot: it waits, and starts when the rework
        # is finished.
        queued = _request(world)
        _quote(world, queued)
        services.quote_accept(commission=queued, by=buyer)
    with run():
        _pay(queued, "deposit")
    with run():
        # Design proofs: revisions with pins, past the allowance an extra charge accepted
        # and one declined, then the approval; finished with a photo.
        def pin(proof):
            return [proofs.PinInput(proof.photos.first().pk, 10, 20, HOSTILE[:400])]

        for version in (1, 2, 3, 4):
            proof = proofs.proof_post(
                commission=rework, by=maker_user, body=HOSTILE, images=[_photo()]
            )
            if version < 4:
                proofs.proof_request_revision(
                    commission=rework, by=buyer, version=version, comment=HOSTILE, pins=pin(proof)
                )
            if version == 3:
                for accept in (True, False):
                    order = proofs.change_order_propose(
                        commission=rework, by=maker_user, amount_cents=5000, reason=HOSTILE
                    )
                    proofs.change_order_answer(
                        commission=rework, by=buyer, order_id=order.pk, accept=accept
                    )
        proofs.proof_approve(commission=rework, by=buyer, version=4)
        payments.commission_mark_finished(commission=rework, by=maker_user, photos=[_photo()])
    with run():
        _pay(rework, "balance")
    with run():
        services.commission_cancel(commission=rework, by=owner, reason=HOSTILE)
    with run():
        # The queued piece, finished and paid in full; the buyer changes where it goes (a
        # gift, named by an attacker); the maker ships it with a note; it arrives.
        proof = proofs.proof_post(commission=queued, by=maker_user, body="", images=[_photo()])
        proofs.proof_approve(commission=queued, by=buyer, version=proof.version)
        payments.commission_mark_finished(commission=queued, by=maker_user, photos=[_photo()])
    with run():
        _pay(queued, "balance")
    with run():
        address = {"name": HOSTILE[:100], "line1": HOSTILE[:200], "city": SHORT, "country": "FR"}
        shipping.delivery_choose(
            commission=queued, by=buyer, method="post", gift=True, address=address
        )
    with run():
        shipping.commission_ship(
            commission=queued,
            by=maker_user,
            carrier="dhl",
            tracking_number="JD0123456789",
            note=HOSTILE,
        )
    with run():
        services.commission_confirm_delivery(commission=queued, by=buyer)
    with run():
        reviews.review_write(commission=queued, by=buyer, rating=2, body=HOSTILE)
        reviews.review_reply(commission=queued, by=maker_user, body=HOSTILE)

    with run():
        # Accounts: sign-ups (new, and an address with an account), a password reset.
        client.post(
            reverse("accounts:signup"),
            {"name": SHORT, "email": "new@example.test", "password": "woven-silver-42"},
        )
        client.post(
            reverse("accounts:signup"),
            {"name": SHORT, "email": buyer.email, "password": "woven-silver-42"},
        )
        client.post(reverse("accounts:password_reset"), {"email": buyer.email})

    rows = list(OutboxEmail.objects.all())
    sent_templates = {row.template for row in rows}
    missing = email_templates() - sent_templates
    assert not missing, f"the story sends no {sorted(missing)}: add them to it"
    assert all(row.status == OutboxEmail.Status.SENT for row in rows)

    html_parts = [
        (message.subject, content)
        for message in mail.outbox
        for content, mimetype in message.alternatives
        if mimetype == "text/html"
    ]
    assert len(html_parts) == len(mail.outbox) == len(rows)
    for subject, html in html_parts:
        assert_html_is_safe(html, subject)
    # The proof emails and the balance request carry their photo's thumbnail.
    with_photo = {subject for subject, html in html_parts if "/commissions/photos/" in html}
    assert len(with_photo) >= 5, with_photo
    # The hostile text did reach the emails, as text.
    shown = "\n".join(html for _, html in html_parts)
    for text in ("&lt;form action=&quot;", "&lt;/form&gt;", "onerror=&quot;alert(1)&quot;"):
        assert text in shown
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in shown
    # The update's email carries its photo, by the shop's own link.
    posted = next(html for subject, html in html_parts if "posted an update" in subject)
    assert f'<img src="{PHOTO_LINKS}' in posted


def test_the_checker_catches_a_link_a_form_and_a_handler():
    for html in (
        '<p><a href="https://evil.example/login">Pay here</a></p>',
        "<p><form action=x></form></p>",
        "<p><img src=x onerror=y></p>",
        f'<p><img src="https://{EVIL}/t.gif" alt="x"></p>',
        '<p onclick="x">hi</p>',
    ):
        with pytest.raises(AssertionError):
            assert_html_is_safe(html, "planted")
    assert_html_is_safe(
        f'<p><a href="{settings.SITE_URL}/c/">Open it</a> '
        '<a href="https://maker.example/x" rel="nofollow">https://maker.example/x</a></p>',
        "ours",
    )
