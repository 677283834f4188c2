"""The commission page's body kept per person (commissions/page_store.py): served while
nothing on it changed, never a moment after something did, never to anyone else, and
always with the asker's own CSRF token and relative times told afresh."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from commissions import messaging, page_store
from commissions.journal import services as journal
from commissions.models import Commission, Message, Status
from commissions.reviews import services as reviews
from commissions.story import services as story
from shop.images.pipeline import check_upload, render_renditions
from tests.factories import jpeg_bytes

# The session, the person, the commission and the unread count: a stored body costs no more.
STORED_QUERIES = 4


def _look(client, commission) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(commission.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('<main id="main"') :], len(queries)  # the body (the title is not)


def _stored(client, commission) -> str:
    """The page, seen twice: the second answer must come from the store."""
    _look(client, commission)
    html, queries = _look(client, commission)
    assert queries <= STORED_QUERIES, f"{queries} queries: not served from the store"
    return html


def _rename(maker, name: str) -> None:
    maker.display_name = name
    maker.save()


def test_a_stored_page_shows_every_change_the_moment_it_is_made(client, at_work, buyer, maker):
    client.force_login(buyer)
    milestone = at_work.milestones.first()
    steps = [
        (
            lambda: messaging.message_post(commission=at_work, by=maker.user, body="Cast today"),
            "Cast today",
        ),
        (
            lambda: journal.update_post(commission=at_work, by=maker.user, body="Filed and set"),
            "Filed and set",
        ),
        (
            lambda: journal.milestone_tick(
                commission=at_work, milestone_id=milestone.pk, by=maker.user
            ),
            f"Milestone done: <strong>{milestone.title}</strong>",
        ),
        (
            lambda: journal.promised_date_move(
                commission=at_work,
                by=maker.user,
                new_date=at_work.promised_by + timedelta(days=9),
                reason="The stone is late",
            ),
            "Why: The stone is late",
        ),
        # Written with .update(), which sends no signal: the commission's own row is in the
        # stored copy's fingerprint.
        (
            lambda: Commission.objects.filter(pk=at_work.pk).update(title="A ring, retitled"),
            "A ring, retitled",
        ),
        # The maker's profile, saved as the studio saves it (the catalog's version).
        (lambda: _rename(maker, "Mara of the Hill"), "Mara of the Hill"),
    ]
    for change, shown in steps:
        assert shown not in _stored(client, at_work)
        change()
        html, _ = _look(client, at_work)
        assert shown in html, f"{shown!r} missing right after the change"


def test_the_journey_link_and_the_review_show_at_once(client, buyer, maker, request_for):
    commission = request_for(buyer)
    Commission.objects.filter(pk=commission.pk).update(status=Status.DELIVERED)
    commission.refresh_from_db()
    client.force_login(buyer)
    assert "Your link" not in _stored(client, commission)
    journey = story.journey_share(commission=commission, by=buyer)
    assert journey.get_absolute_url() in _look(client, commission)[0]
    assert "Your link" in _stored(client, commission)
    story.journey_revoke(commission=commission, by=buyer)  # an .update()
    assert journey.get_absolute_url() not in _look(client, commission)[0]

    assert "A quiet, perfect fit" not in _stored(client, commission)
    reviews.review_write(commission=commission, by=buyer, rating=5, body="A quiet, perfect fit")
    assert "A quiet, perfect fit" in _look(client, commission)[0]


def test_each_person_has_their_own_and_nobody_else_gets_it(
    client, at_work, buyer, other_buyer, maker
):
    client.force_login(buyer)
    as_buyer = _stored(client, at_work)
    assert f'with <a href="{maker.get_absolute_url()}">' in as_buyer
    client.force_login(maker.user)
    as_maker, _ = _look(client, at_work)
    assert f"from {buyer.get_full_name()}" in as_maker and "with <a" not in as_maker
    client.force_login(other_buyer)
    assert client.get(at_work.get_absolute_url()).status_code == 404
    # The buyer's new name reaches the maker's stored page at once (the buyer's row is in
    # the fingerprint).
    client.force_login(maker.user)
    _stored(client, at_work)
    buyer.name = "Beatrix Renamed"
    buyer.save()  # as the account page saves it
    assert "from Beatrix Renamed" in _look(client, at_work)[0]
    client.force_login(buyer)  # a log-in saves the person too, and changes nothing shown
    client.force_login(maker.user)
    _stored(client, at_work)


def _token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_a_form_on_a_stored_page_carries_the_askers_own_token(at_work, buyer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer)
    post = reverse("commissions:message_post", args=[at_work.reference])
    for attempt in ("first", "after logging in again"):
        html = _stored(client, at_work)
        assert page_store.Stored().placeholder not in html
        response = client.post(
            post, {"body": f"Sent {attempt}", "csrfmiddlewaretoken": _token(html)}
        )
        assert response.status_code == 302, attempt
        assert Message.objects.filter(body=f"Sent {attempt}").exists()
        client.logout()  # a new session and a new CSRF secret
        client.force_login(buyer)


def test_relative_times_are_told_at_each_answer_not_when_stored(client, at_work, buyer, maker):
    message = messaging.message_post(commission=at_work, by=maker.user, body="Polished")
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(hours=3))
    page_store.changed(at_work.pk)
    client.force_login(buyer)
    html = _stored(client, at_work)
    assert "3\xa0hours ago" in html
    stored = cache.get(f"commission-page:body:{at_work.pk}:{buyer.pk}:")[1]
    assert "3\xa0hours ago" not in stored and ":ago:" in stored


def test_a_page_with_a_photo_still_being_processed_is_not_stored(client, at_work, buyer, maker):
    photo = check_upload(ContentFile(jpeg_bytes(size=(64, 48)), name="bench.jpg"))
    update = journal.update_post(
        commission=at_work, by=maker.user, body="On the bench", images=[photo]
    )
    client.force_login(buyer)
    first, _ = _look(client, at_work)
    again, queries = _look(client, at_work)
    assert "img-placeholder" in first and "img-placeholder" in again
    assert queries > STORED_QUERIES  # rendered afresh, so the photo shows once it is ready
    render_renditions(update.photos.get())  # a queryset .update(): no signal
    html, _ = _look(client, at_work)
    assert "img-placeholder" not in html and "<picture>" in html


def test_a_page_showing_a_forms_errors_is_neither_served_nor_stored(client, at_work, buyer):
    client.force_login(buyer)
    _stored(client, at_work)
    too_long = "x" * (messaging.MAX_BODY + 1)
    response = client.post(
        reverse("commissions:message_post", args=[at_work.reference]), {"body": too_long}
    )
    assert response.status_code == 200 and "field__error" in response.content.decode()
    html, _ = _look(client, at_work)
    assert "field__error" not in html


@pytest.mark.parametrize(
    "age, told",
    [
        (timedelta(seconds=0), "now"),
        (timedelta(minutes=5), "5\xa0minutes ago"),
        (timedelta(days=2, hours=3), "2\xa0days, 3\xa0hours ago"),
    ],
)
def test_an_ago_mark_is_told_as_naturaltime_would(age, told):
    stored = page_store.Stored(html=f"<time>{page_store.ago_mark(timezone.now() - age)}</time>")
    assert stored.body("token") == f"<time>{told}</time>"


def _visit(client, url: str) -> tuple[int, str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, response.content.decode(), len(queries)


def test_the_journey_page_is_kept_for_visitors_and_never_outlives_a_change(
    client, at_work, buyer, maker
):
    journey = story.journey_share(commission=at_work, by=buyer, gift_note="For Nina")
    url = journey.get_absolute_url()
    visitor = Client()
    status, first, _ = _visit(visitor, url)
    assert status == 200 and "For Nina" in first
    status, again, queries = _visit(visitor, url)
    assert (status, again) == (200, first)
    assert queries == 1  # the token's journey (a revoked one is a 404 before any store)

    journal.update_post(commission=at_work, by=maker.user, body="The band is round", shareable=True)
    assert "The band is round" in _visit(visitor, url)[1]
    journal.update_post(commission=at_work, by=maker.user, body="Not for sharing")
    assert "Not for sharing" not in _visit(visitor, url)[1]
    _rename(maker, "Mara of the Hill")
    assert "Mara of the Hill" in _visit(visitor, url)[1]

    # A logged-in visitor gets the page with their own header, never the stored one.
    client.force_login(maker.user)
    status, mine, _ = _visit(client, url)
    assert status == 200 and "Log out" in mine and "Log out" not in first

    story.journey_revoke(commission=at_work, by=buyer)
    assert _visit(visitor, url)[0] == 404
