"""Reads for commission pages, always scoped to the person asking."""

from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from commissions.models import Commission, Status

# The maker's inbox warns about requests this close to expiring.
EXPIRY_WARNING = timedelta(days=3)


def commission_for_user(user, reference: str) -> Commission:
    """The commission if this person is its buyer or its maker; otherwise a 404, so a
    reference that is not yours looks exactly like one that does not exist."""
    if not user.is_authenticated:
        raise Http404("No commission here.")
    try:
        return Commission.objects.select_related("maker", "maker__user", "buyer", "piece").get(
            Q(buyer=user) | Q(maker__user=user), reference=reference
        )
    except Commission.DoesNotExist:
        raise Http404("No commission here.") from None


def buyer_commissions(user) -> QuerySet:
    return Commission.objects.filter(buyer=user).select_related("maker").order_by("-updated_at")


INBOX_TABS = {
    "questions": ("Questions", [Status.INQUIRY]),
    "new": ("New requests", [Status.REQUESTED]),
    "quoted": ("Quoted", [Status.QUOTED]),
    "accepted": ("Accepted", [Status.AWAITING_DEPOSIT, Status.SCHEDULED]),
    "bench": ("On the bench", [Status.IN_PROGRESS, Status.AWAITING_BALANCE, Status.READY_TO_SHIP]),
    "done": ("Sent and done", [Status.SHIPPED, Status.DELIVERED, Status.COMPLETED]),
    "closed": (
        "Closed",
        [Status.DECLINED, Status.EXPIRED, Status.CLOSED, Status.WITHDRAWN, Status.CANCELLED],
    ),
}


def inbox_counts(maker) -> dict[str, int]:
    by_status = dict(maker.commissions.values_list("status").annotate(n=Count("id")))
    return {
        tab: sum(by_status.get(s, 0) for s in statuses) for tab, (_, statuses) in INBOX_TABS.items()
    }


def inbox(maker, tab: str) -> QuerySet:
    statuses = INBOX_TABS.get(tab, INBOX_TABS["new"])[1]
    return (
        maker.commissions.filter(status__in=statuses)
        .select_related("buyer", "piece")
        .order_by("answer_by", "-updated_at")
    )


def expiring_soon(maker) -> QuerySet:
    return (
        maker.commissions.filter(
            status=Status.REQUESTED, answer_by__lt=timezone.now() + EXPIRY_WARNING
        )
        .select_related("buyer")
        .order_by("answer_by")
    )
