"""Buyers, makers and the owner press buttons in any order, and the commissions stay sound.

A hypothesis state machine plays one small studio (one maker with one or two slots, four
buyers, a second maker and the owner) through random sequences of the real service calls:
requests and questions, quotes, acceptances, declines, withdrawals, cancellations, expiries,
deposits and balances paid through the payment code, the piece finished, shipped and
delivered. Each call either works or is refused with `NotAllowed`; after every step the
database must still tell one consistent story: every status known, every log row a named
move the table allows and the log chained to the status, one accepted quote at most, the
commissions holding a slot never more than the maker's capacity, and no slot free while a
paid commission waits on the waitlist.

Each example runs inside its own savepoint in the `db` fixture's transaction and rolls back
at the end, so examples start from an empty shop without recreating the database.
"""

import itertools
from collections import defaultdict
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from commissions import bench, services, workflow
from commissions.models import Commission, Quote, Slot, Status, StatusChange
from commissions.payments import services as payments
from commissions.payments.models import Payment, TestCheckoutSession
from commissions.payments.services import commission_mark_finished
from commissions.workflow import BUYER, MAKER, OWNER, SYSTEM, NotAllowed
from makers.models import Maker
from shop.notifications.models import OutboxEmail
from tests.factories import MakerFactory, PieceFactory, UserFactory

ACTORS = ("its buyer", "another buyer", "the maker", "another maker", "the owner")
DONE = workflow.FINAL | {Status.SHIPPED, Status.DELIVERED}
# At most this many commissions under way at once, so that each can go a long way.
HANDFUL = 5

S = Status
# Every move a person (or the shop) can try: who usually makes it, and where it makes sense.
TRIES = {
    "turn the question into a request": ("the maker", [S.INQUIRY]),
    "close the question": ("its buyer", [S.INQUIRY]),
    "decline the request": ("the maker", [S.REQUESTED, S.QUOTED]),
    "send a quote": ("the maker", [S.REQUESTED, S.QUOTED]),
    "accept the quote": ("its buyer", [S.QUOTED]),
    "decline the quote": ("its buyer", [S.QUOTED]),
    "withdraw": ("its buyer", [S.AWAITING_DEPOSIT]),
    "cancel": ("the owner", sorted(workflow.ACCEPTED)),
    "the deposit arrives": ("the shop", [S.AWAITING_DEPOSIT]),
    "mark the piece finished": ("the maker", [S.IN_PROGRESS]),
    "the balance arrives": ("the shop", [S.AWAITING_BALANCE]),
    "ship the piece": ("the maker", [S.READY_TO_SHIP]),
    "confirm the delivery": ("its buyer", [S.SHIPPED]),
    "complete it": ("the owner", [S.DELIVERED]),
}
# The move that takes a commission one step further along the happy path.
NEXT_STEP = {
    S.INQUIRY: "turn the question into a request",
    S.REQUESTED: "send a quote",
    S.QUOTED: "accept the quote",
    S.AWAITING_DEPOSIT: "the deposit arrives",
    S.IN_PROGRESS: "mark the piece finished",
    S.AWAITING_BALANCE: "the balance arrives",
    S.READY_TO_SHIP: "ship the piece",
    S.SHIPPED: "confirm the delivery",
    S.DELIVERED: "complete it",
}

picks = st.integers(min_value=0, max_value=7)
weeks = st.integers(min_value=1, max_value=8)
# 40000 is the whole price (no balance is asked for later); 50000 is more than the price
# (refused before anything changes).
deposits = st.sampled_from([12000, 0, 40000, 50000])
# The beats run often, but usually nothing is due yet.
lateness = st.sampled_from([False] * 7 + [True])


class StudioMachine(RuleBasedStateMachine):
    """One maker's studio under a storm of clicks from everyone who can reach it.

    Purely random walks rarely get past the first quote, so one rule takes a commission a
    step further the usual way (mostly by the person whose move it is), while another
    lets anyone try any move on any commission.
    """

    commissions = Bundle("commissions")

    def __init__(self, cast: SimpleNamespace):
        super().__init__()
        # Everything an example writes is rolled back in teardown; the people and the piece
        # are made once per test, outside it.
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self.buyers, self.other_maker, self.owner = cast.buyers, cast.other_maker, cast.owner
        self.maker, self.piece = cast.maker, cast.piece
        self.people = [*self.buyers, self.maker.user, self.other_maker.user, self.owner]
        self.refusals = 0

    def teardown(self):
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    @initialize(capacity=st.integers(min_value=1, max_value=2))
    def open_the_studio(self, capacity):
        Maker.objects.filter(pk=self.maker.pk).update(capacity=capacity)
        self.maker.refresh_from_db()

    # --- Who acts on what, and what a refusal must leave untouched ---------------------------

    def _commission(self, pk: int, aim: bool = False, n: int = 0, statuses=()) -> Commission:
        if aim:
            fitting = list(
                Commission.objects.filter(status__in=statuses)
                .order_by("id")
                .values_list("pk", flat=True)
            )
            if fitting:
                pk = fitting[n % len(fitting)]
        return Commission.objects.select_related("maker", "buyer").get(pk=pk)

    def _actor(self, commission: Commission, who: str, n: int):
        if who == "its buyer":
            return commission.buyer
        if who == "another buyer":
            others = [b for b in self.buyers if b.pk != commission.buyer_id]
            return others[n % len(others)]
        if who == "the maker":
            return self.maker.user
        if who == "another maker":
            return self.other_maker.user
        if who == "the owner":
            return self.owner
        return None  # the shop itself

    def _snapshot(self) -> tuple:
        return (
            list(
                Commission.objects.order_by("id").values_list(
                    "id", "status", "slot", "queued_at", "expected_start", "answer_by", "title"
                )
            ),
            list(Quote.objects.order_by("id").values_list("id", "status")),
            StatusChange.objects.count(),
            OutboxEmail.objects.count(),
            Payment.objects.count(),
            Maker.objects.filter(pk=self.maker.pk)
            .values_list("slots_taken", "next_start_on")
            .get(),
        )

    def _attempt(self, action):
        """Run one call: it works, or it is refused with a reason and nothing changed."""
        before = self._snapshot()
        try:
            return action()
        except NotAllowed as refusal:
            assert str(refusal).strip(), "a refusal must say why"
            assert self._snapshot() == before, f"refused ({refusal}) but something changed"
            self.refusals += 1
            return None

    def _make(self, move: str, commission: Commission, by, weeks: int = 4, deposit: int = 12000):
        c = commission
        calls = {
            "turn the question into a request": lambda: services.inquiry_convert(
                commission=c, by=by
            ),
            "close the question": lambda: services.inquiry_close(commission=c, by=by),
            "decline the request": lambda: services.request_decline(
                commission=c, by=by, reason="Not for me."
            ),
            "send a quote": lambda: services.quote_send(
                commission=c,
                by=by,
                price_cents=40000,
                deposit_cents=deposit,
                estimated_weeks=weeks,
                milestones=["Sketch", "Wax", "Cast"],
                # No design to approve before finishing (proofs are tested on their own).
                revision_rounds=0,
                valid_until=timezone.localdate() + timedelta(days=14),
            ),
            "accept the quote": lambda: services.quote_accept(commission=c, by=by),
            "decline the quote": lambda: services.quote_decline(
                commission=c, by=by, reason="Over my budget."
            ),
            "withdraw": lambda: services.commission_withdraw(
                commission=c, by=by, reason="Changed my mind."
            ),
            "cancel": lambda: services.commission_cancel(commission=c, by=by, reason="Sorry."),
            # The buyer pays on the (local test) checkout page and the money arrives, through
            # the same code as a Stripe webhook.
            "the deposit arrives": lambda: self._paid(c, by, Payment.Kind.DEPOSIT),
            "mark the piece finished": lambda: commission_mark_finished(commission=c, by=by),
            "the balance arrives": lambda: self._paid(c, by, Payment.Kind.BALANCE),
            "ship the piece": lambda: services.commission_ship(commission=c, by=by),
            "confirm the delivery": lambda: services.commission_confirm_delivery(
                commission=c, by=by
            ),
            "complete it": lambda: services.commission_complete(commission=c, by=by),
        }
        return self._attempt(calls[move])

    def _paid(self, commission: Commission, by, kind: str) -> None:
        payment = payments.payment_start(commission=commission, by=by, kind=kind)
        TestCheckoutSession.objects.filter(payment=payment).update(
            status="complete", payment_status="paid"
        )
        payments.payment_sync(payment=payment)

    # --- The rules ---------------------------------------------------------------------------

    def under_way(self) -> bool:
        return Commission.objects.exclude(status__in=DONE).count() < HANDFUL

    def movable(self) -> list[int]:
        return list(
            Commission.objects.filter(status__in=list(NEXT_STEP))
            .order_by("id")
            .values_list("pk", flat=True)
        )

    def someone_waits(self) -> bool:
        return Commission.objects.filter(slot=Slot.WAITLIST).exists()

    @precondition(under_way)
    @rule(
        target=commissions,
        how=st.sampled_from(["a question", "the listed piece", "a brief"]),
        n=picks,
    )
    def someone_starts_a_commission(self, how, n):
        person = self.people[n % len(self.people)]
        if how == "a question":
            start = lambda: services.inquiry_start(  # noqa: E731
                buyer=person, maker=self.maker, body="Do you work in rose gold?"
            )
        elif how == "the listed piece":
            start = lambda: services.commission_request_piece(  # noqa: E731
                buyer=person,
                piece=self.piece,
                personalisation=[],
                total_cents=self.piece.base_price_cents,
                brief="In silver.",
            )
        else:
            start = lambda: services.commission_request_custom(  # noqa: E731
                buyer=person,
                maker=self.maker,
                title="A ring like my grandmother's",
                brief="Thin band, one small stone.",
                budget_min_cents=20000,
                budget_max_cents=60000,
            )
        commission = self._attempt(start)  # refused when the maker commissions themself
        return multiple(commission.pk) if commission else multiple()

    @precondition(lambda self: self.movable())
    @rule(
        n=picks,
        who=st.sampled_from(("whose move it is",) * 4 + ACTORS),
        weeks=weeks,
        deposit=st.sampled_from([12000, 40000]),
    )
    def the_studio_gets_on_with_a_commission(self, n, who, weeks, deposit):
        movable = self.movable()
        commission = self._commission(movable[n % len(movable)])
        move = NEXT_STEP[commission.status]
        if who == "whose move it is":
            who = TRIES[move][0]
        self._make(move, commission, self._actor(commission, who, n), weeks, deposit)

    @rule(
        move=st.sampled_from(list(TRIES)),
        pk=commissions,
        aim=st.booleans(),
        who=st.sampled_from(("the usual person",) * 3 + ACTORS),
        n=picks,
        weeks=weeks,
        deposit=deposits,
    )
    def someone_tries_a_move(self, move, pk, aim, who, n, weeks, deposit):
        # Aiming: on a commission where the move makes sense; else on any at all.
        commission = self._commission(pk, aim, n, TRIES[move][1])
        if who == "the usual person":
            who = TRIES[move][0]
        self._make(move, commission, self._actor(commission, who, n), weeks, deposit)

    @precondition(someone_waits)
    @rule(
        move=st.sampled_from(["mark the piece finished", "cancel"]),
        n=picks,
        who=st.sampled_from(("the usual person",) * 3 + ACTORS),
    )
    def a_slot_frees_while_someone_waits(self, move, n, who):
        # The moment the waitlist exists for: a slot frees and the first in line starts.
        bench = list(
            Commission.objects.filter(slot=Slot.BENCH).order_by("id").values_list("pk", flat=True)
        )
        commission = self._commission(bench[n % len(bench)])
        if who == "the usual person":
            who = TRIES[move][0]
        self._make(move, commission, self._actor(commission, who, n))

    # Rarely, and not so far that the bench never fills.
    @precondition(lambda self: self.maker.capacity < 3 and self.someone_waits())
    @rule(more=st.integers(min_value=1, max_value=2))
    def the_maker_makes_room_and_the_beat_fills_it(self, more):
        # Raised on the studio's profile page; the beat moves the queue up.
        Maker.objects.filter(pk=self.maker.pk).update(capacity=F("capacity") + more)
        self.maker.refresh_from_db()
        bench.benches_fill()

    @rule(beat=st.sampled_from(["requests", "quotes"]), pk=commissions, late=lateness)
    def the_beat_expires_what_is_overdue(self, beat, pk, late):
        # Late: just past this commission's answer-by or quote date (earlier ones go too).
        if beat == "requests":
            answer_by = self._commission(pk).answer_by
            now = answer_by + timedelta(seconds=1) if late and answer_by else timezone.now()
            services.requests_expire(now=now)
        else:
            quote = Quote.objects.filter(commission_id=pk, status=Quote.Status.OPEN).first()
            today = timezone.localdate()
            services.quotes_expire(
                today=quote.valid_until + timedelta(days=1) if late and quote else today
            )

    @rule(
        pk=commissions,
        who=st.sampled_from((*ACTORS, "the shop")),
        n=picks,
        name=st.sampled_from(list(workflow.MOVES)),
    )
    def someone_tries_a_move_the_table_does_not_allow(self, pk, who, n, name):
        commission = self._commission(pk)
        by = self._actor(commission, who, n)
        if any(workflow.can(commission, name, r) for r in workflow.roles_of(by, commission)):
            return  # allowed moves are made through the services, with their effects
        before = self._snapshot()
        with pytest.raises(NotAllowed) as refused, transaction.atomic():
            locked = (
                Commission.objects.select_for_update(of=("self",))
                .select_related("maker", "buyer")
                .get(pk=pk)
            )
            workflow.advance(locked, name, by=by)
        assert str(refused.value).strip()
        assert self._snapshot() == before

    # --- What must always hold ---------------------------------------------------------------

    @invariant()
    def every_status_is_known_and_the_log_tells_how_it_got_there(self):
        logs = defaultdict(list)
        for row in StatusChange.objects.order_by("id").values_list(
            "commission_id", "from_status", "to_status", "role", "by_id"
        ):
            logs[row[0]].append(row[1:])
        for pk, status in Commission.objects.values_list("pk", "status"):
            assert status in Status.values
            log = logs[pk]
            assert log, f"commission {pk} has no log"
            assert log[0][0] == "" and log[0][1] in (S.REQUESTED, S.INQUIRY) and log[0][2] == BUYER
            for (_, before, _, _), (frm, to, role, by_id) in itertools.pairwise(log):
                assert frm == before, f"commission {pk}: the log jumps from {before} to {frm}"
                assert any(role in m.roles for m in workflow.moves_between(frm, to)), (
                    f"{frm} → {to} by the {role}: no such move"
                )
                assert (by_id is None) == (role == SYSTEM)
            assert log[-1][1] == status, f"commission {pk} is {status}, its log says {log[-1][1]}"

    @invariant()
    def one_accepted_quote_at_most_and_an_open_one_only_while_quoted(self):
        quotes = defaultdict(list)
        for pk, status in Quote.objects.values_list("commission_id", "status"):
            quotes[pk].append(status)
        for pk, status in Commission.objects.values_list("pk", "status"):
            accepted = quotes[pk].count(Quote.Status.ACCEPTED)
            still_open = quotes[pk].count(Quote.Status.OPEN)
            assert accepted <= 1 and still_open <= 1
            assert still_open == (status == S.QUOTED), (
                f"commission {pk} is {status} with {still_open} open quote(s)"
            )
            if status in workflow.ACCEPTED | {S.SHIPPED, S.DELIVERED, S.COMPLETED}:
                assert accepted == 1, f"commission {pk} is {status} with no accepted quote"

    @invariant()
    def the_bench_holds_no_more_than_its_slots_and_no_slot_is_free_while_a_paid_one_waits(self):
        maker = Maker.objects.get(pk=self.maker.pk)
        everything = list(maker.commissions.order_by("queued_at", "id"))
        bench = [c for c in everything if c.status in workflow.HOLDS_A_SLOT]
        queue = [c for c in everything if c.status in workflow.WAITLISTED]
        assert len(bench) <= maker.capacity, "more at the bench than the maker has slots"
        assert maker.slots_taken == len(bench)
        if len(bench) < maker.capacity:
            assert not queue, "a slot is free but a paid commission still waits"
        for c in everything:
            if c.status in workflow.HOLDS_A_SLOT:
                assert c.slot == Slot.BENCH, f"{c} ({c.status}) is being made without a slot"
            elif c.status in workflow.WAITLISTED:
                assert c.slot == Slot.WAITLIST, f"{c} ({c.status}) lost its place in the queue"
            else:
                assert c.slot == Slot.NONE, f"{c} ({c.status}) still holds a {c.slot} place"
        today = timezone.localdate()
        for c in queue:
            assert c.queued_at is not None and c.expected_start is not None
            assert c.expected_start >= today
        starts = [c.expected_start for c in queue]
        assert starts == sorted(starts), "the queue is served in the order it paid"


# Hypothesis shrinks a failure for up to five minutes; let it finish and report.
@pytest.mark.timeout(600)
def test_random_moves_by_random_people_never_break_a_commission_or_the_bench(db):
    maker = MakerFactory()
    cast = SimpleNamespace(
        buyers=[UserFactory() for _ in range(4)],
        maker=maker,
        other_maker=MakerFactory(),
        owner=UserFactory(is_staff=True, is_superuser=True),
        piece=PieceFactory(maker=maker),
    )
    run_state_machine_as_test(
        lambda: StudioMachine(cast),
        settings=settings(
            max_examples=40,
            stateful_step_count=80,
            deadline=None,
            database=None,  # no .hypothesis/ folder in the repository
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )


# --- The table, move by move ------------------------------------------------------------------


def test_every_move_outside_the_table_is_refused_with_a_reason_and_leaves_no_log(
    buyer, other_buyer, maker, owner, request_for
):
    commission = request_for(buyer)
    people = {BUYER: buyer, MAKER: maker.user, OWNER: owner, SYSTEM: None, "outsider": other_buyer}
    logged = StatusChange.objects.count()
    let_through = []
    for frm in Status:
        for name, move in workflow.MOVES.items():
            for role, by in people.items():
                if frm in move.frm and role in move.roles:
                    continue
                Commission.objects.filter(pk=commission.pk).update(status=frm)
                try:
                    with transaction.atomic():
                        locked = (
                            Commission.objects.select_for_update(of=("self",))
                            .select_related("maker")
                            .get(pk=commission.pk)
                        )
                        workflow.advance(locked, name, by=by)
                except NotAllowed as refusal:
                    if not str(refusal).strip():
                        let_through.append((frm, name, role, "an empty message"))
                else:
                    let_through.append((frm, name, role, "allowed"))
                if Commission.objects.get(pk=commission.pk).status != frm:
                    let_through.append((frm, name, role, "the status changed"))
    assert let_through == []
    assert StatusChange.objects.count() == logged


def test_nobody_but_the_buyer_accepts_a_quote_and_a_person_cannot_act_as_the_shop_itself(
    buyer, other_buyer, maker, other_maker, owner, quoted
):
    for by in (other_buyer, other_maker.user, maker.user, None):
        with pytest.raises(NotAllowed, match=r"\w"), transaction.atomic():
            workflow.advance(
                Commission.objects.select_for_update().get(pk=quoted.pk), "accept_quote", by=by
            )
    for by in (buyer, maker.user, owner):
        with pytest.raises(NotAllowed, match="by itself"), transaction.atomic():
            workflow.advance(
                Commission.objects.select_for_update().get(pk=quoted.pk), "expire_quote", by=by
            )
    quoted.refresh_from_db()
    assert quoted.status == Status.QUOTED and quoted.log.count() == 2


def test_a_quote_accepted_twice_is_refused_the_second_time(quoted, buyer):
    services.quote_accept(commission=quoted, by=buyer)
    with pytest.raises(NotAllowed, match="There is no open quote to accept"):
        services.quote_accept(commission=quoted, by=buyer)
    quoted.refresh_from_db()
    assert quoted.status == Status.AWAITING_DEPOSIT
    assert list(quoted.quotes.values_list("status", flat=True)) == [Quote.Status.ACCEPTED]
    assert quoted.log.filter(to_status=Status.AWAITING_DEPOSIT).count() == 1


def test_a_buyer_pressing_accept_twice_reads_why_on_the_page_instead_of_an_error(
    client, quoted, buyer
):
    client.force_login(buyer)
    url = reverse("commissions:move", args=[quoted.reference, "accept_quote"])
    first = client.post(url, follow=True)
    assert first.status_code == 200 and "You accepted the quote" in first.content.decode()
    second = client.post(url, follow=True)
    assert second.status_code == 200
    assert "There is no open quote to accept" in second.content.decode()
    quoted.refresh_from_db()
    assert (quoted.status, quoted.slot) == (Status.AWAITING_DEPOSIT, Slot.NONE)


# --- Refusals a person can meet by pressing a button on a page that is out of date -------------


def test_closing_the_question_on_a_stale_page_after_the_maker_quoted_leaves_no_quote_hanging(
    client, buyer, maker
):
    """The buyer asked a question and kept the page open; meanwhile the maker turned it into
    a request and quoted. "Close the question" on the old page must not close the commission
    behind the quote's back (open quote on a closed commission, the maker never told)."""
    commission = services.inquiry_start(buyer=buyer, maker=maker, body="Rose gold?")
    services.inquiry_convert(commission=commission, by=maker.user)
    services.quote_send(
        commission=commission,
        by=maker.user,
        price_cents=40000,
        deposit_cents=12000,
        estimated_weeks=4,
        milestones=[],
        revision_rounds=1,
        valid_until=timezone.localdate() + timedelta(days=14),
    )

    client.force_login(buyer)
    response = client.post(
        reverse("commissions:move", args=[commission.reference, "close_question"]), follow=True
    )
    assert response.status_code == 200
    commission.refresh_from_db()
    quote = commission.quotes.get()
    assert not (commission.status == Status.CLOSED and quote.status == Quote.Status.OPEN), (
        "the commission closed as a question while its quote stays open"
    )
    assert commission.status == Status.QUOTED and quote.status == Quote.Status.OPEN


def test_a_buyer_withdrawing_twice_is_not_told_about_refunds_they_never_paid(client, quoted, buyer):
    client.force_login(buyer)
    url = reverse("commissions:move", args=[quoted.reference, "withdraw"])
    client.post(url, {"withdraw-reason": ""})
    second = client.post(url, {"withdraw-reason": ""}, follow=True)
    assert second.status_code == 200
    quoted.refresh_from_db()
    assert quoted.status == Status.WITHDRAWN
    with pytest.raises(NotAllowed) as refused:
        services.commission_withdraw(commission=quoted, by=buyer)
    # Nothing was ever paid: the reason should be that it is already withdrawn.
    assert "refund" not in str(refused.value) and "deposit" not in str(refused.value)
    assert "withdr" in str(refused.value).lower()
