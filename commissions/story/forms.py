from django import forms

from commissions.story.services import MAX_NOTE


class JourneyForm(forms.Form):
    gift_note = forms.CharField(
        label="A note for whoever opens the link",
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For a gift: it shows at the top of the journey page.",
    )
