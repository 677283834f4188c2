"""From the bench to the buyer's hands: where the piece goes, shipping it with its
tracking, and its arrival (the buyer says so, or the shop takes it as arrived 14 days
after it was shipped).

The address is the buyer's to give: with the balance at Stripe Checkout (its shipping
address collection), or on the commission's delivery page (a gift to someone else, or a
pick-up at the workshop when the maker offers it). The maker sees it only once the piece
is paid for and needs to go out.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from commissions import workflow
from commissions.emails import notify
from commissions.locks import commission_locked
from commissions.models import Commission, Status
from commissions.shipping import carriers
from commissions.shipping.models import Delivery
from commissions.workflow import NotAllowed

ADDRESS_FIELDS = ("name", "line1", "line2", "city", "postal_code", "region", "country")
AUTO_ARRIVAL_AFTER = timedelta(days=14)
# The buyer can say where it goes until it is shipped.
CHOOSABLE = frozenset(
    {
        Status.AWAITING_DEPOSIT,
        Status.SCHEDULED,
        Status.IN_PROGRESS,
        Status.AWAITING_BALANCE,
        Status.READY_TO_SHIP,
    }
)
# The maker needs the address once the piece is paid for and goes out.
MAKER_SEES_ADDRESS = frozenset(
    {Status.READY_TO_SHIP, Status.SHIPPED, Status.DELIVERED, Status.COMPLETED}
)


def delivery_of(commission: Commission) -> Delivery | None:
    try:
        return commission.delivery
    except Delivery.DoesNotExist:
        return None


def address_shown_to(commission: Commission, role: str) -> bool:
    """The buyer and the office always see it; the maker once it is needed."""
    if role == workflow.MAKER:
        return commission.status in MAKER_SEES_ADDRESS
    return role in (workflow.BUYER, workflow.OWNER)


def panel(commission: Commission, role: str) -> dict:
    """What the commission page's delivery panel shows this person."""
    if commission.status not in CHOOSABLE | MAKER_SEES_ADDRESS:
        return {}
    delivery = delivery_of(commission)
    pickup = bool(delivery and delivery.method == Delivery.Method.PICKUP)
    paid = commission.status in MAKER_SEES_ADDRESS
    return {
        "delivery": delivery,
        "pickup": pickup,
        "show_address": address_shown_to(commission, role),
        "can_change": role == workflow.BUYER and commission.status in CHOOSABLE,
        # The workshop's address, for a buyer collecting a piece that is paid for.
        "workshop": commission.maker.workshop_address if pickup and paid else "",
        "offers_pickup": commission.maker.offers_pickup,
        "shipped": commission.status not in CHOOSABLE,
    }


def _clean(address: dict) -> dict:
    limits = {f.name: f.max_length for f in Delivery._meta.fields if f.name in ADDRESS_FIELDS}
    cleaned = {}
    for name in ADDRESS_FIELDS:
        value = str(address.get(name) or "").replace("\x00", "").strip()
        cleaned[name] = value[: limits[name]]
    cleaned["country"] = cleaned["country"].upper()
    return cleaned


@transaction.atomic
def delivery_choose(
    *, commission: Commission, by, method: str, gift: bool = False, address: dict | None = None
) -> Delivery:
    """The buyer says where the piece goes: posted (to the address given here, or, if
    none, the one given with the balance at Checkout), or picked up at the workshop."""
    commission = commission_locked(commission)
    if workflow.role_of(by, commission) != workflow.BUYER:
        raise NotAllowed("Only the buyer says where the piece goes.")
    if commission.status not in CHOOSABLE:
        raise NotAllowed("It can no longer be changed: the piece is on its way.")
    if method == Delivery.Method.PICKUP and not commission.maker.offers_pickup:
        raise NotAllowed(f"{commission.maker.display_name} does not offer a pick-up.")
    delivery = delivery_of(commission) or Delivery(commission=commission)
    delivery.method = method
    delivery.gift = bool(gift) and method == Delivery.Method.POST
    fields = _clean(address or {}) if method == Delivery.Method.POST else _clean({})
    for name, value in fields.items():
        setattr(delivery, name, value)
    delivery.source = Delivery.Source.BUYER if delivery.has_address else ""
    delivery.save()
    if commission.status == Status.READY_TO_SHIP:
        notify(
            commission,
            to=commission.maker.user.email,
            template="delivery_changed",
            delivery=delivery,
        )
    return delivery


def checkout_shipping(commission: Commission, kind: str) -> dict:
    """What the balance's Checkout Session asks for besides the money: the shipping
    address, unless the buyer already gave one (or picks it up)."""
    if kind != "balance":
        return {}
    delivery = delivery_of(commission)
    if delivery and (delivery.method == Delivery.Method.PICKUP or delivery.has_address):
        return {}
    return {"shipping_address_collection": {"allowed_countries": settings.SHIPPING_COUNTRIES}}


def delivery_from_checkout(*, commission: Commission, shipping: dict) -> Delivery | None:
    """The address the buyer typed at Checkout, kept unless they had already given one
    on the delivery page. The caller holds the commission's lock."""
    fields = _clean(shipping)
    if not (fields["line1"] and fields["city"] and fields["country"]):
        return None
    delivery = delivery_of(commission) or Delivery(commission=commission)
    if delivery.method == Delivery.Method.PICKUP or delivery.source == Delivery.Source.BUYER:
        return delivery if delivery.pk else None
    for name, value in fields.items():
        setattr(delivery, name, value)
    delivery.method, delivery.source = Delivery.Method.POST, Delivery.Source.CHECKOUT
    delivery.save()
    return delivery


@transaction.atomic
def commission_ship(
    *,
    commission: Commission,
    by,
    carrier: str = "",
    tracking_number: str = "",
    note: str = "",
    heirloom_reused: str = "",
    heirloom_returned: str = "",
) -> Commission:
    """The piece has left the workshop (or waits there to be collected): the maker says
    so with the carrier, the tracking number and a note to the buyer (and, for an
    heirloom rework, what of the heirloom was reused and what goes back); the buyer is
    told."""
    commission = commission_locked(commission)
    delivery = delivery_of(commission) or Delivery(commission=commission)
    pickup = delivery.method == Delivery.Method.PICKUP
    tracking_number = tracking_number.strip()
    if carrier and carrier not in carriers.CARRIERS:
        raise NotAllowed("Choose a carrier from the list, or “Another carrier”.")
    if tracking_number and not carriers.TRACKING_NUMBER.match(tracking_number):
        raise NotAllowed("A tracking number has 4 to 40 letters, digits, spaces or dashes.")
    said = "Ready to collect." if pickup else "Shipped."
    if not pickup and carrier:
        said = f"Shipped with {carriers.carrier_name(carrier)}."
    workflow.advance(commission, "ship", by=by, note=said)
    delivery.carrier = "" if pickup else carrier
    delivery.tracking_number = "" if pickup else tracking_number
    delivery.maker_note = note.strip()[:5000]
    if commission.heirloom:
        delivery.heirloom_reused = heirloom_reused.strip()[:2000]
        delivery.heirloom_returned = heirloom_returned.strip()[:2000]
    delivery.shipped_at = timezone.now()
    delivery.save()
    notify(commission, to=commission.buyer.email, template="shipped", delivery=delivery)
    return commission


@transaction.atomic
def commission_confirm_delivery(*, commission: Commission, by, note: str = "") -> Commission:
    """It arrived: the buyer says so (or the office for them, or the shop itself 14 days
    after shipping). The buyer is invited to review; the maker is told."""
    commission = commission_locked(commission)
    role = workflow.role_of(by, commission) if by is not None else workflow.SYSTEM
    workflow.advance(commission, "confirm_delivery", by=by, note=note or "Arrived.")
    delivery = delivery_of(commission) or Delivery(commission=commission)
    delivery.delivered_at = timezone.now()
    delivery.arrival = {
        workflow.BUYER: Delivery.Arrival.BUYER,
        workflow.SYSTEM: Delivery.Arrival.AUTO,
    }.get(role, Delivery.Arrival.OFFICE)
    delivery.save()
    notify(commission, to=commission.buyer.email, template="delivered", delivery=delivery)
    notify(
        commission, to=commission.maker.user.email, template="delivered_maker", delivery=delivery
    )
    return commission


def deliveries_confirm_overdue(*, now=None) -> int:
    """Beat: a piece shipped 14 days ago and not yet confirmed is taken as arrived, once
    (the status moves under a lock, so a second run or the buyer's own click finds it
    delivered and leaves it)."""
    now = now or timezone.now()
    due = Commission.objects.filter(
        status=Status.SHIPPED, delivery__shipped_at__lte=now - AUTO_ARRIVAL_AFTER
    ).values_list("pk", flat=True)
    done = 0
    for pk in list(due[:500]):
        commission = Commission.objects.get(pk=pk)
        try:
            commission_confirm_delivery(
                commission=commission,
                by=None,
                note="Taken as arrived: shipped 14 days ago and nobody said otherwise.",
            )
        except NotAllowed:
            continue  # it moved on meanwhile (the buyer confirmed)
        done += 1
    return done
