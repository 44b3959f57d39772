"""JSON shapes of the run sheet's parts, shared by the session's own answer and the routes
that record them."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

from ninja import Field, Schema

from ketacare.sessions.models import Severity

if TYPE_CHECKING:
    SeverityCode = str
else:
    SeverityCode = Literal[tuple(Severity.values)]


class DeviceOut(Schema):
    number: int
    given_at: datetime


class DoseOut(Schema):
    product: Literal["ketamine", "esketamine"]
    route: str
    dose_mg: float
    lot_number: str
    lot_expires_on: date
    device_count: int | None
    devices: list[DeviceOut]
    started_at: datetime
    stopped_at: datetime
    deviations: list[str]
    note: str
    recorded_by: str | None = Field(None, alias="recorded_by.email")

    @staticmethod
    def resolve_devices(obj: Any) -> list[Any]:
        return list(obj.devices.all())


class AdverseEventOut(Schema):
    id: int
    observed_at: datetime
    description: str
    severity: SeverityCode
    serious: bool
    action_taken: str


class AssessmentOut(Schema):
    id: int
    kind: Literal["sedation", "dissociation"]
    score: int
    taken_at: datetime
    minute: int


class PlannedAssessmentOut(Schema):
    minute: int
    kind: Literal["sedation", "dissociation"]
    reason: str
    source: str


class AmendmentOut(Schema):
    id: int
    section: str
    target_id: str
    original: dict[str, Any]
    correction: str
    reason: str
    amended_by: str | None = Field(None, alias="amended_by.email")
    amended_at: datetime
