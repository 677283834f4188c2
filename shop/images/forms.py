"""Form fields that take photos: every file goes through check_upload before anything else
(quick checks only; the photo is cleaned and rendered in a task after commit)."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from shop.images.pipeline import ACCEPT, MESSAGES, check_upload

# Django's own "The submitted file is empty." would come first; say it our way.
_ERRORS = {"empty": MESSAGES["empty"]}


class ImageField(forms.FileField):
    """One photo; `cleaned_data` holds the checked upload as a ContentFile, ready to
    assign to an ImageAsset's `image` (then queue_renditions cleans and renders it)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ACCEPT}))
        kwargs["error_messages"] = {**_ERRORS, **kwargs.get("error_messages", {})}
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        # False (cleared), None (nothing sent) and the unchanged initial file pass through.
        if not upload or upload is initial:
            return upload
        return check_upload(upload)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several photos at once (Django's documented multiple-file pattern); `cleaned_data`
    holds a list of checked ContentFiles, empty when the field is optional and unused."""

    def __init__(self, *, max_files: int = 8, **kwargs) -> None:
        self.max_files = max_files
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs["error_messages"] = {**_ERRORS, **kwargs.get("error_messages", {})}
        super().__init__(**kwargs)

    def clean(self, data, initial=None) -> list[ContentFile]:
        uploads = [d for d in data if d] if isinstance(data, list | tuple) else [data]
        if len(uploads) > self.max_files:
            raise ValidationError(
                "You can add up to %(max)s photos at a time; you chose %(count)s.",
                code="too_many_files",
                params={"max": self.max_files, "count": len(uploads)},
            )
        if not uploads:
            super().clean(None, initial)  # "This field is required." when it is
            return []
        cleaned, errors = [], []
        for upload in uploads:
            try:
                cleaned.append(check_upload(super().clean(upload, initial)))
            except ValidationError as e:
                errors.append(_about_file(upload, e))
        if errors:
            raise ValidationError(errors)
        return cleaned


def _about_file(upload, error: ValidationError) -> ValidationError:
    """Name the file in its error ("holiday.jpg: this file is not a photo …")."""
    name = (getattr(upload, "name", "") or "A file")[:80]
    message = " ".join(error.messages)
    return ValidationError(
        "%(name)s: %(message)s",
        code=getattr(error, "code", None) or "invalid",
        params={"name": name, "message": message[:1].lower() + message[1:]},
    )
