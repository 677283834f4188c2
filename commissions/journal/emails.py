"""The build journal's emails, one small function each, written to the outbox in the
caller's transaction. Each carries a thumbnail of the latest photo where there is one,
by a signed link that shows that one small image and nothing else (an email client has
no session to show it with)."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from commissions.emails import notify
from commissions.journal.models import UpdatePhoto
from commissions.models import Commission
from shop.accounts.models import User

PHOTO_SALT = "commissions.journal.email-photo"
# Links in emails keep working this long (then the photo is on the commission's page).
PHOTO_LINK_DAYS = 60


def photo_link(photo: UpdatePhoto | None) -> str:
    if photo is None:
        return ""
    token = signing.dumps(photo.pk, salt=PHOTO_SALT, compress=False)
    return settings.SITE_URL + reverse("commissions:email_photo", args=[token])


def photo_from_link(token: str) -> UpdatePhoto | None:
    try:
        pk = signing.loads(token, salt=PHOTO_SALT, max_age=PHOTO_LINK_DAYS * 86400)
    except signing.BadSignature:
        return None
    return UpdatePhoto.objects.filter(pk=pk).first() if isinstance(pk, int) else None


def _latest_photo(commission: Commission) -> UpdatePhoto | None:
    return (
        UpdatePhoto.objects.filter(update__commission=commission)
        .order_by("-update__created_at", "-update_id", "position", "id")
        .first()
    )


def _owners() -> list[str]:
    return list(
        User.objects.filter(is_superuser=True, is_active=True).values_list("email", flat=True)
    )


def _admin_url(commission: Commission) -> str:
    return settings.SITE_URL + reverse("admin:commissions_commission_change", args=[commission.pk])


def update_posted(commission: Commission, update) -> None:
    photos = list(update.photos.all())
    notify(
        commission,
        to=commission.buyer.email,
        template="update_posted",
        update=update,
        photo_count=len(photos),
        photo_url=photo_link(photos[0] if photos else None),
    )


def promised_date_moved(commission: Commission, change) -> None:
    notify(
        commission,
        to=commission.buyer.email,
        template="promised_date_moved",
        change=change,
        photo_url=photo_link(_latest_photo(commission)),
    )


def promised_date_agreed(commission: Commission, change) -> None:
    notify(
        commission,
        to=commission.maker.user.email,
        template="promised_date_agreed",
        change=change,
    )


def promised_date_passed(commission: Commission) -> None:
    photo_url = photo_link(_latest_photo(commission))
    notify(
        commission,
        to=commission.buyer.email,
        template="promised_date_passed",
        photo_url=photo_url,
    )
    for to in _owners():
        notify(
            commission,
            to=to,
            template="promised_date_passed_owner",
            photo_url=photo_url,
            admin_url=_admin_url(commission),
        )


def cancel_requested(commission: Commission) -> None:
    for to in _owners():
        notify(
            commission,
            to=to,
            template="cancel_requested",
            admin_url=_admin_url(commission),
        )
    notify(commission, to=commission.maker.user.email, template="cancel_requested_maker")


def update_reminder(commission: Commission, *, now) -> None:
    last = commission.last_update_at or commission.status_changed_at
    notify(
        commission,
        to=commission.maker.user.email,
        template="update_reminder",
        days=(now - last).days,
        photo_url=photo_link(_latest_photo(commission)),
    )
