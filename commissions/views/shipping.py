"""The buyer says where the piece goes; the maker ships it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from commissions import selectors, workflow
from commissions.models import Status
from commissions.shipping import services as shipping
from commissions.shipping.forms import DeliveryForm, ShipForm
from commissions.shipping.models import Delivery
from commissions.workflow import NotAllowed


@login_required
def delivery(request: HttpRequest, reference: str) -> HttpResponse:
    commission = selectors.commission_for_user(request.user, reference)
    if workflow.role_of(request.user, commission) != workflow.BUYER:
        return redirect(commission)
    current = shipping.delivery_of(commission)
    if commission.status not in shipping.CHOOSABLE:
        messages.info(request, "The piece is on its way: where it goes can no longer change.")
        return redirect(commission)
    initial = {"method": Delivery.Method.POST}
    if current:
        initial = {
            "method": current.method,
            "gift": current.gift,
            **{name: getattr(current, name) for name in shipping.ADDRESS_FIELDS},
        }
    offers_pickup = commission.maker.offers_pickup
    form = DeliveryForm(request.POST or None, initial=initial, offers_pickup=offers_pickup)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            shipping.delivery_choose(
                commission=commission,
                by=request.user,
                method=data["method"],
                gift=data["gift"],
                address={name: data.get(name) for name in shipping.ADDRESS_FIELDS},
            )
        except NotAllowed as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, "Saved: we know where it goes.")
            return redirect(commission.get_absolute_url() + "#delivery")
    return render(
        request,
        "commissions/delivery_form.html",
        {"commission": commission, "form": form, "delivery": current},
    )


@login_required
def ship(request: HttpRequest, reference: str) -> HttpResponse:
    commission = selectors.commission_for_user(request.user, reference)
    if workflow.role_of(request.user, commission) != workflow.MAKER:
        return redirect(commission)
    if commission.status != Status.READY_TO_SHIP:
        messages.info(request, "It can be shipped once it is paid in full.")
        return redirect(commission)
    current = shipping.delivery_of(commission)
    pickup = bool(current and current.method == Delivery.Method.PICKUP)
    form = ShipForm(request.POST or None, pickup=pickup, heirloom=commission.heirloom)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            shipping.commission_ship(
                commission=commission,
                by=request.user,
                carrier=data.get("carrier", ""),
                tracking_number=data.get("tracking_number", ""),
                note=data["note"],
                heirloom_reused=data.get("heirloom_reused", ""),
                heirloom_returned=data.get("heirloom_returned", ""),
            )
        except NotAllowed as e:
            form.add_error(None, str(e))
        else:
            messages.success(
                request,
                "Marked ready to collect: the buyer is told."
                if pickup
                else "Marked shipped: the buyer has the tracking.",
            )
            return redirect(commission)
    return render(
        request,
        "commissions/ship_form.html",
        {
            "commission": commission,
            "form": form,
            "delivery": current,
            "pickup": pickup,
            "is_maker": True,
        },
    )
