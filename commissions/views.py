"""Commission requests. Until requests open, these pages say so and lead back."""

from django.shortcuts import get_object_or_404, render

from makers.models import Maker, Piece


def request_piece(request, slug: str):
    piece = get_object_or_404(Piece.objects.published(), slug=slug)
    return render(request, "commissions/not_open_yet.html", {"maker": piece.maker, "piece": piece})


def ask_maker(request, slug: str):
    maker = get_object_or_404(Maker, slug=slug)
    return render(request, "commissions/not_open_yet.html", {"maker": maker})
