"""Reads for commission pages, always scoped to the person asking."""

import hashlib
from datetime import datetime, time, timedelta

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from commissions.models import Commission, ReferenceImage, Status
from makers.models import PiecePhoto

# The maker's inbox warns about requests this close to expiring.
EXPIRY_WARNING = timedelta(days=3)


FULL = ("maker", "maker__user", "buyer", "piece")


def commission_for_user(user, reference: str, *, related=FULL) -> Commission:
    """The commission if this person is its buyer or its maker; otherwise a 404, so a
    reference that is not yours looks exactly like one that does not exist."""
    if not user.is_authenticated:
        raise Http404("No commission here.")
    # By its unique reference, then who may look: an OR across the join to the maker
    # planned slower than the lookup itself.
    commission = next(
        iter(
            Commission.objects.select_related(*related).filter(reference=reference).order_by()[:1]
        ),
        None,
    )
    if commission is None or not _may_look(user, commission):
        raise Http404("No commission here.")
    return commission


def _may_look(user, commission: Commission) -> bool:
    if user.pk == commission.buyer_id:
        return True
    maker = getattr(user, "maker", None)  # loaded with the logged-in person
    return maker is not None and maker.pk == commission.maker_id


def commission_state(commission: Commission) -> str:
    """A short fingerprint of what the next-step panel shows (status, quotes, payments):
    the open page's poll compares it and redraws the panel only when it changed."""
    quotes = list(commission.quotes.order_by("id").values_list("id", "status"))
    payments = list(commission.payments.order_by("id").values_list("id", "status"))
    stamp = commission.status_changed_at.timestamp() if commission.status_changed_at else 0
    text = f"{commission.status}|{stamp}|{quotes}|{payments}"
    return hashlib.blake2s(text.encode(), digest_size=8).hexdigest()


def with_photos(commissions: QuerySet) -> QuerySet:
    """Each commission with a photo for its card: the piece's cover (in the same query), and
    the buyer's own photos for a brief (one more query for the whole list)."""
    cover = PiecePhoto.objects.filter(piece=OuterRef("piece")).order_by("position", "id")
    return commissions.annotate(
        cover_renditions=Subquery(cover.values("renditions")[:1])
    ).prefetch_related(
        Prefetch(
            "images",
            queryset=ReferenceImage.objects.order_by("created_at", "id"),
            to_attr="photo_list",
        )
    )


def buyer_commissions(user) -> QuerySet:
    return with_photos(
        Commission.objects.filter(buyer=user).select_related("maker").order_by("-updated_at")
    )


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
    return with_photos(
        maker.commissions.filter(status__in=statuses)
        .select_related("buyer", "piece")
        .order_by("answer_by", "-updated_at")
    )


def work_waiting(maker) -> dict[str, int]:
    """What waits for the maker, in one query: requests and questions to answer, requests
    expiring by the end of tomorrow, pieces at the bench, paid ones queued, ones to ship."""
    tomorrow_night = timezone.make_aware(
        datetime.combine(timezone.localdate() + timedelta(days=2), time.min)
    )
    return maker.commissions.aggregate(
        to_answer=Count("id", filter=Q(status=Status.REQUESTED)),
        questions=Count("id", filter=Q(status=Status.INQUIRY)),
        expiring=Count("id", filter=Q(status=Status.REQUESTED, answer_by__lt=tomorrow_night)),
        at_the_bench=Count("id", filter=Q(status=Status.IN_PROGRESS)),
        waiting_for_a_slot=Count("id", filter=Q(status=Status.SCHEDULED)),
        to_ship=Count("id", filter=Q(status=Status.READY_TO_SHIP)),
    )


def expiring_soon(maker) -> QuerySet:
    return (
        maker.commissions.filter(
            status=Status.REQUESTED, answer_by__lt=timezone.now() + EXPIRY_WARNING
        )
        .select_related("buyer")
        .order_by("answer_by")
    )
