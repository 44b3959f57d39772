"""Rating-scale endpoints: the same services and gate as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from ketacare.accounts.current import actor_from_request
from ketacare.api.errors import ERRORS
from ketacare.api.paging import Page, PageQuery, page
from ketacare.clinical.instruments import INSTRUMENTS
from ketacare.measures import services

router = Router()

SEVERITIES = sorted({b.label for s in INSTRUMENTS.values() for b in getattr(s, "bands", ())})
if TYPE_CHECKING:  # mypy cannot read a Literal built at run time; pydantic (and the spec) can
    InstrumentKey = str
    Severity = str
else:
    InstrumentKey = Literal[tuple(INSTRUMENTS)]
    Severity = Literal[tuple(SEVERITIES)]
Answer = Annotated[int, Field(ge=0, le=6, strict=True)]


class ScaleIn(Schema):
    instrument: InstrumentKey
    answers: list[Answer | None] = Field(
        max_length=40, description="Integers in item order; null for a C-SSRS question skipped"
    )
    taken_at: datetime | None = Field(
        None,
        description="When answered; default now. More than 15 minutes earlier is backdating: "
        "staff only, with backdate_reason; a patient's entry is dated when sent.",
    )
    backdate_reason: str = Field("", max_length=300, description="Why taken_at is earlier")


class ScaleOut(Schema):
    id: UUID = Field(alias="public_id")
    instrument: InstrumentKey
    answers: list[int | None]
    total: int
    severity: Severity | None = Field(description="null for scales without sourced bands")
    risk: str
    flags: list[str]
    taken_at: datetime
    backdate_reason: str
    self_reported: bool

    @staticmethod
    def resolve_severity(obj: Any) -> str | None:
        return obj.severity or None


class AlertOut(Schema):
    id: UUID = Field(alias="public_id")
    kind: str
    reason: str
    raised_at: datetime
    acknowledged_at: datetime | None
    acknowledgement_note: str


class AcknowledgeIn(Schema):
    note: Annotated[str, Field(min_length=1, max_length=2000)]


@router.get("/patients/{patient_id}/scales", response={200: Page[ScaleOut], **ERRORS})
def list_scales(request: HttpRequest, patient_id: UUID, paging: Query[PageQuery]) -> Any:
    actor = actor_from_request(request)
    rows, count = services.scale_page(actor, patient_id, paging.limit, paging.offset)
    return page(request, rows, count, paging)


@router.get("/patients/{patient_id}/alerts", response={200: Page[AlertOut], **ERRORS})
def list_alerts(request: HttpRequest, patient_id: UUID, paging: Query[PageQuery]) -> Any:
    """Safety alerts, newest first, acknowledged or not (the care team's)."""
    actor = actor_from_request(request)
    rows, count = services.alert_page(actor, patient_id, paging.limit, paging.offset)
    return page(request, rows, count, paging)


@router.post("/patients/{patient_id}/scales", response={201: ScaleOut, **ERRORS})
def record_scale(request: HttpRequest, patient_id: UUID, payload: ScaleIn) -> Any:
    actor = actor_from_request(request)
    response = services.record_scale(
        actor, patient_id, payload.instrument, payload.answers, taken_at=payload.taken_at,
        backdate_reason=payload.backdate_reason,
    )  # fmt: skip
    return Status(201, response)


@router.post("/alerts/{alert_id}/acknowledge", response={200: AlertOut, **ERRORS})
def acknowledge_alert(request: HttpRequest, alert_id: UUID, payload: AcknowledgeIn) -> Any:
    return services.acknowledge_alert(actor_from_request(request), alert_id, payload.note)
