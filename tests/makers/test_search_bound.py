"""A word found in nearly every piece: the catalog ranks and counts only the newest
SEARCH_LIMIT matches, says there are more, and a second word narrows them."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from makers import selectors
from tests.factories import MakerFactory, PieceFactory

CATALOG = reverse("makers:catalog")


def test_a_common_word_shows_the_newest_matches_and_says_there_are_more(client, db, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_LIMIT", 5)
    maker = MakerFactory(display_name="Mara Silversmith")
    now = timezone.now()
    for i in range(8):
        PieceFactory(
            maker=maker,
            title=f"Silver ring {i}",
            search_text=f"Silver ring {i}\nsilver",
            published_at=now - timedelta(days=i),
        )
    PieceFactory(maker=maker, title="Oak box", search_text="Oak box")

    response = client.get(CATALOG, {"q": "silver"})
    shown = {p.title for p in response.context["page"].object_list}
    assert shown == {f"Silver ring {i}" for i in range(5)}  # the newest five
    assert "5 or more pieces found" in response.content.decode()

    narrowed = client.get(CATALOG, {"q": "silver 7"})
    assert [p.title for p in narrowed.context["page"].object_list] == ["Silver ring 7"]
    assert "or more" not in narrowed.content.decode()
    assert "1 piece found" in narrowed.content.decode()
