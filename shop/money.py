"""Money is an integer count of minor units plus an ISO 4217 currency; never a float."""

from dataclasses import dataclass

# Minor-unit exponent and symbol for the currencies the shop may use.
CURRENCIES: dict[str, tuple[int, str]] = {
    "EUR": (2, "€"),
    "GBP": (2, "£"),
    "USD": (2, "$"),
    "CHF": (2, "CHF "),
    "SEK": (2, "kr "),
    "DKK": (2, "kr. "),
    "NOK": (2, "kr "),
    "JPY": (0, "¥"),
}


@dataclass(frozen=True)
class Money:
    cents: int
    currency: str

    def __str__(self) -> str:
        return format_money(self.cents, self.currency)

    def __add__(self, other: "Money") -> "Money":
        if other.currency != self.currency:
            raise ValueError(f"Cannot add {other.currency} to {self.currency}.")
        return Money(self.cents + other.cents, self.currency)


def decimals(currency: str) -> int:
    return CURRENCIES.get(currency.upper(), (2, ""))[0]


def format_money(cents: int, currency: str, *, show_zero_decimals: bool = True) -> str:
    """1234567, "EUR" -> "€12,345.67"; -500, "GBP" -> "−£5.00"; 1500, "JPY" -> "¥1,500"."""
    currency = currency.upper()
    exponent, symbol = CURRENCIES.get(currency, (2, ""))
    sign = "−" if cents < 0 else ""
    whole, minor = divmod(abs(int(cents)), 10**exponent)
    text = f"{whole:,}"
    if exponent and (minor or show_zero_decimals):
        text += f".{minor:0{exponent}d}"
    if not symbol:
        return f"{sign}{text} {currency}"
    return f"{sign}{symbol}{text}"


def amount_text(cents: int, currency: str) -> str:
    """1250050, "EUR" -> "12500.50": what a form field shows for editing (no symbol, no commas)."""
    exponent = decimals(currency)
    sign = "-" if cents < 0 else ""
    whole, minor = divmod(abs(int(cents)), 10**exponent)
    return f"{sign}{whole}.{minor:0{exponent}d}" if exponent else f"{sign}{whole}"


def parse_money(text: str, currency: str) -> int:
    """ "12.5" -> 1250 for a 2-decimal currency; raises ValueError on anything else."""
    exponent = decimals(currency)
    cleaned = text.strip().replace(",", "")
    if not cleaned or cleaned.count(".") > 1 or not cleaned.replace(".", "").isdigit():
        raise ValueError(f"{text!r} is not an amount.")
    whole, _, minor = cleaned.partition(".")
    if len(minor) > exponent:
        raise ValueError(f"{currency} has {exponent} decimals.")
    return int(whole or "0") * 10**exponent + int((minor or "0").ljust(exponent, "0") or "0")
