"""Requests no browser sends, refused before any view sees them."""

from django.http import HttpRequest, HttpResponseBadRequest


class RefuseNulCharacters:
    """A NUL character in the path, the query or a posted field is never typed by a
    person, and PostgreSQL refuses it in any text it is given, which would make the query
    that carried it a 500. Forms already refuse it politely; this covers the rest (a
    reference in a URL, a filter in a query string) with a plain 400."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if "\x00" in request.path or _has_nul(request.GET):
            return HttpResponseBadRequest("Bad request.")
        # A urlencoded body is read whole anyway (and stays readable as request.body). A
        # multipart one is streamed, and reading it here would leave nothing for a view
        # that reads the raw body (the Stripe webhook); its fields go through forms, which
        # refuse NUL themselves.
        if (
            request.method == "POST"
            and request.content_type == "application/x-www-form-urlencoded"
            and _has_nul(request.POST)
        ):
            return HttpResponseBadRequest("Bad request.")
        return self.get_response(request)


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in v for v in data.getlist(key)) for key in data)
