"""Row locks, always taken in the same order (the maker, then the commission) so two people
acting at once never deadlock."""

from commissions.models import Commission
from makers.models import Maker


def commission_locked(commission: Commission, *, with_maker: bool = False) -> Commission:
    """The commission re-read under a row lock (its maker's row first, when asked).

    `of=("self",)`: on PostgreSQL a FOR UPDATE over a join would also lock the maker's and
    the buyer's rows, after the commission's — the opposite order to everyone else, and a
    deadlock with a buyer accepting a quote at the same moment.
    """
    if with_maker:
        Maker.objects.select_for_update().get(pk=commission.maker_id)
    return (
        Commission.objects.select_for_update(of=("self",))
        .select_related("maker", "buyer")
        .get(pk=commission.pk)
    )
