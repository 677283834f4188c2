from django.urls import path

from commissions import views

app_name = "commissions"

urlpatterns = [
    # Starting a commission: from a piece, or a question to a maker
    path("pieces/<slug:slug>/request/", views.request_piece, name="request_piece"),
    path("makers/<slug:slug>/ask/", views.ask_maker, name="ask_maker"),
]
