"""System checks that stop a misconfigured shop before it takes (or fakes) a payment.

Errors stop `migrate` (which the web container runs before gunicorn) and `runserver`, and
`manage.py check --deploy` lists them with the deploy warnings.
"""

from django.conf import settings
from django.core.checks import Error, Warning, register

from shop import stripe_gateway


@register("payments")
def payments_configured(app_configs, **kwargs) -> list:
    problems = []
    key, secret = settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET
    if settings.PAYMENTS == "test":
        if key:
            problems.append(
                Error(
                    "PAYMENTS=test with a STRIPE_SECRET_KEY set: test payments never use the key.",
                    hint="Unset STRIPE_SECRET_KEY, or set PAYMENTS=stripe to take real payments.",
                    id="shop.E003",
                )
            )
        if not settings.DEBUG:
            problems.append(
                Warning(
                    "Test payments are on with DEBUG off: nothing is charged, and every page "
                    "says so.",
                    hint="Set PAYMENTS=stripe and the Stripe keys to take real payments.",
                    id="shop.W001",
                )
            )
        return problems
    if not key:
        problems.append(
            Error(
                "Payments are real (PAYMENTS=stripe, or DEBUG off) but STRIPE_SECRET_KEY is not set.",
                hint="Set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET from the Stripe dashboard, "
                "or PAYMENTS=test to run on test payments (nothing is charged).",
                id="shop.E001",
            )
        )
    elif stripe_gateway.key_livemode(key) is None:
        problems.append(
            Error(
                "STRIPE_SECRET_KEY is not a Stripe secret key (sk_live_…, sk_test_…, rk_live_… "
                "or rk_test_…).",
                id="shop.E004",
            )
        )
    if not secret:
        problems.append(
            Error(
                "STRIPE_WEBHOOK_SECRET is not set: no Stripe event could be verified.",
                hint="Copy the signing secret (whsec_…) of the webhook endpoint "
                "/payments/stripe/webhook/ from the Stripe dashboard.",
                id="shop.E002",
            )
        )
    return problems
