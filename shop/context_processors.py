from django.conf import settings
from django.http import HttpRequest

from shop import stripe_gateway


def site(request: HttpRequest) -> dict:
    # TEST_PAYMENTS puts "no money moves" on every page while test payments are on.
    return {
        "SITE_NAME": "Atelier",
        "DEBUG": settings.DEBUG,
        "TEST_PAYMENTS": stripe_gateway.test_mode(),
    }
