"""Nothing people write is ever marked safe, and htmx cannot be driven by injected attributes.

The attack this guards against: a maker writes a personalisation hint such as
`<b hx-post="/accounts/" hx-trigger="load" hx-vals='{"name": "pwned"}'>`; had it reached a
page unescaped, htmx would post it with the visitor's CSRF token the moment they opened the
piece. The CSP stops inline scripts, not htmx attributes, so escaping is the defence and
htmx's own configuration the second line.
"""

import json
import re

import pytest
from django.urls import reverse

from tests.conftest import ROOT
from tests.factories import OptionFactory, PieceFactory, PiecePhotoFactory

HOSTILE_HINT = (
    '<b hx-post="/accounts/" hx-trigger="load" hx-vals=\'{"name": "pwned"}\' '
    'hx-target="body">Pick your stone</b>'
)
# The same, short enough for a label or a title.
SHORT_HOSTILE = '<b hx-post="/accounts/" hx-trigger="load">x</b>'
TEMPLATES = ROOT / "templates"


def test_no_template_marks_a_variable_safe_or_turns_autoescape_off_for_html():
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"\|\s*safe\b", text), f"{path}: |safe"
        assert "safeseq" not in text, path
        # Text emails render raw (they are plain text); an HTML template never may.
        assert "autoescape off" not in text, f"{path}: autoescape off"


def test_python_code_marks_nothing_people_wrote_safe():
    """mark_safe and format_html appear only where the arguments are ours (the admin's
    thumbnail: a URL and two numbers, escaped by format_html)."""
    allowed = {"shop/images/admin.py"}
    for folder in ("shop", "makers", "commissions"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text()
            relative = str(path.relative_to(ROOT))
            if relative in allowed or "/migrations/" in relative:
                continue
            for needle in ("mark_safe", "format_html", "SafeString(", "|safe"):
                assert needle not in text, f"{relative}: {needle}"


def test_pages_have_no_inline_scripts_or_event_handlers():
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or 'type="application/json"' in tag, f"{path}: {tag}"
        assert not re.search(r"\son[a-z]+\s*=", text), f"{path}: inline event handler"
        assert not re.search(r"\shx-on[:-]|[\"']js:", text), f"{path}: htmx eval"


@pytest.fixture
def hostile_piece(maker):
    piece = PieceFactory(maker=maker, title="Birthstone ring", slug="birthstone-ring")
    PiecePhotoFactory(piece=piece)
    return piece


def test_a_makers_hostile_hint_is_shown_as_text_on_the_piece_page(client, maker, hostile_piece):
    client.force_login(maker.user)
    response = client.post(
        reverse("studio:option_new", args=[hostile_piece.slug]),
        {
            "kind": "choice",
            "label": "Stone",
            "help_text": HOSTILE_HINT,
            "choices_text": "Garnet\nSapphire | +40",
        },
    )
    assert response.status_code == 302, response.content.decode()
    client.logout()
    html = client.get(hostile_piece.get_absolute_url()).content.decode()
    assert "&lt;b hx-post=&quot;/accounts/&quot;" in html
    assert "<b hx-post" not in html
    # The hint's box is also marked off-limits to htmx, in case it ever must be rich.
    assert re.search(r'<div class="field__help" hx-disable>\s*&lt;b hx-post', html)


def test_hostile_text_in_every_studio_field_is_escaped_wherever_it_shows(
    client, maker, hostile_piece, buyer
):
    OptionFactory(piece=hostile_piece, label=SHORT_HOSTILE, help_text=HOSTILE_HINT)
    hostile_piece.title, hostile_piece.description = SHORT_HOSTILE, HOSTILE_HINT
    hostile_piece.save()
    maker.story, maker.tagline, maker.location = HOSTILE_HINT, HOSTILE_HINT, SHORT_HOSTILE
    maker.display_name = maker.craft = SHORT_HOSTILE
    maker.save()
    client.force_login(buyer)
    for url in (hostile_piece.get_absolute_url(), maker.get_absolute_url(), "/pieces/", "/"):
        html = client.get(url).content.decode()
        assert "<b hx-post" not in html, url


def test_htmx_is_configured_so_injected_attributes_cannot_act(client, db):
    html = client.get("/").content.decode()
    meta = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html).group(1)
    config = json.loads(meta)
    assert config["allowEval"] is False  # no hx-on handlers, no js: in hx-vals
    assert config["allowScriptTags"] is False  # scripts in swapped HTML never run
    assert config["selfRequestsOnly"] is True  # no requests to other sites
    assert config["historyCacheSize"] == 0  # no copies of private pages in localStorage
    # It is the first meta of its kind, the one htmx reads.
    assert html.index('name="htmx-config"') < html.index("htmx-2.min.js")


def test_the_content_security_policy_allows_no_eval_and_no_inline_script(client, db):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "unsafe-eval" not in policy and "unsafe-inline" not in policy
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
