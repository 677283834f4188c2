"""An attacker's hint on a piece, opened in a real browser: nothing is posted, nobody's name
changes, and htmx runs with eval, script tags and foreign requests off."""

import time

from makers.models import PersonalisationOption
from tests.e2e.conftest import log_in
from tests.factories import ChoiceFactory, OptionFactory, PieceFactory, PiecePhotoFactory
from tests.shop.test_no_injection import HOSTILE_HINT


def test_a_hostile_hint_does_nothing_in_the_buyers_browser(page, maker, buyer):
    piece = PieceFactory(maker=maker, title="Birthstone ring", slug="birthstone-ring")
    PiecePhotoFactory(piece=piece)
    option = OptionFactory(
        piece=piece,
        kind=PersonalisationOption.Kind.CHOICE,
        label="Stone",
        help_text=HOSTILE_HINT,
    )
    ChoiceFactory(option=option, label="Garnet")
    log_in(page, buyer)
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.goto(piece.get_absolute_url())
    page.get_by_text("Pick your stone").wait_for()
    time.sleep(1.0)  # htmx's "load" trigger would have fired by now
    assert posts == []
    buyer.refresh_from_db()
    assert buyer.name == "Bea Buyer"
    # The hint is plain text in the page, not a <b> element htmx could process.
    assert page.locator(".field__help b").count() == 0
    config = page.evaluate(
        "({eval: htmx.config.allowEval, scripts: htmx.config.allowScriptTags,"
        " self: htmx.config.selfRequestsOnly, history: htmx.config.historyCacheSize})"
    )
    assert config == {"eval": False, "scripts": False, "self": True, "history": 0}
