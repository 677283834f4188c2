"""Reviews: only the buyer of a delivered commission writes one, once, editable for 30
days, optionally with a photo; it shows on the maker's page and the piece's as a
verified commission, with the average and the count; the maker answers once and the
buyer is told."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from commissions import services
from commissions.models import Status
from commissions.reviews import services as reviews
from commissions.reviews.models import Review, ReviewPhoto
from commissions.workflow import NotAllowed
from shop.notifications.models import OutboxEmail
from tests.factories import jpeg_bytes


@pytest.fixture
def delivered(request_for, buyer, maker, django_capture_on_commit_callbacks):
    """A piece request taken through to its arrival (the payments are another story's)."""
    from commissions.models import Commission

    commission = request_for(buyer)
    Commission.objects.filter(pk=commission.pk).update(status=Status.SHIPPED)
    commission.refresh_from_db()
    services.commission_confirm_delivery(commission=commission, by=buyer)
    commission.refresh_from_db()
    assert commission.status == Status.DELIVERED
    return commission


def test_the_buyer_reviews_it_with_a_photo_and_it_shows_on_the_makers_and_piece_pages(
    client, buyer, maker, ring, delivered, django_capture_on_commit_callbacks
):
    client.force_login(buyer)
    page = client.get(delivered.get_absolute_url()).content.decode()
    assert "Leave a review" in page
    photo = SimpleUploadedFile("home.jpg", jpeg_bytes((800, 600)), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("commissions:review", args=[delivered.reference]),
            {"rating": "4", "body": "Lovely weight, & it fits <perfectly>.", "photo": photo},
        )
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.rating, review.author, review.maker, review.piece) == (4, buyer, maker, ring)
    assert ReviewPhoto.objects.get(review=review).has_renditions
    client.logout()
    for url in (maker.get_absolute_url(), ring.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "Verified commission" in html and "4.0 ★" in html and "1 review " in html
        assert "it fits &lt;perfectly&gt;." in html and "<perfectly>" not in html
        assert 'aria-label="4 out of 5 stars"' in html
    src = html.split('class="review__photo" src="', 1)[1].split('"', 1)[0]
    assert client.get(src).status_code == 200  # public while the review shows


def test_the_average_and_count_cover_the_shown_reviews_only(
    request_for, buyer, other_buyer, maker, ring, client
):
    from commissions.models import Commission

    for person, rating in ((buyer, 5), (other_buyer, 2), (buyer, 4)):
        commission = request_for(person)
        Commission.objects.filter(pk=commission.pk).update(status=Status.DELIVERED)
        commission.refresh_from_db()
        reviews.review_write(commission=commission, by=person, rating=rating, body="Fine.")
    assert reviews.summary(Review.objects.filter(maker=maker)) == {"average": 3.7, "count": 3}
    Review.objects.filter(rating=2).update(hidden=True)
    assert reviews.summary(Review.objects.filter(piece=ring)) == {"average": 4.5, "count": 2}
    html = client.get(maker.get_absolute_url()).content.decode()
    assert "4.5 ★" in html and "2 reviews" in html


def test_only_the_buyer_of_a_delivered_commission_can_review_it(
    client, request_for, buyer, other_buyer, maker, delivered
):
    with pytest.raises(NotAllowed):
        reviews.review_write(commission=delivered, by=maker.user, rating=5, body="Mine is great.")
    client.force_login(other_buyer)
    url = reverse("commissions:review", args=[delivered.reference])
    assert client.post(url, {"rating": "1", "body": "Sabotage."}).status_code == 404
    not_yet = request_for(buyer)
    client.force_login(buyer)
    response = client.post(
        reverse("commissions:review", args=[not_yet.reference]), {"rating": "5", "body": "Early."}
    )
    assert response.status_code == 302 and not Review.objects.exists()
    with pytest.raises(NotAllowed):
        reviews.review_write(commission=not_yet, by=buyer, rating=5, body="Early.")


def test_one_review_editable_for_30_days_then_settled(client, buyer, delivered):
    client.force_login(buyer)
    url = reverse("commissions:review", args=[delivered.reference])
    client.post(url, {"rating": "3", "body": "Good."})
    client.post(url, {"rating": "5", "body": "Better every day."})
    review = Review.objects.get()
    assert (review.rating, review.body) == (5, "Better every day.") and review.edited_at
    Review.objects.filter(pk=review.pk).update(created_at=timezone.now() - timedelta(days=31))
    page = client.post(url, {"rating": "1", "body": "Changed my mind."})
    assert page.status_code == 302
    review.refresh_from_db()
    assert review.rating == 5
    with pytest.raises(NotAllowed, match="30 days"):
        reviews.review_write(commission=delivered, by=buyer, rating=1, body="x")


def test_bad_ratings_and_empty_text_are_refused_with_a_message(client, buyer, delivered):
    client.force_login(buyer)
    url = reverse("commissions:review", args=[delivered.reference])
    for post in ({"rating": "6", "body": "x"}, {"rating": "0", "body": "x"}, {"rating": "5"}):
        response = client.post(url, post)
        assert response.status_code == 200 and b"field__error" in response.content
    assert not Review.objects.exists()


def test_the_maker_answers_once_and_the_buyer_is_told(client, buyer, maker, delivered):
    reviews.review_write(commission=delivered, by=buyer, rating=5, body="Wonderful.")
    client.force_login(maker.user)
    assert "Your answer" in client.get(delivered.get_absolute_url()).content.decode()
    url = reverse("commissions:review_reply", args=[delivered.reference])
    client.post(url, {"reply": "Thank you — wear it <b>well</b>."})
    client.post(url, {"reply": "A second answer."})
    review = Review.objects.get()
    assert review.reply == "Thank you — wear it <b>well</b>." and review.replied_at
    email = OutboxEmail.objects.get(template="review_reply")
    assert email.to == buyer.email and "wear it" in email.body_text
    client.force_login(buyer)
    with pytest.raises(NotAllowed):
        reviews.review_reply(commission=delivered, by=buyer, body="Answering myself.")
    html = client.get(maker.get_absolute_url()).content.decode()
    assert "wear it &lt;b&gt;well&lt;/b&gt;." in html


def test_a_hidden_reviews_photo_is_not_public(
    client, buyer, other_buyer, delivered, django_capture_on_commit_callbacks
):
    photo = SimpleUploadedFile("home.jpg", jpeg_bytes(), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        review = reviews.review_write(
            commission=delivered, by=buyer, rating=5, body="Yes.", photo=photo
        )
    asset = ReviewPhoto.objects.get(review=review)
    url = asset.file_url(asset.image.name)
    assert client.get(url).status_code == 200
    Review.objects.filter(pk=review.pk).update(hidden=True)
    assert client.get(url).status_code == 404
    client.force_login(other_buyer)
    assert client.get(url).status_code == 404
    client.force_login(buyer)
    assert client.get(url).status_code == 200


def test_a_cached_visitors_page_shows_a_new_answered_or_hidden_review_at_once(
    client, buyer, maker, ring, delivered
):
    urls = [maker.get_absolute_url(), ring.get_absolute_url()]
    for url in urls * 2:  # stored for visitors, then served from the cache
        assert "No reviews of" in client.get(url).content.decode()
    reviews.review_write(commission=delivered, by=buyer, rating=4, body="Fresh words.")
    for url in urls:
        assert "Fresh words." in client.get(url).content.decode()
    reviews.review_reply(commission=delivered, by=maker.user, body="A fresh answer.")
    for url in urls:
        assert "A fresh answer." in client.get(url).content.decode()
    review = Review.objects.get()
    review.hidden = True
    review.save()  # as the office does
    for url in urls:
        assert "Fresh words." not in client.get(url).content.decode()
