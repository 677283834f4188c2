"""The load benchmark's floor (bench/run.py): two views that do nothing a page does, served
through the full middleware, so each page's throughput can be read as a share of what the
framework itself costs on the same server in the same minute.

Wired in by shop/urls.py only with BENCH_BASELINES=true; a shop never serves them.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET


@require_GET
def bare(request: HttpRequest) -> HttpResponse:
    """A constant answer: the middleware, the URL resolver and the WSGI round trip."""
    return HttpResponse(b"bare\n", content_type="text/plain")


@require_GET
def bare_auth(request: HttpRequest) -> HttpResponse:
    """The same, loading the session and the logged-in user as every logged-in page does.
    Anonymous: 403, so a benchmark whose session was lost fails instead of measuring less."""
    if not request.user.is_authenticated:
        return HttpResponse(b"log in first\n", status=403, content_type="text/plain")
    return HttpResponse(b"bare-auth\n", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("bench/bare-auth/", bare_auth, name="bench_bare_auth"),
]
