"""What a personalised piece costs and when it could arrive: the numbers the piece page
shows live, and that a commission request later snapshots."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from makers.models import OptionChoice, Piece
from shop.money import Money


@dataclass(frozen=True)
class PriceLine:
    label: str
    amount: Money


@dataclass(frozen=True)
class Estimate:
    base: Money
    lines: tuple[PriceLine, ...]
    total: Money
    start: date
    delivery_from: date
    delivery_to: date
    waitlist: bool
    accepting: bool


def piece_estimate(
    piece: Piece, choices: list[OptionChoice], *, today: date | None = None
) -> Estimate:
    """The total for the chosen options and the delivery window from the maker's real
    availability: work starts when a slot is free, then takes the piece's lead time."""
    base = piece.base_price
    lines = tuple(
        PriceLine(
            f"{choice.option.label}: {choice.label}",
            Money(choice.price_delta_cents, piece.currency),
        )
        for choice in choices
        if choice.price_delta_cents
    )
    total = base
    for line in lines:
        total += line.amount
    today = today or timezone.localdate()
    availability = piece.maker.availability(today)
    # A ready-made piece is already on the shelf: it needs no slot at the bench.
    start = availability.earliest_start if piece.made_to_order else today
    return Estimate(
        base=base,
        lines=lines,
        total=Money(max(total.cents, 0), piece.currency),
        start=start,
        delivery_from=start + timedelta(weeks=piece.lead_time_min_weeks),
        delivery_to=start + timedelta(weeks=piece.lead_time_max_weeks),
        waitlist=availability.waitlist,
        accepting=availability.accepting,
    )
