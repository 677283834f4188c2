"""Where the piece goes (the buyer) and how it went (the maker)."""

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator

from commissions.shipping import carriers
from commissions.shipping.models import Delivery

COUNTRY_NAMES = {
    "AT": "Austria", "AU": "Australia", "BE": "Belgium", "CA": "Canada", "CH": "Switzerland",
    "CZ": "Czechia", "DE": "Germany", "DK": "Denmark", "ES": "Spain", "FI": "Finland",
    "FR": "France", "GB": "United Kingdom", "IE": "Ireland", "IS": "Iceland", "IT": "Italy",
    "JP": "Japan", "LU": "Luxembourg", "NL": "Netherlands", "NO": "Norway",
    "NZ": "New Zealand", "PL": "Poland", "PT": "Portugal", "SE": "Sweden",
    "US": "United States",
}  # fmt: skip


def country_choices() -> list[tuple[str, str]]:
    return [("", "Choose…")] + sorted(
        ((code, COUNTRY_NAMES.get(code, code)) for code in settings.SHIPPING_COUNTRIES),
        key=lambda choice: choice[1],
    )


class AddressForm(forms.Form):
    """A postal address, as Stripe Checkout asks for it."""

    name = forms.CharField(label="Full name", max_length=120)
    line1 = forms.CharField(label="Address", max_length=200)
    line2 = forms.CharField(label="Address, line 2", max_length=200, required=False)
    city = forms.CharField(label="Town or city", max_length=120)
    postal_code = forms.CharField(label="Postcode", max_length=20, required=False)
    region = forms.CharField(label="State or region", max_length=120, required=False)
    country = forms.ChoiceField(label="Country", choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices()
        autocomplete = {
            "name": "shipping name",
            "line1": "shipping address-line1",
            "line2": "shipping address-line2",
            "city": "shipping address-level2",
            "postal_code": "shipping postal-code",
            "region": "shipping address-level1",
            "country": "shipping country",
        }
        for name, value in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = value


class DeliveryForm(AddressForm):
    """The buyer's choice. Posted: the address here, or left empty to give it with the
    balance at Checkout; a pick-up needs no address."""

    method = forms.ChoiceField(
        label="How it reaches you", widget=forms.RadioSelect, choices=Delivery.Method.choices
    )
    gift = forms.BooleanField(
        label="It is a gift: send it to someone else (their name and address below)",
        required=False,
    )
    field_order = ["method", "gift"]

    def __init__(self, *args, offers_pickup: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [
            (Delivery.Method.POST, "Post it"),
            *(
                [(Delivery.Method.PICKUP, "I will collect it at the workshop")]
                if offers_pickup
                else []
            ),
        ]
        for name in ("name", "line1", "city", "country"):
            self.fields[name].required = False

    def clean(self):
        data = super().clean()
        if data.get("method") != Delivery.Method.POST:
            return data
        given = [data.get(n) for n in ("name", "line1", "city", "country")]
        if data.get("gift") and not all(given):
            raise forms.ValidationError(
                "For a gift, give the name and address it goes to (name, address, town, country)."
            )
        if any(given) and not all(given):
            raise forms.ValidationError(
                "Give the whole address (name, address, town and country), or leave it all "
                "empty to give it when you pay the balance."
            )
        return data


class ShipForm(forms.Form):
    carrier = forms.ChoiceField(label="Carrier", choices=[("", "Choose…"), *carriers.CHOICES])
    tracking_number = forms.CharField(
        label="Tracking number",
        max_length=40,
        required=False,
        validators=[
            RegexValidator(
                carriers.TRACKING_NUMBER,
                "A tracking number has 4 to 40 letters, digits, spaces or dashes.",
            )
        ],
        help_text="The buyer gets a link to follow the parcel.",
    )
    note = forms.CharField(
        label="A note to the buyer",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Like the card in the parcel: it is kept with the piece's story.",
    )

    heirloom_reused = forms.CharField(
        label="What of the heirloom went into the new piece",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="e.g. “The garnet and about 3 g of the gold band.”",
    )
    heirloom_returned = forms.CharField(
        label="What goes back to the buyer",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="e.g. “The old shank, in the small pouch.” Leave empty if nothing.",
    )

    def __init__(self, *args, pickup: bool, heirloom: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not heirloom:
            del self.fields["heirloom_reused"]
            del self.fields["heirloom_returned"]
        if pickup:
            del self.fields["carrier"]
            del self.fields["tracking_number"]
