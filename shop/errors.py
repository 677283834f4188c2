"""The shop's own error pages, also while DEBUG is on for a 404 a view raises.

With DEBUG on (the local demo) Django would answer a view's 404 with its technical page:
a buyer opening another buyer's commission would read how the site is built. Missing URLs
(a typo in the address) keep Django's page, which lists the URLs for developers.
"""

from django.conf import settings
from django.http import Http404, HttpRequest
from django.views.defaults import page_not_found


class NotFoundPageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if settings.DEBUG and isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None
