"""Pages of the controlled-substance log: the clinic's lots and balances, one lot's ledger
with what can be done to it, and the inspector's CSV. A refused write re-renders the page
with the message beside the field (422); nothing is half written."""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ketacare.accounts.actor import Actor
from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import Action, role_can
from ketacare.audit.services import record
from ketacare.controlled import services
from ketacare.controlled.forms import (
    AdjustForm,
    AdministerForm,
    CountForm,
    ReceiptForm,
    ReverseForm,
    TransferForm,
    WasteForm,
)
from ketacare.controlled.models import StockLot
from ketacare.web.form_use_case import run_on_form


@login_required
def ledger(request: HttpRequest, receipt_form: ReceiptForm | None = None) -> HttpResponse:
    actor = actor_from_request(request)
    context = {
        "lots": list(services.lots(actor)),
        "recent": list(services.entries(actor)[:20]),
        "discrepancies": list(services.discrepancies(actor)[:10]),
        "can_record": role_can(actor.role, Action.CONTROLLED_RECORD),
        "receipt_form": receipt_form or ReceiptForm(),
        "today": timezone.localdate(),
    }
    return render(request, "controlled/ledger.html", context, status=422 if receipt_form else 200)


@login_required
@require_POST
def receive(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    form = ReceiptForm(request.POST)
    if run_on_form(form, lambda: services.receive(actor, form.receipt())):
        return redirect("controlled-ledger")
    return ledger(request, receipt_form=form)


def _lot_forms(actor: Actor, data: Any = None, which: str = "") -> dict[str, Form]:
    def bound(name: str) -> Any:
        return data if name == which else None

    forms: dict[str, Form] = {
        "waste": WasteForm(bound("waste"), prefix="waste"),
        "transfer": TransferForm(bound("transfer"), prefix="transfer"),
        "adjust": AdjustForm(bound("adjust"), prefix="adjust"),
        "count": CountForm(bound("count"), prefix="count"),
    }
    if role_can(actor.role, Action.SESSION_RUN):
        sessions = services.sessions_to_supply(actor)
        forms["administer"] = AdministerForm(
            bound("administer"), prefix="administer", sessions=sessions
        )
    return forms


def _lot_page(
    request: HttpRequest,
    actor: Actor,
    stock: StockLot,
    forms: dict[str, Form],
    status: int = 200,
    refused_reversal: tuple[Any, ReverseForm] | None = None,
) -> HttpResponse:
    context = {
        "lot": stock,
        "entries": list(services.entries(actor, stock)[:200]),
        "counts": list(stock.counts.all()[:10]),
        "can_record": role_can(actor.role, Action.CONTROLLED_RECORD),
        "forms": forms,
        "refused_reversal": refused_reversal,
    }
    return render(request, "controlled/lot.html", context, status=status)


def _lot(actor: Actor, lot_id: UUID, action: str = Action.CONTROLLED_VIEW) -> StockLot:
    return services.lot_for(actor, lot_id, action)


@login_required
def lot_detail(request: HttpRequest, lot_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    stock = _lot(actor, lot_id)
    forms = _lot_forms(actor) if role_can(actor.role, Action.CONTROLLED_RECORD) else {}
    return _lot_page(request, actor, stock, forms)


@login_required
@require_POST
def lot_action(request: HttpRequest, lot_id: UUID, what: str) -> HttpResponse:
    actor = actor_from_request(request)
    stock = _lot(actor, lot_id, Action.CONTROLLED_RECORD)
    forms = _lot_forms(actor, request.POST, what)
    form: Any = forms.get(what)
    if form is None:
        raise Http404("No such action.")
    use_cases: dict[str, Callable[[], object]] = {
        "waste": lambda: services.waste(actor, form.withdrawal(lot_id), form.witness()),
        "transfer": lambda: services.transfer(
            actor, form.withdrawal(lot_id), form.cleaned_data["direction"] == "in"
        ),
        "adjust": lambda: services.adjust(
            actor, lot_id, form.cleaned_data["change"].replace(" ", ""), form.cleaned_data["reason"]
        ),
        "count": lambda: services.count(
            actor, lot_id, form.cleaned_data["counted"], form.cleaned_data["note"]
        ),
        "administer": lambda: services.administer(
            actor, form.cleaned_data["session"], form.withdrawal(lot_id)
        ),
    }
    if run_on_form(form, use_cases[what]):
        return redirect("controlled-lot", lot_id=lot_id)
    stock.refresh_from_db()
    return _lot_page(request, actor, stock, forms, status=422)


@login_required
@require_POST
def reverse_entry(request: HttpRequest, entry_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    entry = services.entry_for(actor, entry_id, Action.CONTROLLED_RECORD)
    form = ReverseForm(request.POST)
    if run_on_form(form, lambda: services.reverse(actor, entry_id, form.cleaned_data["reason"])):
        return redirect("controlled-lot", lot_id=entry.stock.public_id)
    entry.stock.refresh_from_db()
    return _lot_page(request, actor, entry.stock, _lot_forms(actor), 422, (entry, form))


CSV_COLUMNS = ["recorded_at", "product", "lot", "expiry", "kind", "change", "unit",
               "balance_after", "party", "reason", "session", "witness", "recorded_by",
               "reverses"]  # fmt: skip


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Every entry of the clinic, oldest first, for an inspector (21 CFR 1304.04: records
    kept and readily retrievable)."""
    actor = actor_from_request(request)
    rows = services.entries(actor).order_by("recorded_at", "id")
    record(actor, "read", "controlled_export", "", detail={"entries": rows.count()})
    writer = csv.writer(_Echo())

    def lines() -> Any:
        yield writer.writerow(CSV_COLUMNS)
        for e in rows.iterator(chunk_size=500):
            yield writer.writerow([
                e.recorded_at.isoformat(), e.stock.product, e.stock.lot, e.stock.expires_on,
                e.kind, e.change, e.stock.unit, e.balance_after, e.party, e.reason,
                e.session.public_id if e.session else "", e.witness.email if e.witness else "",
                e.recorded_by.email if e.recorded_by else "",
                e.reverses.public_id if e.reverses else "",
            ])  # fmt: skip

    response = StreamingHttpResponse(lines(), content_type="text/csv")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="controlled-substances-{stamp}.csv"'
    return response
