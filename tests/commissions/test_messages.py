"""Buyer and maker talk in one thread per commission: with or without HTMX, with photos,
with unread counts, and without flooding anyone's inbox."""

import io
import re
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from commissions import messaging
from commissions.models import Message, ThreadMark
from shop.notifications.models import OutboxEmail


def jpeg(name="bench.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (176, 141, 87)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def post_url(commission) -> str:
    return reverse("commissions:message_post", args=[commission.reference])


def test_without_javascript_a_message_posts_and_the_page_comes_back(client, buyer, request_for):
    commission = request_for(buyer)
    client.force_login(buyer)
    response = client.post(post_url(commission), {"body": "Could it be size N?"})
    assert response.url == commission.get_absolute_url() + "#thread"
    assert "Could it be size N?" in client.get(response.url).content.decode()


def test_with_htmx_the_form_comes_back_empty_and_the_thread_is_told_to_refresh(
    client, buyer, request_for
):
    commission = request_for(buyer)
    client.force_login(buyer)
    response = client.post(post_url(commission), {"body": "Hello"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith("<form") and "Hello" not in html
    assert response.headers["HX-Trigger"] == "thread-changed"
    assert Message.objects.get().body == "Hello"


def test_an_empty_message_is_explained(client, buyer, request_for):
    commission = request_for(buyer)
    client.force_login(buyer)
    response = client.post(post_url(commission), {"body": "   "}, HTTP_HX_REQUEST="true")
    assert "Write a message or add a photo" in response.content.decode()
    assert not Message.objects.exists()


def test_the_thread_polls_for_what_is_new_only(client, buyer, maker, request_for):
    commission = request_for(buyer)
    messaging.message_post(commission=commission, by=buyer, body="First")
    client.force_login(maker.user)
    url = reverse("commissions:messages", args=[commission.reference])
    page = client.get(commission.get_absolute_url()).content.decode()
    since = re.search(r"since=([0-9]+)", page).group(1)
    assert client.get(url, {"since": since}).status_code == 204  # nothing new
    messaging.message_post(commission=commission, by=buyer, body="Second")
    html = client.get(url, {"since": since}).content.decode()
    assert "Second" in html and "First" in html  # the timeline, redrawn in order
    assert html.index("First") < html.index("Second")
    newer = re.search(r"since=([0-9]+)", html).group(1)
    assert int(newer) > int(since)
    assert client.get(url, {"since": newer}).status_code == 204
    assert 'hx-trigger="every 4s' in html


def test_unread_counts_show_in_the_navigation_and_clear_when_read(
    client, buyer, maker, request_for
):
    commission = request_for(buyer)
    messaging.message_post(commission=commission, by=maker.user, body="Which size?")
    messaging.message_post(commission=commission, by=maker.user, body="And which metal?")
    client.force_login(buyer)
    assert (
        '<span class="nav-count" aria-label="2 unread messages">2</span>'
        in client.get(reverse("makers:catalog")).content.decode()
    )
    assert messaging.unread_count(maker.user) == 0  # your own messages are never unread
    client.get(commission.get_absolute_url())
    assert messaging.unread_count(buyer) == 0
    assert "nav-count" not in client.get(reverse("makers:catalog")).content.decode()


def test_at_most_one_email_per_thread_every_ten_minutes(buyer, maker, request_for):
    commission = request_for(buyer)
    for body in ("One", "Two", "Three"):
        messaging.message_post(commission=commission, by=buyer, body=body)
    emails = OutboxEmail.objects.filter(template="message_new")
    assert [(e.to, "One" in e.body_text) for e in emails] == [(maker.user.email, True)]

    messaging.message_post(commission=commission, by=maker.user, body="Reply")
    assert emails.filter(to=buyer.email).count() == 1  # the other direction has its own clock

    ThreadMark.objects.filter(user=maker.user).update(
        emailed_at=timezone.now() - timedelta(minutes=11)
    )
    messaging.message_post(commission=commission, by=buyer, body="Four")
    assert emails.filter(to=maker.user.email).count() == 2


def test_photos_in_a_message_are_seen_by_the_two_of_them_only(
    client, buyer, maker, other_buyer, other_maker, request_for, django_capture_on_commit_callbacks
):
    commission = request_for(buyer)
    client.force_login(maker.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(post_url(commission), {"body": "The wax model", "images": [jpeg()]})
    attachment = Message.objects.get().attachments.get()
    assert attachment.has_renditions
    url = attachment.file_url(attachment.rendition_name("thumb", "jpeg"))
    assert url.startswith(f"/commissions/{commission.reference}/images/m/")
    assert url in client.get(commission.get_absolute_url()).content.decode()

    for person in (buyer, maker.user):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200 and response["Cache-Control"] == "private, max-age=3600"
        assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    for person in (other_buyer, other_maker.user):
        client.force_login(person)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404
    # The stored files live outside the public media folder.
    assert "media" not in attachment.image.path.split("/")[-4:-3]
    assert "private-media" in attachment.image.path


def test_a_maker_sees_unread_buyer_messages_on_the_studio_link(client, buyer, maker, request_for):
    commission = request_for(buyer)
    messaging.message_post(commission=commission, by=buyer, body="Is size N possible?")
    client.force_login(maker.user)
    html = client.get("/").content.decode()
    assert 'aria-label="1 unread messages from buyers">1</span>' in html
    assert 'aria-label="1 unread messages">' not in html  # none in what Mara buys


def test_the_shop_owner_sees_private_photos_in_the_admin(
    client, owner, buyer, maker, request_for, django_capture_on_commit_callbacks
):
    commission = request_for(buyer)
    with django_capture_on_commit_callbacks(execute=True):
        messaging.message_post(
            commission=commission,
            by=maker.user,
            body="Wax",
            images=[SimpleUploadedFile("w.jpg", jpeg().read())],
        )
    attachment = Message.objects.get().attachments.get()
    client.force_login(owner)
    assert client.get(attachment.file_url(attachment.image.name)).status_code == 200
