"""Reviews on the catalog's pages: `{% load reviews %}{% maker_reviews maker %}` and
`{% piece_reviews piece %}` (the catalog's templates load this; its Python never imports
commissions)."""

from django import template

from commissions.reviews import services
from commissions.reviews.models import Review

register = template.Library()


@register.inclusion_tag("commissions/reviews/_list.html")
def maker_reviews(maker) -> dict:
    summary, listing = services.summary_and_listing(Review.objects.filter(maker=maker))
    return {
        **summary,
        "reviews": listing,
        "show_piece": True,
        "about": maker.display_name,
    }


@register.inclusion_tag("commissions/reviews/_list.html")
def piece_reviews(piece) -> dict:
    summary, listing = services.summary_and_listing(Review.objects.filter(piece=piece))
    return {
        **summary,
        "reviews": listing,
        "show_piece": False,
        "about": piece.title,
    }
