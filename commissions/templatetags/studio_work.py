"""The studio's dashboard counts the maker's work waiting; the catalog app that draws the
dashboard knows nothing of commissions, so the count comes through this tag."""

from django import template

from commissions import selectors

register = template.Library()


@register.simple_tag
def work_waiting(maker) -> dict:
    return selectors.work_waiting(maker)
