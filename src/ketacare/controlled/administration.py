"""Recording a session's dose and its controlled-substance log entry: one use case, one
transaction, so there is never a dose without its log entry nor an entry without its dose.

Where the clinic keeps lots of the product in the log, the lot is chosen from them (its
number and expiry come from the log; an expired lot or a balance too small is refused);
a clinic that keeps no lots of it types the lot number and expiry from the label."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action, require
from ketacare.controlled.models import Product, StockLot
from ketacare.controlled.services import Withdrawal, _uuid, administer
from ketacare.sessions.dose import DoseGiven, product_for, record_dose, session_for_dose
from ketacare.sessions.models import DoseAdministration


def lots_for(actor: Actor, product: str) -> list[StockLot]:
    """The clinic's lots of a product that may be used today, soonest expiry first."""
    return list(
        StockLot.objects.filter(
            clinic=actor.clinic, product=product, expires_on__gte=timezone.localdate()
        ).order_by("expires_on", "lot")
    )


def _stock(actor: Actor, product: str, lot_id: Any) -> StockLot | None:
    kept = StockLot.objects.filter(clinic=actor.clinic, product=product)
    if not kept.exists():
        return None
    key = _uuid(lot_id) if lot_id else None
    stock = kept.filter(public_id=key).first() if key else None
    if stock is None:
        raise ValidationError({"lot": "Choose the lot from the clinic's controlled-substance log."})
    if stock.expired:
        raise ValidationError({"lot": f"{stock} expired on {stock.expires_on}: do not use it."})
    return stock


@transaction.atomic
def administer_dose(
    actor: Actor,
    session_id: Any,
    given: DoseGiven,
    *,
    lot_id: Any = None,
    lot_number: str = "",
    lot_expires_on: date | None = None,
    version: int | None,
) -> DoseAdministration:
    session = session_for_dose(actor, session_id)
    product = product_for(session.route)
    stock = None
    if (
        session.route_enum.is_supervised_in_clinic
    ):  # at-home doses come from a pharmacy, not clinic stock
        require(actor, Action.CONTROLLED_RECORD)
        stock = _stock(actor, product, lot_id)
    if stock is not None:
        lot_number, lot_expires_on = stock.lot, stock.expires_on
    dose = record_dose(actor, session, given, lot_number, lot_expires_on, version)
    if stock is not None:
        quantity = Decimal(dose.device_count or 0) if product == Product.ESKETAMINE else None
        amount = quantity if quantity else Decimal(str(given.dose_mg))
        administer(actor, session.public_id, Withdrawal(stock.public_id, amount))
    return dose
