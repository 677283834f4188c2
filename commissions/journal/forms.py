"""The build journal's forms: a progress update from the bench, a milestone ticked off,
the promised date moved (with a reason) or agreed again, the buyer's request to cancel."""

from datetime import timedelta

from django import forms
from django.utils import timezone

from commissions.journal.services import MAX_BODY, MAX_PHOTOS
from shop.images.forms import MultipleFileInput, MultipleImageField

# Any photo the phone takes, HEIC from an iPhone included (the upload check decides).
PHOTO_ACCEPT = "image/*,.heic,.heif"


class DateInput(forms.DateInput):
    input_type = "date"


class UpdateForm(forms.Form):
    photos = MultipleImageField(
        required=False,
        max_files=MAX_PHOTOS,
        label="Photos from the bench",
        help_text=f"Up to {MAX_PHOTOS}: take them now, or choose ones you took.",
        widget=MultipleFileInput(attrs={"accept": PHOTO_ACCEPT, "capture": "environment"}),
    )
    body = forms.CharField(
        required=False,
        label="What you did",
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Today I soldered the band…"}),
    )
    milestone = forms.TypedChoiceField(
        required=False, label="Milestone", coerce=int, empty_value=None
    )
    milestone_done = forms.BooleanField(required=False, label="This milestone is done")
    shareable = forms.BooleanField(
        required=False,
        label="Shareable on the journey page",
        help_text="The buyer decides whether the journey page is public.",
    )

    def __init__(self, *args, milestones=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        open_ones = [m for m in milestones if m.done_at is None]
        self.fields["milestone"].choices = [("", "None")] + [
            (m.pk, f"{m.position}. {m.title}") for m in open_ones
        ]
        if open_ones:
            self.fields["milestone"].initial = open_ones[0].pk
        else:
            del self.fields["milestone"]
            del self.fields["milestone_done"]

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("body") or "").strip() and not cleaned["photos"]:
            raise forms.ValidationError("Add a photo or write a few words.")
        return cleaned


class MilestoneTickForm(forms.Form):
    milestone = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    note = forms.CharField(required=False, max_length=MAX_BODY, label="A note (optional)")


def _date_bounds(field: forms.DateField) -> None:
    today = timezone.localdate()
    field.widget.attrs.update(
        {"min": today.isoformat(), "max": (today + timedelta(days=730)).isoformat()}
    )


class DateMoveForm(forms.Form):
    new_date = forms.DateField(label="New promised date", widget=DateInput)
    reason = forms.CharField(
        label="Why it moves (the buyer reads this)",
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _date_bounds(self.fields["new_date"])


class DateAgreeForm(forms.Form):
    new_date = forms.DateField(label="Agree a new date", widget=DateInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _date_bounds(self.fields["new_date"])


class CancelRequestForm(forms.Form):
    reason = forms.CharField(
        required=False,
        label="Anything the shop should know?",
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
