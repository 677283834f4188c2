from django.urls import path

from commissions.payments import views as payments
from commissions.views import commission, inbox, moves, requests, reviews, shipping, thread

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
    path("reviews/photos/<int:pk>/<str:filename>", reviews.review_photo, name="review_photo"),
    # The maker's inbox
    path("studio/commissions/", inbox.inbox, name="inbox"),
]
