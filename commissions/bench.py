"""The maker's bench and its waitlist.

The bench is the maker's work in hand: a commission holds a slot from its deposit until the
maker marks it finished. Paid with the bench full, it waits on the waitlist in the order it
paid; whenever a slot frees, the first in the queue starts by itself and its buyer is told,
and the expected start of everyone still waiting is planned again. Every function here runs
inside its caller's transaction, which holds the maker's row lock (taken before the
commission's, as everywhere).
"""

import heapq
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from commissions import workflow
from commissions.emails import notify
from commissions.journal.services import milestones_respread
from commissions.models import Commission, Quote, Slot, Status
from makers.models import Maker


def _accepted_weeks(commission: Commission) -> int:
    quote = commission.quotes.filter(status=Quote.Status.ACCEPTED).first()
    return quote.estimated_weeks if quote else commission.maker.typical_lead_weeks


def _slots_taken(maker: Maker) -> int:
    return maker.commissions.filter(slot=Slot.BENCH, status__in=workflow.HOLDS_A_SLOT).count()


def bench_take(*, commission: Commission, note: str = "") -> None:
    """The deposit is paid: work starts if a slot is free, else the commission joins the
    waitlist. The caller holds the maker's row lock, then the commission's."""
    maker = commission.maker
    fields = ["slot", "queued_at", "expected_start", "updated_at"]
    if _slots_taken(maker) < maker.capacity:
        commission.slot, commission.queued_at = Slot.BENCH, None
        commission.expected_start = timezone.localdate()
        commission.save(update_fields=fields)
        workflow.advance(commission, "start_work", by=None, note=note)
        milestones_respread(commission=commission, start=commission.expected_start)
    else:
        commission.slot, commission.queued_at = Slot.WAITLIST, timezone.now()
        commission.save(update_fields=fields)
        workflow.advance(commission, "join_waitlist", by=None, note=note)
    queue_plan(maker=maker)


def bench_release(*, commission: Commission) -> None:
    """A commission leaves the bench or its queue (finished, cancelled, withdrawn): a slot
    it held goes to the first in the queue. The caller holds the maker's row lock."""
    if commission.slot:
        commission.slot, commission.queued_at = Slot.NONE, None
        commission.save(update_fields=["slot", "queued_at", "updated_at"])
    bench_fill(maker=commission.maker)


def bench_fill(*, maker: Maker) -> list[Commission]:
    """Every free slot goes to the next paid commission on the waitlist, in queue order:
    work starts and its buyer is told; the rest of the queue is planned again. The caller
    holds the maker's row lock."""
    maker.capacity = Maker.objects.values_list("capacity", flat=True).get(pk=maker.pk)
    free = maker.capacity - _slots_taken(maker)
    started = []
    if free > 0:
        queue = (
            maker.commissions.select_for_update(of=("self",))
            .select_related("buyer", "maker")
            .filter(slot=Slot.WAITLIST, status__in=workflow.WAITLISTED)
            .order_by("queued_at", "id")[:free]
        )
        for nxt in queue:
            nxt.slot, nxt.queued_at, nxt.expected_start = Slot.BENCH, None, timezone.localdate()
            nxt.save(update_fields=["slot", "queued_at", "expected_start", "updated_at"])
            workflow.advance(
                nxt,
                "start_from_waitlist",
                by=None,
                note="A slot at the bench is free: work starts.",
            )
            milestones_respread(commission=nxt, start=nxt.expected_start)
            notify(nxt, to=nxt.buyer.email, template="slot_ready")
            started.append(nxt)
    queue_plan(maker=maker)
    return started


def queue_plan(*, maker: Maker, today: date | None = None) -> None:
    """Plan when each waitlisted commission can start, and when a new one could.

    Each slot frees when its piece's estimated weeks are up; the queue fills slots in
    order as they free. Stores each waitlisted commission's expected start, the date an
    accepted commission still waiting for its deposit could start, and the maker's
    counters. The caller holds the maker's row lock.
    """
    today = today or timezone.localdate()
    placed = list(
        maker.commissions.filter(status__in=workflow.HOLDS_A_SLOT | workflow.WAITLISTED)
        .exclude(slot=Slot.NONE)
        .order_by("queued_at", "id")
    )
    bench = [c for c in placed if c.slot == Slot.BENCH]
    queue = [c for c in placed if c.slot == Slot.WAITLIST]
    ends = sorted(
        max(c.expected_start or today, today) + timedelta(weeks=_accepted_weeks(c)) for c in bench
    )
    capacity = max(maker.capacity, 1)
    # More on the bench than slots (the maker lowered their capacity): a slot frees only
    # once enough pieces are done.
    frees = ([today] * max(capacity - len(ends), 0) + ends)[-capacity:]
    heapq.heapify(frees)
    for commission in queue:
        start = max(heapq.heappop(frees), today)
        heapq.heappush(frees, start + timedelta(weeks=_accepted_weeks(commission)))
        if commission.expected_start != start:
            commission.expected_start = start
            commission.save(update_fields=["expected_start", "updated_at"])
    maker.slots_taken = len(bench)
    maker.next_start_on = max(frees[0], today) if len(bench) + len(queue) >= capacity else today
    Maker.objects.filter(pk=maker.pk).update(
        slots_taken=maker.slots_taken, next_start_on=maker.next_start_on
    )
    # Accepted, deposit not yet paid: could start when the next slot frees.
    maker.commissions.filter(status=Status.AWAITING_DEPOSIT).exclude(
        expected_start=maker.next_start_on
    ).update(expected_start=maker.next_start_on)


def benches_fill() -> int:
    """Beat task: a maker who raised their capacity in the studio has slots free while paid
    commissions wait; the queue moves up by itself within minutes. Returns how many
    started."""
    started = 0
    waiting = (
        Maker.objects.filter(commissions__status__in=workflow.WAITLISTED)
        .distinct()
        .values_list("pk", flat=True)
    )
    for pk in waiting:
        with transaction.atomic():
            maker = Maker.objects.select_for_update().get(pk=pk)
            started += len(bench_fill(maker=maker))
    return started
