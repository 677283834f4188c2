"""Design proofs: the maker posts versions, the buyer approves or asks for revisions with
pins, the allowance is counted, change orders go into the balance (paid through the real
payment code against the Stripe stand-in), and the piece is finished only after approval,
with a photo of it."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from commissions import services
from commissions.journal import proofs
from commissions.journal.models import ChangeOrder, ProofPin, Update
from commissions.journal.proofs import PinInput
from commissions.models import Commission, Status
from commissions.payments import services as payments
from commissions.payments.models import Payment
from commissions.workflow import NotAllowed
from shop.images.pipeline import check_upload, render_renditions
from shop.notifications.models import OutboxEmail
from tests.commissions.test_payments import deliver, start_deposit
from tests.world import photo_bytes


def upload(colour=(120, 80, 40)):
    return SimpleUploadedFile("proof.jpg", photo_bytes(colour), content_type="image/jpeg")


def photo(colour=(120, 80, 40)):
    return check_upload(upload(colour))


@pytest.fixture
def at_work(accepted, buyer, client, stripe, now_on_commit):
    """The €400 commission (2 revisions included), its €120 deposit paid through the
    stand-in: in progress at Mara's bench."""
    start_deposit(client, buyer, accepted)
    with now_on_commit():
        deliver(client, stripe.pay(Payment.objects.get().checkout_session_id))
    accepted.refresh_from_db()
    assert accepted.status == Status.IN_PROGRESS
    client.logout()
    return accepted


def post(commission, maker, n=1):
    return proofs.proof_post(
        commission=commission, by=maker.user, body="The setting, from above.", images=[photo()] * n
    )


def revise(commission, buyer, version, **extra):
    return proofs.proof_request_revision(
        commission=commission,
        by=buyer,
        version=version,
        comment=extra.pop("comment", "A little thinner, please."),
        **extra,
    )


# --- Services -----------------------------------------------------------------------------------


def test_versions_count_up_and_the_allowance_is_counted(at_work, maker, buyer):
    v1 = post(at_work, maker, n=2)
    assert (v1.version, v1.decision, v1.photos.count()) == (1, "pending", 2)
    assert str(proofs.allowance(at_work)) == "0 of 2 revisions used"
    pins = [
        PinInput(v1.photos.first().pk, Decimal("12.5"), Decimal("80"), "Round this edge"),
        PinInput(v1.photos.last().pk, Decimal("50"), Decimal("33.33"), "Stone higher"),
    ]
    revise(at_work, buyer, 1, pins=pins)
    assert str(proofs.allowance(at_work)) == "1 of 2 revisions used"
    saved = list(ProofPin.objects.filter(update=v1).values_list("number", "x_pct", "comment"))
    assert saved == [
        (1, Decimal("12.50"), "Round this edge"),
        (2, Decimal("50.00"), "Stone higher"),
    ]
    v2 = post(at_work, maker)
    assert v2.version == 2
    revise(at_work, buyer, 2)
    assert str(proofs.allowance(at_work)) == "2 of 2 revisions used"
    assert not proofs.allowance(at_work).past
    post(at_work, maker)
    revise(at_work, buyer, 3)
    assert proofs.allowance(at_work).past
    # Every version is kept.
    assert [p.version for p in proofs.proofs_of(at_work)] == [1, 2, 3]


def test_only_the_maker_posts_and_only_the_buyer_answers(at_work, maker, buyer, other_buyer):
    with pytest.raises(NotAllowed, match="Only the maker"):
        proofs.proof_post(commission=at_work, by=buyer, body="", images=[photo()])
    post(at_work, maker)
    for someone in (maker.user, other_buyer):
        with pytest.raises(NotAllowed, match="Only the buyer"):
            proofs.proof_approve(commission=at_work, by=someone, version=1)
        with pytest.raises(NotAllowed, match="Only the buyer"):
            revise(at_work, someone, 1)
    assert Update.objects.get().decision == "pending"


def test_a_proof_needs_a_photo_and_waits_for_its_answer(at_work, maker, buyer):
    with pytest.raises(NotAllowed, match="at least one photo"):
        proofs.proof_post(commission=at_work, by=maker.user, body="", images=[])
    post(at_work, maker)
    with pytest.raises(NotAllowed, match="still waiting for the buyer"):
        post(at_work, maker)
    with pytest.raises(NotAllowed, match="Say what should change"):
        revise(at_work, buyer, 1, comment="  ")


def test_approving_a_replaced_version_is_refused_and_approval_records_who_and_when(
    at_work, maker, buyer
):
    post(at_work, maker)
    revise(at_work, buyer, 1)
    post(at_work, maker)
    with pytest.raises(NotAllowed, match="Version 1 has been replaced by version 2"):
        proofs.proof_approve(commission=at_work, by=buyer, version=1)
    approved = proofs.proof_approve(commission=at_work, by=buyer, version=2)
    assert approved.decided_by == buyer and approved.decided_at is not None
    with pytest.raises(NotAllowed, match="already approved"):
        proofs.proof_approve(commission=at_work, by=buyer, version=2)
    with pytest.raises(NotAllowed, match="the design is settled"):
        post(at_work, maker)
    assert OutboxEmail.objects.filter(template="proof_approved", to=maker.user.email).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_record_one(
    accepted, maker, buyer, client, stripe, django_capture_on_commit_callbacks
):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    start_deposit(client, buyer, accepted)
    deliver(client, stripe.pay(Payment.objects.get().checkout_session_id))
    Commission.objects.filter(pk=accepted.pk).update(status=Status.IN_PROGRESS)
    accepted.refresh_from_db()
    post(accepted, maker)
    results, barrier = [], threading.Barrier(2)

    def approve():
        try:
            barrier.wait()
            proofs.proof_approve(commission=accepted, by=buyer, version=1)
            results.append("approved")
        except NotAllowed as e:
            results.append(str(e))
        finally:
            connection.close()

    threads = [threading.Thread(target=approve) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("approved") == 1, results
    assert any("already approved" in r for r in results), results
    assert OutboxEmail.objects.filter(template="proof_approved").count() == 1


def test_a_pin_off_the_photo_or_on_another_proofs_photo_is_refused(at_work, maker, buyer):
    v1 = post(at_work, maker)
    with pytest.raises(NotAllowed, match="on the photo"):
        revise(at_work, buyer, 1, pins=[PinInput(v1.photos.get().pk, Decimal("101"), 0, "x")])
    with pytest.raises(NotAllowed, match="not part of this version"):
        revise(at_work, buyer, 1, pins=[PinInput(10**9, Decimal("1"), Decimal("1"), "x")])
    assert not ProofPin.objects.exists() and Update.objects.get().decision == "pending"


# --- Change orders into the balance ---------------------------------------------------------------


def test_past_the_allowance_an_accepted_change_order_is_paid_with_the_balance(
    at_work, maker, buyer, client, stripe, now_on_commit
):
    for version in (1, 2):
        post(at_work, maker)
        revise(at_work, buyer, version)
    post(at_work, maker)
    with pytest.raises(NotAllowed, match="within the revisions the quote includes"):
        proofs.change_order_propose(
            commission=at_work, by=maker.user, amount_cents=6000, reason="A third round"
        )
    revise(at_work, buyer, 3)  # 3 of 2: past the allowance
    with pytest.raises(NotAllowed, match="Only the maker"):
        proofs.change_order_propose(commission=at_work, by=buyer, amount_cents=6000, reason="x")
    order = proofs.change_order_propose(
        commission=at_work, by=maker.user, amount_cents=6000, reason="A third round of drawings"
    )
    with pytest.raises(NotAllowed, match="already waiting"):
        proofs.change_order_propose(commission=at_work, by=maker.user, amount_cents=1, reason="x")
    with pytest.raises(NotAllowed, match="Only the buyer"):
        proofs.change_order_answer(
            commission=at_work, by=maker.user, order_id=order.pk, accept=True
        )
    proofs.change_order_answer(commission=at_work, by=buyer, order_id=order.pk, accept=True)
    with pytest.raises(NotAllowed, match="accepted this extra charge already"):
        proofs.change_order_answer(commission=at_work, by=buyer, order_id=order.pk, accept=False)
    assert payments.amount_due(at_work, "balance") == 28000 + 6000
    post(at_work, maker)
    proofs.proof_approve(commission=at_work, by=buyer, version=4)
    with now_on_commit():
        payments.commission_mark_finished(commission=at_work, by=maker.user, photos=[photo()])
    email = OutboxEmail.objects.get(template="balance_due")
    assert "€340.00" in email.subject and "€60.00 of extra work" in email.body_text

    # The buyer's page says so, and the real checkout asks Stripe for it.
    client.force_login(buyer)
    page = client.get(at_work.get_absolute_url()).content.decode()
    assert "Pay the balance of €340.00" in page and "The finished piece" in page
    client.post(reverse("commissions:pay", args=[at_work.reference, "balance"]))
    balance = Payment.objects.get(kind="balance")
    session = stripe.sessions[balance.checkout_session_id]
    assert session["amount_total"] == 34000 == balance.amount_cents
    with now_on_commit():
        deliver(client, stripe.pay(balance.checkout_session_id))
    at_work.refresh_from_db()
    assert at_work.status == Status.READY_TO_SHIP


def test_a_declined_change_order_leaves_the_balance_and_the_latest_can_be_approved(
    at_work, maker, buyer
):
    for version in (1, 2, 3):
        post(at_work, maker)
        revise(at_work, buyer, version)
    order = proofs.change_order_propose(
        commission=at_work, by=maker.user, amount_cents=6000, reason="More work"
    )
    proofs.change_order_answer(commission=at_work, by=buyer, order_id=order.pk, accept=False)
    assert ChangeOrder.objects.get().status == "declined"
    assert payments.amount_due(at_work, "balance") == 28000
    # The buyer takes version 3 as it is.
    assert proofs.proof_approve(commission=at_work, by=buyer, version=3).decision == "approved"


# --- The finish guard ------------------------------------------------------------------------------


def test_the_piece_is_not_finished_before_a_proof_is_approved(at_work, maker, buyer):
    with pytest.raises(NotAllowed, match="post a proof"):
        payments.commission_mark_finished(commission=at_work, by=maker.user, photos=[photo()])
    post(at_work, maker)
    with pytest.raises(NotAllowed, match="not approved yet"):
        payments.commission_mark_finished(commission=at_work, by=maker.user, photos=[photo()])
    at_work.refresh_from_db()
    assert at_work.status == Status.IN_PROGRESS
    proofs.proof_approve(commission=at_work, by=buyer, version=1)
    payments.commission_mark_finished(commission=at_work, by=maker.user, photos=[photo()])
    at_work.refresh_from_db()
    assert at_work.status == Status.AWAITING_BALANCE
    assert proofs.finished_photo(at_work) is not None


def test_without_revisions_in_the_quote_no_proof_is_needed(request_for, buyer, maker):
    commission = request_for(buyer)
    services.quote_send(
        commission=commission,
        by=maker.user,
        price_cents=40000,
        deposit_cents=12000,
        estimated_weeks=4,
        milestones=[],
        revision_rounds=0,
        valid_until=timezone.localdate() + timedelta(days=9),
    )
    services.quote_accept(commission=commission, by=buyer)
    Commission.objects.filter(pk=commission.pk).update(status=Status.IN_PROGRESS)
    commission.refresh_from_db()
    assert proofs.finish_problem(commission) == ""


# --- Views, from both sides ---------------------------------------------------------------------------


def test_the_maker_posts_a_proof_and_the_buyer_pins_and_asks_for_a_revision_by_the_pages(
    client, at_work, maker, buyer
):
    url = reverse("commissions:proofs", args=[at_work.reference])
    client.force_login(maker.user)
    response = client.post(reverse("commissions:proof_post", args=[at_work.reference]), {})
    assert response.status_code == 400 and "Add at least one photo" in response.content.decode()
    response = client.post(
        reverse("commissions:proof_post", args=[at_work.reference]),
        {"body": "First drawing", "photos": [upload(), upload((10, 10, 200))]},
    )
    assert response.status_code == 302
    proof = Update.objects.get()
    first, second = proof.photos.all()

    client.force_login(buyer)
    page = client.get(url).content.decode()
    assert "Approve version 1" in page and 'data-pin-form="revise-v1"' in page
    assert "0 of 2 revisions used" in page
    answer = reverse("commissions:proof_decide", args=[at_work.reference, 1])
    # A pin without its comment: the page comes back with the pin and the comment kept.
    response = client.post(
        answer,
        {
            "action": "revise",
            "comment": "Kept words",
            "pin_photo": [first.pk, second.pk],
            "pin_x": ["25", "70.5"],
            "pin_y": ["50", "10"],
            "pin_note": ["Thinner band", ""],
        },
    )
    body = response.content.decode()
    assert response.status_code == 400 and "Pin 2 has no comment" in body
    assert "Kept words" in body and "Thinner band" in body and 'value="70.5"' in body
    response = client.post(
        answer,
        {
            "action": "revise",
            "comment": "Two things",
            "pin_photo": [first.pk, second.pk],
            "pin_x": ["25", "70.5"],
            "pin_y": ["50", "10"],
            "pin_note": ["Thinner band", "Stone <b>higher</b>"],
        },
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'cx="70.50%"' in page and 'cy="10.00%"' in page
    assert "Stone &lt;b&gt;higher&lt;/b&gt;" in page and "1 of 2 revisions used" in page
    email = OutboxEmail.objects.get(template="proof_revision")
    assert "2. Stone <b>higher</b>" in email.body_text and "/commissions/photos/" in email.body_html

    # The maker sees the pins, posts v2; the page shows v1 and v2 side by side.
    client.force_login(maker.user)
    page = client.get(url).content.decode()
    assert "Post version 2" in page and "Thinner band" in page
    client.post(reverse("commissions:proof_post", args=[at_work.reference]), {"photos": [upload()]})
    client.force_login(buyer)
    page = client.get(url).content.decode()
    assert page.index('id="v1"') < page.index('id="v2"')
    assert "Approve version 2" in page and "Approve version 1" not in page
    detail = client.get(at_work.get_absolute_url()).content.decode()
    assert "Approve the design" in detail
    response = client.post(answer, {"action": "approve"}, follow=True)
    assert "replaced by version 2" in response.content.decode()
    client.post(
        reverse("commissions:proof_decide", args=[at_work.reference, 2]), {"action": "approve"}
    )
    page = client.get(url).content.decode()
    assert "Approved by" in page and buyer.get_full_name() in page


def test_others_get_nothing_of_the_proofs(client, at_work, maker, buyer, other_buyer, other_maker):
    post(at_work, maker)
    proof_photo = Update.objects.get().photos.get()
    render_renditions(proof_photo)
    proof_photo.refresh_from_db()
    urls = [
        reverse("commissions:proofs", args=[at_work.reference]),
        proof_photo.file_url(proof_photo.rendition_name("display", "jpeg")),
    ]
    for someone in (None, other_buyer, other_maker.user):
        client.logout()
        if someone:
            client.force_login(someone)
        for url in urls:
            assert client.get(url).status_code in (302, 404), (someone, url)
    client.force_login(buyer)
    for url in urls:
        assert client.get(url).status_code == 200


def test_the_emailed_thumbnail_is_served_by_its_signed_link_only(client, at_work, maker):
    post(at_work, maker)
    proof_photo = Update.objects.get().photos.get()
    src = proofs.email_photo_src(proof_photo)
    assert client.get(src).status_code == 404  # not rendered yet
    render_renditions(proof_photo)
    response = client.get(src)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    tampered = src.replace("/commissions/photos/", "/commissions/photos/x")
    assert client.get(tampered).status_code == 404


def test_the_finish_page_takes_a_photo_and_refuses_before_approval(client, at_work, maker, buyer):
    url = reverse("commissions:finish", args=[at_work.reference])
    client.force_login(maker.user)
    assert "post a proof" in client.get(url).content.decode()
    post(at_work, maker)
    proofs.proof_approve(commission=at_work, by=buyer, version=1)
    response = client.post(url, {"note": "Polished"})
    assert (
        response.status_code == 400
        and "Add a photo of the finished piece" in response.content.decode()
    )
    response = client.post(url, {"note": "Polished", "photos": [upload()]})
    assert response.status_code == 302
    at_work.refresh_from_db()
    assert at_work.status == Status.AWAITING_BALANCE
    assert Update.objects.filter(finished=True, body="Polished").exists()
    # The buyer's payment panel shows the piece.
    client.force_login(buyer)
    page = client.get(at_work.get_absolute_url()).content.decode()
    assert "The finished piece, before you pay the balance" in page
    # Nobody else finishes it.
    client.force_login(buyer)
    assert client.get(url).status_code == 302
