"""Rating-scale endpoints: the same services and gate as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from ketacare.accounts.current import actor_from_request
from ketacare.api.errors import ERRORS
from ketacare.clinical.instruments import INSTRUMENTS
from ketacare.measures import services

router = Router()

InstrumentKey = Literal[tuple(INSTRUMENTS)]  # type: ignore[valid-type]
Answer = Annotated[int, Field(ge=0, le=6, strict=True)]


class ScaleIn(Schema):
    instrument: InstrumentKey
    answers: list[Answer | None] = Field(
        max_length=40, description="Integers in item order; null for a C-SSRS question skipped"
    )
    taken_at: datetime | None = Field(None, description="When answered; default now")


class ScaleOut(Schema):
    id: UUID = Field(alias="public_id")
    instrument: str
    answers: list[int | None]
    total: int
    severity: str
    risk: str
    flags: list[str]
    taken_at: datetime
    self_reported: bool


class AlertOut(Schema):
    id: UUID = Field(alias="public_id")
    kind: str
    reason: str
    raised_at: datetime
    acknowledged_at: datetime | None
    acknowledgement_note: str


class AcknowledgeIn(Schema):
    note: Annotated[str, Field(min_length=1, max_length=2000)]


@router.get("/patients/{patient_id}/scales", response={200: list[ScaleOut], **ERRORS})
def list_scales(request: HttpRequest, patient_id: UUID) -> Any:
    return services.scale_history(actor_from_request(request), patient_id)


@router.post("/patients/{patient_id}/scales", response={201: ScaleOut, **ERRORS})
def record_scale(request: HttpRequest, patient_id: UUID, payload: ScaleIn) -> Any:
    actor = actor_from_request(request)
    response = services.record_scale(
        actor, patient_id, payload.instrument, payload.answers, payload.taken_at
    )
    return Status(201, response)


@router.post("/alerts/{alert_id}/acknowledge", response={200: AlertOut, **ERRORS})
def acknowledge_alert(request: HttpRequest, alert_id: UUID, payload: AcknowledgeIn) -> Any:
    return services.acknowledge_alert(actor_from_request(request), alert_id, payload.note)
