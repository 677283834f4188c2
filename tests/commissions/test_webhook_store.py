"""The webhook stores an event in one statement (INSERT … ON CONFLICT DO NOTHING): a new
event's row comes first, before its task is enqueued; a duplicate costs that one
statement and nothing else."""

import json
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commissions.payments.models import StripeEvent
from tests.commissions.conftest import STRIPE_WEBHOOK_SECRET
from tests.stripe_standin import sign


def deliver(client, event: dict):
    payload = json.dumps(event).encode()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("payments:webhook"),
            payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=sign(payload, STRIPE_WEBHOOK_SECRET),
        )
    return response, [q["sql"] for q in queries]


def test_a_new_event_is_stored_in_one_statement_and_a_duplicate_costs_only_that(client, stripe, db):
    event = {
        "id": "evt_one_statement",
        "object": "event",
        "type": "charge.refunded",
        "livemode": False,
        "created": int(time.time()),
        "data": {"object": {"id": "ch_nothing_we_know", "object": "charge", "refunds": {}}},
    }
    response, statements = deliver(client, event)
    assert response.status_code == 200 and response.json()["duplicate"] is False
    assert statements[0].startswith('INSERT INTO "commissions_stripeevent"')
    assert "ON CONFLICT" in statements[0]
    stored = StripeEvent.objects.get(pk="evt_one_statement")
    assert stored.type == "charge.refunded" and stored.payload["data"]["object"]["id"]

    response, statements = deliver(client, event)
    assert response.status_code == 200 and response.json()["duplicate"] is True
    assert len(statements) == 1
    assert StripeEvent.objects.filter(pk="evt_one_statement").count() == 1
