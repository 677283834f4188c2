"""A maker's bench has a fixed number of slots: an accepted commission takes one, or waits
on the waitlist with an honest expected start computed from the queue; a slot that frees
goes to the first in the queue, who hears about it by email.

Two buyers accepting the last slot at the same instant: exactly one gets it, the other is
queued behind (the maker's row lock; proved with two threads on PostgreSQL).
"""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from commissions import services
from commissions.models import Commission, Quote, Slot, Status
from makers.models import Maker
from shop.notifications.models import OutboxEmail
from tests.conftest import skip_or_fail
from tests.factories import MakerFactory, UserFactory


def quoted(buyer, maker: Maker, weeks: int) -> Commission:
    """A brief from this buyer that the maker has quoted for, taking `weeks` to make."""
    commission = services.commission_request_custom(
        buyer=buyer, maker=maker, title=f"A {weeks}-week piece", brief="Made to my size."
    )
    services.quote_send(
        commission=commission,
        by=maker.user,
        price_cents=40000,
        deposit_cents=12000,
        estimated_weeks=weeks,
        milestones=["Sketch"],
        revision_rounds=1,
        valid_until=timezone.localdate() + timedelta(days=14),
    )
    return commission


def weeks_later(day, weeks: int):
    return day + timedelta(weeks=weeks)


# --- The queue maths ---------------------------------------------------------------------


@pytest.fixture
def busy_studio(db, owner):
    """Two slots, and four buyers who all accept on the same day D: quotes of 4, 6, 3 and 5
    weeks, in that order."""
    maker = MakerFactory(capacity=2)
    four, six, three, five = (quoted(UserFactory(), maker, weeks) for weeks in (4, 6, 3, 5))
    for commission in (four, six, three, five):
        services.quote_accept(commission=commission, by=commission.buyer)
        commission.refresh_from_db()
    maker.refresh_from_db()
    return maker, four, six, three, five


def test_a_full_bench_queues_the_next_buyer_behind_the_first_slot_to_free(busy_studio):
    maker, four, six, three, five = busy_studio
    today = timezone.localdate()
    # The 4- and 6-week pieces take the two slots today.
    assert (four.slot, four.expected_start) == (Slot.BENCH, today)
    assert (six.slot, six.expected_start) == (Slot.BENCH, today)
    # The 3-week piece waits for the first slot to free: the 4-week one, D+4 weeks.
    assert three.slot == Slot.WAITLIST and three.queued_at is not None
    assert three.expected_start == weeks_later(today, 4)
    # The 5-week piece waits for the next one: the 6-week piece frees its slot at D+6 weeks
    # (sooner than the 3-week piece that starts at D+4 and finishes at D+7).
    assert five.slot == Slot.WAITLIST
    assert five.expected_start == weeks_later(today, 6)
    assert maker.slots_taken == 2
    assert all(c.status == Status.AWAITING_DEPOSIT for c in (four, six, three, five))


def test_the_maker_page_shows_the_waitlist_and_when_a_new_commission_could_start(busy_studio):
    maker = busy_studio[0]
    today = timezone.localdate()
    availability = maker.availability()
    # Slot one: the 4-week piece until D+4, then the 3-week piece until D+4+3 = D+7.
    # Slot two: the 6-week piece until D+6, then the 5-week piece until D+6+5 = D+11.
    # A new commission would start when the first of these frees: D+7 weeks.
    assert availability.waitlist and availability.open_slots == 0
    assert availability.earliest_start == weeks_later(today, 7)


def test_a_buyer_withdrawing_from_the_bench_hands_their_slot_to_the_first_in_the_queue(busy_studio):
    maker, four, six, three, five = busy_studio
    today = timezone.localdate()
    services.commission_withdraw(commission=four, by=four.buyer, reason="Found one I like.")

    for commission in (four, six, three, five):
        commission.refresh_from_db()
    assert (four.status, four.slot) == (Status.WITHDRAWN, Slot.NONE)
    # The 3-week piece, first in the queue, starts today and its buyer is told.
    assert (three.slot, three.expected_start, three.queued_at) == (Slot.BENCH, today, None)
    assert OutboxEmail.objects.filter(template="slot_ready", to=three.buyer.email).count() == 1
    # The 5-week piece now waits for the 3-week one: D+3 weeks.
    assert five.slot == Slot.WAITLIST and five.expected_start == weeks_later(today, 3)
    assert not OutboxEmail.objects.filter(template="slot_ready", to=five.buyer.email).exists()
    maker.refresh_from_db()
    assert maker.slots_taken == 2


def test_the_owner_cancelling_a_commission_on_the_bench_hands_its_slot_on_too(busy_studio, owner):
    maker, four, six, three, five = busy_studio
    today = timezone.localdate()
    services.commission_cancel(commission=four, by=owner, reason="The buyer asked us to.")

    for commission in (four, three, five):
        commission.refresh_from_db()
    assert (four.status, four.slot) == (Status.CANCELLED, Slot.NONE)
    assert (three.slot, three.expected_start) == (Slot.BENCH, today)
    assert OutboxEmail.objects.filter(template="slot_ready", to=three.buyer.email).count() == 1
    assert five.slot == Slot.WAITLIST and five.expected_start == weeks_later(today, 3)
    maker.refresh_from_db()
    assert maker.slots_taken == 2


def test_a_commission_leaving_the_waitlist_frees_no_slot_and_tells_nobody(busy_studio):
    maker, four, six, three, five = busy_studio
    today = timezone.localdate()
    services.commission_withdraw(commission=three, by=three.buyer)

    five.refresh_from_db()
    # The 5-week piece moves up: it now waits for the 4-week piece, D+4 weeks.
    assert five.slot == Slot.WAITLIST and five.expected_start == weeks_later(today, 4)
    assert not OutboxEmail.objects.filter(template="slot_ready").exists()
    maker.refresh_from_db()
    assert maker.slots_taken == 2


# --- Two buyers, one last slot, the same instant -----------------------------------------

ROUNDS = 15
# Widens the race: each accepting transaction pauses after its locks are taken and before
# it counts the slots, so without the maker's row lock both would count a free slot.
PAUSE = 0.05


def _paused(bench_take):
    def take_after_a_pause(**kwargs):
        time.sleep(PAUSE)
        return bench_take(**kwargs)

    return take_after_a_pause


def accept_at_once(commissions: list[Commission]) -> list[BaseException]:
    """Each buyer presses accept in their own thread (their own database connection), all
    released together by a barrier; returns whatever the threads raised."""
    barrier = threading.Barrier(len(commissions))
    raised: list[BaseException] = []
    pressed, answered = [], []

    def press_accept(commission: Commission) -> None:
        try:
            barrier.wait(timeout=10)
            pressed.append(time.monotonic())
            services.quote_accept(commission=commission, by=commission.buyer)
            answered.append(time.monotonic())
        except BaseException as e:  # noqa: BLE001 - reported to the test below
            raised.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=press_accept, args=(c,)) for c in commissions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a buyer is still waiting"
    if not raised:
        # A real race: everyone had pressed before anyone had an answer.
        assert max(pressed) < min(answered)
    return raised


def _needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        skip_or_fail(
            "needs PostgreSQL for real row locks", "set DATABASE_URL=postgres://... or run .ci/run"
        )


@pytest.mark.django_db(transaction=True)
def test_two_buyers_accepting_the_last_slot_at_once_one_gets_it_the_other_is_queued_behind(
    monkeypatch,
):
    _needs_postgresql()
    monkeypatch.setattr(services, "bench_take", _paused(services.bench_take))
    today = timezone.localdate()
    for _ in range(ROUNDS):
        maker = MakerFactory(capacity=1)
        first, second = quoted(UserFactory(), maker, 4), quoted(UserFactory(), maker, 6)

        assert accept_at_once([first, second]) == []

        first.refresh_from_db()
        second.refresh_from_db()
        assert {first.slot, second.slot} == {Slot.BENCH, Slot.WAITLIST}
        bench, waiting = (first, second) if first.slot == Slot.BENCH else (second, first)
        assert bench.expected_start == today
        weeks = bench.quotes.get(status=Quote.Status.ACCEPTED).estimated_weeks
        assert waiting.expected_start == bench.expected_start + timedelta(weeks=weeks)
        assert waiting.queued_at is not None
        assert first.status == second.status == Status.AWAITING_DEPOSIT
        maker.refresh_from_db()
        assert maker.slots_taken == 1
        assert (
            OutboxEmail.objects.filter(template="quote_accepted", to=maker.user.email).count() == 2
        )


@pytest.mark.django_db(transaction=True)
def test_without_the_makers_row_lock_the_same_race_would_give_both_buyers_the_last_slot(
    monkeypatch,
):
    """The lock is what the test above relies on: lock only the commission rows and the
    race is lost."""
    _needs_postgresql()
    monkeypatch.setattr(services, "bench_take", _paused(services.bench_take))

    # The commission's own row only (of=("self",): a FOR UPDATE over the join with the
    # maker would lock the maker's row too, on PostgreSQL).
    def commission_only(commission, *, with_maker=False):
        return (
            Commission.objects.select_for_update(of=("self",))
            .select_related("maker", "buyer")
            .get(pk=commission.pk)
        )

    monkeypatch.setattr(services, "_locked", commission_only)
    double_booked = 0
    for _ in range(3):
        maker = MakerFactory(capacity=1)
        first, second = quoted(UserFactory(), maker, 4), quoted(UserFactory(), maker, 6)
        assert accept_at_once([first, second]) == []
        on_the_bench = Commission.objects.filter(maker=maker, slot=Slot.BENCH).count()
        double_booked += on_the_bench == 2
    assert double_booked, "without the lock both buyers should have got the one slot"


# --- The buyer accepts while the maker re-quotes, at the same instant ----------------------


@pytest.mark.django_db(transaction=True)
def test_a_buyer_accepting_while_the_maker_sends_a_new_quote_gets_an_answer_not_an_error(
    monkeypatch,
):
    """One of them goes first and the other is told why not (or accepts the new quote);
    neither may meet a database error.

    The accept locks the maker's row, then the commission; sending a quote locks the
    commission. Were that lock to take the maker's row too (a FOR UPDATE over a join does,
    on PostgreSQL, after the commission's), the two would deadlock. The pause only holds
    the accepting buyer between its two lock statements, an interleaving that also happens
    by itself: with a barrier alone it deadlocked in 123 of 150 rounds.
    """
    _needs_postgresql()
    maker_locked = threading.Event()
    real_locked = services._locked

    def locked_with_a_pause(commission, *, with_maker=False):
        if not with_maker:
            return real_locked(commission)
        Maker.objects.select_for_update().get(pk=commission.maker_id)
        maker_locked.set()
        time.sleep(0.3)
        return real_locked(commission)

    monkeypatch.setattr(services, "_locked", locked_with_a_pause)
    maker = MakerFactory(capacity=1)
    commission = quoted(UserFactory(), maker, 4)
    raised: list[BaseException] = []

    def buyer_accepts() -> None:
        try:
            services.quote_accept(commission=commission, by=commission.buyer)
        except BaseException as e:  # noqa: BLE001 - reported below
            raised.append(e)
        finally:
            connection.close()

    def maker_requotes() -> None:
        try:
            maker_locked.wait(timeout=10)
            services.quote_send(
                commission=commission,
                by=maker.user,
                price_cents=35000,
                deposit_cents=10000,
                estimated_weeks=3,
                milestones=[],
                revision_rounds=1,
                valid_until=timezone.localdate() + timedelta(days=14),
            )
        except BaseException as e:  # noqa: BLE001 - reported below
            raised.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=buyer_accepts), threading.Thread(target=maker_requotes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    errors = [e for e in raised if not isinstance(e, services.NotAllowed)]
    assert errors == [], f"a person met a database error: {errors!r}"
    commission.refresh_from_db()
    assert commission.status in (Status.AWAITING_DEPOSIT, Status.QUOTED)
