"""One view for every move a person makes with a button on the commission page."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from commissions import selectors, services, workflow
from commissions.forms import MoveForm
from commissions.views._common import act
from commissions.views.commission import _page

# The service that makes each move by hand, with everything that comes with it (emails,
# the bench, refunds). A move with a page of its own (the quote; marking the piece finished,
# which takes a photo: commissions.views.proofs.finish; shipping, with the carrier and the
# tracking: commissions.views.shipping.ship) or made only by the shop from its office
# (cancel, complete) is not here.
PERFORM = {
    "convert": services.inquiry_convert,
    "close_question": services.inquiry_close,
    "decline_request": services.request_decline,
    "accept_quote": services.quote_accept,
    "decline_quote": services.quote_decline,
    "withdraw": services.commission_withdraw,
    "confirm_delivery": services.commission_confirm_delivery,
}


@require_POST
@login_required
def commission_move(request: HttpRequest, reference: str, name: str) -> HttpResponse:
    commission = selectors.commission_for_user(request.user, reference)
    if name not in PERFORM:
        raise Http404("No such move.")
    move = workflow.MOVES[name]
    extra = {}
    if move.reason:
        form = MoveForm(request.POST, move=move)
        if not form.is_valid():
            return _page(request, commission, move_forms={name: form})
        extra["reason"] = form.cleaned_data["reason"]
    act(request, PERFORM[name], move.done, commission=commission, by=request.user, **extra)
    return redirect(commission)
