from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse

from shop import stripe_gateway

# The header's links, on every page twice (the row and the phone's menu).
_NAV = {
    "catalog": "makers:catalog",
    "makers": "makers:makers",
    "inbox": "commissions:inbox",
    "studio": "studio:dashboard",
    "commissions": "commissions:list",
    "account": "accounts:account",
    "office": "admin:index",
    "logout": "accounts:logout",
    "login": "accounts:login",
    "signup": "accounts:signup",
}


@lru_cache(maxsize=8)
def _nav(prefix: str, urlconf: str) -> dict[str, str]:
    return {name: reverse(pattern, urlconf=urlconf) for name, pattern in _NAV.items()}


def site(request: HttpRequest) -> dict:
    # TEST_PAYMENTS puts "no money moves" on every page while test payments are on.
    return {
        "SITE_NAME": "Atelier",
        "DEBUG": settings.DEBUG,
        "TEST_PAYMENTS": stripe_gateway.test_mode(),
        # Worked out once per process (twelve reversals on every page otherwise).
        "NAV": _nav(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF),
    }
