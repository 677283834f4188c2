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
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            if _has_nul(request.POST):
                return HttpResponseBadRequest("Bad request.")
        return self.get_response(request)


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in v for v in data.getlist(key)) for key in data)
