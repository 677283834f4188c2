"""The build journal, as the maker keeps it and the buyer follows it: milestones from the
quote, progress updates from the bench with private photos, the promised date kept honest,
and the reminders and notices the beat sends."""

import io
import re
from datetime import timedelta

import pillow_heif
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from commissions.journal import services as journal
from commissions.journal.models import DateChange, Milestone, Update, UpdatePhoto
from commissions.models import Commission
from commissions.workflow import NotAllowed
from shop.notifications.models import OutboxEmail


def photo(name="bench.jpg", fmt="JPEG", colour=(176, 141, 87)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    if fmt == "HEIF":
        pillow_heif.register_heif_opener()
    Image.new("RGB", (640, 480), colour).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


# --- Milestones and the promised date from the quote --------------------------------------------


def test_accepting_the_quote_plans_its_milestones_and_promises_a_date(accepted):
    milestones = list(accepted.milestones.all())
    assert [m.title for m in milestones] == ["Sketch", "Wax", "Cast"]
    start = accepted.maker.next_start_on or timezone.localdate()
    # Four weeks spread over three steps: the last due when the work should be done.
    assert [m.due_on for m in milestones] == [
        start + timedelta(days=9),
        start + timedelta(days=19),
        start + timedelta(days=28),
    ]
    assert accepted.promised_by == start + timedelta(weeks=4)
    change = accepted.date_changes.get()
    assert change.kind == DateChange.Kind.SET and change.new_date == accepted.promised_by


def test_when_work_starts_later_the_open_milestones_are_due_from_that_day(at_work):
    today = timezone.localdate()
    assert at_work.milestones.last().due_on == today + timedelta(weeks=4)


def test_the_maker_ticks_a_milestone_off_once_and_only_the_maker(at_work, buyer, maker):
    first = at_work.milestones.first()
    with pytest.raises(NotAllowed, match="Only the maker"):
        journal.milestone_tick(commission=at_work, milestone_id=first.pk, by=buyer)
    journal.milestone_tick(commission=at_work, milestone_id=first.pk, by=maker.user, note="Drawn")
    first.refresh_from_db()
    done_at = first.done_at
    assert done_at and first.done_by == maker.user and first.note == "Drawn"
    journal.milestone_tick(commission=at_work, milestone_id=first.pk, by=maker.user)
    first.refresh_from_db()
    assert first.done_at == done_at


def test_a_late_milestone_shows_as_late_to_the_maker_and_in_the_office(
    client, at_work, maker, owner
):
    Milestone.objects.filter(pk=at_work.milestones.first().pk).update(
        due_on=timezone.localdate() - timedelta(days=3)
    )
    client.force_login(maker.user)
    page = client.get(at_work.get_absolute_url()).content.decode()
    assert "milestone--late" in page and "was due" in page
    client.force_login(owner)
    listed = client.get(
        reverse("admin:commissions_commission_changelist"), {"milestone_late": "yes"}
    )
    assert at_work.reference in listed.content.decode()
    late = client.get(reverse("admin:commissions_milestone_changelist"), {"late": "yes"})
    assert "Sketch" in late.content.decode() and "Wax" not in late.content.decode()


# --- Progress updates -----------------------------------------------------------------------------


def test_the_maker_posts_an_update_from_a_phone_without_javascript(
    client, at_work, maker, buyer, now_on_commit
):
    sketch = at_work.milestones.first()
    client.force_login(maker.user)
    page = client.get(at_work.get_absolute_url()).content.decode()
    assert 'accept="image/*,.heic,.heif"' in page and 'capture="environment"' in page
    with now_on_commit():
        response = client.post(
            reverse("commissions:update_new", args=[at_work.reference]),
            {
                "from": "page",
                "body": "Sketched the band & the setting.",
                "photos": [photo(), photo("iphone.heic", fmt="HEIF")],
                "milestone": sketch.pk,
                "milestone_done": "on",
                "shareable": "on",
            },
        )
    update = Update.objects.get()
    assert response.status_code == 302
    assert response.url == f"{at_work.get_absolute_url()}#u{update.pk}"
    assert update.milestone == sketch and update.shareable and update.kind == "note"
    photos = list(update.photos.all())
    assert len(photos) == 2 and all(p.has_renditions for p in photos)  # the pipeline ran
    sketch.refresh_from_db()
    assert sketch.done_at is not None
    at_work.refresh_from_db()
    assert at_work.last_update_at == update.created_at
    email = OutboxEmail.objects.get(template="update_posted")
    assert email.to == buyer.email and "Sketched the band &amp; the setting." in email.body_html
    assert re.search(r'<img src="http[^"]+/commissions/photos/[^"]+/thumb\.jpg"', email.body_html)

    client.force_login(buyer)
    page = client.get(at_work.get_absolute_url()).content.decode()
    assert "Sketched the band &amp; the setting." in page and "Milestone done" in page
    src = re.search(r'src="(/commissions/[^"]+/images/u/[^"]+)"', page).group(1)
    assert client.get(src).status_code == 200


def test_with_htmx_the_update_form_answers_with_itself_and_tells_the_page(client, at_work, maker):
    client.force_login(maker.user)
    response = client.post(
        reverse("commissions:update_new", args=[at_work.reference]),
        {"body": "Polished.", "photos": [photo()]},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert html.lstrip().startswith("<form") and "Posted" in html and "Polished." not in html
    assert response.headers["HX-Trigger"] == "thread-changed"


def test_an_update_needs_a_photo_or_words_and_at_most_ten_photos(client, at_work, maker):
    client.force_login(maker.user)
    url = reverse("commissions:update_new", args=[at_work.reference])
    empty = client.post(url, {"from": "page", "body": "  "})
    assert "Add a photo or write a few words." in empty.content.decode()
    many = client.post(url, {"body": "Lots", "photos": [photo(f"{n}.jpg") for n in range(11)]})
    html = many.content.decode()
    assert "up to 10 photos" in html and "Lots" in html  # what was typed is kept
    assert not Update.objects.exists()


def test_only_the_maker_posts_updates_and_the_photos_are_private(
    client, at_work, maker, buyer, other_buyer, other_maker
):
    with pytest.raises(NotAllowed, match="Only the maker"):
        journal.update_post(commission=at_work, by=buyer, body="Me too")
    update = journal.update_post(
        commission=at_work, by=maker.user, body="Wax carved", images=[photo()]
    )
    url = update.photos.get().file_url(update.photos.get().image.name)
    for someone in (other_buyer, other_maker.user):
        client.force_login(someone)
        assert client.get(url).status_code == 404
        poll = reverse("commissions:messages", args=[at_work.reference])
        assert client.get(poll, {"since": "1"}).status_code == 404
    client.logout()
    assert client.get(url).status_code in (302, 404)


def test_updates_are_posted_only_from_the_deposit_until_it_ships(accepted, maker):
    with pytest.raises(NotAllowed, match="once the deposit is paid"):
        journal.update_post(commission=accepted, by=maker.user, body="Early")


# --- The promised date ----------------------------------------------------------------------------


def test_the_maker_moves_the_date_only_with_a_reason_the_buyer_reads(client, at_work, maker, buyer):
    later = at_work.promised_by + timedelta(days=10)
    client.force_login(maker.user)
    url = reverse("commissions:date_move", args=[at_work.reference])
    refused = client.post(url, {"new_date": later.isoformat(), "reason": ""})
    assert "This field is required." in refused.content.decode()
    client.post(url, {"new_date": later.isoformat(), "reason": "The stone arrives late."})
    at_work.refresh_from_db()
    assert at_work.promised_by == later
    email = OutboxEmail.objects.get(template="promised_date_moved")
    assert email.to == buyer.email and "The stone arrives late." in email.body_text
    client.force_login(buyer)
    page = client.get(at_work.get_absolute_url()).content.decode()
    assert "Why: The stone arrives late." in page
    with pytest.raises(NotAllowed, match="Only the maker"):
        journal.promised_date_move(commission=at_work, by=buyer, new_date=later, reason="x")
    with pytest.raises(NotAllowed, match="past"):
        journal.promised_date_move(
            commission=at_work,
            by=maker.user,
            new_date=timezone.localdate() - timedelta(days=1),
            reason="x",
        )


def _passed(commission):
    Commission.objects.filter(pk=commission.pk).update(
        promised_by=timezone.localdate() - timedelta(days=1)
    )


def test_a_passed_date_is_told_to_buyer_and_owner_once(at_work, buyer, owner):
    _passed(at_work)
    assert journal.promised_dates_check() == 1
    assert journal.promised_dates_check() == 0  # once
    told = set(
        OutboxEmail.objects.filter(template__startswith="promised_date_passed").values_list(
            "to", "template"
        )
    )
    assert told == {
        (buyer.email, "promised_date_passed"),
        (owner.email, "promised_date_passed_owner"),
    }
    at_work.refresh_from_db()
    assert at_work.promised_passed_at is not None


def test_after_the_date_passed_the_buyer_agrees_a_new_one_or_asks_to_cancel(
    client, at_work, buyer, maker, owner
):
    with pytest.raises(NotAllowed, match="once the promised one has passed"):
        journal.promised_date_agree(
            commission=at_work, by=buyer, new_date=timezone.localdate() + timedelta(days=9)
        )
    _passed(at_work)
    journal.promised_dates_check()
    client.force_login(buyer)
    page = client.get(at_work.get_absolute_url()).content.decode()
    assert "agree a new date with the maker, or ask the shop to cancel" in page
    client.post(
        reverse("commissions:cancel_request", args=[at_work.reference]), {"reason": "Too late"}
    )
    at_work.refresh_from_db()
    assert at_work.cancel_requested_at and at_work.cancel_request_reason == "Too late"
    assert OutboxEmail.objects.filter(template="cancel_requested", to=owner.email).exists()
    client.force_login(owner)
    office = client.get(
        reverse("admin:commissions_commission_changelist"), {"cancel_requested_at__isempty": "0"}
    )
    assert at_work.reference in office.content.decode()

    client.force_login(buyer)
    new_date = timezone.localdate() + timedelta(days=9)
    client.post(
        reverse("commissions:date_agree", args=[at_work.reference]),
        {"new_date": new_date.isoformat()},
    )
    at_work.refresh_from_db()
    assert at_work.promised_by == new_date and at_work.promised_passed_at is None
    assert at_work.date_changes.filter(kind="agreed", by=buyer).exists()
    assert OutboxEmail.objects.filter(template="promised_date_agreed", to=maker.user.email).exists()


# --- The reminder ------------------------------------------------------------------------------


def test_a_quiet_bench_is_reminded_once_per_fortnight_without_an_update(at_work, maker):
    now = timezone.now()
    assert journal.update_reminders(now=now) == 0  # work just started
    later = now + timedelta(days=15)
    assert journal.update_reminders(now=later) == 1
    assert journal.update_reminders(now=later + timedelta(days=1)) == 0  # once per period
    email = OutboxEmail.objects.get(template="update_reminder")
    assert email.to == maker.user.email and "15 days" in email.subject
    assert journal.update_reminders(now=later + timedelta(days=15)) == 1  # the next period
    journal.update_post(commission=at_work, by=maker.user, body="Back at it")
    assert journal.update_reminders(now=timezone.now() + timedelta(days=2)) == 0


def test_the_email_photo_link_shows_only_that_thumbnail_and_not_when_forged(
    client, at_work, maker, now_on_commit
):
    from commissions.journal.emails import photo_link

    with now_on_commit():
        update = journal.update_post(
            commission=at_work, by=maker.user, body="Cast", images=[photo()]
        )
    link = photo_link(update.photos.get()).split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + link)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    forged = "/" + link.replace("thumb.jpg", "").rstrip("/")[:-3] + "abc/thumb.jpg"
    assert client.get(forged).status_code == 404
    assert UpdatePhoto.objects.count() == 1
