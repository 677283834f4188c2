"""The email outbox: queue an email with the change it reports; deliver it exactly once."""

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

from shop.notifications.models import OutboxEmail
from shop.queue import enqueue_on_commit

log = logging.getLogger(__name__)

SEND_TASK = "shop.notifications.tasks.outbox_send"
MAX_ATTEMPTS = 10
# A row still pending this long after it was written was never picked up (broker down,
# callback lost): the beat task sends it.
RESEND_AFTER = timedelta(minutes=1)
# A worker that claimed a row and died without finishing leaves it "sending"; after this
# long the row is handed back. The email may then go out twice, the price of never
# losing one.
STALE_CLAIM = timedelta(minutes=15)


# Emails rendered only when they are sent: template -> a function that turns the row's
# send_time_params into the template's context (making the one-time link then).
_SEND_TIME_CONTEXT: dict[str, Callable[[dict], dict]] = {}


def rendered_when_sent(template: str):
    """Register the function that makes `template`'s context when it is sent."""

    def register(make_context: Callable[[dict], dict]):
        _SEND_TIME_CONTEXT[template] = make_context
        return make_context

    return register


def email_queue(*, to: str, template: str, context: dict, reply_to: str = "") -> OutboxEmail:
    """Render emails/<template>.subject.txt, .txt and .html now and store them as a row.

    Call inside the transaction that makes the change; the send task is enqueued on commit.
    """
    subject, body_text, body_html = _render(template, context)
    row = OutboxEmail.objects.create(
        to=to,
        template=template,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        reply_to=reply_to,
    )
    enqueue_on_commit(SEND_TASK, row.id)
    return row


def email_queue_with_link(*, to: str, template: str, params: dict) -> OutboxEmail:
    """Queue an email that carries a one-time link (reset a password, confirm an address).

    The row keeps only `params` (ids, never a token) and its subject; the link is made
    and the body rendered by the function registered with @rendered_when_sent at the
    moment the email goes out, and neither is stored. So the outbox, and the owner's
    admin that shows it, never holds a link that works; sending again makes a new one.
    """
    if template not in _SEND_TIME_CONTEXT:
        raise LookupError(f"no @rendered_when_sent function for emails/{template}")
    subject = _subject(template, {"site_url": settings.SITE_URL})
    row = OutboxEmail.objects.create(
        to=to, template=template, subject=subject, send_time_params=params
    )
    enqueue_on_commit(SEND_TASK, row.id)
    return row


def recently_queued(*, to: str, template: str, within: timedelta) -> int:
    """How many emails of this kind went to this address lately (to refuse a flood)."""
    since = timezone.now() - within
    return OutboxEmail.objects.filter(
        to__iexact=to, template=template, created_at__gte=since
    ).count()


def _subject(template: str, context: dict) -> str:
    subject = render_to_string(f"emails/{template}.subject.txt", context)
    return " ".join(subject.split())[:255]


def _render(template: str, context: dict) -> tuple[str, str, str]:
    context = {"site_url": settings.SITE_URL, **context}
    body_text = render_to_string(f"emails/{template}.txt", context)
    return _subject(template, context), body_text, _html(template, context, body_text)


def _html(template: str, context: dict, body_text: str) -> str:
    """emails/<template>.html when an email has its own; otherwise its text, with links
    and paragraphs, in the shared layout (one wording to keep, not two).

    Text emails are rendered with autoescape off, so they hold what people wrote as they
    wrote it, yet render_to_string marks the result safe. It goes to the layout as a plain
    string again, so urlize and linebreaks escape it first and only then add links and
    paragraphs: a message with a <form> in it reaches the HTML email as text.
    """
    try:
        return render_to_string(f"emails/{template}.html", context)
    except TemplateDoesNotExist:
        return render_to_string(
            "emails/_from_text.html", {**context, "body_text": _plain(body_text)}
        )


def _plain(text: str) -> str:
    """The same characters, no longer marked safe."""
    return "".join(text)


def outbox_deliver(*, email_id: int) -> bool:
    """Send one outbox row if nobody else has; True when this call sent it.

    The claim is a conditional UPDATE: of two workers given the same row, one updates it
    and the other sees zero rows and stops.
    """
    claimed = OutboxEmail.objects.filter(id=email_id, status=OutboxEmail.Status.PENDING).update(
        status=OutboxEmail.Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    row = OutboxEmail.objects.get(id=email_id)
    subject, body_text, body_html = row.subject, row.body_text, row.body_html
    if row.template in _SEND_TIME_CONTEXT:
        try:
            context = _SEND_TIME_CONTEXT[row.template](row.send_time_params)
        except LookupError as e:
            # The person is gone (or was confirmed meanwhile): nothing to send, ever.
            OutboxEmail.objects.filter(id=email_id).update(
                status=OutboxEmail.Status.FAILED, last_error=f"not sent: {e}"[:2000]
            )
            return False
        subject, body_text, body_html = _render(row.template, context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to],
        reply_to=[row.reply_to] if row.reply_to else None,
    )
    if body_html:
        message.attach_alternative(body_html, "text/html")
    try:
        message.send()
    except Exception as e:
        status = (
            OutboxEmail.Status.FAILED
            if row.attempts >= MAX_ATTEMPTS
            else OutboxEmail.Status.PENDING
        )
        OutboxEmail.objects.filter(id=email_id).update(status=status, last_error=repr(e)[:2000])
        raise
    OutboxEmail.objects.filter(id=email_id).update(
        status=OutboxEmail.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def outbox_pending_ids(*, now=None) -> list[int]:
    """Rows that should have gone out by now; hands back claims of workers that died."""
    now = now or timezone.now()
    OutboxEmail.objects.filter(
        status=OutboxEmail.Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    ).update(status=OutboxEmail.Status.PENDING)
    return list(
        OutboxEmail.objects.filter(
            Q(status=OutboxEmail.Status.PENDING),
            created_at__lt=now - RESEND_AFTER,
            attempts__lt=MAX_ATTEMPTS,
        )
        .order_by("created_at")
        .values_list("id", flat=True)[:500]
    )


def outbox_resend(*, email_id: int) -> OutboxEmail:
    """Owner's action: put a sent or failed email back in the queue."""
    OutboxEmail.objects.filter(id=email_id).update(
        status=OutboxEmail.Status.PENDING, attempts=0, last_error=""
    )
    enqueue_on_commit(SEND_TASK, email_id)
    return OutboxEmail.objects.get(id=email_id)
