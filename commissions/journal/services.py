"""Everything that changes the build journal: milestones planned and ticked off, progress
updates posted from the bench, the promised date set, moved, passed and agreed again, and
the buyer's request to cancel once it has passed; the beat tasks that remind the maker and
tell the buyer and the owner.

Each function is one transaction that locks the commission's row first, writes what it
changes, moves the activity cursor on (commissions.activity) and writes its emails to the
outbox. (Proofs, their pins and change orders are in commissions.journal.proofs.)
"""

from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from commissions import workflow
from commissions.activity import activity_touch
from commissions.journal import emails
from commissions.journal.models import DateChange, Milestone, Update, UpdatePhoto
from commissions.locks import commission_locked
from commissions.models import Commission, Quote, Status
from commissions.workflow import BUYER, MAKER, NotAllowed
from shop.images.pipeline import queue_renditions

MAX_PHOTOS = 10
MAX_BODY = 5000
# The maker is reminded when an active commission has had no update this long, and then
# again only after as long again.
REMIND_AFTER = timedelta(days=14)
# A promised date is moved at most this far ahead (two years, like a quote's weeks).
LATEST_PROMISE = timedelta(days=730)

# Where a maker posts from the bench: paid and waiting, at work, finished, packed.
POSTABLE = frozenset(
    {Status.SCHEDULED, Status.IN_PROGRESS, Status.AWAITING_BALANCE, Status.READY_TO_SHIP}
)
# Not finished yet: the promised date still has to be kept.
UNFINISHED = frozenset({Status.AWAITING_DEPOSIT, Status.SCHEDULED, Status.IN_PROGRESS})


def _maker_only(commission: Commission, by, what: str) -> None:
    if workflow.role_of(by, commission) != MAKER:
        raise NotAllowed(f"Only the maker {what}.")


# --- Milestones ----------------------------------------------------------------------------------


def milestone_dates(start: date, weeks: int, count: int) -> list[date]:
    """Each of `count` steps due at an even share of the lead time after the start: the
    last on the day the work should be done."""
    days = max(weeks, 1) * 7
    return [start + timedelta(days=round(days * n / count)) for n in range(1, count + 1)]


def journal_start(*, commission: Commission, quote: Quote, start: date | None) -> None:
    """The buyer accepted the quote: its planned steps become the commission's milestones,
    due over its weeks from the expected start, and the promised date is set. Called from
    the acceptance's transaction, which holds the commission's row lock."""
    start = start or timezone.localdate()
    steps = [str(step)[:200] for step in quote.milestones if str(step).strip()]
    commission.milestones.all().delete()
    Milestone.objects.bulk_create(
        Milestone(commission=commission, position=n, title=title, due_on=due)
        for n, (title, due) in enumerate(
            zip(steps, milestone_dates(start, quote.estimated_weeks, len(steps)), strict=True), 1
        )
    )
    promised = start + timedelta(weeks=quote.estimated_weeks)
    DateChange.objects.create(
        commission=commission,
        old_date=commission.promised_by,
        new_date=promised,
        kind=DateChange.Kind.SET,
        reason="Set when the quote was accepted.",
    )
    Commission.objects.filter(pk=commission.pk).update(
        promised_by=promised, promised_passed_at=None
    )
    commission.promised_by, commission.promised_passed_at = promised, None
    activity_touch(commission.pk)


def milestones_respread(*, commission: Commission, start: date) -> None:
    """Work starts (from the deposit, or a slot freed): the milestones not done yet are due
    over the quote's weeks from today. The promised date stays what was promised."""
    quote = commission.quotes.filter(status=Quote.Status.ACCEPTED).first()
    milestones = list(commission.milestones.all())
    if quote is None or not milestones:
        return
    for milestone, due in zip(
        milestones,
        milestone_dates(start, quote.estimated_weeks, len(milestones)),
        strict=True,
    ):
        if milestone.done_at is None and milestone.due_on != due:
            milestone.due_on = due
            milestone.save(update_fields=["due_on"])


def _tick(milestone: Milestone, by, note: str) -> bool:
    if milestone.done_at is not None:
        return False
    milestone.done_at, milestone.done_by, milestone.note = timezone.now(), by, note[:MAX_BODY]
    milestone.save(update_fields=["done_at", "done_by", "note"])
    return True


@transaction.atomic
def milestone_tick(*, commission: Commission, milestone_id: int, by, note: str = "") -> Milestone:
    """The maker ticks a milestone off (a second tick changes nothing)."""
    commission = commission_locked(commission)
    _maker_only(commission, by, "ticks off milestones")
    if commission.status not in POSTABLE:
        raise NotAllowed("Milestones are ticked off while the piece is being made.")
    milestone = commission.milestones.filter(pk=milestone_id).first()
    if milestone is None:
        raise NotAllowed("That milestone is not part of this commission.")
    if _tick(milestone, by, note.strip()):
        activity_touch(commission.pk)
    return milestone


# --- Progress updates ---------------------------------------------------------------------------


@transaction.atomic
def update_post(
    *,
    commission: Commission,
    by,
    body: str = "",
    images: list[ContentFile] = (),
    milestone_id: int | None = None,
    milestone_done: bool = False,
    shareable: bool = False,
) -> Update:
    """The maker posts a progress update from the bench: a note and up to ten photos,
    perhaps about a milestone (and ticking it off); the buyer is emailed."""
    commission = commission_locked(commission)
    _maker_only(commission, by, "posts progress updates")
    if commission.status not in POSTABLE:
        raise NotAllowed("Progress updates are posted once the deposit is paid, until it ships.")
    images, body = list(images), body.strip()
    if not body and not images:
        raise NotAllowed("Write a few words or add a photo.")
    if len(images) > MAX_PHOTOS:
        raise NotAllowed(f"At most {MAX_PHOTOS} photos in one update.")
    milestone = None
    if milestone_id:
        milestone = commission.milestones.filter(pk=milestone_id).first()
        if milestone is None:
            raise NotAllowed("That milestone is not part of this commission.")
    update = Update.objects.create(
        commission=commission,
        author=by,
        body=body[:MAX_BODY],
        milestone=milestone,
        shareable=shareable,
    )
    for position, image in enumerate(images):
        queue_renditions(UpdatePhoto.objects.create(update=update, image=image, position=position))
    if milestone is not None and milestone_done:
        _tick(milestone, by, "")
    Commission.objects.filter(pk=commission.pk).update(
        last_update_at=update.created_at, updated_at=update.created_at
    )
    activity_touch(commission.pk)
    emails.update_posted(commission, update)
    return update


# --- The promised date ---------------------------------------------------------------------------


def _check_date(new_date: date, promised: date | None) -> None:
    today = timezone.localdate()
    if new_date < today:
        raise NotAllowed("The new date cannot be in the past.")
    if new_date > today + LATEST_PROMISE:
        raise NotAllowed("Choose a date within two years.")
    if new_date == promised:
        raise NotAllowed("That is already the promised date.")


def _date_change(commission: Commission, *, new_date: date, kind: str, by, reason: str):
    change = DateChange.objects.create(
        commission=commission,
        old_date=commission.promised_by,
        new_date=new_date,
        reason=reason[:MAX_BODY],
        by=by,
        kind=kind,
    )
    commission.promised_by, commission.promised_passed_at = new_date, None
    commission.cancel_requested_at, commission.cancel_request_reason = None, ""
    commission.save(
        update_fields=[
            "promised_by",
            "promised_passed_at",
            "cancel_requested_at",
            "cancel_request_reason",
            "updated_at",
        ]
    )
    activity_touch(commission.pk)
    return change


@transaction.atomic
def promised_date_move(*, commission: Commission, by, new_date: date, reason: str) -> DateChange:
    """The maker moves the promised date, and says why: the buyer reads it on the timeline
    and in an email."""
    commission = commission_locked(commission)
    _maker_only(commission, by, "moves the promised date")
    if commission.status not in UNFINISHED or commission.promised_by is None:
        raise NotAllowed("The promised date can be moved only while the piece is being made.")
    reason = reason.strip()
    if not reason:
        raise NotAllowed("Say why the date moves: the buyer will read it.")
    _check_date(new_date, commission.promised_by)
    change = _date_change(
        commission, new_date=new_date, kind=DateChange.Kind.MOVED, by=by, reason=reason
    )
    emails.promised_date_moved(commission, change)
    return change


def date_passed(commission: Commission, today: date | None = None) -> bool:
    """The promised date has gone by and the piece is not finished."""
    today = today or timezone.localdate()
    return (
        commission.status in UNFINISHED
        and commission.promised_by is not None
        and commission.promised_by < today
    )


@transaction.atomic
def promised_date_agree(*, commission: Commission, by, new_date: date) -> DateChange:
    """After the promised date passed, the buyer agrees a new one (the maker is told)."""
    commission = commission_locked(commission)
    if workflow.role_of(by, commission) != BUYER:
        raise NotAllowed("Only the buyer agrees a new date.")
    if not date_passed(commission):
        raise NotAllowed("A new date is agreed once the promised one has passed.")
    _check_date(new_date, commission.promised_by)
    change = _date_change(
        commission, new_date=new_date, kind=DateChange.Kind.AGREED, by=by, reason=""
    )
    emails.promised_date_agreed(commission, change)
    return change


@transaction.atomic
def cancel_request(*, commission: Commission, by, reason: str = "") -> Commission:
    """After the promised date passed, the buyer asks the shop owner to cancel: the owner
    decides the refund in the office (commission list, filter "Cancel requested")."""
    commission = commission_locked(commission)
    if workflow.role_of(by, commission) != BUYER:
        raise NotAllowed("Only the buyer asks for the commission to be cancelled.")
    if not date_passed(commission):
        raise NotAllowed("You can ask to cancel once the promised date has passed.")
    if commission.cancel_requested_at:
        raise NotAllowed("You have asked already: the shop will be in touch.")
    commission.cancel_requested_at = timezone.now()
    commission.cancel_request_reason = reason.strip()[:MAX_BODY]
    commission.save(update_fields=["cancel_requested_at", "cancel_request_reason", "updated_at"])
    activity_touch(commission.pk)
    emails.cancel_requested(commission)
    return commission


def promised_dates_check(*, today: date | None = None) -> int:
    """Beat task: a promised date gone by with the piece unfinished is told to the buyer
    and the owner, once (until the date moves again)."""
    today = today or timezone.localdate()
    due = Commission.objects.filter(
        status__in=UNFINISHED, promised_by__lt=today, promised_passed_at__isnull=True
    )
    told = 0
    for commission_id in due.values_list("id", flat=True):
        with transaction.atomic():
            commission = (
                Commission.objects.select_for_update(of=("self",))
                .select_related("maker", "maker__user", "buyer")
                .get(pk=commission_id)
            )
            if commission.promised_passed_at or not date_passed(commission, today):
                continue  # moved or told meanwhile
            commission.promised_passed_at = timezone.now()
            commission.save(update_fields=["promised_passed_at"])
            activity_touch(commission.pk)
            emails.promised_date_passed(commission)
            told += 1
    return told


def update_reminders(*, now=None) -> int:
    """Beat task: the maker of a commission at work with no update for 14 days is reminded,
    once per 14 days without one."""
    now = now or timezone.now()
    quiet_since = now - REMIND_AFTER
    due = Commission.objects.annotate(
        last_news=Coalesce("last_update_at", "status_changed_at")
    ).filter(
        Q(update_reminded_at__isnull=True) | Q(update_reminded_at__lt=quiet_since),
        status=Status.IN_PROGRESS,
        last_news__lt=quiet_since,
    )
    reminded = 0
    for commission_id in due.values_list("id", flat=True):
        with transaction.atomic():
            # The claim: of two beats at once, one reminds.
            claimed = (
                Commission.objects.filter(pk=commission_id)
                .filter(Q(update_reminded_at__isnull=True) | Q(update_reminded_at__lt=quiet_since))
                .update(update_reminded_at=now)
            )
            if not claimed:
                continue
            commission = Commission.objects.select_related("maker", "maker__user", "buyer").get(
                pk=commission_id
            )
            emails.update_reminder(commission, now=now)
            reminded += 1
    return reminded
