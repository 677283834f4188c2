"""Atelier settings.

Everything that differs between a laptop and production comes from the environment
(see the README). Unset means the embedded local defaults: SQLite, eager Celery tasks,
console email, media in a local folder and the local test-payment page.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import dj_email_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from shop.client_ip import parse_networks
from shop.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "django-insecure-local-development-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY") or _DEV_SECRET_KEY
if not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Where the shop ships: the countries Stripe Checkout offers for the delivery address
# (two-letter codes).
SHIPPING_COUNTRIES = env_list(
    "SHIPPING_COUNTRIES",
    "AT BE CH CZ DE DK ES FI FR GB IE IS IT LU NL NO PL PT SE US CA AU NZ JP".split(),
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "shop",
    "shop.accounts",
    "shop.notifications",
    "shop.images",
    "makers",
    "commissions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "shop.middleware.RefuseNulCharacters",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "shop.errors.NotFoundPageMiddleware",
    # Last, so a locked-out log-in attempt is answered before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shop.urls"
# The load benchmark's two baseline views (shop/bench_views.py), served only when it asks.
BENCH_BASELINES = env_bool("BENCH_BASELINES", False)
WSGI_APPLICATION = "shop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shop.context_processors.site",
                "commissions.context_processors.unread",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses log-ins while an email or address is locked out.
    "axes.backends.AxesStandaloneBackend",
    "shop.accounts.backends.ShopBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
# Unless the log-in form was given somewhere to go back to: by role (shop.accounts.views.landing).
LOGIN_REDIRECT_URL = "accounts:landing"
LOGOUT_REDIRECT_URL = "home"

# Log-in throttling (shop/accounts/throttle.py): after AXES_FAILURE_LIMIT wrong passwords
# for one email from one address, that pair is locked out for a cool-off period, never
# permanently and never for the same email elsewhere; after AXES_ADDRESS_FAILURE_LIMIT
# wrong passwords from one address, whatever the emails (spraying), so is the address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "shop.accounts.throttle.ShopAxesHandler"
AXES_RESET_ON_SUCCESS = True
# The log-in form posts the email in a field named "username" (Django's form); it is
# counted case-folded, and the address is the client's behind the trusted proxy.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "shop.accounts.throttle.login_username"
AXES_CLIENT_IP_CALLABLE = "shop.client_ip.client_ip"
# The proxies whose X-Forwarded-For we believe (addresses or networks, comma-separated).
# Unset: none, and the lock-out counts the address that connected.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
parse_networks(TRUSTED_PROXIES)  # a typo stops the start-up
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# --- Internationalisation ----------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True
SHOP_CURRENCY = env_str("SHOP_CURRENCY", "EUR").upper()

# --- Static and media -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env_str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
# Buyers' reference photos and message attachments: never public, served by a view.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT") or BASE_DIR / "private-media")
MEDIA_BACKEND = env_str("MEDIA_BACKEND", "file").lower()
if MEDIA_BACKEND not in {"file", "s3"}:
    raise ImproperlyConfigured(f"MEDIA_BACKEND={MEDIA_BACKEND!r}: use file or s3.")

_static_backend = (
    "django.contrib.staticfiles.storage.StaticFilesStorage"
    if DEBUG
    else "whitenoise.storage.CompressedManifestStaticFilesStorage"
)
if MEDIA_BACKEND == "s3":
    # Credentials come from the usual AWS_* variables or the instance role, read by boto3.
    _media = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "custom_domain": env_str("AWS_S3_CUSTOM_DOMAIN") or None,
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
    if not _media["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured("MEDIA_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME.")
    # Same bucket, its own prefix, and links that are signed and short-lived.
    _private = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_media["OPTIONS"],
            "location": "private",
            "custom_domain": None,
            "querystring_auth": True,
            "querystring_expire": 300,
        },
    }
else:
    _media = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    _private = {"BACKEND": "shop.storage.PrivateFileSystemStorage"}
STORAGES = {"default": _media, "private": _private, "staticfiles": {"BACKEND": _static_backend}}

# The most memory one photo may take while a worker cleans it (about 8 bytes a pixel),
# which sets the pixel limit: 256 MB, 33 megapixels (shop/images/pipeline.py).
IMAGE_DECODE_MEMORY_MB = env_int("IMAGE_DECODE_MEMORY_MB", 256)

# Uploads larger than this are refused before Django reads them into memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Email ------------------------------------------------------------------------------
_email_url = env_str("EMAIL_URL") or "console:"
_email = dj_email_url.parse(_email_url)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = 20
if _email["EMAIL_BACKEND"].endswith("filebased.EmailBackend"):
    # file:///var/mail/atelier writes each email as a file there (dj-email-url would make
    # the path relative).
    EMAIL_FILE_PATH = urlsplit(_email_url).path or str(BASE_DIR / "sent-emails")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Atelier <hello@atelier.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Redis and Celery -------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
# No result store: nothing reads what a task returns, and a result store that cannot be
# reached makes every enqueue retry for about 19 seconds (and then need a restart).
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# Without Redis, tasks run in-process right after the transaction commits.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
# The visibility timeout must outlast the longest countdown or retry delay we use
# (at most an hour), or Redis hands a delayed task to a second worker.
CELERY_MAX_COUNTDOWN_SECONDS = 3600
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 6 * 3600,
    # A publish that cannot reach Redis fails at once instead of retrying (the row it is
    # about is in the database and a sweep picks it up; see shop/queue.py), and a Redis
    # that stops answering costs seconds, not a hung request. Workers reconnect with
    # their own policy (broker_connection_max_retries), unaffected by max_retries here.
    "max_retries": 0,
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "outbox-resend-pending": {
        "task": "shop.notifications.tasks.outbox_resend_pending",
        "schedule": 60.0,
    },
    "requests-expire": {
        "task": "commissions.tasks.requests_expire",
        "schedule": 15 * 60.0,
    },
    "quotes-expire": {
        "task": "commissions.tasks.quotes_expire",
        "schedule": 15 * 60.0,
    },
    # A maker who raised their capacity: the waitlist moves up into the new slots.
    "benches-fill": {
        "task": "commissions.tasks.benches_fill",
        "schedule": 5 * 60.0,
    },
    "stripe-events-retry": {
        "task": "commissions.payments.tasks.events_retry_unprocessed",
        "schedule": 60.0,
    },
    "refunds-resend-pending": {
        "task": "commissions.payments.tasks.refunds_resend_pending",
        "schedule": 60.0,
    },
    "stripe-events-reconcile": {
        "task": "commissions.payments.tasks.events_reconcile",
        "schedule": 3600.0,
    },
    "images-render-missing": {
        "task": "shop.images.tasks.image_render_missing",
        "schedule": 300.0,
    },
    # A piece shipped 14 days ago that nobody said arrived is taken as arrived, once.
    "deliveries-confirm-overdue": {
        "task": "commissions.tasks.deliveries_confirm_overdue",
        "schedule": 3600.0,
    },
    # The build journal: a promised date gone by is told (once); a quiet bench is reminded.
    "promised-dates-check": {
        "task": "commissions.tasks.promised_dates_check",
        "schedule": 3600.0,
    },
    "update-reminders": {
        "task": "commissions.tasks.update_reminders",
        "schedule": 3600.0,
    },
}

# Sessions live in the database only. A cached_db session answers 500 on every page when
# Redis is gone, and a cache that misses a logout during an outage would bring the old
# session back when Redis returns; one indexed read per request is the price.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Redis errors are a cache miss, logged once (shop/cache.py), with short timeouts.
CACHES = {
    "default": (
        {
            "BACKEND": "shop.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            # Shops (or the benchmark's two servers) sharing one Redis keep apart.
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX"),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Payments ---------------------------------------------------------------------------
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
# "stripe" takes real payments; "test" runs the local test-payment page, where no money
# moves. Unset: test payments only on a development machine (DEBUG on, no Stripe key);
# with DEBUG off a shop takes real payments unless told otherwise, and refuses to start
# without its Stripe keys (see shop/checks.py).
PAYMENTS = env_str("PAYMENTS").lower() or ("test" if DEBUG and not STRIPE_SECRET_KEY else "stripe")
if PAYMENTS not in {"stripe", "test"}:
    raise ImproperlyConfigured(f"PAYMENTS={PAYMENTS!r}: use stripe or test.")
# Where the stripe library sends API calls; only tests point it at a local stand-in.
STRIPE_API_BASE = env_str("STRIPE_API_BASE")
# A call to Stripe that takes longer is given up (and retried with the same key).
STRIPE_TIMEOUT_SECONDS = 20

# --- Security ---------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    # TLS ends at the proxy in front of gunicorn, which tells us with this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The container healthcheck talks plain HTTP to gunicorn.
    SECURE_REDIRECT_EXEMPT = [r"^healthz/"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Only the site's own scripts and styles; htmx is configured (in base.html) to need
# neither eval nor injected inline styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"] + env_list("CSP_IMG_SRC", []),
        "connect-src": [SELF],
        "font-src": [SELF],
        "form-action": [SELF, "https://checkout.stripe.com"],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # In-process tasks (the local default) would log a line for every email and photo.
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"},
        # In-process, the memory broker has no host name, and kombu says so once.
        "kombu.connection": {"level": "ERROR" if CELERY_TASK_ALWAYS_EAGER else "WARNING"},
    },
}
