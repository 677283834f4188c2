"""Design proofs and change orders: the maker posts a proof (version 1, 2, …), the buyer
approves it or asks for a revision (with numbered pins on the photos); past the quote's
revision allowance the maker may propose an extra charge, which the buyer accepts (it is
added to the balance) or declines.

Each function is one transaction that locks the maker's row, then the commission's (the
order used everywhere, and the FOREIGN KEY check of an updated commission row needs the
maker's), so two answers at once are serialised and the second sees the first's (two approvals record one; an answer
to a version that has been replaced is refused). Emails go to the outbox in the same
transaction, each with the proof's thumbnail.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from commissions import workflow
from commissions.activity import activity_touch
from commissions.emails import notify
from commissions.journal import emails
from commissions.journal.models import ChangeOrder, ProofPin, Update, UpdatePhoto
from commissions.locks import commission_locked
from commissions.models import Commission, Quote, Status
from commissions.workflow import BUYER, MAKER, NotAllowed
from shop import stripe_gateway as gateway
from shop.forms import MAX_PRICE_CENTS
from shop.images.pipeline import queue_renditions
from shop.money import Money

MAX_PHOTOS = 10
MAX_PINS = 30
MAX_TEXT = 5000

D = Update.Decision


@dataclass(frozen=True)
class PinInput:
    """One pin as the buyer dropped it: on which photo, where (percent), and what to change."""

    photo_id: int | None
    x_pct: Decimal
    y_pct: Decimal
    comment: str


@dataclass(frozen=True)
class Allowance:
    """The quote's revision rounds and how many the buyer has asked for."""

    included: int
    used: int

    @property
    def left(self) -> int:
        return max(self.included - self.used, 0)

    @property
    def past(self) -> bool:
        """The buyer has asked for more revisions than the quote includes."""
        return self.used > self.included

    def __str__(self) -> str:
        noun = "revision" if self.included == 1 else "revisions"
        return f"{self.used} of {self.included} {noun} used"


# --- Reading ------------------------------------------------------------------------------------


def _accepted_quote(commission: Commission) -> Quote | None:
    return commission.quotes.filter(status=Quote.Status.ACCEPTED).first()


def proofs_of(commission: Commission) -> list[Update]:
    """Every version, oldest first, with its photos and pins (three queries)."""
    return list(
        commission.updates.filter(kind=Update.Kind.PROOF)
        .select_related("decided_by", "author")
        .prefetch_related("photos", "pins")
        .order_by("version")
    )


def latest_proof(commission: Commission) -> Update | None:
    return commission.updates.filter(kind=Update.Kind.PROOF).order_by("-version").first()


def allowance(commission: Commission, quote: Quote | None = None) -> Allowance:
    quote = quote or _accepted_quote(commission)
    used = commission.updates.filter(kind=Update.Kind.PROOF, decision=D.REVISION).count()
    return Allowance(included=quote.revision_rounds if quote else 0, used=used)


def needs_approval(commission: Commission, quote: Quote | None = None) -> bool:
    """The quote includes revisions, so the design must be approved before the piece is
    finished."""
    quote = quote or _accepted_quote(commission)
    return bool(quote and quote.revision_rounds > 0)


def approved_proof(commission: Commission) -> Update | None:
    return (
        commission.updates.filter(kind=Update.Kind.PROOF, decision=D.APPROVED)
        .order_by("-version")
        .first()
    )


def finish_problem(commission: Commission) -> str:
    """Why the piece cannot be marked finished yet, or ""."""
    if not needs_approval(commission) or approved_proof(commission):
        return ""
    waiting = latest_proof(commission)
    if waiting is None:
        return (
            "The quote includes design revisions, so the buyer approves the design first: "
            "post a proof, and mark the piece finished once it is approved."
        )
    return (
        f"The design is not approved yet (version {waiting.version} is "
        f"{waiting.get_decision_display().lower()}): the piece can be marked finished once "
        "the buyer approves a proof."
    )


def extras_cents(commission: Commission) -> int:
    """What accepted change orders add to the balance."""
    total = commission.change_orders.filter(status=ChangeOrder.Status.ACCEPTED).aggregate(
        total=Sum("amount_cents")
    )["total"]
    return total or 0


def open_change_order(commission: Commission) -> ChangeOrder | None:
    return commission.change_orders.filter(status=ChangeOrder.Status.PROPOSED).first()


def can_propose_change_order(commission: Commission) -> bool:
    return (
        commission.status == Status.IN_PROGRESS
        and allowance(commission).past
        and open_change_order(commission) is None
    )


def summary(commission: Commission) -> dict:
    """What the commission page shows of the proofs: the next step ("Approve the design"),
    the allowance, an extra charge to answer, the finished piece's photo."""
    quote = _accepted_quote(commission)
    latest = latest_proof(commission)
    return {
        "latest": latest,
        "waiting": latest if latest and latest.decision == D.PENDING else None,
        "to_revise": latest if latest and latest.decision == D.REVISION else None,
        "allowance": allowance(commission, quote),
        "needs_approval": needs_approval(commission, quote),
        "open_order": open_change_order(commission),
        "extras": Money(extras_cents(commission), commission.currency),
        "finished_photo": finished_photo(commission)
        if commission.status != Status.IN_PROGRESS
        else None,
    }


def email_photo_src(photo: UpdatePhoto | None) -> str:
    """An absolute, signed link to a photo's thumbnail that a mail client can fetch."""
    return emails.photo_link(photo)


def _first_photo(update: Update | None) -> UpdatePhoto | None:
    return update.photos.order_by("position", "id").first() if update else None


def _tell(commission: Commission, *, to: str, template: str, proof: Update | None, **context):
    notify(
        commission,
        to=to,
        template=template,
        proof=proof,
        photo_url=email_photo_src(_first_photo(proof)),
        photo_alt=f"Version {proof.version} of the design" if proof else "",
        proofs_url=settings.SITE_URL + reverse("commissions:proofs", args=[commission.reference]),
        **context,
    )


# --- The maker posts a proof ---------------------------------------------------------------------


def _as(commission: Commission, by, role: str, what: str) -> None:
    if role not in workflow.roles_of(by, commission):
        who = "buyer" if role == BUYER else "maker"
        raise NotAllowed(f"Only the {who} {what}.")


@transaction.atomic
def proof_post(*, commission: Commission, by, body: str, images: list[ContentFile]) -> Update:
    """The maker posts the next version of the design (1, 2, …) with 1 to 10 photos; the
    buyer is asked to approve it."""
    commission = commission_locked(commission, with_maker=True)
    _as(commission, by, MAKER, "posts design proofs")
    if commission.status != Status.IN_PROGRESS:
        raise NotAllowed("Proofs are posted while the piece is being made.")
    images = list(images)
    if not images:
        raise NotAllowed("Add at least one photo of the design.")
    if len(images) > MAX_PHOTOS:
        raise NotAllowed(f"A proof takes at most {MAX_PHOTOS} photos.")
    latest = latest_proof(commission)
    if latest and latest.decision == D.PENDING:
        raise NotAllowed(
            f"Version {latest.version} is still waiting for the buyer's answer; "
            "the next version follows their comments."
        )
    if latest and latest.decision == D.APPROVED:
        raise NotAllowed(f"Version {latest.version} is approved: the design is settled.")
    now = timezone.now()
    proof = Update.objects.create(
        commission=commission,
        author=by,
        kind=Update.Kind.PROOF,
        body=body.strip()[:MAX_TEXT],
        version=(latest.version + 1) if latest else 1,
        decision=D.PENDING,
    )
    for position, image in enumerate(images):
        queue_renditions(UpdatePhoto.objects.create(update=proof, image=image, position=position))
    _touch(commission, now, news=True)
    _tell(commission, to=commission.buyer.email, template="proof_awaiting", proof=proof)
    return proof


def _touch(commission: Commission, now, *, news: bool = False) -> None:
    """The commission has a new timeline entry: the open page's poll sees it. A proof or
    the finished piece's photos are also news from the bench (no reminder is due)."""
    fields = {"updated_at": now, **({"last_update_at": now} if news else {})}
    Commission.objects.filter(pk=commission.pk).update(**fields)
    activity_touch(commission.pk)


def finished_photos_add(
    *, commission: Commission, by, photos: list[ContentFile], note: str = ""
) -> UpdatePhoto | None:
    """The photos of the finished piece, as an update on the timeline; the first goes with
    the request for the balance. Runs inside `commission_mark_finished`'s transaction."""
    photos = list(photos)[:MAX_PHOTOS]
    if not photos:
        return None
    update = Update.objects.create(
        commission=commission,
        author=by,
        body=note.strip()[:MAX_TEXT] or "The piece is finished.",
        finished=True,
    )
    made = [
        UpdatePhoto.objects.create(update=update, image=image, position=position)
        for position, image in enumerate(photos)
    ]
    for photo in made:
        queue_renditions(photo)
    _touch(commission, update.created_at, news=True)
    return made[0]


def finished_photo(commission: Commission) -> UpdatePhoto | None:
    """The photo of the finished piece the maker sent with the balance request."""
    update = commission.updates.filter(finished=True).order_by("-created_at", "-id").first()
    return _first_photo(update)


# --- The buyer answers --------------------------------------------------------------------------


def _answerable(commission: Commission, version: int, *, verb: str) -> Update:
    """The proof of that version, if it is the latest and not yet approved."""
    proof = (
        Update.objects.select_for_update()
        .filter(commission=commission, kind=Update.Kind.PROOF, version=version)
        .first()
    )
    if proof is None:
        raise NotAllowed("There is no such version of the design.")
    latest = latest_proof(commission)
    if latest.version != proof.version:
        raise NotAllowed(
            f"Version {proof.version} has been replaced by version {latest.version}: "
            f"look at the latest before you {verb}."
        )
    if proof.decision == D.APPROVED:
        when = timezone.localtime(proof.decided_at)
        raise NotAllowed(f"Version {proof.version} is already approved ({when:%-d %B, %H:%M}).")
    return proof


@transaction.atomic
def proof_approve(*, commission: Commission, by, version: int) -> Update:
    """The buyer approves a version: who, which and when are recorded, the maker is told.
    The latest version can be approved as it stands even after asking for a revision
    (the buyer declined the extra charge, or changed their mind)."""
    commission = commission_locked(commission, with_maker=True)
    _as(commission, by, BUYER, "approves the design")
    if commission.status not in workflow.ACCEPTED:
        raise NotAllowed("This commission is not being made now.")
    proof = _answerable(commission, version, verb="approve")
    proof.decision, proof.decided_at, proof.decided_by = D.APPROVED, timezone.now(), by
    proof.save(update_fields=["decision", "decided_at", "decided_by"])
    _touch(commission, proof.decided_at)
    _tell(commission, to=commission.maker.user.email, template="proof_approved", proof=proof)
    return proof


@transaction.atomic
def proof_request_revision(
    *, commission: Commission, by, version: int, comment: str, pins: list[PinInput] = ()
) -> Update:
    """The buyer asks for a revision, with a comment and pins on the photos; it counts
    against the quote's allowance (past it, the maker may propose a change order)."""
    commission = commission_locked(commission, with_maker=True)
    _as(commission, by, BUYER, "asks for revisions")
    if commission.status != Status.IN_PROGRESS:
        raise NotAllowed("Revisions are asked for while the piece is being made.")
    proof = _answerable(commission, version, verb="ask for a revision")
    if proof.decision == D.REVISION:
        raise NotAllowed(f"You asked for a revision of version {version} already.")
    comment, pins = comment.strip()[:MAX_TEXT], list(pins)
    if not comment and not pins:
        raise NotAllowed("Say what should change, or pin a comment to the photo.")
    if len(pins) > MAX_PINS:
        raise NotAllowed(f"At most {MAX_PINS} pins on one version.")
    photos = set(proof.photos.values_list("id", flat=True))
    first = min(photos) if photos else None
    made = []
    for number, pin in enumerate(pins, start=1):
        if pin.photo_id is not None and pin.photo_id not in photos:
            raise NotAllowed("A pin is on a photo that is not part of this version.")
        if not pin.comment.strip():
            raise NotAllowed(f"Pin {number} has no comment: say what should change there.")
        made.append(
            ProofPin(
                update=proof,
                photo_id=pin.photo_id or first,
                author=by,
                number=number,
                x_pct=_pct(pin.x_pct),
                y_pct=_pct(pin.y_pct),
                comment=pin.comment.strip()[:500],
            )
        )
    ProofPin.objects.bulk_create(made)
    proof.decision, proof.decided_at, proof.decided_by = D.REVISION, timezone.now(), by
    proof.decision_comment = comment
    proof.save(update_fields=["decision", "decided_at", "decided_by", "decision_comment"])
    _touch(commission, proof.decided_at)
    _tell(
        commission,
        to=commission.maker.user.email,
        template="proof_revision",
        proof=proof,
        pins=made,
        allowance=allowance(commission),
    )
    return proof


def _pct(value) -> Decimal:
    value = Decimal(str(value))
    if not value.is_finite() or not 0 <= value <= 100:
        raise NotAllowed("A pin must be on the photo.")
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- Change orders -------------------------------------------------------------------------------


@transaction.atomic
def change_order_propose(
    *, commission: Commission, by, amount_cents: int, reason: str
) -> ChangeOrder:
    """Past the revision allowance, the maker proposes an extra charge for the extra work
    instead of refusing it; the buyer accepts or declines."""
    commission = commission_locked(commission, with_maker=True)
    _as(commission, by, MAKER, "proposes an extra charge")
    if commission.status != Status.IN_PROGRESS:
        raise NotAllowed("An extra charge is proposed while the piece is being made.")
    used = allowance(commission)
    if not used.past:
        raise NotAllowed(
            f"The buyer is within the revisions the quote includes ({used}): "
            "an extra charge can be proposed once they ask for more."
        )
    if open_change_order(commission):
        raise NotAllowed("An extra charge is already waiting for the buyer's answer.")
    smallest = gateway.minimum_charge(commission.currency)
    if amount_cents < smallest:
        raise NotAllowed(f"Ask for at least {Money(smallest, commission.currency)}.")
    if amount_cents > MAX_PRICE_CENTS:
        raise NotAllowed("That is more than the shop can take online.")
    reason = reason.strip()[:MAX_TEXT]
    if not reason:
        raise NotAllowed("Say what the extra charge is for.")
    order = ChangeOrder.objects.create(
        commission=commission,
        proof=latest_proof(commission),
        amount_cents=amount_cents,
        currency=commission.currency,
        reason=reason,
    )
    _touch(commission, order.created_at)
    _tell(
        commission,
        to=commission.buyer.email,
        template="change_order_proposed",
        proof=order.proof,
        order=order,
    )
    return order


@transaction.atomic
def change_order_answer(*, commission: Commission, by, order_id: int, accept: bool) -> ChangeOrder:
    """The buyer accepts the extra charge (added to the balance) or declines it. Answered
    once: a second answer is refused."""
    commission = commission_locked(commission, with_maker=True)
    _as(commission, by, BUYER, "answers an extra charge")
    order = (
        ChangeOrder.objects.select_for_update().filter(pk=order_id, commission=commission).first()
    )
    if order is None:
        raise NotAllowed("There is no such extra charge.")
    if order.status != ChangeOrder.Status.PROPOSED:
        raise NotAllowed(f"You {order.get_status_display().lower()} this extra charge already.")
    if accept and commission.status != Status.IN_PROGRESS:
        raise NotAllowed("The piece is finished: the balance cannot change now.")
    order.status = ChangeOrder.Status.ACCEPTED if accept else ChangeOrder.Status.DECLINED
    order.answered_at, order.answered_by = timezone.now(), by
    order.save(update_fields=["status", "answered_at", "answered_by"])
    _touch(commission, order.answered_at)
    _tell(
        commission,
        to=commission.maker.user.email,
        template="change_order_answered",
        proof=order.proof,
        order=order,
    )
    return order
