"""Paying: start a Checkout, come back to a page that turns to "paid" by itself, the
webhook, and the local test-payment page."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from commissions import selectors
from commissions.payments import local, services
from commissions.payments.events import webhook_receive
from commissions.payments.models import Payment, TestCheckoutSession
from commissions.shipping.forms import AddressForm
from commissions.workflow import NotAllowed
from shop import stripe_gateway as gateway

log = logging.getLogger(__name__)


def _payment_for_buyer(user, public_id) -> Payment:
    payment = (
        Payment.objects.select_related("commission", "commission__maker")
        .filter(public_id=public_id, commission__buyer=user)
        .first()
    )
    if payment is None:
        raise Http404("No payment here.")
    return payment


@require_POST
@login_required
def pay(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    commission = selectors.commission_for_user(request.user, reference)
    if kind not in (Payment.Kind.DEPOSIT, Payment.Kind.BALANCE):
        raise Http404("Nothing to pay here.")
    try:
        payment = services.payment_start(commission=commission, by=request.user, kind=kind)
    except NotAllowed as e:
        messages.error(request, str(e))
        return redirect(commission)
    except gateway.GatewayError:
        messages.error(
            request,
            "We could not reach the payment provider. Nothing was charged; "
            "please try again in a minute.",
        )
        return redirect(commission)
    except gateway.GatewayRefused as e:
        log.error("Stripe refused a checkout for %s: %s", commission.reference, e)
        messages.error(
            request,
            "The payment provider could not open a checkout for this payment. Nothing was "
            "charged; the shop has been told and will be in touch.",
        )
        return redirect(commission)
    return redirect(payment.checkout_url, permanent=False)


@require_GET
@login_required
def payment_return(request: HttpRequest, public_id) -> HttpResponse:
    payment = services.payment_sync(payment=_payment_for_buyer(request.user, public_id))
    return render(
        request, "payments/return.html", {"payment": payment, "commission": payment.commission}
    )


@require_GET
@login_required
def payment_status(request: HttpRequest, public_id) -> HttpResponse:
    """Polled by the return page until the payment is confirmed."""
    payment = services.payment_sync(payment=_payment_for_buyer(request.user, public_id))
    return render(
        request,
        "payments/return.html#status",
        {"payment": payment, "commission": payment.commission},
    )


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    """Verify, store, acknowledge; the work happens in a Celery task."""
    try:
        result = webhook_receive(request.body, request.headers.get("Stripe-Signature"))
    except gateway.BadEvent as e:
        # Stripe shows the answer in its dashboard and sends the event again later.
        log.warning("webhook refused: %s", e)
        return JsonResponse({"error": str(e)}, status=400)
    return JsonResponse(result)


@login_required
def test_checkout(request: HttpRequest, session_id: str) -> HttpResponse:
    """The local stand-in for Stripe's hosted page: "Test payment — no money moves".
    Only with PAYMENTS=test, and only for the buyer whose payment it is."""
    if not gateway.test_mode():
        raise Http404("Test payments are off.")
    session = get_object_or_404(
        TestCheckoutSession.objects.select_related(
            "payment", "payment__commission", "payment__commission__maker"
        ),
        pk=session_id,
        payment__commission__buyer=request.user,
    )
    # Like Stripe's page, it asks for the delivery address when the session collects one.
    collects = local.collects_address(session.payment)
    form = AddressForm(request.POST or None, prefix="ship") if collects else None
    if request.method == "POST":
        if request.POST.get("action") != "pay":
            return redirect(session.cancel_url)
        if form is None or form.is_valid():
            local.test_checkout_pay(session, shipping=form.cleaned_data if form else None)
            return redirect(session.success_url)
    return render(
        request,
        "payments/test_checkout.html",
        {"session": session, "payment": session.payment, "form": form},
    )


test_checkout.__test__ = False  # not a pytest test
