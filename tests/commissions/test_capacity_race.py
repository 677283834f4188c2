"""A maker's bench has a fixed number of slots: a commission takes one when its deposit is
paid, or waits on the waitlist with an honest expected start computed from the queue; it
holds the slot until the maker marks the piece finished, and a slot that frees goes to the
first paid commission in the queue, which starts by itself while its buyer hears by email.

Two deposits for the last slot arriving at the same instant: exactly one gets it, the other
is queued behind (the maker's row lock; proved with two threads on PostgreSQL).
"""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from commissions import bench, services
from commissions.models import Commission, Quote, Slot, Status
from commissions.payments import services as payments
from commissions.payments.models import Payment, TestCheckoutSession
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
        # No design to approve: these stories are about the bench (proofs: test_proofs).
        revision_rounds=0,
        valid_until=timezone.localdate() + timedelta(days=14),
    )
    return commission


def accepted(buyer, maker: Maker, weeks: int) -> Commission:
    commission = quoted(buyer, maker, weeks)
    services.quote_accept(commission=commission, by=buyer)
    return commission


def checkout(commission: Commission) -> Payment:
    """The buyer presses "Pay the deposit" and pays on the local test checkout page (its
    signed event is left out: the return page applies the payment, below)."""
    payment = payments.payment_start(commission=commission, by=commission.buyer, kind="deposit")
    TestCheckoutSession.objects.filter(payment=payment).update(
        status="complete", payment_status="paid"
    )
    return payment


def deposit_arrives(payment: Payment) -> str:
    """The buyer's return page asks the provider and applies what it learns, with the same
    code as the webhook."""
    payments.payment_sync(payment=payment)
    payment.refresh_from_db()
    return payment.status


def pay_deposit(commission: Commission) -> str:
    return deposit_arrives(checkout(commission))


def weeks_later(day, weeks: int):
    return day + timedelta(weeks=weeks)


# --- The queue maths ---------------------------------------------------------------------


@pytest.fixture
def busy_studio(db, owner):
    """Two slots, and four buyers who all accept and pay their deposits on the same day D,
    in this order: quotes of 4, 6, 3 and 5 weeks."""
    maker = MakerFactory(capacity=2)
    four, six, three, five = (accepted(UserFactory(), maker, weeks) for weeks in (4, 6, 3, 5))
    for commission in (four, six, three, five):
        pay_deposit(commission)
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
    assert four.status == six.status == Status.IN_PROGRESS
    assert three.status == five.status == Status.SCHEDULED


def test_the_maker_page_shows_the_waitlist_and_when_a_new_commission_could_start(busy_studio):
    maker = busy_studio[0]
    today = timezone.localdate()
    availability = maker.availability()
    # Slot one: the 4-week piece until D+4, then the 3-week piece until D+4+3 = D+7.
    # Slot two: the 6-week piece until D+6, then the 5-week piece until D+6+5 = D+11.
    # A new commission would start when the first of these frees: D+7 weeks.
    assert availability.waitlist and availability.open_slots == 0
    assert availability.earliest_start == weeks_later(today, 7)


def test_the_maker_finishing_a_piece_hands_its_slot_to_the_first_in_the_queue(busy_studio):
    maker, four, six, three, five = busy_studio
    today = timezone.localdate()
    payments.commission_mark_finished(commission=four, by=maker.user)

    for commission in (four, six, three, five):
        commission.refresh_from_db()
    assert (four.status, four.slot) == (Status.AWAITING_BALANCE, Slot.NONE)
    # The 3-week piece, first in the queue, starts today by itself and its buyer is told.
    assert (three.status, three.slot) == (Status.IN_PROGRESS, Slot.BENCH)
    assert (three.expected_start, three.queued_at) == (today, None)
    assert three.log.last().role == "system" and "slot" in three.log.last().note
    assert OutboxEmail.objects.filter(template="slot_ready", to=three.buyer.email).count() == 1
    assert "Work starts now" in OutboxEmail.objects.get(template="slot_ready").body_text
    # The 5-week piece now waits for the 3-week one: D+3 weeks.
    assert five.slot == Slot.WAITLIST and five.expected_start == weeks_later(today, 3)
    assert not OutboxEmail.objects.filter(template="slot_ready", to=five.buyer.email).exists()
    maker.refresh_from_db()
    assert maker.slots_taken == 2


def test_finished_sales_give_their_slots_back_so_the_bench_never_shrinks(db):
    """Two sales paid in full leave a two-slot bench with both slots free, not none."""
    maker = MakerFactory(capacity=2)
    for weeks in (2, 3):
        commission = accepted(UserFactory(), maker, weeks)
        pay_deposit(commission)
        payments.commission_mark_finished(commission=commission, by=maker.user)
        balance = payments.payment_start(commission=commission, by=commission.buyer, kind="balance")
        TestCheckoutSession.objects.filter(payment=balance).update(
            status="complete", payment_status="paid"
        )
        deposit_arrives(balance)
        commission.refresh_from_db()
        assert (commission.status, commission.slot) == (Status.READY_TO_SHIP, Slot.NONE)
    maker.refresh_from_db()
    assert maker.slots_taken == 0 and maker.availability().open_slots == 2


def test_a_maker_who_makes_room_at_the_bench_starts_the_queue_within_a_beat(busy_studio):
    from commissions.tasks import benches_fill

    maker, four, six, three, five = busy_studio
    Maker.objects.filter(pk=maker.pk).update(capacity=3)  # the studio's profile page
    assert benches_fill.apply().get() == 1
    three.refresh_from_db()
    five.refresh_from_db()
    assert (three.status, three.slot) == (Status.IN_PROGRESS, Slot.BENCH)
    assert (five.status, five.slot) == (Status.SCHEDULED, Slot.WAITLIST)
    assert OutboxEmail.objects.filter(template="slot_ready", to=three.buyer.email).count() == 1
    assert benches_fill.apply().get() == 0  # nothing more to do, nothing done twice


def test_an_accepted_quote_waiting_for_its_deposit_holds_no_slot(db):
    maker = MakerFactory(capacity=1)
    unpaid = accepted(UserFactory(), maker, 4)
    paid = accepted(UserFactory(), maker, 6)
    pay_deposit(paid)
    unpaid.refresh_from_db()
    paid.refresh_from_db()
    # The later buyer paid first: theirs is the slot; the first is told when work could
    # start if they paid now.
    assert (paid.status, paid.slot) == (Status.IN_PROGRESS, Slot.BENCH)
    assert (unpaid.status, unpaid.slot) == (Status.AWAITING_DEPOSIT, Slot.NONE)
    assert unpaid.expected_start == weeks_later(timezone.localdate(), 6)
    assert pay_deposit(unpaid) == "paid"
    unpaid.refresh_from_db()
    assert (unpaid.status, unpaid.slot) == (Status.SCHEDULED, Slot.WAITLIST)


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


def test_a_commission_leaving_the_waitlist_frees_no_slot_and_tells_nobody(busy_studio, owner):
    maker, four, six, three, five = busy_studio
    today = timezone.localdate()
    services.commission_cancel(commission=three, by=owner, reason="The buyer asked us to.")

    five.refresh_from_db()
    # The 5-week piece moves up: it now waits for the 4-week piece, D+4 weeks.
    assert five.slot == Slot.WAITLIST and five.expected_start == weeks_later(today, 4)
    assert not OutboxEmail.objects.filter(template="slot_ready").exists()
    maker.refresh_from_db()
    assert maker.slots_taken == 2


# --- Two deposits, one last slot, the same instant -----------------------------------------

ROUNDS = 15
# Widens the race: each paying transaction pauses after its locks are taken and before it
# counts the slots, so without the maker's row lock both would count a free slot.
PAUSE = 0.05


def _paused(bench_take):
    def take_after_a_pause(**kwargs):
        time.sleep(PAUSE)
        return bench_take(**kwargs)

    return take_after_a_pause


def deposits_at_once(checkouts: list[Payment]) -> list[BaseException]:
    """Each deposit arrives in its own thread (its own database connection), all released
    together by a barrier; returns whatever the threads raised."""
    barrier = threading.Barrier(len(checkouts))
    raised: list[BaseException] = []
    pressed, answered = [], []

    def arrive(payment: Payment) -> None:
        try:
            barrier.wait(timeout=10)
            pressed.append(time.monotonic())
            deposit_arrives(payment)
            answered.append(time.monotonic())
        except BaseException as e:  # noqa: BLE001 - reported to the test below
            raised.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=arrive, args=(p,)) for p in checkouts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a payment is still waiting"
    if not raised:
        # A real race: both had arrived before either had an answer.
        assert max(pressed) < min(answered)
    return raised


def _needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        skip_or_fail(
            "needs PostgreSQL for real row locks", "set DATABASE_URL=postgres://... or run .ci/run"
        )


@pytest.mark.django_db(transaction=True)
def test_two_deposits_for_the_last_slot_at_once_one_starts_the_other_is_queued_behind(
    monkeypatch,
):
    _needs_postgresql()
    monkeypatch.setattr(bench, "bench_take", _paused(bench.bench_take))
    today = timezone.localdate()
    for _ in range(ROUNDS):
        maker = MakerFactory(capacity=1)
        first, second = accepted(UserFactory(), maker, 4), accepted(UserFactory(), maker, 6)

        assert deposits_at_once([checkout(first), checkout(second)]) == []

        first.refresh_from_db()
        second.refresh_from_db()
        assert {first.slot, second.slot} == {Slot.BENCH, Slot.WAITLIST}
        holder, waiting = (first, second) if first.slot == Slot.BENCH else (second, first)
        assert (holder.status, holder.expected_start) == (Status.IN_PROGRESS, today)
        weeks = holder.quotes.get(status=Quote.Status.ACCEPTED).estimated_weeks
        assert waiting.status == Status.SCHEDULED and waiting.queued_at is not None
        assert waiting.expected_start == holder.expected_start + timedelta(weeks=weeks)
        maker.refresh_from_db()
        assert maker.slots_taken == 1
        assert OutboxEmail.objects.filter(template="deposit_received").count() == 4
        OutboxEmail.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_without_the_makers_row_lock_the_same_race_would_give_both_deposits_the_last_slot(
    monkeypatch,
):
    """The lock is what the test above relies on: lock only the payment and commission
    rows and the race is lost: both get the slot, or they deadlock over each other's rows
    and the database kills one."""
    _needs_postgresql()
    monkeypatch.setattr(bench, "bench_take", _paused(bench.bench_take))

    def without_the_maker(payment_id: int) -> Payment:
        return (
            Payment.objects.select_for_update(of=("self",))
            .select_related(
                "commission", "commission__maker", "commission__buyer", "commission__maker__user"
            )
            .get(pk=payment_id)
        )

    monkeypatch.setattr(payments, "_locked", without_the_maker)
    lost = 0
    for _ in range(3):
        maker = MakerFactory(capacity=1)
        first, second = accepted(UserFactory(), maker, 4), accepted(UserFactory(), maker, 6)
        raised = deposits_at_once([checkout(first), checkout(second)])
        assert all("deadlock" in str(e) for e in raised), raised
        on_the_bench = Commission.objects.filter(maker=maker, slot=Slot.BENCH).count()
        lost += on_the_bench == 2 or bool(raised)
    assert lost, "without the lock the deposits should have fought over the one slot"


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
