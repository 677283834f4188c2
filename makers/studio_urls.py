from django.urls import path

from makers import studio_views as views

app_name = "studio"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    # The maker's profile and materials
    path("profile/", views.profile, name="profile"),
    path("materials/", views.materials, name="materials"),
    path("materials/<int:material_id>/", views.material_edit, name="material_edit"),
    path("materials/<int:material_id>/delete/", views.material_delete, name="material_delete"),
    # Pieces
    path("pieces/", views.pieces, name="pieces"),
    path("pieces/new/", views.piece_new, name="piece_new"),
    path("pieces/<slug:slug>/", views.piece_edit, name="piece_edit"),
    path("pieces/<slug:slug>/status/", views.piece_status, name="piece_status"),
    # A piece's photos
    path("pieces/<slug:slug>/photos/", views.photos_add, name="photos_add"),
    path("pieces/<slug:slug>/photos/<int:photo_id>/move/", views.photo_move, name="photo_move"),
    path(
        "pieces/<slug:slug>/photos/<int:photo_id>/delete/", views.photo_delete, name="photo_delete"
    ),
    # A piece's personalisation options
    path("pieces/<slug:slug>/options/new/", views.option_edit, name="option_new"),
    path("pieces/<slug:slug>/options/<int:option_id>/", views.option_edit, name="option_edit"),
    path(
        "pieces/<slug:slug>/options/<int:option_id>/delete/",
        views.option_delete,
        name="option_delete",
    ),
]
