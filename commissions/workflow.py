"""The commission state machine: the only code that changes a commission's status.

One table says which moves exist and who may make each. `advance` checks the move and
the person, changes the status and writes the log row, all inside the caller's
transaction (callers lock the commission row first, so two people acting at once are
serialised and the second sees the first's result).
"""

from django.db import transaction
from django.utils import timezone

from commissions.models import Commission, Status, StatusChange

BUYER, MAKER, OWNER, SYSTEM = "buyer", "maker", "owner", "system"

S = Status
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

TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    # A question becomes a request when the maker takes it up.
    (S.INQUIRY, S.REQUESTED): frozenset({MAKER}),
    (S.INQUIRY, S.CLOSED): frozenset({BUYER, MAKER}),
    # The maker answers a request with a quote or a no; unanswered, it expires.
    (S.REQUESTED, S.QUOTED): frozenset({MAKER}),
    (S.REQUESTED, S.DECLINED): frozenset({MAKER}),
    (S.REQUESTED, S.EXPIRED): frozenset({SYSTEM}),
    (S.REQUESTED, S.WITHDRAWN): frozenset({BUYER}),
    # A new quote replaces the open one; the buyer accepts or declines; quotes expire.
    (S.QUOTED, S.QUOTED): frozenset({MAKER}),
    (S.QUOTED, S.AWAITING_DEPOSIT): frozenset({BUYER}),
    (S.QUOTED, S.CLOSED): frozenset({BUYER, SYSTEM}),
    (S.QUOTED, S.DECLINED): frozenset({MAKER}),
    (S.QUOTED, S.WITHDRAWN): frozenset({BUYER}),
    # Nothing paid yet: the buyer may still withdraw.
    (S.AWAITING_DEPOSIT, S.WITHDRAWN): frozenset({BUYER}),
    # The deposit arrives (confirmed by Stripe): work starts, or waits for a slot.
    (S.AWAITING_DEPOSIT, S.IN_PROGRESS): frozenset({SYSTEM}),
    (S.AWAITING_DEPOSIT, S.SCHEDULED): frozenset({SYSTEM}),
    (S.SCHEDULED, S.IN_PROGRESS): frozenset({SYSTEM, MAKER}),
    # The maker finishes; the balance arrives; the piece travels.
    (S.IN_PROGRESS, S.AWAITING_BALANCE): frozenset({MAKER}),
    (S.AWAITING_BALANCE, S.READY_TO_SHIP): frozenset({SYSTEM}),
    (S.READY_TO_SHIP, S.SHIPPED): frozenset({MAKER}),
    (S.SHIPPED, S.DELIVERED): frozenset({BUYER, MAKER, SYSTEM}),
    (S.DELIVERED, S.COMPLETED): frozenset({BUYER, SYSTEM}),
    **{(status, S.CANCELLED): frozenset({OWNER}) for status in _CANCELLABLE},
}

# Statuses from which nothing moves on.
FINAL = frozenset({S.COMPLETED, S.DECLINED, S.EXPIRED, S.CLOSED, S.WITHDRAWN, S.CANCELLED})
# Accepted and not yet shipped: these hold a slot at the bench or a place in its queue.
ON_THE_BENCH = frozenset(
    {S.AWAITING_DEPOSIT, S.SCHEDULED, S.IN_PROGRESS, S.AWAITING_BALANCE, S.READY_TO_SHIP}
)
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
}


class NotAllowed(Exception):
    """A move the state machine refuses; the message is for the person who tried."""


def role_of(user, commission: Commission) -> str | None:
    """The part this person plays in this commission (buyer before maker before owner)."""
    if user is None:
        return SYSTEM
    if user.pk == commission.buyer_id:
        return BUYER
    if commission.maker.user_id == user.pk:
        return MAKER
    if user.is_staff:
        return OWNER
    return None


def can(commission: Commission, to: str, role: str) -> bool:
    return role in TRANSITIONS.get((commission.status, to), frozenset())


def allowed_moves(commission: Commission, role: str) -> list[str]:
    return [
        to for (frm, to), roles in TRANSITIONS.items() if frm == commission.status and role in roles
    ]


def advance(commission: Commission, to: str, *, by, role: str, note: str = "") -> StatusChange:
    """Move the commission to `to` as `by` acting in `role`, and log it.

    Raises NotAllowed if the move does not exist from the current status or `by` may not
    make it. Must run inside a transaction that has locked the commission row.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("advance() must run inside the transaction that locked the commission.")
    if role == SYSTEM:
        if by is not None:
            raise NotAllowed("Only the shop itself acts as the system.")
    elif by is None:
        raise NotAllowed("Someone must be named for this move.")
    elif role_of(by, commission) != role and not (role == OWNER and by.is_staff):
        if role_of(by, commission) in (BUYER, MAKER):
            raise NotAllowed(f"Only the {'shop' if role == OWNER else role} can do that.")
        raise NotAllowed("You are not part of this commission.")
    frm = commission.status
    if not can(commission, to, role):
        raise NotAllowed(_refusal(frm, to, role))
    commission.status = to
    commission.status_changed_at = timezone.now()
    commission.save(update_fields=["status", "status_changed_at", "updated_at"])
    return StatusChange.objects.create(
        commission=commission, from_status=frm, to_status=to, by=by, role=role, note=note
    )


def _refusal(frm: str, to: str, role: str) -> str:
    current = Status(frm).label.lower()
    if frm in FINAL:
        return f"This commission is {current}: nothing more can change."
    if (frm, to) in TRANSITIONS:
        people = sorted(
            {BUYER: "buyer", MAKER: "maker", OWNER: "shop"}[r]
            for r in TRANSITIONS[(frm, to)]
            if r != SYSTEM
        )
        if not people:
            return "That happens by itself; nobody can do it by hand."
        return f"Only the {' or the '.join(people)} can do that now."
    wanted = _WORDS.get(to, Status(to).label.lower())
    return f"A commission that is {current} cannot be {wanted}."


def log_opening(commission: Commission, *, by, role: str, note: str = "") -> StatusChange:
    """The first log row, for a commission created straight into its first status."""
    return StatusChange.objects.create(
        commission=commission,
        from_status="",
        to_status=commission.status,
        by=by,
        role=role,
        note=note,
    )
