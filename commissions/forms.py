"""Forms for asking, requesting, quoting and writing to each other."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone

from commissions.payments.services import deposit_problem
from makers.models import Maker
from shop.forms import MoneyField
from shop.images.forms import MultipleImageField

# Text fields a visitor may type before logging in; kept in their session meanwhile.
DRAFT_FIELDS = (
    "brief",
    "wanted_by",
    "heirloom",
    "heirloom_description",
    "title",
    "budget_min",
    "budget_max",
    "body",
)


class DateInput(forms.DateInput):
    """A native date picker; it only understands ISO dates, whatever the site's locale."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _future(value):
    if value and value <= timezone.localdate():
        raise forms.ValidationError("Choose a date after today.")
    return value


class _HeirloomMixin(forms.Form):
    heirloom = forms.BooleanField(
        required=False,
        label="I have a piece to rework",
        help_text="An heirloom to remake: a ring, a chain, a chair…",
    )
    heirloom_description = forms.CharField(
        required=False,
        label="About your piece",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What it is, what state it is in, what you would like done with it.",
    )
    heirloom_images = MultipleImageField(required=False, max_files=8, label="Photos of your piece")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("heirloom") and not cleaned.get("heirloom_description", "").strip():
            self.add_error("heirloom_description", "Tell the maker about the piece to rework.")
        return cleaned


class PieceRequestForm(_HeirloomMixin):
    brief = forms.CharField(
        required=False,
        label="Anything the maker should know?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="An occasion, a size, a story behind it.",
    )
    wanted_by = forms.DateField(
        required=False, label="Wanted by", widget=DateInput, validators=[_future]
    )
    images = MultipleImageField(required=False, max_files=8, label="Reference photos")

    field_order = [
        "brief",
        "wanted_by",
        "images",
        "heirloom",
        "heirloom_description",
        "heirloom_images",
    ]


class CustomBriefForm(_HeirloomMixin):
    title = forms.CharField(
        max_length=160,
        label="What would you like made?",
        widget=forms.TextInput(attrs={"placeholder": "A walnut keepsake box"}),
    )
    brief = forms.CharField(
        label="Describe it",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Size, materials, colours, who it is for — the more the maker "
        "knows, the better the quote.",
    )
    budget_min = MoneyField(required=False, label=f"Budget from ({settings.SHOP_CURRENCY})")
    budget_max = MoneyField(required=False, label=f"Budget up to ({settings.SHOP_CURRENCY})")
    wanted_by = forms.DateField(
        required=False, label="Wanted by", widget=DateInput, validators=[_future]
    )
    images = MultipleImageField(
        required=False,
        max_files=8,
        label="Reference photos",
        help_text="Up to 8: sketches, pictures you like, the space it is for.",
    )

    # As a person thinks: what, then how much and by when, then photos; a piece to
    # rework last (its fields open when ticked).
    field_order = [
        "title",
        "brief",
        "budget_min",
        "budget_max",
        "wanted_by",
        "images",
        "heirloom",
        "heirloom_description",
        "heirloom_images",
    ]

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("budget_min"), cleaned.get("budget_max")
        if low is not None and high is not None and low > high:
            self.add_error("budget_max", "The upper end of the budget is below the lower end.")
        return cleaned


class InquiryForm(forms.Form):
    body = forms.CharField(
        label="Your question", max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    images = MultipleImageField(required=False, max_files=4, label="Photos")


class MessageForm(forms.Form):
    body = forms.CharField(
        required=False,
        label="Message",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Write a message…"}),
    )
    images = MultipleImageField(required=False, max_files=4, label="Photos")

    def clean(self):
        cleaned = super().clean()
        if (
            not (cleaned.get("body") or "").strip()
            and not cleaned.get("images")
            and not self.errors
        ):
            raise forms.ValidationError("Write a message or add a photo.")
        return cleaned


class QuoteForm(forms.Form):
    price = MoneyField(label=f"Total price ({settings.SHOP_CURRENCY})", min_cents=100)
    deposit_percent = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=100,
        label="Deposit, as a percentage",
        help_text="Or give an amount below.",
    )
    deposit_amount = MoneyField(
        required=False, label=f"Deposit, as an amount ({settings.SHOP_CURRENCY})"
    )
    estimated_weeks = forms.IntegerField(min_value=1, max_value=104, label="Weeks of work")
    milestones = forms.CharField(
        required=False,
        label="Milestones",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line, in order: Sketches, Wax model, Casting, Setting.",
    )
    revision_rounds = forms.IntegerField(
        min_value=0, max_value=10, initial=2, label="Design revisions included"
    )
    valid_until = forms.DateField(label="Quote valid until", widget=DateInput)
    note = forms.CharField(
        required=False,
        label="A note to the buyer",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, commission=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valid_until"].initial = timezone.localdate() + timedelta(days=14)
        if commission is not None and commission.listed_price_cents:
            # A listed piece: start from its price with the buyer's choices.
            self.fields["price"].initial = commission.listed_price_cents
        if commission is not None and commission.piece_id:
            piece = commission.piece
            self.fields["estimated_weeks"].initial = piece.lead_time_max_weeks

    def clean_valid_until(self):
        value = self.cleaned_data["valid_until"]
        if value < timezone.localdate():
            raise forms.ValidationError("A quote must be valid until today or later.")
        return value

    def clean(self):
        cleaned = super().clean()
        price = cleaned.get("price")
        percent, amount = cleaned.get("deposit_percent"), cleaned.get("deposit_amount")
        if price is None:
            return cleaned
        if percent is not None and amount is not None:
            self.add_error(
                "deposit_amount", "Give the deposit as a percentage or an amount, not both."
            )
        elif amount is not None:
            cleaned["deposit_cents"] = amount
        elif percent is not None:
            cleaned["deposit_cents"] = price * percent // 100
        else:
            self.add_error("deposit_percent", "How much deposit do you ask? 30 to 50% is usual.")
        if cleaned.get("deposit_cents", 0) > price:
            self.add_error("deposit_amount", "The deposit cannot be more than the price.")
        elif "deposit_cents" in cleaned:
            problem = deposit_problem(
                price_cents=price,
                deposit_cents=cleaned["deposit_cents"],
                currency=settings.SHOP_CURRENCY,
            )
            if problem:
                self.add_error(
                    "deposit_percent" if percent is not None else "deposit_amount", problem
                )
        cleaned["milestones"] = [
            line.strip() for line in cleaned.get("milestones", "").splitlines() if line.strip()
        ]
        return cleaned


class MoveForm(forms.Form):
    """The box for a reason that comes with some moves' buttons (see workflow.MOVES): its
    label and whether it must be filled in come from the move; the prefix keeps two such
    forms on one page apart."""

    reason = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, move, **kwargs):
        super().__init__(*args, prefix=move.name, **kwargs)
        self.fields["reason"].required = move.reason == "required"
        self.fields["reason"].label = move.ask


class HeirloomArrivalForm(forms.Form):
    condition = forms.CharField(
        label="Its condition on arrival", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ResendForm(forms.Form):
    maker = forms.ModelChoiceField(
        queryset=Maker.objects.filter(accepting_commissions=True),
        required=False,
        empty_label="The same maker",
        label="Send it to",
        to_field_name="slug",
    )
