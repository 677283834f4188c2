"""One timeline per commission, read in a fixed number of queries however long it grows,
and the live poll that costs next to nothing when there is nothing new."""

import re
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from commissions import messaging, page_store
from commissions.journal import services as journal
from commissions.journal.models import DateChange, Update, UpdatePhoto
from commissions.models import Message, MessageAttachment, ThreadMark
from shop.images.pipeline import check_upload, render_renditions
from tests.factories import jpeg_bytes


def _page_queries(client, commission) -> tuple[int, str]:
    """The queries of the page rendered afresh (the first look after a change); the same
    page again comes from the cache in the queries of who asks and what they may see."""
    page_store.changed(commission.pk)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(commission.get_absolute_url())
    assert response.status_code == 200
    with CaptureQueriesContext(connection) as again:
        stored = client.get(commission.get_absolute_url())
    # The session, the person, the commission and the unread count.
    assert len(again) <= 4, [q["sql"] for q in again]
    assert _tokenless(stored.content) == _tokenless(response.content)
    return len(queries), response.content.decode()


def _tokenless(html: bytes) -> str:
    """The page without what differs from one answer to the next: the CSRF token, and
    "now" turning into "a second ago"."""
    html = re.sub(r"[A-Za-z0-9]{64}", "TOKEN", html.decode())
    return re.sub(r'(<time datetime="[^"]+">)[^<]*(</time>)', r"\1\2", html)


def _photo() -> ContentFile:
    return check_upload(ContentFile(jpeg_bytes(size=(64, 48)), name="p.jpg"))


def _grow(commission, maker, buyer, count: int) -> None:
    """`count` more entries of every kind that needs no status change: messages (some with
    photos), updates and proofs with photos, date changes, milestones ticked off."""
    today = timezone.localdate()
    for n in range(count):
        kind = n % 4
        if kind == 0:
            message = Message.objects.create(commission=commission, author=buyer, body=f"m{n}")
            if n % 8 == 0:
                render_renditions(MessageAttachment.objects.create(message=message, image=_photo()))
        elif kind == 1:
            update = Update.objects.create(commission=commission, author=maker.user, body=f"u{n}")
            render_renditions(UpdatePhoto.objects.create(update=update, image=_photo()))
        elif kind == 2:
            proof = Update.objects.create(
                commission=commission,
                author=maker.user,
                kind="proof",
                version=n,
                decision="pending",
                body=f"p{n}",
            )
            render_renditions(UpdatePhoto.objects.create(update=proof, image=_photo()))
        else:
            DateChange.objects.create(
                commission=commission,
                old_date=today,
                new_date=today + timedelta(days=n),
                kind="moved",
                reason=f"d{n}",
                by=maker.user,
            )


def test_the_timeline_costs_the_same_queries_with_one_entry_and_with_two_hundred(
    client, request_for, buyer, maker
):
    commission = request_for(buyer)  # one entry: its opening
    client.force_login(maker.user)
    client.get(commission.get_absolute_url())  # the read-marker exists from now on
    one, html = _page_queries(client, commission)
    assert len(re.findall(r'<li class="(?:event|note|entry)', html)) == 1
    _grow(commission, maker, buyer, 199)
    client.get(commission.get_absolute_url())  # the buyer's messages read, as before
    many, html = _page_queries(client, commission)
    assert len(re.findall(r'<li class="(?:event|note|entry)', html)) == 200
    assert many == one, f"{one} queries with one entry, {many} with two hundred"


def test_the_timeline_of_a_piece_at_work_costs_the_same_at_every_length(
    client, at_work, buyer, maker
):
    client.force_login(buyer)
    client.get(at_work.get_absolute_url())
    before, _ = _page_queries(client, at_work)
    _grow(at_work, maker, buyer, 200)
    journal.milestone_tick(
        commission=at_work, milestone_id=at_work.milestones.first().pk, by=maker.user
    )
    after, html = _page_queries(client, at_work)
    assert "Milestone done" in html and "u1" in html and "Why: d3" in html
    assert after == before


def test_entries_of_every_kind_come_in_one_order(client, at_work, buyer, maker):
    messaging.message_post(commission=at_work, by=buyer, body="First, a question")
    journal.update_post(commission=at_work, by=maker.user, body="Then the sketch")
    journal.promised_date_move(
        commission=at_work,
        by=maker.user,
        new_date=at_work.promised_by + timedelta(days=3),
        reason="Then a later date",
    )
    client.force_login(buyer)
    html = client.get(at_work.get_absolute_url()).content.decode()
    html = html[html.index('id="timeline-entries"') :]
    order = [
        "Requested",
        "Quote: €400.00",
        "Awaiting deposit",
        "Promised by",
        "Deposit €120.00",
        "In progress",
        "First, a question",
        "Then the sketch",
        "Why: Then a later date",
    ]
    found = [html.index(text) for text in order]
    assert found == sorted(found), list(zip(order, found, strict=True))


# --- The live poll ----------------------------------------------------------------------------------


def _cursor(html: str) -> tuple[str, str]:
    return (
        re.search(r"since=([0-9]+)", html).group(1),
        re.search(r"state=([0-9a-f]+)", html).group(1),
    )


def test_the_poll_with_nothing_new_is_a_204_from_two_queries_with_no_write(
    client, at_work, buyer, maker
):
    client.force_login(buyer)
    messaging.message_post(commission=at_work, by=maker.user, body="Started on the band")
    since, state = _cursor(client.get(at_work.get_absolute_url()).content.decode())
    mark = ThreadMark.objects.get(commission=at_work, user=buyer)  # read by opening the page
    poll = reverse("commissions:messages", args=[at_work.reference])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(poll, {"since": since, "state": state})
    assert response.status_code == 204 and response.content == b""
    sql = [q["sql"] for q in queries]
    assert len(sql) <= 2, sql  # the session, and the commission's stamp
    assert not [s for s in sql if not s.lstrip().upper().startswith("SELECT")], sql
    assert ThreadMark.objects.get(pk=mark.pk).read_at == mark.read_at  # nothing written

    # The maker posts: the next poll brings it, and only now is it marked read.
    messaging.message_post(commission=at_work, by=maker.user, body="The wax is carved")
    response = client.get(poll, {"since": since, "state": state})
    html = response.content.decode()
    assert response.status_code == 200 and "The wax is carved" in html
    assert ThreadMark.objects.get(pk=mark.pk).read_at > mark.read_at
    newer, _ = _cursor(html)
    assert int(newer) > int(since)
    assert client.get(poll, {"since": newer, "state": state}).status_code == 204


def test_every_kind_of_entry_moves_the_cursor_on(client, at_work, buyer, maker):
    client.force_login(buyer)
    poll = reverse("commissions:messages", args=[at_work.reference])
    since, _ = _cursor(client.get(at_work.get_absolute_url()).content.decode())
    steps = [
        lambda: journal.update_post(commission=at_work, by=maker.user, body="Update"),
        lambda: journal.milestone_tick(
            commission=at_work, milestone_id=at_work.milestones.first().pk, by=maker.user
        ),
        lambda: journal.promised_date_move(
            commission=at_work,
            by=maker.user,
            new_date=timezone.localdate() + timedelta(days=60),
            reason="Later",
        ),
        lambda: messaging.message_post(commission=at_work, by=maker.user, body="Hello"),
    ]
    for step in steps:
        step()
        response = client.get(poll, {"since": since})
        assert response.status_code == 200
        since, _ = _cursor(response.content.decode())
        assert client.get(poll, {"since": since}).status_code == 204
