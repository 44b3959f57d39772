"""Eligibility-screening endpoints: the same clinical rules, services and gate as the pages;
the result per route is stored as shown, with each reason's source."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from ketacare.accounts.current import actor_from_request
from ketacare.api.errors import ERRORS
from ketacare.api.paging import Page, PageQuery, page
from ketacare.clinical.eligibility import (
    Diagnosis,
    EligibilityStatus,
    HepaticImpairment,
    History,
    Medicine,
    ScreeningInput,
)
from ketacare.clinical_input import vital_signs
from ketacare.screening import services

router = Router()

if TYPE_CHECKING:  # mypy cannot read a Literal built at run time; pydantic (and the spec) can
    DiagnosisCode = str
    HistoryCode = str
    HepaticCode = str
    MedicineCode = str
    StatusCode = str
else:
    DiagnosisCode = Literal[tuple(d.value for d in Diagnosis)]
    HistoryCode = Literal[tuple(h.value for h in History)]
    HepaticCode = Literal[tuple(h.value for h in HepaticImpairment)]
    MedicineCode = Literal[tuple(m.value for m in Medicine)]
    StatusCode = Literal[tuple(s.value for s in EligibilityStatus)]
CssrsRisk = Literal["none", "low", "moderate", "high"]


class ScreeningIn(Schema):
    """The page's fields and ranges."""

    diagnoses: list[DiagnosisCode] = Field(min_length=1, max_length=10)
    failed_adequate_antidepressant_trials: int = Field(ge=0, le=30)
    systolic_mmhg: int = Field(ge=50, le=300)
    diastolic_mmhg: int = Field(ge=20, le=200)
    heart_rate_bpm: int | None = Field(None, ge=20, le=250)
    spo2_percent: int | None = Field(None, ge=50, le=100)
    history: list[HistoryCode] = Field(default_factory=list, max_length=20)
    hepatic_impairment: HepaticCode = "none"
    medicines: list[MedicineCode] = Field(default_factory=list, max_length=20)
    benzodiazepine_diazepam_equivalent_mg: float | None = Field(None, ge=0, le=200)
    latest_cssrs_risk: CssrsRisk | None = None

    def to_input(self) -> ScreeningInput:
        return ScreeningInput(
            diagnoses=frozenset(Diagnosis(d) for d in self.diagnoses),
            failed_adequate_antidepressant_trials=self.failed_adequate_antidepressant_trials,
            vitals=vital_signs(self.model_dump()),
            history=frozenset(History(h) for h in self.history),
            hepatic_impairment=HepaticImpairment(self.hepatic_impairment),
            medicines=frozenset(Medicine(m) for m in self.medicines),
            latest_cssrs_risk=self.latest_cssrs_risk,
            benzodiazepine_diazepam_equivalent_mg=self.benzodiazepine_diazepam_equivalent_mg,
        )


class ReasonOut(Schema):
    status: StatusCode
    reason: str
    source: str


class RouteResultOut(Schema):
    label: str
    status: StatusCode
    reasons: list[ReasonOut]


class ScreeningOut(Schema):
    id: UUID = Field(alias="public_id")
    patient_id: UUID = Field(alias="patient.public_id")
    inputs: dict[str, Any] = Field(description="What was entered, as stored")
    results: dict[str, RouteResultOut] = Field(description="Per route code: the result")
    treatment_resistant: bool
    recorded_at: datetime


@router.get("/patients/{patient_id}/screenings", response={200: Page[ScreeningOut], **ERRORS})
def list_screenings(request: HttpRequest, patient_id: UUID, paging: Query[PageQuery]) -> Any:
    actor = actor_from_request(request)
    rows, count = services.screening_page(actor, patient_id, paging.limit, paging.offset)
    return page(request, rows, count, paging)


@router.post("/patients/{patient_id}/screenings", response={201: ScreeningOut, **ERRORS})
def record_screening(request: HttpRequest, patient_id: UUID, payload: ScreeningIn) -> Any:
    actor = actor_from_request(request)
    return Status(201, services.record_screening(actor, patient_id, payload.to_input()))


@router.get("/screenings/{screening_id}", response={200: ScreeningOut, **ERRORS})
def get_screening(request: HttpRequest, screening_id: UUID) -> Any:
    return services.view_screening(actor_from_request(request), screening_id)
