"""Reviews: only the buyer of a delivered commission writes one, once, and may edit it
for 30 days; the maker replies once; the buyer is told of the reply."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Avg, Count, Window
from django.utils import timezone

from commissions import workflow
from commissions.emails import notify
from commissions.locks import commission_locked
from commissions.models import Commission, Status
from commissions.reviews.models import Review, ReviewPhoto
from commissions.workflow import NotAllowed
from shop.images.pipeline import queue_renditions

EDITABLE_FOR = timedelta(days=30)
MAX_BODY = 3000
REVIEWABLE = frozenset({Status.DELIVERED, Status.COMPLETED})


def review_of(commission: Commission) -> Review | None:
    try:
        return commission.review
    except Review.DoesNotExist:
        return None


def editable(review: Review, *, now=None) -> bool:
    return (now or timezone.now()) < review.created_at + EDITABLE_FOR


def can_review(commission: Commission, user) -> bool:
    return (
        workflow.role_of(user, commission) == workflow.BUYER
        and commission.status in REVIEWABLE
        and (review_of(commission) is None or editable(review_of(commission)))
    )


def panel(commission: Commission, role: str) -> dict:
    """What the commission page's review panel shows: nothing before it arrived."""
    if commission.status not in REVIEWABLE:
        return {}
    review = review_of(commission)
    return {
        "review": review,
        "can_write": role == workflow.BUYER and (review is None or editable(review)),
        "can_reply": role == workflow.MAKER and review is not None and not review.reply,
        "editable_until": review.created_at + EDITABLE_FOR if review else None,
    }


@transaction.atomic
def review_write(
    *, commission: Commission, by, rating: int, body: str, photo=None, now=None
) -> Review:
    """The buyer's review, new or edited within 30 days (a new photo replaces the old)."""
    commission = commission_locked(commission)
    if workflow.role_of(by, commission) != workflow.BUYER:
        raise NotAllowed("Only the buyer of this commission can review it.")
    if commission.status not in REVIEWABLE:
        raise NotAllowed("You can review it once it has arrived.")
    if not 1 <= int(rating) <= 5:
        raise NotAllowed("Give it one to five stars.")
    body = body.replace("\x00", "").strip()[:MAX_BODY]
    if not body:
        raise NotAllowed("Say a few words about it.")
    now = now or timezone.now()
    review = Review.objects.select_for_update().filter(commission=commission).first()
    if review is None:
        review = Review.objects.create(
            commission=commission,
            maker=commission.maker,
            piece=commission.piece,
            author=by,
            rating=rating,
            body=body,
        )
    else:
        if not editable(review, now=now):
            raise NotAllowed("A review can be changed for 30 days; this one is settled.")
        review.rating, review.body, review.edited_at = rating, body, now
        review.save(update_fields=["rating", "body", "edited_at"])
    if photo is not None:
        ReviewPhoto.objects.filter(review=review).delete()
        queue_renditions(ReviewPhoto.objects.create(review=review, image=photo))
    return review


@transaction.atomic
def review_reply(*, commission: Commission, by, body: str) -> Review:
    """The maker's one answer to the review; the buyer is told."""
    commission = commission_locked(commission)
    if workflow.role_of(by, commission) != workflow.MAKER:
        raise NotAllowed("Only the maker answers a review.")
    review = Review.objects.select_for_update().filter(commission=commission).first()
    if review is None:
        raise NotAllowed("There is no review to answer yet.")
    if review.reply:
        raise NotAllowed("You have answered this review already.")
    body = body.replace("\x00", "").strip()[:MAX_BODY]
    if not body:
        raise NotAllowed("Write your answer.")
    review.reply, review.replied_at = body, timezone.now()
    review.save(update_fields=["reply", "replied_at"])
    notify(commission, to=commission.buyer.email, template="review_reply", review=review)
    return review


def shown(reviews):
    return reviews.filter(hidden=False)


def summary(reviews) -> dict:
    """The average and the count of the reviews shown."""
    found = shown(reviews).aggregate(average=Avg("rating"), count=Count("id"))
    return {"average": round(found["average"] or 0, 1), "count": found["count"]}


def listing(reviews, limit: int = 10) -> list[Review]:
    return list(
        shown(reviews)
        .select_related("author", "commission", "photo", "piece")
        .order_by("-created_at")[:limit]
    )


def summary_and_listing(reviews, limit: int = 10) -> tuple[dict, list[Review]]:
    """The newest reviews shown, with the average and the count of all of them, in one
    query (window functions run over every match before the limit)."""
    everything = Window(Count("id")), Window(Avg("rating"))
    found = list(
        shown(reviews)
        .select_related("author", "commission", "photo", "piece")
        .annotate(total=everything[0], mean=everything[1])
        .order_by("-created_at")[:limit]
    )
    if not found:
        return {"average": 0, "count": 0}, []
    return {"average": round(found[0].mean or 0, 1), "count": found[0].total}, found
