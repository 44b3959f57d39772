"""Controlled-substance endpoints over the same services as the pages (so a dispensing
cabinet or a tablet can post receipts, draws and counts)."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from ketacare.accounts.current import actor_from_request
from ketacare.api.errors import ERRORS
from ketacare.api.paging import Page, PageQuery, page
from ketacare.controlled import services
from ketacare.controlled.administration import administer_dose
from ketacare.controlled.models import EntryKind, Product
from ketacare.sessions.dose import DoseGiven
from ketacare.sessions.run_sheet_schemas import DoseOut

router = Router()

if TYPE_CHECKING:  # mypy cannot read a Literal built at run time; pydantic (and the spec) can
    ProductCode = str
    KindCode = str
else:
    ProductCode = Literal[tuple(Product.values)]
    KindCode = Literal[tuple(EntryKind.values)]
Amount = Decimal  # validated by the service: above zero, whole devices, two decimals


class LotOut(Schema):
    id: UUID = Field(alias="public_id")
    product: ProductCode
    lot: str
    expires_on: date
    balance: Decimal
    unit: str


class EntryOut(Schema):
    id: UUID = Field(alias="public_id")
    lot_id: UUID = Field(alias="stock.public_id")
    kind: KindCode
    change: Decimal
    balance_after: Decimal
    party: str
    reason: str
    session_id: UUID | None = Field(None, alias="session.public_id")
    witness: str | None = Field(None, alias="witness.email")
    reverses_id: UUID | None = Field(None, alias="reverses.public_id")
    recorded_at: datetime


class ReceiptIn(Schema):
    product: ProductCode
    lot: str = Field(min_length=1, max_length=60)
    expires_on: date
    quantity: Amount
    supplier: str = Field(min_length=1, max_length=200)


class WasteIn(Schema):
    quantity: Amount
    reason: str = Field(min_length=1, max_length=300)
    witness_email: str = Field(min_length=3, max_length=254)
    witness_password: str = Field(min_length=1, max_length=200)


class TransferIn(Schema):
    direction: Literal["in", "out"]
    quantity: Amount
    party: str = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=1, max_length=300)


class AdjustmentIn(Schema):
    change: Decimal = Field(description="Signed: +5 adds, -2 removes")
    reason: str = Field(min_length=1, max_length=300)


class CountIn(Schema):
    counted: Decimal = Field(ge=0)
    note: str = Field("", max_length=300)


class CountOut(Schema):
    id: UUID = Field(alias="public_id")
    expected: Decimal
    counted: Decimal
    note: str
    adjustment_id: UUID | None = Field(None, alias="adjustment.public_id")


class AdministrationIn(Schema):
    lot_id: UUID
    quantity: Amount


class ReverseIn(Schema):
    reason: str = Field(min_length=1, max_length=300)


@router.get("/controlled/lots", response={200: Page[LotOut], **ERRORS})
def list_lots(request: HttpRequest, paging: Query[PageQuery]) -> Any:
    rows = services.lots(actor_from_request(request))
    return page(request, list(rows[paging.offset : paging.offset + paging.limit]), rows.count(),
                paging)  # fmt: skip


@router.get("/controlled/lots/{lot_id}/entries", response={200: Page[EntryOut], **ERRORS})
def list_entries(request: HttpRequest, lot_id: UUID, paging: Query[PageQuery]) -> Any:
    actor = actor_from_request(request)
    rows = services.entries(actor, services.lot_for(actor, lot_id))
    return page(request, list(rows[paging.offset : paging.offset + paging.limit]), rows.count(),
                paging)  # fmt: skip


@router.post("/controlled/receipts", response={201: EntryOut, **ERRORS})
def receive(request: HttpRequest, payload: ReceiptIn) -> Any:
    receipt = services.Receipt(payload.product, payload.lot, payload.expires_on,
                               payload.quantity, payload.supplier)  # fmt: skip
    return Status(201, services.receive(actor_from_request(request), receipt))


@router.post("/controlled/lots/{lot_id}/waste", response={201: EntryOut, **ERRORS})
def waste(request: HttpRequest, lot_id: UUID, payload: WasteIn) -> Any:
    out = services.Withdrawal(lot_id, payload.quantity, payload.reason)
    witness = services.Witness(payload.witness_email, payload.witness_password)
    return Status(201, services.waste(actor_from_request(request), out, witness))


@router.post("/controlled/lots/{lot_id}/transfers", response={201: EntryOut, **ERRORS})
def transfer(request: HttpRequest, lot_id: UUID, payload: TransferIn) -> Any:
    out = services.Withdrawal(lot_id, payload.quantity, payload.reason, payload.party)
    entry = services.transfer(actor_from_request(request), out, payload.direction == "in")
    return Status(201, entry)


@router.post("/controlled/lots/{lot_id}/adjustments", response={201: EntryOut, **ERRORS})
def adjust(request: HttpRequest, lot_id: UUID, payload: AdjustmentIn) -> Any:
    change = f"{payload.change:+}"
    return Status(201, services.adjust(actor_from_request(request), lot_id, change,
                                       payload.reason))  # fmt: skip


@router.post("/controlled/lots/{lot_id}/counts", response={201: CountOut, **ERRORS})
def count(request: HttpRequest, lot_id: UUID, payload: CountIn) -> Any:
    actor = actor_from_request(request)
    return Status(201, services.count(actor, lot_id, payload.counted, payload.note))


@router.post("/sessions/{session_id}/administrations", response={201: EntryOut, **ERRORS})
def administer(request: HttpRequest, session_id: UUID, payload: AdministrationIn) -> Any:
    out = services.Withdrawal(payload.lot_id, payload.quantity)
    return Status(201, services.administer(actor_from_request(request), session_id, out))


@router.post("/controlled/entries/{entry_id}/reverse", response={201: EntryOut, **ERRORS})
def reverse(request: HttpRequest, entry_id: UUID, payload: ReverseIn) -> Any:
    return Status(201, services.reverse(actor_from_request(request), entry_id, payload.reason))


class DoseIn(Schema):
    """The dose as given. Where the clinic keeps lots of the product, `lot_id` picks one (its
    number and expiry come from the log); otherwise `lot_number` and `lot_expires_on`."""

    product: ProductCode
    route: str = Field(max_length=20, description="The session's route")
    dose_mg: float = Field(gt=0, le=1000)
    started_at_time: time = Field(description="Clinic time, HH:MM")
    stopped_at_time: time
    device_times: list[time] = Field(
        default_factory=list, max_length=3, description="Esketamine: each 28 mg device (S3)"
    )
    lot_id: UUID | None = None
    lot_number: str = Field("", max_length=60)
    lot_expires_on: date | None = None
    note: str = Field("", max_length=500)
    version: int = Field(ge=1, description="The session's version as read; 409: reload")


@router.post("/sessions/{session_id}/dose", response={201: DoseOut, **ERRORS})
def record_dose(request: HttpRequest, session_id: UUID, payload: DoseIn) -> Any:
    """The dose and, where the clinic keeps lots, its log entry: both or neither."""
    given = DoseGiven(
        product=payload.product, route=payload.route, dose_mg=payload.dose_mg,
        started=payload.started_at_time, stopped=payload.stopped_at_time,
        device_times=tuple(payload.device_times), note=payload.note,
    )  # fmt: skip
    dose = administer_dose(
        actor_from_request(request), session_id, given, lot_id=payload.lot_id,
        lot_number=payload.lot_number, lot_expires_on=payload.lot_expires_on,
        version=payload.version,
    )  # fmt: skip
    return Status(201, dose)
