from django.urls import path

from makers import views

app_name = "makers"

urlpatterns = [
    # The catalog of pieces, and one piece with its personalisation and live price
    path("pieces/", views.catalog, name="catalog"),
    path("pieces/<slug:slug>/", views.piece_detail, name="piece"),
    # Makers
    path("makers/", views.makers_list, name="makers"),
    path("makers/<slug:slug>/", views.maker_detail, name="maker"),
]
