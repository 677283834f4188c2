"""Everything that changes a commission, up to an accepted quote: questions, requests,
quotes, withdrawals, expiries, cancellation and the piece's travels (the maker's bench and
its waitlist are in commissions.bench).

Each function is one transaction. Rows are locked in a fixed order (the maker, then the
commission) so two people acting at once never deadlock. Status changes go through
`workflow.advance`; emails are written to the outbox in the same transaction.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from commissions import bench, workflow
from commissions.emails import notify as _notify
from commissions.journal import services as journal
from commissions.locks import commission_locked as _locked
from commissions.models import Commission, Quote, ReferenceImage, Status
from commissions.payments.services import deposit_problem
from commissions.shipping import services as shipping_services
from commissions.workflow import BUYER, MAKER, NotAllowed
from makers.models import Maker, Piece
from shop.forms import MAX_PRICE_CENTS
from shop.images.pipeline import queue_renditions
from shop.money import Money

ANSWER_WITHIN = timedelta(days=14)


# --- Helpers ---------------------------------------------------------------------------------


def _add_images(commission: Commission, images: list[ContentFile], kind: str) -> None:
    for image in images:
        queue_renditions(
            ReferenceImage.objects.create(commission=commission, image=image, kind=kind)
        )


def _not_yourself(maker: Maker, buyer) -> None:
    if maker.user_id == buyer.pk:
        raise NotAllowed("This is your own studio: you cannot commission your own work.")


def _open_for_requests(maker: Maker, buyer) -> None:
    _not_yourself(maker, buyer)
    if not maker.accepting_commissions:
        raise NotAllowed(
            f"{maker.display_name} is not taking new commissions right now; "
            "you can still ask a question."
        )


# --- Questions and requests --------------------------------------------------------------------


@transaction.atomic
def commission_request_piece(
    *,
    buyer,
    piece: Piece,
    personalisation: list[dict],
    total_cents: int,
    brief: str = "",
    wanted_by: date | None = None,
    heirloom: bool = False,
    heirloom_description: str = "",
    images: list[ContentFile] = (),
    heirloom_images: list[ContentFile] = (),
) -> Commission:
    """A buyer asks the maker to make a listed piece with their personalisation.

    The choices and the price are copied onto the commission, so a later change to the
    listing never changes what this buyer asked for.
    """
    if not piece.is_published:
        raise NotAllowed("This piece is no longer available.")
    if total_cents > MAX_PRICE_CENTS:
        raise NotAllowed(
            "With these choices the price is more than the shop can take online; "
            "ask the maker a question instead."
        )
    if piece.made_to_order:
        _open_for_requests(piece.maker, buyer)
    else:
        _not_yourself(piece.maker, buyer)
    commission = Commission.objects.create(
        buyer=buyer,
        maker=piece.maker,
        piece=piece,
        kind=Commission.Kind.PIECE,
        status=Status.REQUESTED,
        title=piece.title,
        brief=brief,
        personalisation=personalisation,
        listed_price_cents=total_cents,
        currency=piece.currency,
        wanted_by=wanted_by,
        heirloom=heirloom,
        heirloom_description=heirloom_description if heirloom else "",
        answer_by=timezone.now() + ANSWER_WITHIN,
    )
    return _opened(commission, buyer, images, heirloom_images)


@transaction.atomic
def commission_request_custom(
    *,
    buyer,
    maker: Maker,
    title: str,
    brief: str,
    budget_min_cents: int | None = None,
    budget_max_cents: int | None = None,
    wanted_by: date | None = None,
    heirloom: bool = False,
    heirloom_description: str = "",
    images: list[ContentFile] = (),
    heirloom_images: list[ContentFile] = (),
) -> Commission:
    """A buyer sends a maker a brief of their own: what, for how much, by when."""
    _open_for_requests(maker, buyer)
    commission = Commission.objects.create(
        buyer=buyer,
        maker=maker,
        kind=Commission.Kind.CUSTOM,
        status=Status.REQUESTED,
        title=title,
        brief=brief,
        currency=settings.SHOP_CURRENCY,
        budget_min_cents=budget_min_cents,
        budget_max_cents=budget_max_cents,
        wanted_by=wanted_by,
        heirloom=heirloom,
        heirloom_description=heirloom_description if heirloom else "",
        answer_by=timezone.now() + ANSWER_WITHIN,
    )
    return _opened(commission, buyer, images, heirloom_images)


def _opened(commission: Commission, buyer, images, heirloom_images) -> Commission:
    _add_images(commission, list(images), ReferenceImage.Kind.REFERENCE)
    _add_images(commission, list(heirloom_images), ReferenceImage.Kind.HEIRLOOM)
    workflow.log_opening(commission, by=buyer, role=BUYER)
    _notify(commission, to=commission.maker.user.email, template="request_received")
    return commission


@transaction.atomic
def inquiry_start(
    *, buyer, maker: Maker, body: str, piece: Piece | None = None, images: list[ContentFile] = ()
) -> Commission:
    """A buyer asks a maker a question before committing: a thread, not yet a request."""
    from commissions.messaging import message_post

    _not_yourself(maker, buyer)
    title = f"Question about {piece.title}" if piece else f"Question for {maker.display_name}"
    commission = Commission.objects.create(
        buyer=buyer,
        maker=maker,
        piece=piece,
        status=Status.INQUIRY,
        title=title[:160],
        kind=Commission.Kind.PIECE if piece else Commission.Kind.CUSTOM,
        currency=piece.currency if piece else settings.SHOP_CURRENCY,
    )
    workflow.log_opening(commission, by=buyer, role=BUYER)
    message_post(commission=commission, by=buyer, body=body, images=images, notify=False)
    _notify(commission, to=maker.user.email, template="inquiry_received", body=body)
    return commission


@transaction.atomic
def inquiry_convert(*, commission: Commission, by, title: str = "", brief: str = "") -> Commission:
    """The maker turns a question into a request they will quote for."""
    commission = _locked(commission)
    first = commission.messages.order_by("created_at", "id").first()
    commission.title = (
        title
        or commission.title.replace("Question about ", "").replace(
            "Question for ", "A commission from "
        )
    )[:160]
    commission.brief = brief or commission.brief or (first.body if first else "")
    commission.answer_by = timezone.now() + ANSWER_WITHIN
    commission.save(update_fields=["title", "brief", "answer_by", "updated_at"])
    workflow.advance(commission, "convert", by=by, note="Turned the question into a request.")
    _notify(commission, to=commission.buyer.email, template="inquiry_converted")
    return commission


@transaction.atomic
def request_decline(*, commission: Commission, by, reason: str) -> Commission:
    """The maker says no, and why; the buyer reads the reason."""
    commission = _locked(commission)
    workflow.advance(commission, "decline_request", by=by, note=reason)
    commission.declined_reason = reason
    commission.save(update_fields=["declined_reason", "updated_at"])
    workflow.quotes_close_open(commission, Quote.Status.WITHDRAWN)
    _notify(commission, to=commission.buyer.email, template="request_declined", reason=reason)
    return commission


@transaction.atomic
def commission_withdraw(*, commission: Commission, by, reason: str = "") -> Commission:
    """The buyer walks away before paying anything; a slot they held goes to the next in
    the queue."""
    commission = _locked(commission, with_maker=True)
    if commission.status not in workflow.UNPAID and commission.status not in workflow.FINAL:
        raise NotAllowed(
            "Once a deposit is paid, write to the shop to cancel: "
            "your money is refunded through the payment provider."
        )
    workflow.advance(commission, "withdraw", by=by, note=reason)
    workflow.quotes_close_open(commission, Quote.Status.WITHDRAWN)
    bench.bench_release(commission=commission)
    _notify(
        commission, to=commission.maker.user.email, template="commission_withdrawn", reason=reason
    )
    return commission


@transaction.atomic
def inquiry_close(*, commission: Commission, by) -> Commission:
    """Either side closes a question that never became a request."""
    commission = _locked(commission)
    if commission.status != Status.INQUIRY:
        # A page left open while the maker made it a request: the quote must be answered.
        raise NotAllowed(
            "This is a request now, not just a question: accept or decline the quote instead."
        )
    workflow.advance(commission, "close_question", by=by, note="Question closed.")
    return commission


def can_resend(commission: Commission) -> bool:
    """A request (not a mere question) that ended without going ahead."""
    ended = commission.status in (Status.EXPIRED, Status.DECLINED, Status.CLOSED, Status.WITHDRAWN)
    return ended and commission.log.filter(to_status=Status.REQUESTED).exists()


@transaction.atomic
def commission_resend(*, commission: Commission, by, maker: Maker | None = None) -> Commission:
    """Send an expired, declined or closed request again, to the same maker or another.

    A new commission with its own reference; the photos come along.
    """
    if not can_resend(commission):
        raise NotAllowed("Only a request that ended can be sent again.")
    if by.pk != commission.buyer_id:
        raise NotAllowed("You are not part of this commission.")
    maker = maker or commission.maker
    _open_for_requests(maker, by)
    piece = commission.piece if commission.piece and commission.piece.maker_id == maker.pk else None
    copy = Commission.objects.create(
        buyer=commission.buyer,
        maker=maker,
        piece=piece,
        kind=Commission.Kind.PIECE if piece else Commission.Kind.CUSTOM,
        status=Status.REQUESTED,
        title=commission.title,
        brief=commission.brief,
        personalisation=commission.personalisation if piece else [],
        listed_price_cents=commission.listed_price_cents if piece else None,
        currency=commission.currency,
        budget_min_cents=commission.budget_min_cents,
        budget_max_cents=commission.budget_max_cents,
        wanted_by=commission.wanted_by,
        heirloom=commission.heirloom,
        heirloom_description=commission.heirloom_description,
        resent_from=commission,
        answer_by=timezone.now() + ANSWER_WITHIN,
    )
    for image in commission.images.all():
        # The same stored files, cleaned already; the renditions are copied too.
        ReferenceImage.objects.create(
            commission=copy,
            image=image.image.name,
            kind=image.kind,
            renditions=image.renditions,
            renditions_ready_at=image.renditions_ready_at,
        )
    workflow.log_opening(copy, by=by, role=BUYER, note=f"Sent again from {commission.reference}.")
    _notify(copy, to=maker.user.email, template="request_received")
    return copy


@transaction.atomic
def heirloom_received(*, commission: Commission, by, condition: str) -> Commission:
    """The maker logs the buyer's piece arriving at the workshop, and its condition."""
    commission = _locked(commission)
    if workflow.role_of(by, commission) != MAKER:
        raise NotAllowed("Only the maker logs what arrives at the workshop.")
    if not commission.heirloom:
        raise NotAllowed("This commission has no piece to rework.")
    if commission.status not in workflow.ACCEPTED:
        raise NotAllowed("The piece is sent in once the quote is accepted.")
    commission.heirloom_received_at = timezone.now()
    commission.heirloom_condition = condition
    commission.save(update_fields=["heirloom_received_at", "heirloom_condition", "updated_at"])
    _notify(commission, to=commission.buyer.email, template="heirloom_received")
    return commission


def requests_expire(*, now=None) -> int:
    """Beat task: requests nobody answered in 14 days expire, with a kind word to the
    buyer (who can send them again, here or to another maker)."""
    now = now or timezone.now()
    due = Commission.objects.filter(status=Status.REQUESTED, answer_by__lt=now)
    expired = 0
    for commission_id in due.values_list("id", flat=True):
        with transaction.atomic():
            commission = (
                Commission.objects.select_for_update(of=("self",))
                .select_related("maker", "buyer")
                .get(pk=commission_id)
            )
            if commission.status != Status.REQUESTED or commission.answer_by >= now:
                continue  # answered meanwhile
            workflow.advance(
                commission, "expire_request", by=None, note="Not answered within 14 days."
            )
            _notify(commission, to=commission.buyer.email, template="request_expired")
            expired += 1
    return expired


# --- Quotes ------------------------------------------------------------------------------------


@transaction.atomic
def quote_send(
    *,
    commission: Commission,
    by,
    price_cents: int,
    deposit_cents: int,
    estimated_weeks: int,
    milestones: list[str],
    revision_rounds: int,
    valid_until: date,
    note: str = "",
) -> Quote:
    """The maker's offer: price, deposit, weeks, planned milestones, revision rounds, how
    long it stands. A new quote replaces the open one."""
    commission = _locked(commission)
    if deposit_cents > price_cents:
        raise NotAllowed("The deposit cannot be more than the price.")
    problem = deposit_problem(
        price_cents=price_cents, deposit_cents=deposit_cents, currency=commission.currency
    )
    if problem:
        raise NotAllowed(problem)
    if valid_until < timezone.localdate():
        raise NotAllowed("A quote must be valid until today or later.")
    workflow.advance(
        commission,
        "send_quote",
        by=by,
        note=f"Quote: {Money(price_cents, commission.currency)}",
    )
    workflow.quotes_close_open(commission, Quote.Status.SUPERSEDED)
    quote = Quote.objects.create(
        commission=commission,
        price_cents=price_cents,
        deposit_cents=deposit_cents,
        currency=commission.currency,
        estimated_weeks=estimated_weeks,
        milestones=[m for m in milestones if m],
        revision_rounds=revision_rounds,
        valid_until=valid_until,
        note=note,
    )
    _notify(commission, to=commission.buyer.email, template="quote_sent", quote=quote)
    return quote


def open_quote(commission: Commission) -> Quote | None:
    return commission.quotes.filter(status=Quote.Status.OPEN).first()


@transaction.atomic
def quote_accept(*, commission: Commission, by) -> Commission:
    """The buyer accepts the open quote: the commission waits for its deposit, with an
    honest date for when work could start (the deposit takes the slot, see `bench.bench_take`).

    The maker's row is locked first, as everywhere the bench is planned.
    """
    commission = _locked(commission, with_maker=True)
    quote = open_quote(commission)
    if quote is None:
        raise NotAllowed("There is no open quote to accept.")
    if deposit_problem(
        price_cents=quote.price_cents, deposit_cents=quote.deposit_cents, currency=quote.currency
    ):
        # A quote written before deposits were required: it could never be paid.
        raise NotAllowed("This quote cannot be paid as it stands. Ask the maker for a new one.")
    if quote.valid_until < timezone.localdate():
        raise NotAllowed(
            f"This quote expired on {quote.valid_until:%-d %B %Y}. Ask the maker for a new one."
        )
    workflow.advance(commission, "accept_quote", by=by, note="Quote accepted.")
    workflow.quote_set_status(quote, Quote.Status.ACCEPTED)
    bench.queue_plan(maker=commission.maker)
    # The plan's date for an accepted commission is the maker's next free start.
    journal.journal_start(commission=commission, quote=quote, start=commission.maker.next_start_on)
    _notify(commission, to=commission.maker.user.email, template="quote_accepted", quote=quote)
    return commission


@transaction.atomic
def quote_decline(*, commission: Commission, by, reason: str = "") -> Commission:
    commission = _locked(commission)
    quote = open_quote(commission)
    if quote is None:
        raise NotAllowed("There is no open quote to decline.")
    workflow.advance(commission, "decline_quote", by=by, note=reason or "Quote declined.")
    workflow.quote_set_status(quote, Quote.Status.DECLINED)
    _notify(
        commission,
        to=commission.maker.user.email,
        template="quote_declined",
        quote=quote,
        reason=reason,
    )
    return commission


def quotes_expire(*, today: date | None = None) -> int:
    """Beat task: open quotes past their date expire, and their commission closes."""
    today = today or timezone.localdate()
    due = Quote.objects.filter(status=Quote.Status.OPEN, valid_until__lt=today)
    expired = 0
    for quote_id, commission_id in due.values_list("id", "commission_id"):
        with transaction.atomic():
            commission = (
                Commission.objects.select_for_update(of=("self",))
                .select_related("maker", "buyer")
                .get(pk=commission_id)
            )
            quote = Quote.objects.get(pk=quote_id)
            if quote.status != Quote.Status.OPEN:
                continue
            workflow.quote_set_status(quote, Quote.Status.EXPIRED)
            if commission.status == Status.QUOTED:
                workflow.advance(
                    commission,
                    "expire_quote",
                    by=None,
                    note=f"The quote expired on {quote.valid_until:%-d %B %Y}.",
                )
                _notify(
                    commission, to=commission.buyer.email, template="quote_expired", quote=quote
                )
            expired += 1
    return expired


@transaction.atomic
def commission_cancel(*, commission: Commission, by, reason: str) -> Commission:
    """The shop owner cancels a commission before it ships: every paid payment is refunded
    through Stripe (after commit, with an idempotency key), and its slot is freed."""
    from commissions.payments.services import refunds_for

    commission = _locked(commission, with_maker=True)
    workflow.advance(commission, "cancel", by=by, note=reason)
    workflow.quotes_close_open(commission, Quote.Status.WITHDRAWN)
    refunds_for(commission, reason=reason or "Cancelled by the shop.")
    bench.bench_release(commission=commission)
    for to in (commission.buyer.email, commission.maker.user.email):
        _notify(commission, to=to, template="commission_cancelled", reason=reason)
    return commission


# --- The piece travels ---------------------------------------------------------------------


def commission_ship(*, commission: Commission, by, note: str = "", **shipping) -> Commission:
    """The piece has left the workshop (commissions.shipping: carrier, tracking, the buyer
    told)."""
    return shipping_services.commission_ship(commission=commission, by=by, note=note, **shipping)


def commission_confirm_delivery(*, commission: Commission, by, note: str = "") -> Commission:
    """The buyer (or the shop for them) says the piece arrived."""
    return shipping_services.commission_confirm_delivery(commission=commission, by=by, note=note)


@transaction.atomic
def commission_complete(*, commission: Commission, by, note: str = "") -> Commission:
    """Nothing more to do: the commission's story is complete."""
    commission = _locked(commission)
    workflow.advance(commission, "complete", by=by, note=note)
    return commission
