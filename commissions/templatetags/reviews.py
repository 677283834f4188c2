"""Reviews on the catalog's pages: `{% load reviews %}{% maker_reviews maker %}` and
`{% piece_reviews piece %}` (the catalog's templates load this; its Python never imports
commissions)."""

from django import template

from commissions.reviews import services
from commissions.reviews.models import Review

register = template.Library()


@register.inclusion_tag("commissions/reviews/_list.html")
def maker_reviews(maker) -> dict:
    reviews = Review.objects.filter(maker=maker)
    return {
        **services.summary(reviews),
        "reviews": services.listing(reviews),
        "show_piece": True,
        "about": maker.display_name,
    }


@register.inclusion_tag("commissions/reviews/_list.html")
def piece_reviews(piece) -> dict:
    reviews = Review.objects.filter(piece=piece)
    return {
        **services.summary(reviews),
        "reviews": services.listing(reviews),
        "show_piece": False,
        "about": piece.title,
    }
