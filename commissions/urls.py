from django.urls import path

from commissions.payments import views as payments
from commissions.views import (
    commission,
    inbox,
    journal,
    moves,
    proofs,
    requests,
    reviews,
    shipping,
    story,
    thread,
)

app_name = "commissions"

urlpatterns = [
    # Starting a commission: from a piece, from a brief, or with a question
    path("pieces/<slug:slug>/request/", requests.request_piece, name="request_piece"),
    path("makers/<slug:slug>/commission/", requests.request_custom, name="request_custom"),
    path("makers/<slug:slug>/ask/", requests.ask_maker, name="ask_maker"),
    # The buyer's commissions, and one commission as its buyer or maker sees it
    path("commissions/", commission.commission_list, name="list"),
    path("commissions/<str:reference>/", commission.commission_detail, name="detail"),
    # The thread and the commission's private photos
    path("commissions/<str:reference>/messages/", thread.messages_since, name="messages"),
    path("commissions/<str:reference>/messages/new/", thread.message_post, name="message_post"),
    path(
        "commissions/<str:reference>/images/<str:kind>/<int:pk>/<str:filename>",
        thread.private_image,
        name="image",
    ),
    # Moves on the commission (accept the quote, mark finished, …: see workflow.MOVES)
    path("commissions/<str:reference>/moves/<str:name>/", moves.commission_move, name="move"),
    path("commissions/<str:reference>/resend/", commission.resend, name="resend"),
    path("commissions/<str:reference>/pay/<str:kind>/", payments.pay, name="pay"),
    # The maker's pages on a commission: the quote form, the heirloom's arrival
    path("commissions/<str:reference>/quote/", commission.quote_new, name="quote"),
    path("commissions/<str:reference>/heirloom/", commission.heirloom_arrived, name="heirloom"),
    # Where the piece goes (the buyer) and shipping it (the maker)
    path("commissions/<str:reference>/delivery/", shipping.delivery, name="delivery"),
    path("commissions/<str:reference>/ship/", shipping.ship, name="ship"),
    # The buyer's review once it arrived, the maker's answer, and the review's photo
    path("commissions/<str:reference>/review/", reviews.review, name="review"),
    path("commissions/<str:reference>/review/reply/", reviews.review_reply, name="review_reply"),
    path("reviews/photos/<str:filename>", reviews.review_photo, name="review_photo"),
    # The build journal: updates from the bench, milestones, the promised date
    path("commissions/<str:reference>/updates/new/", journal.update_new, name="update_new"),
    path(
        "commissions/<str:reference>/milestones/tick/",
        journal.milestone_tick,
        name="milestone_tick",
    ),
    path("commissions/<str:reference>/promised/move/", journal.date_move, name="date_move"),
    path("commissions/<str:reference>/promised/agree/", journal.date_agree, name="date_agree"),
    path(
        "commissions/<str:reference>/promised/cancel/",
        journal.cancel_request,
        name="cancel_request",
    ),
    # The one photo an email shows, by a signed link (an email client has no session)
    path("commissions/photos/<str:token>/thumb.jpg", journal.email_photo, name="email_photo"),
    # Design proofs (every version side by side), the buyer's answer, extra charges and the
    # finished piece's photo
    path("commissions/<str:reference>/proofs/", proofs.proof_list, name="proofs"),
    path("commissions/<str:reference>/proofs/new/", proofs.proof_post, name="proof_post"),
    path(
        "commissions/<str:reference>/proofs/<int:version>/answer/",
        proofs.proof_decide,
        name="proof_decide",
    ),
    path(
        "commissions/<str:reference>/change-orders/new/",
        proofs.change_order_new,
        name="change_order_new",
    ),
    path(
        "commissions/<str:reference>/change-orders/<int:pk>/answer/",
        proofs.change_order_answer,
        name="change_order_answer",
    ),
    path("commissions/<str:reference>/finish/", proofs.finish, name="finish"),
    # The story: the buyer's shareable journey link (public, read-only) and the piece's
    # provenance record
    path("commissions/<str:reference>/journey/", story.journey_manage, name="journey_manage"),
    path("commissions/<str:reference>/provenance/", story.provenance, name="provenance"),
    path("journey/<str:token>/", story.journey, name="journey"),
    path("journey/<str:token>/provenance/", story.journey_provenance, name="journey_provenance"),
    path(
        "journey/<str:token>/photos/<int:pk>/<str:filename>",
        story.journey_photo,
        name="journey_photo",
    ),
    # The maker's inbox
    path("studio/commissions/", inbox.inbox, name="inbox"),
]
