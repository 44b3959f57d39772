"""Controlled-substance use cases; pages and API share them. Each is one transaction with its
audit entry. Entries are never edited: a mistake is reversed by an entry of the opposite sign.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet

from ketacare.accounts import witness_login
from ketacare.accounts.actor import Actor
from ketacare.accounts.models import Membership, User
from ketacare.accounts.roles import Action, OutOfReach, Role, require
from ketacare.audit.services import record
from ketacare.clinical.routes import Route
from ketacare.controlled.models import UNITS, Entry, EntryKind, Product, StockCount, StockLot
from ketacare.patients.gate import get_for
from ketacare.sessions.models import DosingSession, SessionStatus

# Who may witness a waste: the clinical staff who handle the drug (21 CFR 1304.21 asks for a
# record of disposal; a second licensed witness is the usual practice rule of state boards).
WITNESS_ROLES = frozenset({Role.PRESCRIBER, Role.NURSE})


@dataclass(frozen=True)
class Receipt:
    product: str
    lot: str
    expires_on: date
    quantity: Decimal
    supplier: str


@dataclass(frozen=True)
class Withdrawal:
    """Waste, transfer out, or administration: an amount leaving one lot."""

    lot_id: Any
    quantity: Decimal
    reason: str = ""
    party: str = ""


@dataclass(frozen=True)
class Witness:
    email: str
    password: str


def lots(actor: Actor) -> QuerySet[StockLot]:
    require(actor, Action.CONTROLLED_VIEW)
    assert actor.clinic is not None
    return StockLot.objects.filter(clinic=actor.clinic)


def lot_for(actor: Actor, lot_id: Any, action: str = Action.CONTROLLED_VIEW) -> StockLot:
    """One lot of the actor's clinic: 404 first (another clinic's lot is not confirmed to
    exist, whatever the role), then 403 for a role that may not."""
    key = _uuid(lot_id)
    found = StockLot.objects.filter(clinic=actor.clinic, public_id=key).first() if key else None
    if found is None:
        raise OutOfReach("No such lot in this clinic.")
    require(actor, action)
    return found


def entry_for(actor: Actor, entry_id: Any, action: str = Action.CONTROLLED_VIEW) -> Entry:
    key = _uuid(entry_id)
    rows = Entry.objects.select_related("stock", "session").filter(clinic=actor.clinic)
    found = rows.filter(public_id=key).first() if key else None
    if found is None:
        raise OutOfReach("No such entry in this clinic.")
    require(actor, action)
    return found


def _uuid(value: Any) -> UUID | None:
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except ValueError:
        return None


def _amount(
    stock_unit: str, quantity: Any, field: str = "quantity", *, zero: bool = False
) -> Decimal:
    """A quantity as entered: a number above zero (or zero, for a count), in the lot's unit."""
    try:
        amount = Decimal(str(quantity).strip())
    except InvalidOperation as exc:
        raise ValidationError({field: "Enter a number."}) from exc
    if not amount.is_finite() or amount < 0 or (amount == 0 and not zero):
        raise ValidationError({field: "Enter an amount above zero."})
    if amount > Decimal("1000000"):
        raise ValidationError({field: "That amount is implausibly large."})
    if stock_unit == "device" and amount != amount.to_integral_value():
        raise ValidationError({field: "Esketamine is counted in whole devices."})
    if stock_unit == "tablet" and amount != amount.to_integral_value():
        raise ValidationError({field: "Tablets are counted whole."})
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValidationError({field: "At most two decimals."})
    return amount


def _post(
    actor: Actor, stock: StockLot, kind: str, change: Decimal, patient_id: str = "", **fields: Any
) -> Entry:
    """Move the balance and write the entry; refused (nothing written) below zero."""
    moved = StockLot.objects.filter(pk=stock.pk, balance__gte=-change).update(
        balance=F("balance") + change
    )
    stock.refresh_from_db(fields=["balance"])
    if not moved:
        raise ValidationError({"quantity": (
            f"Only {_plain(stock.balance)} {stock.unit} of {stock} on hand: this would leave "
            f"{_plain(stock.balance + change)}. Check the amount, or record the receipt first."
        )})  # fmt: skip
    entry = Entry.objects.create(
        clinic=stock.clinic, stock=stock, kind=kind, change=change,
        balance_after=stock.balance, recorded_by=actor.user, **fields,
    )  # fmt: skip
    patient = entry.session.patient.public_id if entry.session else patient_id
    record(actor, "create", "controlled_entry", entry.public_id, patient_id=patient,
           detail={"kind": kind, "lot": stock.lot, "change": str(change)})  # fmt: skip
    return entry


def _plain(amount: Decimal) -> str:
    return format(amount.normalize(), "f")  # 15.00 -> "15"


def _text(field: str, value: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationError({field: "This field is required."})
    return value


@transaction.atomic
def receive(actor: Actor, receipt: Receipt) -> Entry:
    require(actor, Action.CONTROLLED_RECORD)
    try:
        product = Product(receipt.product)
    except ValueError as exc:
        raise ValidationError({"product": "Choose ketamine or esketamine."}) from exc
    amount = _amount(UNITS[product], receipt.quantity)
    stock, created = StockLot.objects.get_or_create(
        clinic=actor.clinic, product=product, lot=_text("lot", receipt.lot),
        defaults={"expires_on": receipt.expires_on},
    )  # fmt: skip
    if not created and stock.expires_on != receipt.expires_on:
        raise ValidationError({"expires_on": (
            f"Lot {stock.lot} is on record with expiry {stock.expires_on}; check the label."
        )})  # fmt: skip
    return _post(actor, stock, EntryKind.RECEIPT, amount, party=_text("supplier", receipt.supplier))


def _check_witness(actor: Actor, witness: Witness) -> User:
    """A second member of this clinic's clinical staff, present and signing with their own
    password. The same answer for every failure, so it reveals no accounts."""
    refused = ValidationError({"witness_email": (
        "The witness must be another prescriber or nurse of this clinic, with their password."
    )})  # fmt: skip
    try:
        user = witness_login.verify(actor.user, witness.email, witness.password)
    except witness_login.TooManyWitnessAttempts as over:
        raise ValidationError({"witness_password": str(over)}) from over
    if user is None or user == actor.user:
        raise refused
    member = Membership.objects.filter(user=user, clinic=actor.clinic).first()
    if member is None or member.role not in WITNESS_ROLES:
        raise refused
    return user


@transaction.atomic
def waste(actor: Actor, out: Withdrawal, witness: Witness) -> Entry:
    stock = lot_for(actor, out.lot_id, Action.CONTROLLED_RECORD)
    seen_by = _check_witness(actor, witness)
    amount = _amount(stock.unit, out.quantity)
    return _post(actor, stock, EntryKind.WASTE, -amount, reason=_text("reason", out.reason),
                 witness=seen_by)  # fmt: skip


@transaction.atomic
def transfer(actor: Actor, out: Withdrawal, incoming: bool) -> Entry:
    """To or from another registrant (e.g. a sister clinic), with who and why."""
    stock = lot_for(actor, out.lot_id, Action.CONTROLLED_RECORD)
    amount = _amount(stock.unit, out.quantity)
    kind, change = (
        (EntryKind.TRANSFER_IN, amount) if incoming else (EntryKind.TRANSFER_OUT, -amount)
    )
    return _post(actor, stock, kind, change, party=_text("party", out.party),
                 reason=_text("reason", out.reason))  # fmt: skip


@transaction.atomic
def adjust(actor: Actor, lot_id: Any, change: Any, reason: str) -> Entry:
    """A correction with its reason (e.g. a broken vial found at the count); signed."""
    stock = lot_for(actor, lot_id, Action.CONTROLLED_RECORD)
    text = str(change).strip()
    amount = _amount(stock.unit, text.lstrip("+-"), "change")
    signed = -amount if text.startswith("-") else amount
    return _post(actor, stock, EntryKind.ADJUSTMENT, signed, reason=_text("reason", reason))


@transaction.atomic
def administer(actor: Actor, session_id: Any, out: Withdrawal) -> Entry:
    """Drug drawn for one dosing session (the session's read is the gate's audited read)."""
    session = get_for(actor, DosingSession, session_id, Action.SESSION_RUN)
    stock = lot_for(actor, out.lot_id, Action.CONTROLLED_RECORD)
    if stock.expired:
        raise ValidationError({"lot": f"{stock} expired on {stock.expires_on}: do not use it."})
    if session.route == Route.AT_HOME_SUBLINGUAL:
        raise ValidationError({"session": "At-home doses are dispensed by a pharmacy, "
                                          "not drawn from clinic stock."})  # fmt: skip
    expected = Product.ESKETAMINE if session.route == Route.ESKETAMINE_NASAL else Product.KETAMINE
    if stock.product != expected:
        raise ValidationError({"lot": f"This session is {session.get_route_display()}: "
                                      f"choose a {Product(expected).label} lot."})  # fmt: skip
    amount = _amount(stock.unit, out.quantity)
    return _post(actor, stock, EntryKind.ADMINISTRATION, -amount, session=session)


def ship(actor: Actor, lot_id: Any, tablets: Any, patient: Any, *, plan_version: int) -> Entry:
    """Tablets leaving stock for one patient's at-home plan (the caller's transaction and its
    gate read of the patient): the same never-negative balance as every withdrawal. The
    entry names the plan version the tablets are counted against."""
    stock = lot_for(actor, lot_id, Action.CONTROLLED_RECORD)
    if stock.product != Product.KETAMINE_TABLET:
        raise ValidationError({"lot_id": "Choose a lot of ketamine tablets."})
    if stock.expired:
        raise ValidationError({"lot_id": f"{stock} expired on {stock.expires_on}: do not use it."})
    amount = _amount(stock.unit, tablets, "tablets")
    return _post(actor, stock, EntryKind.SHIPMENT, -amount, patient_id=str(patient.public_id),
                 party=f"patient {patient.mrn}",
                 reason=f"at-home plan version {plan_version}")  # fmt: skip


@transaction.atomic
def reverse(actor: Actor, entry_id: Any, reason: str) -> Entry:
    original = entry_for(actor, entry_id, Action.CONTROLLED_RECORD)
    if original.kind == EntryKind.REVERSAL:
        raise ValidationError({"entry": "A reversal is not reversed: record a new entry."})
    if Entry.objects.filter(reverses=original).exists():
        raise ValidationError({"entry": "This entry was already reversed."})
    return _post(actor, original.stock, EntryKind.REVERSAL, -original.change,
                 reverses=original, session=original.session,
                 reason=_text("reason", reason))  # fmt: skip


@transaction.atomic
def count(actor: Actor, lot_id: Any, counted: Any, note: str) -> StockCount:
    """Record a count; a difference is reconciled by an adjustment that names the count
    (the note is required then, as the reason)."""
    stock = lot_for(actor, lot_id, Action.CONTROLLED_RECORD)
    on_shelf = _amount(stock.unit, counted, "counted", zero=True)
    stock = StockLot.objects.select_for_update().get(pk=stock.pk)
    saved = StockCount(clinic=stock.clinic, stock=stock, expected=stock.balance,
                       counted=on_shelf, note=note.strip(), counted_by=actor.user)  # fmt: skip
    difference = on_shelf - stock.balance
    if difference:
        reason = _text("note", note)
        saved.adjustment = _post(actor, stock, EntryKind.ADJUSTMENT, difference,
                                 reason=f"count discrepancy: {reason}")  # fmt: skip
    saved.save()
    detail = {"lot": stock.lot, "expected": str(saved.expected), "counted": str(on_shelf)}
    record(actor, "create", "controlled_count", saved.public_id, detail=detail)
    return saved


def entries(actor: Actor, stock: StockLot | None = None) -> QuerySet[Entry]:
    require(actor, Action.CONTROLLED_VIEW)
    rows = Entry.objects.filter(clinic=actor.clinic).select_related(
        "stock", "recorded_by", "witness", "session", "reverses"
    )
    return rows.filter(stock=stock) if stock is not None else rows


def discrepancies(actor: Actor) -> QuerySet[StockCount]:
    """Counts that did not match the log, newest first (for the clinic's day view)."""
    require(actor, Action.CONTROLLED_VIEW)
    return StockCount.objects.filter(clinic=actor.clinic, adjustment__isnull=False)


def sessions_to_supply(actor: Actor) -> list[tuple[str, str]]:
    """Sessions in progress in the clinic that can draw from stock, as form choices; showing
    the names is a read of those patients, audited as one list read."""
    rows = (
        DosingSession.objects.for_actor(actor, Action.SESSION_RUN)
        .filter(status=SessionStatus.IN_PROGRESS)
        .exclude(route=Route.AT_HOME_SUBLINGUAL)
        .select_related("patient")
        .order_by("started_at")
    )
    choices = [(str(s.public_id), f"{s.patient.full_name} · {s.get_route_display()} "
                f"{s.dose_mg:g} mg · {s.started_at:%H:%M}") for s in rows]  # fmt: skip
    if choices:
        record(actor, "read", "session_list", "", detail={"sessions": len(choices)})
    return choices
