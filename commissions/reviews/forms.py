from django import forms

from commissions.reviews.services import MAX_BODY
from shop.images.forms import MultipleImageField

STARS = [(n, f"{'★' * n}{'☆' * (5 - n)} — {n} of 5") for n in range(5, 0, -1)]


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="How do you rate it?", choices=STARS, coerce=int, widget=forms.RadioSelect
    )
    body = forms.CharField(
        label="Your review",
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Shown on the maker’s page with your first name, as a verified commission.",
    )
    photo = MultipleImageField(
        required=False,
        max_files=1,
        label="A photo of it at home",
        help_text="Shown with your review. A new photo replaces the old one.",
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label="Your answer", max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 3})
    )
