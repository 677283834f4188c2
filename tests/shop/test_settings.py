"""Settings come from the environment; unset means the local defaults; prod is locked down."""

import os
import secrets
import subprocess
import sys

from tests.conftest import ROOT

SERVICE_VARS = (
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "SECRET_KEY",
    "DEBUG",
    "MEDIA_BACKEND",
    "ALLOWED_HOSTS",
    "STRIPE_SECRET_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "PAYMENTS",
)


def _run(code: str, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def _manage(*args, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_unset_environment_gives_the_embedded_defaults():
    result = _run(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='shop.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE']); print(s.CELERY_TASK_ALWAYS_EAGER);"
        "print(s.EMAIL_BACKEND); print(s.STORAGES['default']['BACKEND']); print(s.DEBUG)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
        "django.core.files.storage.FileSystemStorage",
        "True",
    ]


def test_environment_variables_switch_to_the_production_services():
    result = _run(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='shop.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE']); print(s.CELERY_TASK_ALWAYS_EAGER);"
        "print(s.CELERY_BROKER_URL); print(s.EMAIL_BACKEND); print(s.EMAIL_HOST)",
        DATABASE_URL="postgres://u@db.internal:5432/atelier",
        REDIS_URL="redis://cache.internal:6379/1",
        EMAIL_URL="smtp://mailer.internal:587",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "False",
        "redis://cache.internal:6379/1",
        "django.core.mail.backends.smtp.EmailBackend",
        "mailer.internal",
    ]


def test_it_refuses_to_start_without_a_real_secret_key_when_debug_is_off():
    result = _manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_typo_in_a_boolean_stops_the_start():
    result = _manage("check", DEBUG="flase")
    assert result.returncode != 0
    assert "DEBUG='flase' is not a boolean" in result.stderr


def test_deploy_check_reports_no_warnings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="shop.example",
        STRIPE_SECRET_KEY="sk_live_configured",
        STRIPE_WEBHOOK_SECRET="whsec_configured",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "shop.example",
}


def test_with_debug_off_and_no_stripe_keys_the_shop_refuses_to_start():
    for command in (["check"], ["check", "--deploy"], ["migrate", "--check"]):
        result = _manage(*command, **PRODUCTION)
        assert result.returncode != 0, command
        assert "shop.E001" in result.stderr and "shop.E002" in result.stderr, command


def test_a_stripe_key_without_its_webhook_secret_refuses_to_start():
    result = _manage("check", STRIPE_SECRET_KEY="sk_test_configured")
    assert result.returncode != 0 and "shop.E002" in result.stderr
    assert "shop.E001" not in result.stderr


def test_a_key_that_is_not_a_stripe_key_refuses_to_start():
    result = _manage(
        "check", STRIPE_SECRET_KEY="pk_live_publishable", STRIPE_WEBHOOK_SECRET="whsec_x"
    )
    assert result.returncode != 0 and "shop.E004" in result.stderr


def test_test_payments_in_production_must_be_asked_for_and_are_reported():
    result = _manage("check", "--deploy", PAYMENTS="test", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "shop.W001" in result.stderr and "nothing is charged" in result.stderr
    result = _manage("check", PAYMENTS="test", STRIPE_SECRET_KEY="sk_live_x", **PRODUCTION)
    assert result.returncode != 0 and "shop.E003" in result.stderr


def test_an_unknown_payments_mode_stops_the_start():
    result = _manage("check", PAYMENTS="free")
    assert result.returncode != 0 and "PAYMENTS='free': use stripe or test" in result.stderr


def test_pages_carry_a_strict_content_security_policy(client, db):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe" not in policy
    assert directives["frame-ancestors"] == "'none'"


def test_htmx_comes_from_our_static_files_and_every_request_carries_the_csrf_token(client, buyer):
    html = client.get("/").content.decode()
    assert '<script src="/static/django_htmx/htmx-2.min.js"' in html
    assert "unpkg" not in html and "cdn" not in html.lower()
    assert '"allowEval": false' in html
    # A visitor's page is cached whole, so it holds no token: site.js reads the cookie.
    assert "X-CSRFToken" not in html
    assert "csrftoken=" in (ROOT / "static/js/site.js").read_text()
    client.force_login(buyer)
    html = client.get("/").content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
