"""The forms of design proofs, change orders and the finished piece."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings

from commissions.journal.proofs import MAX_PHOTOS, MAX_PINS, PinInput
from shop.forms import MoneyField
from shop.images.forms import MultipleImageField


class ProofForm(forms.Form):
    body = forms.CharField(
        required=False,
        max_length=5000,
        label="A note with the proof",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the buyer is looking at, and what you changed since the last version.",
    )
    photos = MultipleImageField(
        max_files=MAX_PHOTOS,
        label="Photos or drawings of the design",
        help_text=f"1 to {MAX_PHOTOS}: JPEG, PNG, WebP or HEIC.",
        error_messages={"required": "Add at least one photo of the design."},
    )


class RevisionForm(forms.Form):
    """What should change: a comment, and pins on the photos (pin_photo, pin_x, pin_y,
    pin_note, one of each per pin, added by static/js/pins.js)."""

    comment = forms.CharField(
        required=False,
        max_length=5000,
        label="What should change?",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, photo_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.photo_ids = set(photo_ids)
        self.pins: list[PinInput] = []
        # What was pinned, to draw the pins again when the form comes back with an error.
        self.pins_typed: list[dict] = []

    def clean(self):
        cleaned = super().clean()
        data = self.data
        getlist = data.getlist if hasattr(data, "getlist") else lambda k: data.get(k, [])
        photos, xs, ys, notes = (getlist(k) for k in ("pin_photo", "pin_x", "pin_y", "pin_note"))
        if not len(photos) == len(xs) == len(ys) == len(notes):
            raise forms.ValidationError("The pins came through incomplete: please pin them again.")
        if len(notes) > MAX_PINS:
            raise forms.ValidationError(f"At most {MAX_PINS} pins on one version.")
        for number, (photo, x, y, note) in enumerate(zip(photos, xs, ys, notes, strict=True), 1):
            try:
                photo_id = int(photo)
                x_pct, y_pct = Decimal(x), Decimal(y)
            except (ValueError, InvalidOperation):
                raise forms.ValidationError(
                    "A pin came through damaged: please pin it again."
                ) from None
            if photo_id not in self.photo_ids or not all(
                v.is_finite() and 0 <= v <= 100 for v in (x_pct, y_pct)
            ):
                raise forms.ValidationError("A pin is not on a photo of this version.")
            note = note.replace("\x00", "").strip()[:500]
            self.pins_typed.append({"photo": photo_id, "x": x_pct, "y": y_pct, "note": note})
            if not note:
                self.add_error(None, f"Pin {number} has no comment: say what should change there.")
            self.pins.append(PinInput(photo_id, x_pct, y_pct, note))
        if not (cleaned.get("comment") or "").strip() and not self.pins and not self.errors:
            raise forms.ValidationError("Say what should change, or pin a comment to the photo.")
        return cleaned


class ChangeOrderForm(forms.Form):
    amount = MoneyField(label=f"Extra charge ({settings.SHOP_CURRENCY})", min_cents=1)
    reason = forms.CharField(
        max_length=2000,
        label="What is it for?",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The buyer reads this; it is added to the balance only if they accept.",
    )


class FinishForm(forms.Form):
    photos = MultipleImageField(
        max_files=MAX_PHOTOS,
        label="Photos of the finished piece",
        help_text="The buyer sees them with the request for the balance.",
        error_messages={"required": "Add a photo of the finished piece."},
    )
    note = forms.CharField(
        required=False,
        max_length=2000,
        label="A word to the buyer",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
