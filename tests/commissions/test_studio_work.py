"""The studio dashboard tells the maker what work is waiting, not how many pieces they list."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from commissions import services
from commissions.models import Commission
from tests.commissions.test_capacity_race import accepted, pay_deposit
from tests.factories import UserFactory


def test_the_dashboard_counts_requests_to_answer_what_expires_and_the_bench(
    client, maker, buyer, other_buyer, request_for
):
    for who in (buyer, other_buyer, buyer):
        request_for(who)
    Commission.objects.filter(pk=Commission.objects.first().pk).update(
        answer_by=timezone.now() + timedelta(hours=20)
    )
    for _ in range(2):
        pay_deposit(accepted(UserFactory(), maker, 3))
    services.inquiry_start(buyer=other_buyer, maker=maker, body="Do you engrave?")

    client.force_login(maker.user)
    html = " ".join(client.get(reverse("studio:dashboard")).content.decode().split())
    assert '<span class="tile__n">3</span> requests to answer' in html
    assert '<span class="tile__n">1</span> expiring by tomorrow' in html
    assert '<span class="tile__n">2</span> at the bench' in html
    assert '<span class="tile__n">1</span> question<' in html
