"""One timeline per commission: the request, messages, quotes, payments, status changes,
milestones ticked off, progress updates with their photos, design proofs and decisions,
date changes and change orders, in one order; and the next step for whoever is looking.

Each kind is read in one query (photos, pins and attachments prefetched), so the page costs
the same number of queries with one entry or two hundred.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.urls import reverse
from django.utils import timezone

from commissions import workflow
from commissions.journal.models import ChangeOrder, Milestone, ProofPin, Update, UpdatePhoto
from commissions.journal.services import POSTABLE, date_passed
from commissions.models import Commission, MessageAttachment, Status

# Where entries of one moment go, first to last (a quote before the status it caused).
_RANK = {
    "status": 0,
    "quote": 1,
    "message": 2,
    "payment": 3,
    "date": 4,
    "milestone": 5,
    "update": 6,
    "proof": 6,
    "change_order": 7,
    "date_passed": 8,
    "cancel_request": 9,
}
# Payments the page leaves out: a checkout opened and never paid.
_UNSHOWN_PAYMENTS = ("pending", "expired")


@dataclass
class Entry:
    kind: str
    at: datetime
    obj: object = None
    key: str = ""

    @property
    def sort_key(self):
        return (self.at, _RANK[self.kind], getattr(self.obj, "pk", 0) or 0)


@dataclass
class Hint:
    """The next step for the person looking: words, and where to do it."""

    text: str
    href: str = ""
    urgent: bool = False


@dataclass
class Journal:
    entries: list[Entry]
    milestones: list[Milestone]
    updates: list[Update]
    hints: list[Hint] = field(default_factory=list)

    @property
    def last_update(self) -> Update | None:
        return self.updates[-1] if self.updates else None


def _attach(owners: list, name: str, rows: list, owner_of) -> None:
    """Give each of `owners` its `rows` as `owner.<name>.all()`, the way prefetch_related
    would, but from a query that runs whether or not there are owners: the page then costs
    the same number of queries with no updates as with two hundred."""
    by_owner: dict[int, list] = {owner.pk: [] for owner in owners}
    for row in rows:
        by_owner[owner_of(row)].append(row)
    for owner in owners:
        queryset = getattr(owner, name).all()
        queryset._result_cache, queryset._prefetch_done = by_owner[owner.pk], True
        owner.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def _updates(commission: Commission) -> list[Update]:
    """The updates and proofs, each with its photos, pins and change orders."""
    updates = list(commission.updates.select_related("milestone").order_by("created_at", "id"))
    by_id = {update.pk: update for update in updates}
    photos = list(
        UpdatePhoto.objects.filter(update__commission=commission).order_by("position", "id")
    )
    for photo in photos:
        photo.update = by_id[photo.update_id]  # its private link names the commission
    pins = list(
        ProofPin.objects.filter(update__commission=commission)
        .select_related("author")
        .order_by("number", "id")
    )
    orders = list(
        ChangeOrder.objects.filter(proof__commission=commission).order_by("created_at", "id")
    )
    _attach(updates, "photos", photos, lambda p: p.update_id)
    _attach(updates, "pins", pins, lambda p: p.update_id)
    _attach(updates, "change_orders", orders, lambda o: o.proof_id)
    return updates


def _messages(commission: Commission) -> list:
    messages = list(commission.messages.select_related("author").order_by("created_at", "id"))
    by_id = {message.pk: message for message in messages}
    attachments = list(
        MessageAttachment.objects.filter(message__commission=commission).order_by("id")
    )
    for attachment in attachments:
        attachment.message = by_id[attachment.message_id]
    _attach(messages, "attachments", attachments, lambda a: a.message_id)
    return messages


def journal_for(commission: Commission, *, quotes=None, payments=None) -> Journal:
    """Everything on the commission's timeline, oldest first. `quotes` and `payments`, when
    the page has read them already, are not read again."""
    quotes = list(commission.quotes.all()) if quotes is None else quotes
    payments = list(commission.payments.all()) if payments is None else payments
    log = list(commission.log.all())
    messages = _messages(commission)
    milestones = list(commission.milestones.all())
    updates = _updates(commission)
    date_changes = list(commission.date_changes.all())
    change_orders = list(commission.change_orders.all())

    entries = [Entry("status", c.at, c, f"s{c.pk}") for c in log if c.to_status != Status.QUOTED]
    entries += [Entry("quote", q.created_at, q, f"q{q.pk}") for q in quotes]
    entries += [Entry("message", m.created_at, m, f"m{m.pk}") for m in messages]
    entries += [
        Entry("payment", p.paid_at or p.created_at, p, f"p{p.pk}")
        for p in payments
        if p.status not in _UNSHOWN_PAYMENTS
    ]
    entries += [Entry("milestone", m.done_at, m, f"ms{m.pk}") for m in milestones if m.done_at]
    entries += [
        Entry("proof" if u.is_proof else "update", u.created_at, u, f"u{u.pk}") for u in updates
    ]
    entries += [Entry("date", d.created_at, d, f"d{d.pk}") for d in date_changes]
    entries += [Entry("change_order", o.created_at, o, f"co{o.pk}") for o in change_orders]
    if commission.promised_passed_at:
        entries.append(Entry("date_passed", commission.promised_passed_at, commission, "late"))
    if commission.cancel_requested_at:
        entries.append(Entry("cancel_request", commission.cancel_requested_at, commission, "cr"))
    entries.sort(key=lambda e: e.sort_key)
    return Journal(entries=entries, milestones=milestones, updates=updates)


# --- The next step -------------------------------------------------------------------------------


def _days(since: datetime, today: date) -> int:
    return (today - timezone.localtime(since).date()).days


def _maker_steps(commission: Commission, journal: Journal, today: date) -> list[Hint]:
    hints = []
    if date_passed(commission, today):
        hints.append(
            Hint(
                f"The promised date ({commission.promised_by:%-d %B}) has passed: "
                "move it, and tell the buyer why",
                "#promised",
                urgent=True,
            )
        )
    if commission.status == Status.IN_PROGRESS:
        last = journal.last_update
        if last is None:
            hints.append(Hint("Post your first update from the bench", "#post-update"))
        else:
            days = _days(last.created_at, today)
            if days >= 7:
                hints.append(
                    Hint(
                        f"Post an update — the last one was {days} days ago",
                        "#post-update",
                        urgent=days >= 14,
                    )
                )
        late = [m for m in journal.milestones if m.is_late(today)]
        if late:
            hints.append(
                Hint(
                    f"“{late[0].title}” was due {late[0].due_on:%-d %B}: tick it off when done",
                    "#milestones",
                    urgent=True,
                )
            )
    elif commission.status in POSTABLE and not journal.updates:
        hints.append(Hint("Post an update for the buyer", "#post-update"))
    return hints


def _buyer_steps(commission: Commission, journal: Journal, today: date) -> list[Hint]:
    if date_passed(commission, today) and not commission.cancel_requested_at:
        return [
            Hint(
                "The promised date has passed: agree a new date with the maker, "
                "or ask the shop to cancel",
                "#promised",
                urgent=True,
            )
        ]
    return []


# Each gives the hints of its part for one role: (commission, journal, today) -> [Hint].
NEXT_STEPS = {
    workflow.MAKER: [_maker_steps],
    workflow.BUYER: [_buyer_steps],
}


def next_steps(commission: Commission, role: str | None, journal: Journal, today=None) -> list:
    today = today or timezone.localdate()
    return [hint for step in NEXT_STEPS.get(role, []) for hint in step(commission, journal, today)]


def update_url(commission: Commission) -> str:
    return reverse("commissions:update_new", args=[commission.reference])
