"""No 500 from anything a person types: every form of the site, found on its pages, gets
random and extreme values from hypothesis, and must answer with something other than an
error.

The forms are found, not listed: every page the permission walk visits (tests/
test_permission_walk.py) is opened as each person who can see it, and each <form> on it
(the office's included) is filled in field by field, by its kind: numbers far past any
column, prices like "+99999999999", NUL characters, right-to-left marks, dates that do
not exist, 6,000-character lines, files that are empty, broken or hostile. So a new form
on any page is fuzzed by default. Each post runs in a savepoint rolled back afterwards.
"""

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image

from tests.test_permission_walk import (
    CASES,
    CSRF,
    ROLES,
    Case,
    _is_admin,
    admin_cases,
    url_patterns,
)
from tests.world import build_world, photo_bytes

EXAMPLES = 10  # per form; hypothesis shrinks a failure to its simplest form

EXTREMES = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "0",
    "-0",
    "-1",
    "1e309",
    "NaN",
    "inf",
    "99999999999",
    "+99999999999",
    "-99999999999",
    "9" * 40,
    "2147483648",
    "32768",
    "1,000,000.001",
    "١٢٣",
    "0x1F",
    "Gold | +99999999999",
    "Gold | -99999999999\nSilver | 1e400",
    "<b hx-post='/accounts/'>x</b>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "\u202eevil",
    "😀" * 50,
    "x" * 6000,
]
TEXT = st.one_of(
    st.sampled_from(EXTREMES),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=120),
)
NUMBER = st.one_of(st.integers(-(10**20), 10**20).map(str), st.sampled_from(EXTREMES))


def _files() -> list[bytes]:
    noisy = io.BytesIO()
    Image.effect_noise((64, 64), 50).convert("RGB").save(noisy, "JPEG")
    return [b"", b"\xff\xd8\xff\xe0garbage", noisy.getvalue()[:300], photo_bytes(), b"<svg/>"]


FILES = st.sampled_from(range(5))


@dataclass
class FormField:
    name: str
    kind: str  # text, number, date, checkbox, select, file, hidden, textarea, ...
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    role: str
    page: str
    action: str
    method: str
    fields: list[FormField]

    @property
    def signature(self):
        try:
            name = resolve(urlsplit(self.action).path).view_name
        except Resolver404:
            name = self.action
        return (self.role, name, self.method, tuple(sorted((f.name, f.kind) for f in self.fields)))


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select: FormField | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"attrs": a, "fields": []})
        elif not self.forms or not a.get("name"):
            return
        elif tag == "input" and a.get("type") not in ("submit", "button", "reset", "image"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and a.get("name") in {
                f.name for f in self.forms[-1]["fields"]
            }:
                existing = next(f for f in self.forms[-1]["fields"] if f.name == a["name"])
                existing.options.append(a.get("value", "on"))
                return
            self.forms[-1]["fields"].append(
                FormField(a["name"], kind, a.get("value", ""), [a.get("value", "on")])
            )
        elif tag == "textarea":
            self.forms[-1]["fields"].append(FormField(a["name"], "textarea"))
        elif tag == "select":
            self._select = FormField(a["name"], "select")
            self.forms[-1]["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _client(user) -> Client:
    client = Client(enforce_csrf_checks=True, HTTP_X_CSRFTOKEN=CSRF)
    if user is not None:
        client.force_login(user)
    client.cookies["csrftoken"] = CSRF
    return client


def _pages(world) -> Iterable[Case]:
    seen = set()
    for name, route in url_patterns():
        if _is_admin(name, route):
            yield from admin_cases(name, route, world)
    for make in dict.fromkeys(CASES.values()):
        for case in make(world):
            if case.private_to is None and case.url not in seen:
                seen.add(case.url)
                yield case


# The office's own forms: adding and changing a row, a person's password. (Its lists'
# search and action boxes and its delete confirmations take no typing worth the time.)
_ADMIN_FORM_PAGE = re.compile(r"/(add|change|password)/$")


def find_forms(world, clients) -> list[Form]:
    forms: dict[tuple, Form] = {}
    for case in _pages(world):
        admin_page = case.url.startswith("/admin/")
        if admin_page and not _ADMIN_FORM_PAGE.search(case.url):
            continue
        # The other buyer and maker own nothing in the world: their pages show the forms
        # the buyer's and the maker's do.
        for role in ("owner",) if admin_page else ("visitor", "buyer", "maker", "owner"):
            response = clients[role].get(case.url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            parser = _Forms()
            parser.feed(response.content.decode())
            for found in parser.forms:
                attrs = found["attrs"]
                action = urljoin(case.url, attrs.get("action") or case.url)
                if not action.startswith("/") or not found["fields"]:
                    continue
                form = Form(
                    role,
                    case.url,
                    action,
                    (attrs.get("method") or "get").lower(),
                    [f for f in found["fields"] if f.name != "csrfmiddlewaretoken"],
                )
                forms.setdefault(form.signature, form)
    return list(forms.values())


def _value(form_field: FormField, admin_page: bool):
    kind = form_field.kind
    if admin_page and kind == "hidden":
        # The office's formsets keep their bookkeeping in hidden fields (how many rows,
        # which ids) that no one types; Django's admin trusts them from its own staff.
        return st.just(form_field.value)
    if kind == "file":
        return FILES.map(lambda n: ("file", n))
    if kind in ("checkbox", "radio", "select"):
        return st.one_of(st.sampled_from(form_field.options or [""]), TEXT)
    if kind == "hidden":
        return st.one_of(st.just(form_field.value), TEXT)
    if kind == "number":
        return NUMBER
    if kind == "date":
        return st.one_of(st.dates().map(str), TEXT)
    return st.one_of(TEXT, NUMBER)


def _post_data(values: dict) -> dict:
    files = _files()
    data = {}
    for name, value in values.items():
        if isinstance(value, tuple) and value[0] == "file":
            data[name] = SimpleUploadedFile("fuzz.jpg", files[value[1]], content_type="image/jpeg")
        elif value is not None:
            data[name] = value
    return data


class _Rollback(Exception):
    pass


def fuzz(form: Form, client: Client, problems: list[str]) -> None:
    admin_page = form.page.startswith("/admin/")
    strategy = st.fixed_dictionaries(
        {
            f.name: _value(f, admin_page)
            if admin_page and f.kind == "hidden"
            else st.one_of(st.none(), _value(f, admin_page))
            for f in form.fields
        }
    )

    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(values=strategy)
    def post(values):
        cookies = client.cookies.__class__(client.cookies.output(header="", sep=";"))
        try:
            with transaction.atomic():
                data = _post_data(values)
                if form.method == "post":
                    response = client.post(form.action, data)
                else:
                    plain = {k: v for k, v in data.items() if isinstance(v, str)}
                    response = client.get(form.action, plain)
                assert response.status_code < 500, response.status_code
                raise _Rollback()
        except _Rollback:
            pass
        finally:
            client.cookies = cookies

    try:
        post()
    except Exception as e:  # hypothesis has shrunk it to the simplest example
        problems.append(
            f"{form.role} {form.method.upper()} {form.action} (on {form.page}): {e!r}"[:1500]
        )


# Thousands of requests: minutes on a busy 2-core machine.
@pytest.mark.timeout(1200)
@pytest.mark.django_db
def test_no_form_of_the_site_answers_500_to_anything_typed_into_it(settings):
    world = build_world(settings)
    clients = {role: _client(world.user(role)) for role in ROLES}
    forms = find_forms(world, clients)
    assert len(forms) > 80, len(forms)
    kinds = {form.signature[1] for form in forms}
    # The forms that matter most are among them (and the office's).
    for expected in (
        "studio:option_new",
        "studio:photos_add",
        "commissions:quote",
        "commissions:message_post",
        "commissions:request_piece",
        "accounts:signup",
        "makers:catalog",
    ):
        assert expected in kinds, expected
    assert sum(1 for kind in kinds if kind.startswith("admin:")) >= 10
    problems: list[str] = []
    for form in forms:
        fuzz(form, clients[form.role], problems)
    assert not problems, f"{len(problems)} forms answered 500:\n" + "\n\n".join(problems)
