"""People and pieces for the commission stories."""

import pytest
from django.utils import timezone

from commissions import services
from makers.models import PersonalisationOption
from makers.services import piece_refresh
from tests.factories import ChoiceFactory, OptionFactory, PieceFactory, PiecePhotoFactory
from tests.stripe_standin import StripeStandIn

# The webhook signing secret the tests' Stripe uses.
STRIPE_WEBHOOK_SECRET = "whsec_standin_secret"


@pytest.fixture
def ring(maker):
    """Mara's €180 ring with a required metal (silver, or gold +€320) and an engraving."""
    piece = PieceFactory(
        maker=maker, title="Stacking ring", slug="stacking-ring", base_price_cents=18000
    )
    metal = OptionFactory(piece=piece, label="Metal", required=True)
    piece.silver = ChoiceFactory(option=metal, label="Silver")
    piece.gold = ChoiceFactory(option=metal, label="9ct gold", price_delta_cents=32000)
    piece.metal = metal
    piece.engraving = OptionFactory(
        piece=piece, label="Engraving", max_length=12, kind=PersonalisationOption.Kind.TEXT
    )
    PiecePhotoFactory(piece=piece)
    return piece_refresh(piece=piece)


@pytest.fixture
def request_for(ring):
    """A way to make a fresh request from a buyer to Mara."""

    def make(buyer, **extra):
        return services.commission_request_piece(
            buyer=buyer,
            piece=ring,
            personalisation=[{"option": "Metal", "value": "Silver", "price_delta_cents": 0}],
            total_cents=18000,
            brief=extra.pop("brief", "For our anniversary."),
            **extra,
        )

    return make


@pytest.fixture
def quoted(request_for, buyer, maker):
    """A request Mara has quoted €400 for, €120 deposit, 4 weeks."""
    commission = request_for(buyer)
    services.quote_send(
        commission=commission,
        by=maker.user,
        price_cents=40000,
        deposit_cents=12000,
        estimated_weeks=4,
        milestones=["Sketch", "Wax", "Cast"],
        revision_rounds=2,
        valid_until=timezone.localdate() + timezone.timedelta(days=14),
    )
    commission.refresh_from_db()
    return commission


# --- Payments ---------------------------------------------------------------------------


@pytest.fixture
def stripe(settings):
    with StripeStandIn() as standin:
        settings.PAYMENTS = "stripe"
        settings.STRIPE_SECRET_KEY = "sk_test_standin"
        settings.STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET
        settings.STRIPE_API_BASE = standin.url
        yield standin


@pytest.fixture
def accepted(quoted, buyer):
    """Quoted €400 with a €120 deposit, accepted: awaiting the deposit, with a slot."""
    services.quote_accept(commission=quoted, by=buyer)
    quoted.refresh_from_db()
    return quoted


@pytest.fixture
def now_on_commit(django_capture_on_commit_callbacks):
    """Run what would run after commit (the eager tasks), as in production."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def at_work(accepted, buyer, settings):
    """The deposit paid on the local test page: at Mara's bench, in progress."""
    from commissions.payments import local
    from commissions.payments import services as payments

    settings.PAYMENTS = "test"
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    payment = payments.payment_start(commission=accepted, by=buyer, kind="deposit")
    local.test_checkout_pay(payment.test_session)
    payments.payment_sync(payment=payment)
    accepted.refresh_from_db()
    assert accepted.status == "in_progress", accepted.status
    return accepted
