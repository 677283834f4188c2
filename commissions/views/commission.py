"""One commission, as its buyer or its maker sees it, and what each can do there."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from commissions import messaging, page_store, selectors, services, timeline, workflow
from commissions.activity import stamp_of
from commissions.forms import HeirloomArrivalForm, MessageForm, MoveForm, QuoteForm, ResendForm
from commissions.journal import proofs
from commissions.journal import services as journal_services
from commissions.journal.forms import (
    CancelRequestForm,
    DateAgreeForm,
    DateMoveForm,
    MilestoneTickForm,
    UpdateForm,
)
from commissions.models import Quote, Status
from commissions.payments import services as payment_services
from commissions.reviews import services as reviews
from commissions.shipping import services as shipping
from commissions.views import story as story_views
from commissions.views._common import act
from shop.money import Money
from shop.stripe_gateway import test_mode


@login_required
def commission_list(request: HttpRequest) -> HttpResponse:
    commissions = list(selectors.buyer_commissions(request.user))
    unread = messaging.unread_by_commission(request.user, [c.id for c in commissions])
    for commission in commissions:
        commission.unread = unread.get(commission.id, 0)
    return render(
        request,
        "commissions/list.html",
        {
            "questions": [c for c in commissions if c.status == Status.INQUIRY],
            "active": [c for c in commissions if c.status not in workflow.FINAL | {Status.INQUIRY}],
            "ended": [c for c in commissions if c.status in workflow.FINAL],
        },
    )


def page_context(request: HttpRequest, commission, **forms) -> dict:
    """Everything the commission page shows this person; the next-step panel's buttons
    come from the move table (`allowed_moves`), never from the template."""
    role = workflow.role_of(request.user, commission)
    quotes = list(commission.quotes.all())
    payments = list(commission.payments.all())
    open_quote = next((q for q in quotes if q.status == Quote.Status.OPEN), None)
    failed = forms.get("move_forms", {})
    words = {"price": open_quote.price} if open_quote else {}
    moves = [
        (
            move,
            failed.get(move.name) or (MoveForm(move=move) if move.reason else None),
            move.label(**words),
        )
        for move in workflow.allowed_moves(commission, role)
    ]
    due = _payment_due(commission) if role == workflow.BUYER else None
    today = timezone.localdate()
    journal = timeline.journal_for(commission, quotes=quotes, payments=payments)
    is_maker = role == workflow.MAKER
    passed = journal_services.date_passed(commission, today)
    return {
        **journal_context(request, commission, role, journal, today),
        "can_post_update": is_maker and commission.status in journal_services.POSTABLE,
        "update_form": forms.get("update_form") or UpdateForm(milestones=journal.milestones),
        "tick_form": MilestoneTickForm(),
        "can_move_date": is_maker
        and commission.promised_by is not None
        and commission.status in journal_services.UNFINISHED,
        "date_move_form": forms.get("date_move_form") or DateMoveForm(),
        "date_passed": passed,
        "can_answer_late": role == workflow.BUYER and passed,
        "date_agree_form": forms.get("date_agree_form") or DateAgreeForm(),
        "cancel_form": CancelRequestForm(),
        "commission": commission,
        "role": role,
        "is_buyer": role == workflow.BUYER,
        "is_maker": role == workflow.MAKER,
        "moves": moves,
        "due_payment": due,
        "state": selectors.commission_state(commission),
        "open_quote": open_quote,
        "accepted_quote": next((q for q in quotes if q.status == Quote.Status.ACCEPTED), None),
        "past_quotes": [
            q for q in quotes if q.status not in (Quote.Status.OPEN, Quote.Status.ACCEPTED)
        ],
        "images": commission.images.all(),
        "message_form": forms.get("message_form") or MessageForm(),
        "heirloom_form": forms.get("heirloom_form") or HeirloomArrivalForm(),
        "accepted": commission.status in workflow.ACCEPTED,
        "resend_form": ResendForm(),
        "at_the_bench": commission.status in workflow.HOLDS_A_SLOT | workflow.WAITLISTED,
        "can_resend": role == workflow.BUYER and services.can_resend(commission),
        "payments": [p for p in payments if p.status not in ("pending", "expired")],
        "processing": any(p.status == "processing" for p in payments),
        "test_payments": test_mode(),
        "today": today,
        "shipping": shipping.panel(commission, role),
        "reviewing": reviews.panel(commission, role),
        "sharing": story_views.panel(commission, role),
        # Design proofs and extra charges (commissions.journal.proofs).
        "proofs": proofs.summary(commission),
        "balance": payment_services.balance(commission),
    }


def journal_context(request: HttpRequest, commission, role, journal, today) -> dict:
    """The timeline, the milestones and the next steps (all the poll redraws), and the
    cursor the open page polls with."""
    return {
        "entries": journal.entries,
        "milestones": journal.milestones,
        "hints": timeline.next_steps(commission, role, journal, today),
        "stamp": stamp_of(commission.activity_at),
        "today": today,
    }


def _payment_due(commission) -> dict | None:
    """The deposit or the balance, when it is what the buyer does next."""
    for kind, status in payment_services.PAYABLE.items():
        if commission.status == status:
            amount = payment_services.amount_due(commission, kind)
            return {"kind": kind, "amount": Money(amount, commission.currency)} if amount else None
    return None


def _page(request: HttpRequest, commission, **forms) -> HttpResponse:
    """The page; its body from the cache when nothing on it changed since this person
    last saw it (commissions/page_store.py), never when it shows a form's errors."""
    _mark_read(request, commission)
    stored = (
        page_store.lookup(request, commission) if request.method == "GET" and not forms else None
    )
    if stored and stored.html is not None:
        context = {"commission": commission}
    else:
        context = page_context(request, commission, **forms)
    return render(request, "commissions/detail.html", {**context, "stored": stored})


def _mark_read(request: HttpRequest, commission) -> None:
    """Whoever opens the page has read its thread. Nothing unread anywhere (the usual
    case) writes nothing, and the navigation uses the count already made."""
    counts = messaging.unread_counts(request.user)
    if counts["buying"] or counts["making"]:
        messaging.thread_mark_read(commission=commission, user=request.user)
    else:
        request.unread_counts = counts


@login_required
def commission_detail(request: HttpRequest, reference: str) -> HttpResponse:
    # The commission's row alone, which a stored body is checked against (each join
    # costs about a millisecond of the ORM's time); a page rendered afresh reads the rest.
    commission = selectors.commission_for_user(request.user, reference, related=())
    if request.GET.get("payment") == "cancelled":
        # Back from a checkout the buyer cancelled; said once, then the plain address.
        messages.info(
            request, "Payment cancelled — nothing was charged. You can pay whenever you are ready."
        )
        return redirect(commission)
    return _page(request, commission)


# --- The buyer ----------------------------------------------------------------------------------


@require_POST
@login_required
def resend(request: HttpRequest, reference: str) -> HttpResponse:
    commission = selectors.commission_for_user(request.user, reference)
    form = ResendForm(request.POST)
    maker = form.cleaned_data.get("maker") if form.is_valid() else None
    try:
        copy = services.commission_resend(commission=commission, by=request.user, maker=maker)
    except workflow.NotAllowed as e:
        messages.error(request, str(e))
        return redirect(commission)
    return redirect(copy)


# --- The maker ----------------------------------------------------------------------------------


@login_required
def quote_new(request: HttpRequest, reference: str) -> HttpResponse:
    commission = selectors.commission_for_user(request.user, reference)
    if workflow.role_of(request.user, commission) != workflow.MAKER:
        return redirect(commission)
    form = QuoteForm(request.POST or None, commission=commission)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if act(
            request,
            services.quote_send,
            "Your quote is sent.",
            commission=commission,
            by=request.user,
            price_cents=data["price"],
            deposit_cents=data["deposit_cents"],
            estimated_weeks=data["estimated_weeks"],
            milestones=data["milestones"],
            revision_rounds=data["revision_rounds"],
            valid_until=data["valid_until"],
            note=data["note"],
        ):
            return redirect(commission)
    return render(
        request,
        "commissions/quote_form.html",
        {
            "commission": commission,
            "form": form,
            "is_maker": True,
            "images": commission.images.all(),
        },
    )


@require_POST
@login_required
def heirloom_arrived(request: HttpRequest, reference: str) -> HttpResponse:
    commission = selectors.commission_for_user(request.user, reference)
    form = HeirloomArrivalForm(request.POST)
    if not form.is_valid():
        return _page(request, commission, heirloom_form=form)
    act(
        request,
        services.heirloom_received,
        "Arrival logged; the buyer has been told.",
        commission=commission,
        by=request.user,
        condition=form.cleaned_data["condition"],
    )
    return redirect(commission)
