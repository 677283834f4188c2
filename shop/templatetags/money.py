from django import template

from shop.money import format_money

register = template.Library()


@register.filter
def money(cents: int | None, currency: str = "EUR") -> str:
    """{{ piece.base_price_cents|money:piece.currency }} -> €120.00"""
    if cents is None or cents == "":
        return ""
    return format_money(int(cents), currency)
