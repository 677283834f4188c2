"""Forms of the catalog (filters, personalisation) and of the maker's studio."""

import unicodedata

from django import forms
from django.conf import settings
from django.core import validators

from makers.models import Maker, Material, OptionChoice, PersonalisationOption, Piece
from makers.selectors import SORTS, CatalogQuery
from shop.forms import MAX_PRICE_CENTS, MoneyField
from shop.images.forms import ImageField, MultipleImageField
from shop.money import amount_text, decimals, format_money, parse_money

# Whole currency units a price filter may name: the dearest price the shop can take.
MAX_PRICE_UNITS = MAX_PRICE_CENTS // 100
# Weeks a maker may give for making a piece: two years.
MAX_WEEKS = 104

# --- The catalog ---------------------------------------------------------------------------


class CatalogFilterForm(forms.Form):
    """The catalog's filters. Every value lives in the URL; a bad value is ignored, never
    an error page, so an old shared link still shows the catalog."""

    q = forms.CharField(
        required=False,
        max_length=100,
        label="Search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Silver ring, walnut, indigo…"}
        ),
    )
    category = forms.ChoiceField(required=False, label="Category")
    maker = forms.ChoiceField(required=False, label="Maker")
    material = forms.ChoiceField(
        required=False, label="Material", choices=[("", "Any material"), *Material.Kind.choices]
    )
    price_min = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_PRICE_UNITS,
        label="From",
        widget=forms.NumberInput(attrs={"placeholder": "0", "inputmode": "numeric"}),
    )
    price_max = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_PRICE_UNITS,
        label="To",
        widget=forms.NumberInput(attrs={"placeholder": "any", "inputmode": "numeric"}),
    )
    open = forms.BooleanField(required=False, label="Open for commissions")
    responsible = forms.BooleanField(required=False, label="Recycled or certified materials")
    sort = forms.ChoiceField(
        required=False, label="Sort", choices=[(k, label) for k, (label, _) in SORTS.items()]
    )

    def __init__(self, data, *, facets: dict):
        if data.get("q") and not data.get("sort"):
            # A search is ordered by relevance, and the sort box says so.
            data = data.copy()
            data["sort"] = "relevance"
        super().__init__(data)
        if not data.get("q"):
            # Without words to match, relevance means nothing.
            self.fields["sort"].choices = [
                (k, label) for k, label in self.fields["sort"].choices if k != "relevance"
            ]
        self.fields["category"].choices = [("", "All categories"), *facets["categories"]]
        self.fields["maker"].choices = [("", "All makers"), *facets["makers"]]
        self.fields["price_min"].label = f"From ({settings.SHOP_CURRENCY})"
        self.fields["price_max"].label = f"To ({settings.SHOP_CURRENCY})"

    def catalog_query(self) -> CatalogQuery:
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items()}
        unit = 10 ** decimals(settings.SHOP_CURRENCY)
        price_min, price_max = data.get("price_min"), data.get("price_max")
        return CatalogQuery(
            q=(data.get("q") or "").strip(),
            category=data.get("category") or "",
            maker=data.get("maker") or "",
            material=data.get("material") or "",
            price_min_cents=price_min * unit if price_min is not None else None,
            price_max_cents=price_max * unit if price_max is not None else None,
            open_only=bool(data.get("open")),
            responsible_only=bool(data.get("responsible")),
            sort=data.get("sort") or ("relevance" if data.get("q") else "newest"),
        )

    @property
    def active(self) -> bool:
        return any(self.data.get(name) for name in self.fields if name != "sort")


def _bound(field: forms.IntegerField, low: int, high: int) -> None:
    """Narrow a number field to what makes sense (the column would take 32767 weeks)."""
    field.min_value, field.max_value = low, high
    field.validators += [
        validators.MinValueValidator(low),
        validators.MaxValueValidator(high),
    ]
    field.widget.attrs.update(min=low, max=high)


def _printable(text: str) -> bool:
    return all(not unicodedata.category(ch).startswith("C") for ch in text)


class PersonalisationForm(forms.Form):
    """The options a maker offers on a piece, as the buyer fills them in.

    Fields are named `opt-<option id>`. Choices are offered by id and priced from the
    database, never from what the browser sends back.
    """

    def __init__(self, piece: Piece, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.piece = piece
        self.options = list(piece.options.all())
        for option in self.options:
            name = f"opt-{option.id}"
            if option.kind == PersonalisationOption.Kind.TEXT:
                needed_by = [
                    c.label
                    for o in self.options
                    for c in o.choices.all()
                    if c.needs_id == option.id
                ]
                hint = option.help_text
                if needed_by:
                    hint = f"{hint} Needed with {', '.join(needed_by)}.".strip()
                self.fields[name] = forms.CharField(
                    label=option.label,
                    required=option.required,
                    help_text=hint,
                    max_length=option.max_length or 200,
                    widget=forms.TextInput(
                        attrs={"autocomplete": "off", "maxlength": option.max_length or 200}
                    ),
                )
            else:
                choices = list(option.choices.all())
                self.fields[name] = forms.TypedChoiceField(
                    label=option.label,
                    required=option.required,
                    help_text=option.help_text,
                    coerce=int,
                    empty_value=None,
                    choices=([] if option.required else [("", "None")])
                    + [(c.id, self._choice_label(c)) for c in choices],
                    initial=min(choices, key=lambda c: c.price_delta_cents).id
                    if option.required and choices
                    else "",
                )

    def _choice_label(self, choice: OptionChoice) -> str:
        if not choice.price_delta_cents:
            return choice.label
        sign = "+" if choice.price_delta_cents > 0 else ""
        return (
            f"{choice.label} ({sign}{format_money(choice.price_delta_cents, self.piece.currency)})"
        )

    def clean(self):
        cleaned = super().clean()
        for option in self.options:
            value = cleaned.get(f"opt-{option.id}")
            if option.kind == PersonalisationOption.Kind.TEXT and value and not _printable(value):
                self.add_error(f"opt-{option.id}", "Use letters, numbers and punctuation only.")
        # A choice that needs words (a monogram, the initials): say what is missing.
        by_id = self._choices_by_id()
        texts = {o.id: o for o in self.options}
        for option in self.options:
            chosen = by_id.get(cleaned.get(f"opt-{option.id}"))
            if chosen is None or chosen.needs_id not in texts:
                continue
            needed = f"opt-{chosen.needs_id}"
            if not (cleaned.get(needed) or "").strip() and needed not in self.errors:
                self.add_error(
                    needed,
                    f"{chosen.label} needs your {texts[chosen.needs_id].label.lower()}: "
                    "write them here, or choose another option.",
                )
        return cleaned

    def _choices_by_id(self) -> dict[int, OptionChoice]:
        return {c.id: c for option in self.options for c in option.choices.all()}

    def selected_choices(self) -> list[OptionChoice]:
        """The chosen choices: from what validated when bound, else the initial ones."""
        by_id = self._choices_by_id()
        if self.is_bound:
            self.is_valid()  # fields with errors are left out, the rest still price
            values = [self.cleaned_data.get(f"opt-{o.id}") for o in self.options]
        else:
            values = [self.fields[f"opt-{o.id}"].initial for o in self.options]
        return [by_id[v] for v in values if isinstance(v, int) and v in by_id]

    def snapshot(self) -> list[dict]:
        """What the buyer chose, in words and cents, to keep on a commission even if the
        maker later changes the piece."""
        by_id = self._choices_by_id()
        rows = []
        for option in self.options:
            value = self.cleaned_data.get(f"opt-{option.id}")
            if value in (None, ""):
                continue
            if option.kind == PersonalisationOption.Kind.TEXT:
                rows.append({"option": option.label, "value": value, "price_delta_cents": 0})
            else:
                choice = by_id[value]
                rows.append(
                    {
                        "option": option.label,
                        "value": choice.label,
                        "price_delta_cents": choice.price_delta_cents,
                    }
                )
        return rows


# --- The studio ----------------------------------------------------------------------------


class MakerProfileForm(forms.ModelForm):
    portrait = ImageField(
        required=False,
        label="Portrait",
        help_text="A photo of you or your bench. JPEG, PNG, WebP or HEIC, up to 15 MB.",
    )

    class Meta:
        model = Maker
        fields = [
            "display_name",
            "craft",
            "tagline",
            "story",
            "location",
            "accepting_commissions",
            "capacity",
            "typical_lead_weeks",
            "workshop_address",
            "offers_pickup",
        ]
        labels = {
            "offers_pickup": "Buyers may collect their piece at the workshop",
            "display_name": "Name shown to buyers",
            "accepting_commissions": "Open for new commissions",
            "capacity": "Commissions at once",
            "typical_lead_weeks": "Typical weeks per piece",
        }
        widgets = {"story": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bound(self.fields["typical_lead_weeks"], 1, MAX_WEEKS)

    def clean_capacity(self) -> int:
        capacity = self.cleaned_data["capacity"]
        if not 1 <= capacity <= 50:
            raise forms.ValidationError("Between 1 and 50 commissions at once.")
        return capacity


class MaterialForm(forms.ModelForm):
    class Meta:
        model = Material
        fields = ["name", "kind", "origin", "supplier", "recycled", "certification", "note"]
        labels = {"recycled": "Recycled or reclaimed"}
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, maker: Maker, **kwargs):
        super().__init__(*args, **kwargs)
        self.maker = maker

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = self.maker.materials.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("You already have a material with this name.")
        return name


class PieceForm(forms.ModelForm):
    base_price_cents = MoneyField(
        label="Base price", min_cents=100, help_text="What the piece costs before personalisation."
    )

    class Meta:
        model = Piece
        fields = [
            "title",
            "description",
            "category",
            "base_price_cents",
            "lead_time_min_weeks",
            "lead_time_max_weeks",
            "made_to_order",
            "materials",
        ]
        labels = {
            "lead_time_min_weeks": "Lead time, at least (weeks)",
            "lead_time_max_weeks": "Lead time, at most (weeks)",
            "made_to_order": "Made to order (not ready made)",
        }
        widgets = {
            "materials": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, maker: Maker, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("lead_time_min_weeks", "lead_time_max_weeks"):
            _bound(self.fields[name], 0, MAX_WEEKS)
        self.fields["materials"].queryset = maker.materials.all()
        self.fields["materials"].help_text = "Add materials on the Materials page first."
        self.fields["base_price_cents"].label = f"Base price ({settings.SHOP_CURRENCY})"

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("lead_time_min_weeks"), cleaned.get("lead_time_max_weeks")
        if low is not None and high is not None and low > high:
            self.add_error(
                "lead_time_max_weeks", "The longest lead time cannot be shorter than the shortest."
            )
        return cleaned


class PhotoUploadForm(forms.Form):
    photos = MultipleImageField(
        label="Add photos",
        max_files=8,
        help_text="Up to 8 at once. JPEG, PNG, WebP or HEIC, up to 15 MB each.",
    )
    alt_text = forms.CharField(
        required=False,
        max_length=200,
        label="Describe the photos",
        help_text="For buyers who cannot see them, e.g. “Ring on a wooden table”.",
    )


class OptionForm(forms.ModelForm):
    """A personalisation option. Choices are typed one per line, `Label | +price`:

    Silver
    9ct gold | +320
    Sapphire | +40.50
    """

    choices_text = forms.CharField(
        required=False,
        label="Choices",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One per line. Add a price change after a bar: “9ct gold | +320”; a choice "
        "that needs words names the text option: “Monogram | +15 | needs Initials”.",
    )

    class Meta:
        model = PersonalisationOption
        fields = ["kind", "label", "help_text", "required", "max_length"]
        labels = {
            "help_text": "Hint for the buyer",
            "required": "The buyer must fill this in",
            "max_length": "Most characters (text options)",
        }

    def __init__(self, *args, currency: str, piece=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency, self.piece = currency, piece
        if self.instance.pk and not self.is_bound:
            self.initial["choices_text"] = "\n".join(
                self._choice_line(c) for c in self.instance.choices.all()
            )

    def _choice_line(self, choice: OptionChoice) -> str:
        needs = f" | needs {choice.needs.label}" if choice.needs_id else ""
        if not choice.price_delta_cents:
            return f"{choice.label} | +0{needs}" if needs else choice.label
        sign = "+" if choice.price_delta_cents > 0 else "-"
        price = amount_text(abs(choice.price_delta_cents), self.currency)
        return f"{choice.label} | {sign}{price}{needs}"

    def clean_choices_text(self) -> list[tuple[str, int]]:
        parsed = []
        for number, line in enumerate(self.cleaned_data["choices_text"].splitlines(), start=1):
            if not line.strip():
                continue
            label, _, rest = (part.strip() for part in line.partition("|"))
            price, _, needs = (part.strip() for part in rest.partition("|"))
            if needs and not needs.lower().startswith("needs "):
                raise forms.ValidationError(
                    f"Line {number}: after the price, write “needs” and a text option's name."
                )
            needs = needs[6:].strip()
            if needs and self.piece is not None:
                texts = self.piece.options.filter(kind=PersonalisationOption.Kind.TEXT)
                if not texts.filter(label__iexact=needs).exists():
                    raise forms.ValidationError(
                        f"Line {number}: this piece has no text option called “{needs}”; "
                        "add it first."
                    )
            if not label:
                raise forms.ValidationError(f"Line {number}: a choice needs a name.")
            delta = 0
            if price:
                sign = -1 if price.startswith("-") else 1
                try:
                    delta = sign * parse_money(price.lstrip("+-").lstrip("€£$¥"), self.currency)
                except ValueError:
                    raise forms.ValidationError(
                        f"Line {number}: “{price}” is not a price change; write it like +40 or -10.50."
                    ) from None
                if abs(delta) > MAX_PRICE_CENTS:
                    limit = format_money(MAX_PRICE_CENTS, self.currency)
                    raise forms.ValidationError(
                        f"Line {number}: a choice can change the price by {limit} at most."
                    )
            if len(label) > 80:
                raise forms.ValidationError(f"Line {number}: keep a choice under 80 characters.")
            parsed.append((label, delta, needs))
        return parsed

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == PersonalisationOption.Kind.CHOICE and not cleaned.get(
            "choices_text"
        ):
            self.add_error("choices_text", "A choice option needs at least one choice.")
        if cleaned.get("kind") == PersonalisationOption.Kind.TEXT and cleaned.get("choices_text"):
            self.add_error(
                "choices_text", "Text options have no choices; switch to a choice option."
            )
        return cleaned
