"""Design proofs in a real browser on a phone: the maker posts a proof, the buyer taps the
photo to pin comments and asks for a revision, the maker answers with version 2, the buyer
sees v1 | v2 with their pins and approves; only then can the piece be marked finished, and
the balance is asked for with a photo of it. Without JavaScript a plain comment works."""

import io
import re

from PIL import Image
from playwright.sync_api import expect

from commissions.journal import proofs
from commissions.journal.models import ProofPin, Update, UpdatePhoto
from commissions.models import Status
from commissions.payments import local
from commissions.payments import services as payments
from shop.images.pipeline import check_upload, render_renditions
from tests.commissions import conftest as commission_fixtures
from tests.e2e.conftest import DESKTOP
from tests.e2e.test_commissions import shot, status_badge

ring = commission_fixtures.ring
request_for = commission_fixtures.request_for
quoted = commission_fixtures.quoted
accepted = commission_fixtures.accepted


def jpeg(colour=(201, 164, 92), name="design.jpg") -> dict:
    """A drawing of the design: a pale ground with a band across it."""
    image = Image.new("RGB", (800, 600), (240, 232, 218))
    for x in range(120, 680):
        for y in range(260, 340):
            image.putpixel((x, y), colour)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG")
    return {"name": name, "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def render_photos() -> None:
    """Every update photo gets its sizes, as the task does after commit."""
    for photo in UpdatePhoto.objects.filter(renditions_ready_at__isnull=True):
        render_renditions(photo)


def pay_the_deposit(commission) -> None:
    payment = payments.payment_start(commission=commission, by=commission.buyer, kind="deposit")
    local.test_checkout_pay(payment.test_session)
    payments.payment_sync(payment=payment)
    commission.refresh_from_db()
    assert commission.status == Status.IN_PROGRESS


def approve_a_proof(commission, maker, buyer) -> None:
    """The design approved through the services (for stories about what comes after)."""
    upload = check_upload(_file(jpeg()))
    proofs.proof_post(commission=commission, by=maker.user, body="", images=[upload])
    latest = proofs.latest_proof(commission)
    proofs.proof_approve(commission=commission, by=buyer, version=latest.version)


def _file(data: dict):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(data["name"], data["buffer"], content_type=data["mimeType"])


def finish_with_a_photo(mara) -> None:
    """The maker marks the piece finished on its own page, with a photo of the piece."""
    mara.get_by_role("link", name="Mark the piece finished").click()
    mara.get_by_label("Photos of the finished piece").set_input_files(
        jpeg((160, 120, 60), "finished.jpg")
    )
    mara.get_by_role("button", name="Mark the piece finished").click()
    expect(status_badge(mara)).to_have_text("Awaiting balance")
    expect(mara.locator(".messages")).to_contain_text("Marked finished")


def post_a_version(mara, commission, note: str, colour) -> None:
    mara.goto(commission.get_absolute_url().rstrip("/") + "/proofs/")
    mara.get_by_label("A note with the proof").fill(note)
    mara.get_by_label("Photos or drawings of the design").set_input_files(jpeg(colour))
    mara.get_by_role("button", name="Post the proof").click()
    expect(mara.locator(".messages")).to_contain_text("is posted")
    render_photos()


def test_the_buyer_pins_comments_asks_for_a_revision_then_approves_v2_on_a_phone(
    open_as, accepted, buyer, maker
):
    pay_the_deposit(accepted)
    mara = open_as(maker.user, who="maker")
    bea = open_as(buyer, who="buyer")

    # Before any proof, the piece cannot be marked finished: the page says why.
    mara.goto(accepted.get_absolute_url())
    mara.get_by_role("link", name="Mark the piece finished").click()
    expect(mara.get_by_role("alert")).to_contain_text("post a proof")
    post_a_version(mara, accepted, "First drawing: a 2 mm band, the stone set low.", (160, 82, 45))

    # The buyer is asked first thing to approve the design.
    bea.goto(accepted.get_absolute_url())
    panel = bea.get_by_role("region", name="What happens next")
    expect(panel).to_contain_text("Approve the design")
    shot(bea, "approve-the-design")
    panel.get_by_role("link", name="Approve the design").click()
    expect(bea.locator("h1")).to_have_text("Design proofs")
    expect(bea.locator(".allowance")).to_have_text("0 of 2 revisions used")

    # Tap two spots on the photo: each drops a numbered pin with a box for its comment.
    frame = bea.locator("#v1 .proof-photo__frame")
    frame.scroll_into_view_if_needed()
    box = frame.bounding_box()
    frame.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.5})
    bea.get_by_label("Pin 1: what should change here?").fill("Make the band thinner here")
    frame.click(position={"x": box["width"] * 0.8, "y": box["height"] * 0.2})
    bea.get_by_label("Pin 2: what should change here?").fill("Could the stone sit higher?")
    expect(bea.locator("#v1 svg.pins .pin")).to_have_count(2)
    bea.get_by_label("What should change?").fill("Lovely start — two small things.")
    shot(bea, "pins-placed")
    bea.get_by_role("button", name="Ask for a revision").click()
    expect(bea.locator(".messages")).to_contain_text("You asked for a revision")
    expect(bea.locator(".allowance")).to_have_text("1 of 2 revisions used")
    expect(bea.locator("#v1 .pin-list li")).to_have_count(2)
    pins = list(ProofPin.objects.order_by("number").values_list("x_pct", "y_pct"))
    assert [(round(float(x)), round(float(y))) for x, y in pins] == [(25, 50), (80, 20)], pins

    # The maker sees the pins and answers with version 2.
    mara.goto(accepted.get_absolute_url())
    expect(mara.get_by_role("region", name="What happens next")).to_contain_text(
        "asked for a revision"
    )
    mara.get_by_role("link", name="Post version 2").click()
    expect(mara.locator("#v1 .pin-list")).to_contain_text("Make the band thinner here")
    expect(mara.locator(".allowance")).to_have_text("1 of 2 revisions used")
    shot(mara, "revision-to-answer")
    post_a_version(mara, accepted, "Version 2: 1.8 mm band, the stone raised.", (90, 110, 60))

    # The buyer sees v1 | v2, each with its pins, and approves v2.
    bea.goto(accepted.get_absolute_url().rstrip("/") + "/proofs/")
    expect(bea.locator(".proof-version")).to_have_count(2)
    expect(bea.locator("#v1 svg.pins .pin")).to_have_count(2)
    shot(bea, "v1-and-v2")
    bea.locator("#v2").scroll_into_view_if_needed()
    expect(bea.get_by_role("button", name="Approve version 1")).to_have_count(0)
    bea.get_by_role("button", name="Approve version 2").click()
    expect(bea.locator(".messages")).to_contain_text("You approved version 2")
    expect(bea.locator("#v2 .decision--approved")).to_contain_text("Approved by")
    approved = Update.objects.get(version=2)
    assert (approved.decision, approved.decided_by) == ("approved", buyer)
    shot(bea, "v2-approved")

    # Only now the piece is finished, with a photo, and the balance is asked for with it.
    mara.goto(accepted.get_absolute_url())
    finish_with_a_photo(mara)
    render_photos()
    bea.goto(accepted.get_absolute_url())
    expect(bea.get_by_role("button", name="Pay the balance of €280.00")).to_be_visible()
    expect(bea.locator("figure.finished img")).to_be_visible()
    shot(bea, "balance-with-the-finished-piece")


def test_on_a_desktop_the_versions_sit_side_by_side(open_as, accepted, buyer, maker):
    pay_the_deposit(accepted)
    upload = lambda c: check_upload(_file(jpeg(c)))  # noqa: E731
    v1 = proofs.proof_post(
        commission=accepted, by=maker.user, body="v1", images=[upload((160, 82, 45))]
    )
    photo = v1.photos.get()
    proofs.proof_request_revision(
        commission=accepted,
        by=buyer,
        version=1,
        comment="Thinner",
        pins=[
            proofs.PinInput(photo.pk, 30, 45, "Here"),
            proofs.PinInput(photo.pk, 70, 60, "There"),
        ],
    )
    proofs.proof_post(commission=accepted, by=maker.user, body="v2", images=[upload((90, 110, 60))])
    render_photos()
    bea = open_as(buyer, who="buyer", viewport=DESKTOP)
    bea.goto(accepted.get_absolute_url().rstrip("/") + "/proofs/")
    one, two = (bea.locator(f"#v{n}").bounding_box() for n in (1, 2))
    assert abs(one["y"] - two["y"]) < 2 and two["x"] > one["x"] + one["width"] - 1
    shot(bea, "v1-beside-v2")


def test_without_javascript_a_plain_comment_asks_for_the_revision(open_as, accepted, buyer, maker):
    pay_the_deposit(accepted)
    approve_target = check_upload(_file(jpeg()))
    proofs.proof_post(commission=accepted, by=maker.user, body="v1", images=[approve_target])
    render_photos()
    bea = open_as(buyer, who="buyer", javascript=False)
    bea.goto(accepted.get_absolute_url().rstrip("/") + "/proofs/")
    expect(bea.locator("[data-pin-hint]")).to_be_hidden()
    bea.get_by_label("What should change?").fill("The band a little thinner, please.")
    bea.get_by_role("button", name="Ask for a revision").click()
    expect(bea).to_have_url(re.compile(r"/proofs/"))
    expect(bea.locator(".allowance")).to_have_text("1 of 2 revisions used")
    assert Update.objects.get().decision_comment == "The band a little thinner, please."
