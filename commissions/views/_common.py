"""What the commission views share: drafts kept across a log-in, and acting safely."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse

from commissions.forms import DRAFT_FIELDS
from commissions.workflow import NotAllowed


def _draft_key(request: HttpRequest) -> str:
    return f"draft:{request.path}"


def keep_draft_and_log_in(request: HttpRequest) -> HttpResponse:
    """A visitor pressed send: keep what they typed, ask them to log in or sign up, and
    bring them back to the same form with it all still there."""
    request.session[_draft_key(request)] = {
        key: request.POST.getlist(key)
        for key in request.POST
        if key in DRAFT_FIELDS or key.startswith("opt-")
    }
    messages.info(request, "Log in or create an account to send this. What you wrote is kept.")
    query = urlencode({"next": request.get_full_path()})
    return redirect(f"{reverse('accounts:login')}?{query}")


def draft(request: HttpRequest) -> QueryDict | None:
    """What this visitor typed before logging in, as form data, if anything."""
    saved = request.session.get(_draft_key(request))
    if not saved:
        return None
    data = QueryDict(mutable=True)
    for key, values in saved.items():
        data.setlist(key, values)
    return data


def forget_draft(request: HttpRequest) -> None:
    request.session.pop(_draft_key(request), None)


def act(request: HttpRequest, action, success: str, **kwargs) -> bool:
    """Run a service call; a refused move becomes a message on the page, never a 500."""
    try:
        action(**kwargs)
    except NotAllowed as e:
        messages.error(request, str(e))
        return False
    messages.success(request, success)
    return True
