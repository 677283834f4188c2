from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from makers.media import media
from makers.views import home
from shop import bench_views, health

admin.site.site_header = "Atelier — shop office"
admin.site.site_title = "Atelier admin"

urlpatterns = [
    path("healthz/live", health.live, name="healthz_live"),
    path("healthz/ready", health.ready, name="healthz_ready"),
    # Stripe's webhook is the busiest POST: matched before the catalog's catch-all prefixes.
    path("payments/", include("commissions.payments.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("shop.accounts.urls")),
    path("", home, name="home"),
    path("", include("makers.urls")),
    path("studio/", include("makers.studio_urls")),
    path("", include("commissions.urls")),
]

if settings.MEDIA_BACKEND == "file":
    # Local media: fine for a laptop and a single small server; production uses S3. Only
    # what the catalog publishes is served (makers.media).
    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", media, name="media"),
    ]

if settings.BENCH_BASELINES:
    # The load benchmark's two baselines (bench/run.py turns them on; off in any shop).
    urlpatterns += bench_views.urlpatterns
