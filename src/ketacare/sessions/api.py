"""Dosing-session endpoints, for a monitor or a tablet feeding vital signs: the same services,
pre-dose check, hard stops and gate as the pages. A refused start or discharge is a 422
naming the field (`override_reason`, `review_note`, `dose_mg`, ...) and the reason."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from ketacare.accounts.current import actor_from_request
from ketacare.api.errors import ERRORS
from ketacare.api.paging import Page, PageQuery, page
from ketacare.clinical import monitoring
from ketacare.clinical.alerts import AlertKind
from ketacare.clinical.routes import Route
from ketacare.sessions import observation, predose, run_sheet, services
from ketacare.sessions.models import DoseAdministration, SessionStatus
from ketacare.sessions.run_sheet_schemas import (
    AdverseEventOut,
    AmendmentOut,
    AssessmentOut,
    DoseOut,
    PlannedAssessmentOut,
)

router = Router()

if TYPE_CHECKING:  # mypy cannot read a Literal built at run time; pydantic (and the spec) can
    RouteCode = str
    Pregnancy = str
    DecisionCode = str
    StatusCode = str
    AlertKindCode = str
else:
    RouteCode = Literal[tuple(r.value for r in Route)]
    Pregnancy = Literal[tuple(p.value for p in monitoring.PregnancyStatus)]
    DecisionCode = Literal[tuple(d.value for d in monitoring.Decision)]
    StatusCode = Literal[tuple(SessionStatus.values)]
    AlertKindCode = Literal[tuple(k.value for k in AlertKind)]
CssrsRisk = Literal["none", "low", "moderate", "high"]
Note = Annotated[str, Field(max_length=500)]


class VitalsIn(Schema):
    """The page's ranges; the clinical core refuses the impossible (systolic <= diastolic)."""

    systolic_mmhg: int = Field(ge=40, le=300)
    diastolic_mmhg: int = Field(ge=20, le=200)
    heart_rate_bpm: int | None = Field(None, ge=20, le=250)
    spo2_percent: int | None = Field(None, ge=50, le=100)
    respiratory_rate_per_min: int | None = Field(None, ge=1, le=80)
    temperature_c: float | None = Field(None, ge=25, le=45)
    on_supplemental_oxygen: bool = False


class SessionStartIn(VitalsIn):
    route: RouteCode
    dose_mg_per_kg: float | None = Field(None, ge=0.01, le=10, description="Either this...")
    dose_mg: float | None = Field(None, ge=1, le=1000, description="...or this")
    infusion_minutes: int | None = Field(None, ge=1, le=240, description="IV only")
    pregnancy: Pregnancy = Field(description="Pregnancy or breastfeeding, as asked today")
    phq9_item9_today: int | None = Field(None, ge=0, le=3, description="Asked now")
    cssrs_risk_today: CssrsRisk | None = Field(None, description="Asked now")
    review_note: Note = Field("", description="Needed when the pre-dose check asks for review")
    override_reason: Note = Field(
        "", description="Prescriber only: passes a hard stop (no-go, a dose above the limit)"
    )

    def to_start(self) -> predose.SessionStart:
        if (self.dose_mg is None) == (self.dose_mg_per_kg is None):
            raise ValidationError({"dose_mg": "Give the dose either in mg/kg or in mg, not both."})
        if self.infusion_minutes and self.route != Route.IV_RACEMIC.value:
            raise ValidationError({"infusion_minutes": "An infusion time applies to IV only."})
        return predose.SessionStart.from_fields(self.model_dump())


class ReadingIn(VitalsIn):
    moaas: int | None = Field(None, ge=0, le=5, description="MOAA/S: 5 awake, 0 no response")
    taken_at_time: time | None = Field(
        None, description="Clinic time; default now. Never in the future or before the start."
    )


class DischargeIn(Schema):
    alert_and_oriented: bool = False
    escort_present: bool = False
    clinician_judges_stable: bool = False
    missing_checks_reason: str = Field(
        "", max_length=1000, description="Only when planned readings were not taken"
    )
    version: int | None = Field(None, ge=1, description="The session's version as read")


class AcknowledgeIn(Schema):
    reading: int = Field(description="The reading's id")
    note: str = Field(max_length=1000, description="What was done about the alert")


class VitalsOut(Schema):
    systolic_mmhg: int
    diastolic_mmhg: int
    heart_rate_bpm: int | None = None
    spo2_percent: int | None = None
    respiratory_rate_per_min: int | None = None
    temperature_c: float | None = None
    on_supplemental_oxygen: bool = False


class AlertOut(Schema):
    kind: AlertKindCode
    message: str
    source: str
    action: str = ""


class ReadingOut(VitalsOut):
    id: int
    taken_at: datetime
    moaas: int | None
    news2_score: int | None
    news2_missing: list[str]
    alerts: list[AlertOut]
    acknowledged: bool

    @staticmethod
    def resolve_acknowledged(obj: Any) -> bool:
        return getattr(obj, "acknowledgement", None) is not None


class FindingOut(Schema):
    decision: DecisionCode
    reason: str
    source: str


class OverrideOut(Schema):
    stop: str
    findings: str
    reason: str
    by: str


class SessionSummaryOut(Schema):
    id: UUID = Field(alias="public_id")
    patient_id: UUID = Field(alias="patient.public_id")
    route: RouteCode
    status: StatusCode
    weight_kg: Decimal
    dose_mg: float
    infusion_minutes: int | None
    dose_limit_mg: float
    dose_limit_source: str
    predose_vitals: VitalsOut
    predose_decision: DecisionCode
    predose_findings: list[FindingOut]
    overrides: list[OverrideOut]
    started_at: datetime
    discharged_at: datetime | None
    discharge_instructions: list[str]
    missed_checks: list[int]
    missed_checks_reason: str


class SessionOut(SessionSummaryOut):
    readings: list[ReadingOut]
    version: int = Field(description="Send it back with a save; a 409 says to reload")
    signed_at: datetime | None
    signed_by: str | None = Field(None, alias="signed_by.email")
    administration: DoseOut | None = None
    adverse_events: list[AdverseEventOut]
    assessments: list[AssessmentOut]
    assessments_due: list[PlannedAssessmentOut]
    amendments: list[AmendmentOut]
    next_reading_due_at: datetime | None = None
    next_reading_overdue: bool = False

    @staticmethod
    def resolve_readings(obj: Any) -> list[Any]:
        return list(obj.readings.select_related("acknowledgement"))

    @staticmethod
    def resolve_administration(obj: Any) -> Any:
        return DoseAdministration.objects.filter(session=obj).first()

    @staticmethod
    def resolve_adverse_events(obj: Any) -> list[Any]:
        return list(obj.adverse_events.all())

    @staticmethod
    def resolve_assessments(obj: Any) -> list[Any]:
        return list(obj.assessments.all())

    @staticmethod
    def resolve_assessments_due(obj: Any) -> list[Any]:
        return run_sheet.assessments_due(obj)

    @staticmethod
    def resolve_amendments(obj: Any) -> list[Any]:
        return list(obj.amendments.select_related("amended_by"))

    @staticmethod
    def resolve_next_reading_due_at(obj: Any) -> datetime | None:
        found = observation.next_reading(obj)
        return found[1] if found else None

    @staticmethod
    def resolve_next_reading_overdue(obj: Any) -> bool:
        found = observation.next_reading(obj)
        return bool(found and found[0].overdue)


class AcknowledgementOut(Schema):
    reading: int = Field(alias="reading_id")
    note: str
    acknowledged_at: datetime


class DischargeOut(Schema):
    discharged: bool = Field(alias="is_ready_for_discharge")
    instructions: list[str]
    notes: list[str]


def discharged_or_refused(readiness: monitoring.DischargeReadiness) -> Any:
    """Discharged, or a 422 listing every unmet criterion with its source (nothing changes)."""
    if not readiness.is_ready_for_discharge:
        raise ValidationError({"discharge": list(readiness.unmet)})
    return readiness


@router.get("/patients/{patient_id}/sessions", response={200: Page[SessionSummaryOut], **ERRORS})
def list_sessions(request: HttpRequest, patient_id: UUID, paging: Query[PageQuery]) -> Any:
    actor = actor_from_request(request)
    rows, count = services.session_page(actor, patient_id, paging.limit, paging.offset)
    return page(request, rows, count, paging)


@router.post("/patients/{patient_id}/sessions", response={201: SessionOut, **ERRORS})
def start_session(request: HttpRequest, patient_id: UUID, payload: SessionStartIn) -> Any:
    """The pre-dose check and the dose; a hard stop is a 422 unless passed as the page does."""
    start = payload.to_start()
    return Status(201, services.start_session(actor_from_request(request), patient_id, start))


@router.get("/sessions/{session_id}", response={200: SessionOut, **ERRORS})
def get_session(request: HttpRequest, session_id: UUID) -> Any:
    return services.view_session(actor_from_request(request), session_id)


@router.post("/sessions/{session_id}/readings", response={201: ReadingOut, **ERRORS})
def record_reading(request: HttpRequest, session_id: UUID, payload: ReadingIn) -> Any:
    """One reading; its in-session alerts (if any) are in `alerts`."""
    vitals = payload.model_dump(exclude={"moaas", "taken_at_time"})
    reading = services.record_vitals(
        actor_from_request(request), session_id, vitals, payload.moaas, payload.taken_at_time
    )
    return Status(201, reading)


@router.post("/sessions/{session_id}/acknowledge", response={200: AcknowledgementOut, **ERRORS})
def acknowledge_alerts(request: HttpRequest, session_id: UUID, payload: AcknowledgeIn) -> Any:
    actor = actor_from_request(request)
    return services.acknowledge_alerts(actor, session_id, payload.reading, payload.note)


@router.post("/sessions/{session_id}/discharge", response={200: DischargeOut, **ERRORS})
def discharge(request: HttpRequest, session_id: UUID, payload: DischargeIn) -> Any:
    """Discharged when every criterion is met; else a 422 listing each unmet one."""
    readiness = services.discharge(actor_from_request(request), session_id, **payload.model_dump())
    return discharged_or_refused(readiness)
