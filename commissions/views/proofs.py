"""Design proofs: every version side by side with its pins, the buyer's answer, the maker's
next version and extra charges; the finished piece's photo."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from commissions import selectors, timeline, workflow
from commissions.journal import proofs
from commissions.journal.proof_forms import ChangeOrderForm, FinishForm, ProofForm, RevisionForm
from commissions.models import Status
from commissions.payments import services as payment_services
from commissions.views._common import act


def _proofs_url(commission, anchor: str = "") -> str:
    url = reverse("commissions:proofs", args=[commission.reference])
    return f"{url}#{anchor}" if anchor else url


def proofs_context(request: HttpRequest, commission, **forms) -> dict:
    """What the proofs page shows this person; the forms only to whoever may use them."""
    role = workflow.role_of(request.user, commission)
    is_buyer, is_maker = role == workflow.BUYER, role == workflow.MAKER
    versions = proofs.proofs_of(commission)
    latest = versions[-1] if versions else None
    at_work = commission.status == Status.IN_PROGRESS
    answerable = latest is not None and latest.decision in ("pending", "revision")
    can_post = is_maker and at_work and (latest is None or latest.decision == "revision")
    order = proofs.open_change_order(commission)
    return {
        "commission": commission,
        "role": role,
        "is_buyer": is_buyer,
        "is_maker": is_maker,
        "versions": versions,
        "latest": latest,
        "allowance": proofs.allowance(commission),
        "needs_approval": proofs.needs_approval(commission),
        "change_orders": list(commission.change_orders.all()),
        "open_order": order,
        "can_approve": is_buyer and answerable and commission.status in workflow.ACCEPTED,
        "can_revise": is_buyer and at_work and latest is not None and latest.decision == "pending",
        "revision_form": forms.get("revision_form") or RevisionForm(),
        "proof_form": (forms.get("proof_form") or ProofForm()) if can_post else None,
        "order_form": (
            (forms.get("order_form") or ChangeOrderForm())
            if is_maker and proofs.can_propose_change_order(commission)
            else None
        ),
    }


@login_required
@require_GET
def proof_list(request: HttpRequest, reference: str) -> HttpResponse:
    commission = selectors.commission_for_user(request.user, reference)
    return render(request, "commissions/proofs/page.html", proofs_context(request, commission))


@require_POST
@login_required
def proof_post(request: HttpRequest, reference: str) -> HttpResponse:
    commission = selectors.commission_for_user(request.user, reference)
    form = ProofForm(request.POST, request.FILES)
    if not form.is_valid():
        context = proofs_context(request, commission, proof_form=form)
        return render(request, "commissions/proofs/page.html", context, status=400)
    try:
        proof = proofs.proof_post(
            commission=commission,
            by=request.user,
            body=form.cleaned_data["body"],
            images=form.cleaned_data["photos"],
        )
    except workflow.NotAllowed as e:
        messages.error(request, str(e))
        return redirect(_proofs_url(commission))
    messages.success(request, f"Version {proof.version} is posted; the buyer is asked to look.")
    return redirect(_proofs_url(commission, f"v{proof.version}"))


@require_POST
@login_required
def proof_decide(request: HttpRequest, reference: str, version: int) -> HttpResponse:
    """One view for the buyer's two answers, by the button pressed: approve or revise."""
    commission = selectors.commission_for_user(request.user, reference)
    action = request.POST.get("action")
    if action == "approve":
        act(
            request,
            proofs.proof_approve,
            f"You approved version {version}; the maker has been told.",
            commission=commission,
            by=request.user,
            version=version,
        )
        return redirect(_proofs_url(commission, f"v{version}"))
    if action != "revise":
        messages.error(request, "Choose to approve the design or to ask for a revision.")
        return redirect(_proofs_url(commission))
    photo_ids = (
        commission.updates.filter(kind="proof", version=version)
        .values_list("photos__id", flat=True)
        .exclude(photos__id=None)
    )
    form = RevisionForm(request.POST, photo_ids=list(photo_ids))
    if not form.is_valid():
        context = proofs_context(request, commission, revision_form=form)
        return render(request, "commissions/proofs/page.html", context, status=400)
    act(
        request,
        proofs.proof_request_revision,
        "You asked for a revision; the maker has your comments.",
        commission=commission,
        by=request.user,
        version=version,
        comment=form.cleaned_data["comment"],
        pins=form.pins,
    )
    return redirect(_proofs_url(commission, f"v{version}"))


@require_POST
@login_required
def change_order_new(request: HttpRequest, reference: str) -> HttpResponse:
    commission = selectors.commission_for_user(request.user, reference)
    form = ChangeOrderForm(request.POST)
    if not form.is_valid():
        context = proofs_context(request, commission, order_form=form)
        return render(request, "commissions/proofs/page.html", context, status=400)
    act(
        request,
        proofs.change_order_propose,
        "The extra charge is proposed; the buyer is asked to accept or decline it.",
        commission=commission,
        by=request.user,
        amount_cents=form.cleaned_data["amount"],
        reason=form.cleaned_data["reason"],
    )
    return redirect(_proofs_url(commission, "change-orders"))


@require_POST
@login_required
def change_order_answer(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    commission = selectors.commission_for_user(request.user, reference)
    action = request.POST.get("action")
    if action not in ("accept", "decline"):
        messages.error(request, "Choose to accept or to decline the extra charge.")
        return redirect(_proofs_url(commission, "change-orders"))
    act(
        request,
        proofs.change_order_answer,
        "Accepted: it is added to the balance."
        if action == "accept"
        else "Declined; the maker has been told.",
        commission=commission,
        by=request.user,
        order_id=pk,
        accept=action == "accept",
    )
    return redirect(_proofs_url(commission, "change-orders"))


@login_required
def finish(request: HttpRequest, reference: str) -> HttpResponse:
    """The maker marks the piece finished, with a photo of it for the balance request."""
    commission = selectors.commission_for_user(request.user, reference)
    if workflow.role_of(request.user, commission) != workflow.MAKER:
        return redirect(commission)
    form = FinishForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if act(
            request,
            payment_services.commission_mark_finished,
            workflow.MOVES["mark_finished"].done,
            commission=commission,
            by=request.user,
            photos=form.cleaned_data["photos"],
            note=form.cleaned_data["note"],
        ):
            return redirect(commission)
    return render(
        request,
        "commissions/proofs/finish.html",
        {
            "commission": commission,
            "form": form,
            "is_maker": True,
            "problem": proofs.finish_problem(commission),
            "balance": payment_services.balance(commission),
        },
        status=400 if form.errors else 200,
    )


# --- The next step at the top of the timeline (commissions.timeline.NEXT_STEPS) ------------------


def _latest_proof(journal: timeline.Journal):
    return next((u for u in reversed(journal.updates) if u.kind == "proof"), None)


def _open_orders(journal: timeline.Journal) -> list:
    return [
        e.obj for e in journal.entries if e.kind == "change_order" and e.obj.status == "proposed"
    ]


def _buyer_steps(commission, journal: timeline.Journal, today) -> list[timeline.Hint]:
    hints, latest = [], _latest_proof(journal)
    if latest is not None and latest.decision == "pending":
        href = _proofs_url(commission, f"v{latest.version}")
        hints.append(timeline.Hint("Approve the design", href, urgent=True))
    for order in _open_orders(journal):
        hints.append(
            timeline.Hint(
                f"Accept or decline an extra charge of {order.amount}",
                _proofs_url(commission, "change-orders"),
                urgent=True,
            )
        )
    return hints


def _maker_steps(commission, journal: timeline.Journal, today) -> list[timeline.Hint]:
    latest = _latest_proof(journal)
    if commission.status != Status.IN_PROGRESS or latest is None:
        return []
    if latest.decision == "revision" and not _open_orders(journal):
        words = f"Post version {latest.version + 1} of the design: the buyer asked for changes"
        return [timeline.Hint(words, _proofs_url(commission), urgent=True)]
    return []


# Registered once, when the URLs load this module; the timeline asks each role's steps.
for _role, _step in ((workflow.BUYER, _buyer_steps), (workflow.MAKER, _maker_steps)):
    if _step not in timeline.NEXT_STEPS.setdefault(_role, []):
        timeline.NEXT_STEPS[_role].insert(0, _step)
