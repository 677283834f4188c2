"""Design proofs for the demo (seed_demo): drawings of the design by Pillow, versions the
buyer marked up with pins or approved, change orders, and finished pieces with their photo.
Made through the real services (commissions.journal.proofs), inside seed_demo's
transaction; the photos' sizes are made by `render_photos` afterwards."""

import io
from decimal import Decimal

from django.core.files.base import ContentFile

from commissions.journal import proofs
from commissions.journal.models import UpdatePhoto
from commissions.models import Commission
from commissions.payments import services as payments
from makers.demo import drawings
from shop.images.pipeline import render_renditions

# Where Bea pinned her comments on each version she sent back (percent of the photo).
PINS = [
    [
        ("32", "64", "A touch thinner here — it should feel light."),
        ("58", "40", "Could the stone sit a little higher, clear of the band?"),
    ],
    [("50", "38", "Nearly: a little more polish on the shoulder.")],
]


def _drawing(seed: str, version: int) -> ContentFile:
    stones = ["garnet", "sapphire", "emerald", "amethyst"]
    image = drawings.ring(f"{seed}-v{version}", metal="gold", stone=stones[version % len(stones)])
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=86)
    return ContentFile(buffer.getvalue(), name="design.jpg")


def _revise(commission: Commission, proof, pins) -> None:
    photo = proof.photos.first()
    proofs.proof_request_revision(
        commission=commission,
        by=commission.buyer,
        version=proof.version,
        comment="Nearly there — a few small changes, pinned on the drawing.",
        pins=[proofs.PinInput(photo.pk, Decimal(x), Decimal(y), text) for x, y, text in pins],
    )


def design(commission: Commission, *, revisions: int = 0, approve: bool = True):
    """Versions 1 … revisions+1: each but the last sent back with pins; the last approved
    (or left waiting for the buyer)."""
    maker = commission.maker.user
    proof = None
    for n in range(revisions + 1):
        latest = proofs.latest_proof(commission)
        version = latest.version + 1 if latest else 1
        proof = proofs.proof_post(
            commission=commission,
            by=maker,
            body="The first drawing of the design."
            if version == 1
            else f"Version {version}: changed as you asked.",
            images=[_drawing(commission.reference, version)],
        )
        if n < revisions:
            _revise(commission, proof, PINS[n % len(PINS)])
    if approve:
        proofs.proof_approve(commission=commission, by=commission.buyer, version=proof.version)
    return proof


def extra_charge(commission: Commission, *, answer: bool | None) -> None:
    """Past the two included revisions (a third asked for), an extra charge proposed; and
    accepted, declined or left for the buyer (answer None)."""
    latest = design(commission, revisions=2, approve=False)
    _revise(commission, latest, PINS[0])
    order = proofs.change_order_propose(
        commission=commission,
        by=commission.maker.user,
        amount_cents=4500,
        reason="A third round of drawings and a new wax model.",
    )
    if answer is not None:
        proofs.change_order_answer(
            commission=commission, by=commission.buyer, order_id=order.pk, accept=answer
        )


def finish(commission: Commission) -> None:
    """The design approved (if the quote has revisions and none is yet), then finished with
    a photo of the piece."""
    if proofs.finish_problem(commission):
        design(commission, revisions=0)
    payments.commission_mark_finished(
        commission=commission,
        by=commission.maker.user,
        photos=[_drawing(f"{commission.reference}-done", 0)],
        note="Finished and polished — here it is.",
    )


def render_photos() -> None:
    for photo in UpdatePhoto.objects.filter(renditions_ready_at__isnull=True):
        render_renditions(photo)
