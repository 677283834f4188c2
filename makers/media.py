"""Serving the public media folder (local files: a laptop, the compose production shape).

Only what the catalog publishes is public: a piece's photos while the piece is published,
and makers' portraits. A draft or archived piece's photos answer 404 at their URLs to
everyone but its maker and the shop's staff (the studio and the admin show them), and an
upload not yet cleaned by its task (metadata and all) answers 404 to everyone. Anything
else under MEDIA_ROOT is not served at all.
"""

import re

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from django.views.static import serve

from makers.models import MakerPortrait, Piece, PiecePhoto

# <dir>/<stem>.<ext> for an original, <dir>/renditions/<stem>-<size>.<ext> for a size.
_FILE = re.compile(
    r"^(?P<dir>pieces/photos|makers/portraits)/(?:renditions/)?(?P<stem>[0-9a-f]{32})"
    r"(?:-(?:thumb|display))?\.(?:jpg|png|webp)$"
)


def _asset_for(path: str):
    found = _FILE.match(path)
    if found is None:
        return None
    model = PiecePhoto if found["dir"] == PiecePhoto.UPLOAD_DIR else MakerPortrait
    stem = f"{found['dir']}/{found['stem']}."
    asset = (
        model.objects.filter(image__startswith=stem)
        .select_related("piece__maker" if model is PiecePhoto else "maker")
        .first()
    )
    if asset is None or not asset.has_renditions:
        return None  # unknown, or an upload its task has not cleaned yet
    names = [asset.image.name] + [
        asset.rendition_name(size, fmt) for size in ("thumb", "display") for fmt in ("webp", "jpeg")
    ]
    return asset if path in names else None


def _may_see(request: HttpRequest, asset) -> tuple[bool, bool]:
    """(may this person see it, is it public)."""
    if isinstance(asset, MakerPortrait):
        return True, True
    piece = asset.piece
    if piece.status == Piece.Status.PUBLISHED:
        return True, True
    user = request.user
    mine = user.is_authenticated and (user.is_staff or piece.maker.user_id == user.pk)
    return mine, False


@require_GET
def media(request: HttpRequest, path: str) -> HttpResponse:
    from django.conf import settings

    asset = _asset_for(path)
    if asset is None:
        raise Http404("No file here.")
    allowed, public = _may_see(request, asset)
    if not allowed:
        raise Http404("No file here.")
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    # Public photos may be cached a while; an unpublished piece's photos never are, so
    # withdrawing or archiving a piece takes its photos down at once.
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response
