from datetime import timedelta
from unicodedata import normalize

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.db.models import Q

from shop.accounts import emails, throttle
from shop.accounts.models import User
from shop.notifications.services import recently_queued


class SignUpForm(forms.Form):
    """Name, email, password. Whether the email has an account is never said here: the
    answer is "check your email" either way (accounts.services.account_signup)."""

    name = forms.CharField(
        max_length=120,
        required=False,
        label="Your name",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        # Plain words rather than Django's HTML list: hints are shown escaped, always.
        help_text="At least 8 characters; not a common password, not only digits, "
        "and not like your name or email.",
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            candidate = User(email=cleaned.get("email", ""), name=cleaned.get("name", ""))
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as e:
                self.add_error("password", e)
        return cleaned


class ShopAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email and password do not match an account. Signed up "
        "recently? Follow the link in the email we sent you first.",
    }


class AccountForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name"]
        labels = {"name": "Your name"}


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Whoever holds the session cannot guess the old password here either: after five
    wrong ones in the cool-off, the check is paused for this account."""

    paused_message = (
        "Too many wrong passwords. For your safety, try again in a little while, or reset "
        "your password by email."
    )

    @property
    def paused(self) -> bool:
        return any(e.code == "paused" for e in self.errors.as_data().get("old_password", []))

    def clean_old_password(self):
        if throttle.password_checks_paused(self.user):
            raise forms.ValidationError(self.paused_message, code="paused")
        try:
            password = super().clean_old_password()
        except forms.ValidationError:
            throttle.password_check_failed(self.user)
            raise
        throttle.password_check_passed(self.user)
        return password


class ConfirmingSetPasswordForm(SetPasswordForm):
    """A new password from an emailed reset link; the link proves the address, so an
    account still waiting for its confirmation opens too."""

    def save(self, commit: bool = True):
        if self.user.pending_confirmation:
            self.user.pending_confirmation, self.user.is_active = False, True
        return super().save(commit)


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the email goes through the outbox, is rendered only when it
    is sent (the outbox never holds a working link), at most a few an hour per address,
    and reaches an account still waiting for confirmation too."""

    def get_users(self, email):
        email = normalize("NFKC", email).casefold()
        users = User._default_manager.filter(email__iexact=email).filter(
            Q(is_active=True) | Q(pending_confirmation=True)
        )
        return (u for u in users if u.has_usable_password() and u.email.casefold() == email)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        if recently_queued(to=to_email, template="password_reset", within=timedelta(hours=1)) < 3:
            emails.password_reset(context["user"])
