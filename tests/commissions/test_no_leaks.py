"""No leak of one buyer's order to another: every commission, question, message and photo
URL, tried by a visitor, another buyer and another maker, gives a log-in page or a 404."""

import pytest
from django.urls import URLPattern, get_resolver, reverse
from django.utils import timezone

from commissions import messaging, services, workflow
from commissions.models import Commission, MessageAttachment, ReferenceImage
from commissions.urls import urlpatterns
from tests.commissions.test_messages import jpeg
from tests.factories import jpeg_bytes

SECRET = "Our secret anniversary"


@pytest.fixture
def private_world(buyer, maker, ring, request_for, django_capture_on_commit_callbacks):
    """Every kind of thing a buyer and a maker share: a quoted request with photos, an
    accepted one, a question, messages with a photo."""
    from django.core.files.base import ContentFile

    with django_capture_on_commit_callbacks(execute=True):
        quoted = request_for(buyer, brief=SECRET, images=[ContentFile(jpeg_bytes(), "r.jpg")])
        services.quote_send(
            commission=quoted,
            by=maker.user,
            price_cents=40000,
            deposit_cents=10000,
            estimated_weeks=3,
            milestones=["Cast"],
            revision_rounds=1,
            valid_until=timezone.localdate(),
        )
        accepted = request_for(buyer, brief=SECRET)
        services.quote_send(
            commission=accepted,
            by=maker.user,
            price_cents=30000,
            deposit_cents=10000,
            estimated_weeks=3,
            milestones=[],
            revision_rounds=1,
            valid_until=timezone.localdate(),
        )
        services.quote_accept(commission=accepted, by=buyer)
        question = services.inquiry_start(buyer=buyer, maker=maker, body=SECRET)
        messaging.message_post(
            commission=quoted,
            by=maker.user,
            body=SECRET,
            images=[ContentFile(jpeg().read(), "m.jpg")],
        )
    return [quoted, accepted, question]


def _urls_for(commission: Commission) -> list[str]:
    """Every commissions URL that names a reference, filled in for this commission."""
    urls = []
    for pattern in urlpatterns:
        assert isinstance(pattern, URLPattern)
        keys = set(pattern.pattern.converters)
        if keys == {"reference"}:
            urls.append(reverse(f"commissions:{pattern.name}", args=[commission.reference]))
        elif keys == {"reference", "name"}:
            urls += [
                reverse(f"commissions:{pattern.name}", args=[commission.reference, name])
                for name in workflow.MOVES
            ]
    assets = [
        *ReferenceImage.objects.filter(commission=commission),
        *MessageAttachment.objects.filter(message__commission=commission),
    ]
    for asset in assets:
        names = [asset.image.name] + [
            asset.rendition_name(s, f) for s in ("thumb", "display") for f in ("webp", "jpeg")
        ]
        urls += [asset.file_url(name) for name in names if name]
    return urls


def test_the_walk_covers_every_commission_url(private_world):
    names = {p.name for p in urlpatterns if "reference" in p.pattern.converters}
    assert names >= {
        "detail",
        "messages",
        "message_post",
        "image",
        "move",
        "resend",
        "quote",
        "heirloom",
    }
    urls = [u for c in private_world for u in _urls_for(c)]
    assert sum("/images/r/" in u for u in urls) == 5 and sum("/images/m/" in u for u in urls) == 5


@pytest.mark.parametrize("who", ["visitor", "other_buyer", "other_maker"])
def test_nobody_else_reaches_anything_of_a_commission(client, private_world, who, request):
    if who != "visitor":
        person = request.getfixturevalue(who)
        client.force_login(getattr(person, "user", person))
    before = {c.pk: (c.status, c.updated_at) for c in Commission.objects.all()}
    checked = 0
    for commission in private_world:
        for url in _urls_for(commission):
            for method in ("get", "post"):
                response = getattr(client, method)(
                    url,
                    {
                        "body": "x",
                        "condition": "x",
                        **{f"{name}-reason": "x" for name in workflow.MOVES},
                    },
                )
                checked += 1
                body = b"" if response.streaming else response.content
                assert SECRET.encode() not in body, (who, method, url)
                if who == "visitor" and response.status_code == 302:
                    assert response.url.startswith(reverse("accounts:login")), (method, url)
                else:
                    assert response.status_code in (404, 405), (
                        who,
                        method,
                        url,
                        response.status_code,
                    )
    assert checked >= 60
    after = {c.pk: (c.status, c.updated_at) for c in Commission.objects.all()}
    assert after == before
    assert not any(m.body == "x" for c in private_world for m in c.messages.all())


def test_lists_show_only_your_own(client, private_world, other_buyer, other_maker):
    client.force_login(other_buyer)
    html = client.get(reverse("commissions:list")).content.decode()
    assert "Stacking ring" not in html and "Nothing yet" in html
    client.force_login(other_maker.user)
    for tab in ("new", "quoted", "accepted", "questions"):
        html = client.get(reverse("commissions:inbox"), {"tab": tab}).content.decode()
        assert "Stacking ring" not in html and "Question for" not in html


def test_the_url_space_has_no_sequential_ids_for_commissions():
    for pattern in get_resolver("commissions.urls").url_patterns:
        converters = pattern.pattern.converters
        # A row's number only beneath what already names the commission: its reference, or
        # the unguessable token of its journey link.
        assert "pk" not in converters or {"reference", "token"} & set(converters), pattern
