from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from shop.accounts import services
from shop.accounts.forms import AccountForm, SignUpForm
from shop.accounts.roles import is_maker, is_owner


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
        user = services.account_signup(**form.cleaned_data)
        login(request, user, backend="shop.accounts.backends.ShopBackend")
        messages.success(request, "Welcome to Atelier. Your account is ready.")
        return redirect(_safe_next(request, "accounts:account"))
    return render(request, "accounts/signup.html", {"form": form, "next": _safe_next(request, "")})


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
