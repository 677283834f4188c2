"""Form fields every app shares."""

from django import forms
from django.conf import settings

from shop.money import amount_text, decimals, format_money, parse_money

# The dearest amount anyone may type (a million in the shop's currency); far inside the
# integer columns amounts are kept in, even summed over a piece's options.
MAX_PRICE_CENTS = 100_000_000


class MoneyField(forms.CharField):
    """An amount typed as "120" or "1,250.50"; cleans to integer minor units (cents)."""

    def __init__(
        self,
        *,
        currency: str | None = None,
        min_cents: int = 0,
        max_cents: int = MAX_PRICE_CENTS,
        **kwargs,
    ):
        self.currency = (currency or settings.SHOP_CURRENCY).upper()
        self.min_cents, self.max_cents = min_cents, max_cents
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        # Initial values are cents from the model; typed values stay as typed.
        if isinstance(value, int):
            return amount_text(value, self.currency)
        return value

    def to_python(self, value) -> int | None:
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        text = value.strip().lstrip("€£$¥").strip()
        try:
            cents = parse_money(text, self.currency)
        except ValueError:
            places = decimals(self.currency)
            example = "120" if not places else "120 or 120." + "5" * places
            raise forms.ValidationError(
                f"Enter an amount in {self.currency}, like {example}.", code="invalid"
            ) from None
        if cents < self.min_cents:
            raise forms.ValidationError(
                f"The amount must be at least {format_money(self.min_cents, self.currency)}.",
                code="min_value",
            )
        if cents > self.max_cents:
            raise forms.ValidationError(
                f"The amount can be at most {format_money(self.max_cents, self.currency)}.",
                code="max_value",
            )
        return cents
