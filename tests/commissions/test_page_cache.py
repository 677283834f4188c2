"""A maker's bench fills and frees through commissions; the pages a visitor sees from the
cache say so at once (the bench writes with an update, which sends no signal)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from commissions.payments import services as payments
from tests.commissions.test_capacity_race import accepted, pay_deposit
from tests.factories import MakerFactory, PieceFactory, PiecePhotoFactory, UserFactory


def served(client, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_deposit_that_fills_the_bench_and_a_finished_piece_that_frees_it_show_at_once(client, db):
    maker = MakerFactory(capacity=1, slug="one-slot")
    piece = PieceFactory(maker=maker, title="Bench ring")
    PiecePhotoFactory(piece=piece)
    commission = accepted(UserFactory(), maker, 4)
    urls = [maker.get_absolute_url(), piece.get_absolute_url(), "/pieces/"]
    for url in urls:
        served(client, url)
        assert served(client, url)[1] == 0, f"{url} was not cached"
    assert "Open for commissions" in served(client, maker.get_absolute_url())[0]

    pay_deposit(commission)  # takes the only slot
    assert "Waitlist" in served(client, maker.get_absolute_url())[0]
    assert "waitlist" in served(client, piece.get_absolute_url())[0]
    assert "Bench ring" not in served(client, "/pieces/?open=on")[0]

    commission.refresh_from_db()
    payments.commission_mark_finished(commission=commission, by=maker.user)
    assert "Open for commissions" in served(client, maker.get_absolute_url())[0]
    assert "Bench ring" in served(client, "/pieces/?open=on")[0]
