"""The maker's inbox: requests and questions by status, and what is about to expire."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from commissions import messaging, selectors
from commissions.journal import services as journal
from shop.accounts.roles import maker_required


@maker_required
def inbox(request: HttpRequest) -> HttpResponse:
    maker = request.user.maker
    counts = selectors.inbox_counts(maker)
    tab = request.GET.get("tab") or next((t for t in ("new", "questions") if counts[t]), "new")
    commissions = list(selectors.inbox(maker, tab))
    unread = messaging.unread_by_commission(request.user, [c.id for c in commissions])
    for commission in commissions:
        commission.unread = unread.get(commission.id, 0)
    return render(
        request,
        "commissions/inbox.html",
        {
            "tabs": [(key, label, counts[key]) for key, (label, _) in selectors.INBOX_TABS.items()],
            "tab": tab,
            "commissions": commissions,
            "expiring": selectors.expiring_soon(maker),
            "buying": request.user.commissions.exists(),
            # At the bench: each card offers a progress update, straight from the phone.
            "postable": journal.POSTABLE,
        },
    )
