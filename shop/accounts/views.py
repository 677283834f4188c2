from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlencode, urlsafe_base64_decode
from django.views.decorators.http import require_http_methods

from shop.accounts import services
from shop.accounts.emails import confirmation_tokens
from shop.accounts.forms import AccountForm, SignUpForm, ThrottledPasswordChangeForm
from shop.accounts.models import User
from shop.accounts.roles import is_maker, is_owner

# Who signed up in this browser: following the emailed link here logs them straight in.
SIGNUP_SESSION_KEY = "signup"


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:account")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.account_signup(**form.cleaned_data, next_url=_safe_next(request, ""))
        # The same answer whether or not the address already had an account.
        request.session[SIGNUP_SESSION_KEY] = {
            "email": form.cleaned_data["email"],
            "user_id": user.pk if user else None,
        }
        return redirect("accounts:signup_sent")
    return render(request, "accounts/signup.html", {"form": form, "next": _safe_next(request, "")})


def signup_sent(request: HttpRequest) -> HttpResponse:
    email = (request.session.get(SIGNUP_SESSION_KEY) or {}).get("email", "")
    return render(request, "accounts/signup_sent.html", {"email": email})


def _pending_user(uidb64: str, token: str) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, pending_confirmation=True).first()
    return user if user and confirmation_tokens.check_token(user, token) else None


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link in the welcome email. Opening it changes nothing (mail scanners open links
    too); the button confirms. In the browser that signed up, that also logs in; anywhere
    else the person logs in with their password, so a link alone never opens a session."""
    user = _pending_user(uidb64, token)
    next_url = _safe_next(request, "")
    if user is None:
        return render(request, "accounts/confirm.html", {"valid": False})
    if request.method == "GET":
        return render(request, "accounts/confirm.html", {"valid": True, "next": next_url})
    services.account_confirm(user=user)
    signed_up = request.session.pop(SIGNUP_SESSION_KEY, None) or {}
    if signed_up.get("user_id") == user.pk:
        user.refresh_from_db()
        login(request, user, backend="shop.accounts.backends.ShopBackend")
        messages.success(request, "Welcome to Atelier. Your account is ready.")
        return redirect(next_url or "accounts:landing")
    messages.success(request, "Your email is confirmed. Log in with the password you chose.")
    query = f"?{urlencode({'next': next_url})}" if next_url else ""
    return redirect(reverse("accounts:login") + query)


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ThrottledPasswordChangeForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.paused:
            response.status_code = 429
        return response


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    """Where a log-in with nowhere particular to go lands: the owner in the office, a maker
    at their studio's commissions, a buyer at theirs."""
    if is_owner(request.user):
        return redirect("admin:index")
    if is_maker(request.user):
        return redirect("commissions:inbox")
    return redirect("commissions:list")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    form = AccountForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your details are saved.")
        return redirect("accounts:account")
    return render(request, "accounts/account.html", {"form": form})
