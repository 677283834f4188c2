"""The commission's activity cursor: every new timeline entry of any kind (a message, a
quote, a payment, a status change, a milestone, an update, a proof's decision, a date
change, a change order) moves `Commission.activity_at` on, in the transaction that made
the entry. The open page's poll compares it with the stamp it has and answers "nothing
new" from one small query.

The stamp is the database's clock, never earlier than the one before plus a microsecond:
two writers on one commission are serialised by the row's lock, so the second always
writes a later stamp than the first, even if its clock was read first. A poll that has
seen a stamp has therefore seen every entry committed with an earlier one.
"""

from datetime import datetime, timedelta

from django.db.models import F, Value
from django.db.models.functions import Coalesce, Greatest, Now

from commissions.models import Commission

TICK = timedelta(microseconds=1)


def activity_touch(commission_id: int) -> None:
    """Something new happened on this commission (call inside the change's transaction)."""
    Commission.objects.filter(pk=commission_id).update(
        activity_at=Greatest(Now(), Coalesce(F("activity_at"), Now()) + Value(TICK))
    )


def stamp_of(at: datetime | None) -> str:
    """The cursor as the page carries it: microseconds since the epoch."""
    if at is None:
        return "0"
    return str(micros(at))


def micros(at: datetime) -> int:
    """Exact microseconds, without the float rounding of timestamp()."""
    whole = int(at.replace(microsecond=0).timestamp())
    return whole * 1_000_000 + at.microsecond


def parse_stamp(text: str | None) -> int:
    try:
        return max(int(text or "0"), 0)
    except ValueError:
        return 0
