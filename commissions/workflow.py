"""The commission state machine: the only code that changes a commission's status.

One table of named moves says what can happen next: each move's from-statuses, its
to-status, who may make it and the words on its button. `advance(commission, "name",
by=…)` checks the move and the person, changes the status and writes the log row, all
inside the caller's transaction (callers lock the commission row first, so two people
acting at once are serialised and the second sees the first's result). Pages draw their
buttons from `allowed_moves(commission, role)`; tests/commissions/test_workflow_graph.py
checks the graph (every move made by some code, every status reachable and left).

Quote statuses follow the same pattern with their own, smaller table below.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from commissions.activity import activity_next, activity_touch
from commissions.models import Commission, Quote, Status, StatusChange

BUYER, MAKER, OWNER, SYSTEM = "buyer", "maker", "owner", "system"
PEOPLE = {BUYER: "buyer", MAKER: "maker", OWNER: "shop"}

S = Status


@dataclass(frozen=True)
class Move:
    """One way a commission moves on."""

    name: str
    frm: frozenset[str]
    to: str
    roles: frozenset[str]
    # The words on its button; empty for a move that only happens by itself.
    button: str = ""
    # What the person who pressed it reads afterwards.
    done: str = ""
    # "optional" or "required": the button comes with a box for the reason.
    reason: str = ""
    # The label of that box.
    ask: str = "Anything to add?"
    # A move that needs a page of its own (a URL name taking the reference): a link, not
    # a button.
    page: str = ""
    # Drawn as a quieter button (a way out rather than the way on).
    quiet: bool = False

    @property
    def by_hand(self) -> bool:
        return bool(self.roles - {SYSTEM})

    def label(self, **words) -> str:
        """The button's words, with what the page knows filled in ("Accept the quote of
        €480.00"); without it, the words up to the blank ("Accept the quote")."""
        try:
            return self.button.format(**words)
        except KeyError:
            return self.button.split(" of {", 1)[0].split(" {", 1)[0]


# Before anything is shipped the owner may cancel (refunding what was paid).
_CANCELLABLE = [
    S.INQUIRY,
    S.REQUESTED,
    S.QUOTED,
    S.AWAITING_DEPOSIT,
    S.SCHEDULED,
    S.IN_PROGRESS,
    S.AWAITING_BALANCE,
    S.READY_TO_SHIP,
]


def _moves(*moves: Move) -> dict[str, Move]:
    return {m.name: m for m in moves}


def _m(name, frm, to, roles, **words) -> Move:
    return Move(name, frozenset(frm), to, frozenset(roles), **words)


# In the order a commission usually meets them: the order buttons are drawn in.
MOVES: dict[str, Move] = _moves(
    # A question becomes a request when the maker takes it up; either side may close it.
    _m(
        "convert",
        [S.INQUIRY],
        S.REQUESTED,
        {MAKER},
        button="Make it a request",
        done="It is a request now: send a quote when you are ready.",
    ),
    _m(
        "close_question",
        [S.INQUIRY],
        S.CLOSED,
        {BUYER, MAKER},
        button="Close the question",
        done="The question is closed.",
        quiet=True,
    ),
    # The maker answers a request with a quote (a new one replaces the open one) or a no.
    _m(
        "send_quote",
        [S.REQUESTED, S.QUOTED],
        S.QUOTED,
        {MAKER},
        button="Send a quote",
        done="Your quote is sent.",
        page="commissions:quote",
    ),
    _m(
        "decline_request",
        [S.REQUESTED, S.QUOTED],
        S.DECLINED,
        {MAKER},
        button="Decline the request",
        done="You declined the request; the buyer has your reason.",
        reason="required",
        ask="Why not? The buyer will read this.",
        quiet=True,
    ),
    _m("expire_request", [S.REQUESTED], S.EXPIRED, {SYSTEM}),
    # The buyer accepts or declines; quotes expire.
    _m(
        "accept_quote",
        [S.QUOTED],
        S.AWAITING_DEPOSIT,
        {BUYER},
        button="Accept the quote of {price}",
        done="You accepted the quote. Next: the deposit.",
    ),
    _m(
        "decline_quote",
        [S.QUOTED],
        S.CLOSED,
        {BUYER},
        button="Decline the quote",
        done="You declined the quote; the maker has been told.",
        reason="optional",
        ask="Anything to tell the maker?",
        quiet=True,
    ),
    _m("expire_quote", [S.QUOTED], S.CLOSED, {SYSTEM}),
    # Nothing paid yet: the buyer may still walk away.
    _m(
        "withdraw",
        [S.REQUESTED, S.QUOTED, S.AWAITING_DEPOSIT],
        S.WITHDRAWN,
        {BUYER},
        button="Withdraw the request",
        done="You withdrew the request. Nothing was charged.",
        reason="optional",
        ask="Anything to tell the maker?",
        quiet=True,
    ),
    # The deposit arrives (confirmed by Stripe): work starts, or waits for a free slot;
    # a slot frees and the first paid commission in the queue starts by itself.
    _m("start_work", [S.AWAITING_DEPOSIT], S.IN_PROGRESS, {SYSTEM}),
    _m("join_waitlist", [S.AWAITING_DEPOSIT], S.SCHEDULED, {SYSTEM}),
    _m("start_from_waitlist", [S.SCHEDULED], S.IN_PROGRESS, {SYSTEM}),
    # The maker finishes (freeing the slot); the balance arrives.
    _m(
        "mark_finished",
        [S.IN_PROGRESS],
        S.AWAITING_BALANCE,
        {MAKER},
        button="Mark the piece finished",
        done="Marked finished: the buyer is asked for the balance.",
        # With a photo of the finished piece, after the design is approved (proofs).
        page="commissions:finish",
    ),
    _m("balance_paid", [S.AWAITING_BALANCE], S.READY_TO_SHIP, {SYSTEM}),
    # The piece travels (the maker gives the carrier, the tracking number and a note to the
    # buyer on the shipping page) and arrives: the buyer says so, or the shop takes it as
    # arrived 14 days after shipping (commissions.shipping).
    _m(
        "ship",
        [S.READY_TO_SHIP],
        S.SHIPPED,
        {MAKER, OWNER},
        button="Ship it",
        done="Marked shipped: the buyer can follow it from here.",
        page="commissions:ship",
    ),
    _m(
        "confirm_delivery",
        [S.SHIPPED],
        S.DELIVERED,
        {BUYER, OWNER, SYSTEM},
        button="It has arrived",
        done="Thank you for telling us it arrived.",
    ),
    # Its story is told: the shop marks it complete from its office (a review, from the
    # buyer once it arrived, does not move it: commissions.reviews).
    _m(
        "complete",
        [S.DELIVERED],
        S.COMPLETED,
        {OWNER},
        button="Mark complete",
        done="Marked complete.",
    ),
    # The shop cancels anything not yet shipped; paid money goes back through Stripe.
    _m(
        "cancel",
        _CANCELLABLE,
        S.CANCELLED,
        {OWNER},
        button="Cancel and refund",
        done="Cancelled; what was paid is being refunded.",
        reason="optional",
        ask="Why? The buyer and the maker will read this.",
        quiet=True,
    ),
)

START = frozenset({S.INQUIRY, S.REQUESTED})
# Statuses from which nothing moves on.
FINAL = frozenset({S.COMPLETED, S.DECLINED, S.EXPIRED, S.CLOSED, S.WITHDRAWN, S.CANCELLED})
# Accepted and not yet shipped: the commission is the maker's to make.
ACCEPTED = frozenset(
    {S.AWAITING_DEPOSIT, S.SCHEDULED, S.IN_PROGRESS, S.AWAITING_BALANCE, S.READY_TO_SHIP}
)
# The bench is the maker's work in hand: a slot from the deposit until marked finished.
HOLDS_A_SLOT = frozenset({S.IN_PROGRESS})
# Paid and waiting for a slot, in queue order.
WAITLISTED = frozenset({S.SCHEDULED})
# Nothing has been paid: the buyer may walk away.
UNPAID = frozenset({S.INQUIRY, S.REQUESTED, S.QUOTED, S.AWAITING_DEPOSIT})

_WORDS = {
    S.REQUESTED: "turned into a request",
    S.QUOTED: "quoted",
    S.DECLINED: "declined",
    S.EXPIRED: "expired",
    S.WITHDRAWN: "withdrawn",
    S.CLOSED: "closed",
    S.AWAITING_DEPOSIT: "accepted",
    S.CANCELLED: "cancelled",
    S.SHIPPED: "shipped",
    S.IN_PROGRESS: "started",
    S.AWAITING_BALANCE: "marked finished",
    S.READY_TO_SHIP: "paid in full",
    S.DELIVERED: "delivered",
}


class NotAllowed(Exception):
    """A move the state machine refuses; the message is for the person who tried."""


def role_of(user, commission: Commission) -> str | None:
    """The part this person plays in this commission (buyer before maker before owner)."""
    roles = roles_of(user, commission)
    return next((r for r in (SYSTEM, BUYER, MAKER, OWNER) if r in roles), None)


def roles_of(user, commission: Commission) -> set[str]:
    """Every part this person may play here (the shop's staff are also the owner)."""
    if user is None:
        return {SYSTEM}
    roles = set()
    if user.pk == commission.buyer_id:
        roles.add(BUYER)
    if commission.maker.user_id == user.pk:
        roles.add(MAKER)
    if user.is_staff:
        roles.add(OWNER)
    return roles


def moves_from(status: str) -> list[Move]:
    return [m for m in MOVES.values() if status in m.frm]


def moves_between(frm: str, to: str) -> list[Move]:
    return [m for m in moves_from(frm) if m.to == to]


def allowed_moves(commission: Commission, role: str | None) -> list[Move]:
    """What this role may do by hand to the commission now, in the table's order."""
    return [m for m in moves_from(commission.status) if role in m.roles and m.button]


def can(commission: Commission, name: str, role: str | None) -> bool:
    move = MOVES[name]
    return commission.status in move.frm and role in move.roles


def advance(commission: Commission, name: str, *, by, note: str = "") -> StatusChange:
    """Make the named move as `by` (None: the shop itself), and log it.

    Raises NotAllowed if the move does not start from the current status or `by` may not
    make it. Must run inside a transaction that has locked the commission row.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("advance() must run inside the transaction that locked the commission.")
    move = MOVES[name]  # a name not in the table is a bug, not a refusal
    frm = commission.status
    mine = roles_of(by, commission)
    if not mine:
        raise NotAllowed("You are not part of this commission.")
    if frm not in move.frm:
        raise NotAllowed(_refusal(frm, move))
    acting = [r for r in (BUYER, MAKER, OWNER, SYSTEM) if r in mine & move.roles]
    if not acting:
        people = sorted(PEOPLE[r] for r in move.roles if r != SYSTEM)
        if by is None:
            raise NotAllowed(f"Only the {' or the '.join(people)} can do that.")
        if not people:
            raise NotAllowed("That happens by itself; nobody can do it by hand.")
        raise NotAllowed(f"Only the {' or the '.join(people)} can do that now.")
    commission.status = move.to
    commission.status_changed_at = timezone.now()
    commission.activity_at = activity_next(commission)
    commission.save(update_fields=["status", "status_changed_at", "activity_at", "updated_at"])
    return StatusChange.objects.create(
        commission=commission,
        from_status=frm,
        to_status=move.to,
        by=by,
        role=acting[0],
        note=note,
    )


def _refusal(frm: str, move: Move) -> str:
    current = Status(frm).label.lower()
    if frm in FINAL:
        return f"This commission is {current}: nothing more can change."
    wanted = _WORDS.get(move.to, Status(move.to).label.lower())
    return f"A commission that is {current} cannot be {wanted}."


def log_opening(commission: Commission, *, by, role: str, note: str = "") -> StatusChange:
    """The first log row, for a commission created straight into its first status."""
    activity_touch(commission.pk)
    return StatusChange.objects.create(
        commission=commission,
        from_status="",
        to_status=commission.status,
        by=by,
        role=role,
        note=note,
    )


# --- Quotes -----------------------------------------------------------------------------------

Q = Quote.Status
# A quote is answered once: from open to one of these, and never back.
QUOTE_CHANGES: dict[str, frozenset[str]] = {
    Q.OPEN: frozenset({Q.ACCEPTED, Q.DECLINED, Q.SUPERSEDED, Q.EXPIRED, Q.WITHDRAWN}),
}
QUOTE_FINAL = frozenset(set(Q.values) - set(QUOTE_CHANGES))


def quote_set_status(quote: Quote, to: str) -> Quote:
    """Answer one quote (the caller holds its commission's row lock)."""
    if to not in QUOTE_CHANGES.get(quote.status, ()):
        raise NotAllowed(
            f"This quote is {Q(quote.status).label.lower()}: it cannot be {Q(to).label.lower()}."
        )
    quote.status = to
    fields = ["status"]
    if to in (Q.ACCEPTED, Q.DECLINED):
        quote.answered_at = timezone.now()
        fields.append("answered_at")
    quote.save(update_fields=fields)
    return quote


def quotes_close_open(commission: Commission, to: str) -> int:
    """The commission's open quote, if any, is replaced, withdrawn or expired."""
    allowed = [frm for frm, tos in QUOTE_CHANGES.items() if to in tos]
    if not allowed:
        raise ValueError(f"No quote ever becomes {to}.")
    return commission.quotes.filter(status__in=allowed).update(status=to)
