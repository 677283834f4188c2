"""A commission's story, told twice: the journey link the buyer shares (public, and so
showing only what the maker chose to share) and the provenance record (the printable
story of the finished piece: maker, materials and their origin, personalisation, the
dates of its milestones, photos, the maker's note, what of an heirloom was reused)."""

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from commissions import page_store, workflow
from commissions.journal.models import Milestone, Update, UpdatePhoto
from commissions.locks import commission_locked
from commissions.models import Commission, Status
from commissions.shipping import services as shipping
from commissions.story.models import Journey
from commissions.workflow import NotAllowed

MAX_NOTE = 2000
# The provenance record is the story of a piece that has arrived.
HOME = frozenset({Status.DELIVERED, Status.COMPLETED})


def live_journey(commission: Commission) -> Journey | None:
    return commission.journeys.filter(revoked_at__isnull=True).first()


def _as_buyer(commission: Commission, by) -> None:
    if workflow.role_of(by, commission) != workflow.BUYER:
        raise NotAllowed("Only the buyer shares the journey.")


@transaction.atomic
def journey_share(*, commission: Commission, by, gift_note: str | None = None) -> Journey:
    """The buyer's link (made once; pressing again keeps the same link), with an
    optional note for whoever opens it."""
    commission = commission_locked(commission)
    _as_buyer(commission, by)
    journey = live_journey(commission)
    if journey is None:
        try:
            with transaction.atomic():
                journey = Journey.objects.create(commission=commission)
        except IntegrityError:
            journey = live_journey(commission)
    if gift_note is not None:
        journey.gift_note = gift_note.replace("\x00", "").strip()[:MAX_NOTE]
        journey.save(update_fields=["gift_note"])
    return journey


@transaction.atomic
def journey_revoke(*, commission: Commission, by) -> int:
    """The link stops working at once, for good."""
    commission = commission_locked(commission)
    _as_buyer(commission, by)
    revoked = commission.journeys.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    page_store.changed(commission.pk)  # the commission page's sharing panel
    return revoked


def journey_for_token(token: str) -> Journey:
    """The live journey this token opens; 404 for a revoked or unknown one (the same
    answer, so a revoked link says nothing)."""
    if not token or len(token) > 64:
        raise Http404("No such journey.")
    # The commission and its maker only: what a stored page is checked against (every
    # further join costs about a millisecond of the ORM's time on each visit).
    journey = next(
        iter(
            Journey.objects.select_related("commission__maker")
            .filter(token=token, revoked_at__isnull=True)
            .order_by()[:1]
        ),
        None,
    )
    if journey is None:
        raise Http404("No such journey.")
    return journey


def shared_updates(commission: Commission) -> list[Update]:
    """The progress notes the maker marked shareable, oldest first, with their photos."""
    return list(
        commission.updates.filter(shareable=True, kind=Update.Kind.NOTE)
        .select_related("milestone")
        .prefetch_related("photos")
        .order_by("created_at", "id")
    )


def shared_photo(commission: Commission, pk: int) -> UpdatePhoto:
    photo = (
        UpdatePhoto.objects.filter(
            pk=pk,
            update__commission=commission,
            update__shareable=True,
            update__kind=Update.Kind.NOTE,
        )
        .select_related("update")
        .first()
    )
    if photo is None or not photo.has_renditions:
        raise Http404("No photo here.")
    return photo


def _materials(commission: Commission) -> tuple[list, bool]:
    """The piece's materials; for a piece made to a brief, those the maker works with."""
    if commission.piece_id:
        found = list(commission.piece.materials.all())
        if found:
            return found, True
    return list(commission.maker.materials.all()), False


def story(commission: Commission, *, public: bool) -> dict:
    """What the journey page (public=True) or the provenance record shows. A public story
    holds only what may be shown to anyone holding the link."""
    milestones = list(Milestone.objects.filter(commission=commission).order_by("position", "id"))
    materials, of_the_piece = _materials(commission)
    delivery = shipping.delivery_of(commission)
    told = {
        "commission": commission,
        "maker": commission.maker,
        "title": commission.title,
        "milestones": milestones,
        "updates": shared_updates(commission),
        "materials": materials,
        "materials_of_the_piece": of_the_piece,
        "personalisation": [
            {"option": row.get("option", ""), "value": row.get("value", "")}
            for row in commission.personalisation or []
            if isinstance(row, dict)
        ],
        "heirloom": commission.heirloom,
        "heirloom_reused": delivery.heirloom_reused if delivery else "",
        "heirloom_returned": delivery.heirloom_returned if delivery else "",
        "finished_on": delivery.shipped_at if delivery else None,
        "arrived_on": delivery.delivered_at if delivery else None,
        "public": public,
    }
    if not public:
        # The buyer's own words and the card in the parcel, which may name them: on the
        # buyer's record, never behind the public link.
        told["maker_note"] = delivery.maker_note if delivery else ""
        told["heirloom_description"] = commission.heirloom_description
        told["reference"] = commission.reference
    return told
